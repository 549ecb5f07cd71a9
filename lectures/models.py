"""Models for the lectures app arrive with its issue (see ../shared/DESIGN.md)."""
