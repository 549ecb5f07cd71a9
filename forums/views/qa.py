"""Placeholder until the feature lands."""

urlpatterns = []
