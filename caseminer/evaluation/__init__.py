"""Extraction measured against gold: the project's own SCHEMA.md gold (`gold`), and more to come."""
