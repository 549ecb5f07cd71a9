"""Models for the events app arrive with its issue (see ../shared/DESIGN.md)."""
