"""Signals the core sends for feature apps to act on (the core imports no feature app)."""

from django.dispatch import Signal

# A display name was refused for crisis language. Arguments: ``account`` (the user, or
# None during a sign-up that has no account yet) and ``where`` (the form it came from).
crisis_in_display_name = Signal()
