"""Wagtail admin registrations of the forums app (one module per feature)."""

from forums import qa_admin  # noqa: F401
