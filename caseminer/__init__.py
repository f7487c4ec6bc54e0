"""caseminer: turn the published case-report literature of a rare disease into a patient registry."""

__version__ = "0.1.0"
