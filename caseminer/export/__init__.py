"""Exports of the registry: CSV and Parquet of the analyst views, GA4GH Phenopackets v2."""

from caseminer.export.phenopackets import build_phenopacket, export_phenopackets
from caseminer.export.tables import export_csv, export_parquet

__all__ = ["build_phenopacket", "export_csv", "export_parquet", "export_phenopackets"]
