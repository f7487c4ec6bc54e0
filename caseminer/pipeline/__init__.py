"""Stage orchestration as plain functions; the Prefect flows in caseminer.flows only call these."""
