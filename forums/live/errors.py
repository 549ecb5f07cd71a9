"""Domain errors of the live features: what a service refuses, and why.

Services raise :class:`ServiceError` with a stable code (part of the websocket protocol
too) and a message for the person. Consumers turn it into an ``error`` frame, views into
a message on the page, admin screens into an admin message: the service knows nothing of
the transport.
"""

# --- Stable error codes (clients and tests rely on them) --------------------------------
MALFORMED = "malformed"  # not JSON, or not a JSON object
TOO_LARGE = "too_large"  # the frame itself is larger than the protocol's limit
UNKNOWN_TYPE = "unknown_type"  # no such frame type on this endpoint
INVALID = "invalid"  # a field is missing, of the wrong type or out of range
FORBIDDEN = "forbidden"  # the account may not do this (e.g. not a moderator)
LOGIN_REQUIRED = "login_required"  # visitors can watch; acting needs an account
RATE_LIMITED = "rate_limited"  # too many actions; ``retry_after`` seconds says when
NOT_FOUND = "not_found"  # the question / message / member does not exist here
CONFLICT = "conflict"  # the action does not fit the current state (e.g. session closed)
BLOCKED = "blocked"  # refused by word screening; ``message`` gives the reason
SERVER_ERROR = "server_error"  # our fault; nothing was changed
UNAVAILABLE = "unavailable"  # live updates are unavailable (the channel layer is down)


class ServiceError(Exception):
    """An action a service refuses. Nothing was changed."""

    def __init__(self, code, message, *, client_ref=None, fields=None, retry_after=None):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.client_ref = client_ref
        self.fields = fields
        self.retry_after = retry_after
