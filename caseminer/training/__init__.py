"""Training of the statistical models that ship with caseminer (`caseminer train ...`)."""
