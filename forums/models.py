"""Models for the forums app arrive with its issue (see ../shared/DESIGN.md)."""
