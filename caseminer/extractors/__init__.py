"""spaCy components of the extraction pipeline, one module per component (scispaCy's layout)."""
