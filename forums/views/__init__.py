"""Thin HTTP views of the forums app, one module per feature (qa, rooms)."""
