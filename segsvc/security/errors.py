"""Security failures as service errors, so that both transports say the same thing about a refused request.

HTTP renders them as problems with their ``headers`` (``WWW-Authenticate``, ``Retry-After``); gRPC maps the
status: 401 → UNAUTHENTICATED, 403 → PERMISSION_DENIED, 429 → RESOURCE_EXHAUSTED. The ``detail`` says what
is wrong with a token but never repeats the token, a claim's value or a key.
"""

from __future__ import annotations

from segsvc.service.errors import ServiceError

REALM = "segsvc"


def _quoted(text: str) -> str:
    """An RFC 9110 quoted-string: the detail may not break out of the header parameter."""
    return '"' + text.replace("\\", "\\\\").replace('"', "'") + '"'


class Unauthenticated(ServiceError):
    """No usable bearer token (missing) or a token that fails verification (``error="invalid_token"``)."""

    status = 401
    code = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str, *, reason: str, error: str | None = "invalid_token") -> None:
        super().__init__(detail)
        self.reason = reason  # a short stable word for metrics and logs: expired, bad_signature, ...
        challenge = f"Bearer realm={_quoted(REALM)}"
        if error is not None:  # RFC 6750 §3.1: a request without credentials gets no error code
            challenge += f", error={_quoted(error)}, error_description={_quoted(detail)}"
        self.headers = {"WWW-Authenticate": challenge}


class Forbidden(ServiceError):
    """A verified caller without the permission the route needs."""

    status = 403
    code = "forbidden"
    title = "Permission denied"
    reason = "missing_permission"

    def __init__(self, permission: str) -> None:
        super().__init__(f"this operation needs the {permission!r} permission, which the token does not grant")
        self.permission = permission
        self.headers = {"WWW-Authenticate": f"Bearer realm={_quoted(REALM)}, error=\"insufficient_scope\", "
                                            f"scope={_quoted(permission)}"}


class RateLimited(ServiceError):
    """A subject over its request rate; ``retry_after`` is whole seconds until a request fits again."""

    status = 429
    code = "too_many_requests"
    title = "Too many requests"
    reason = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"request rate over this caller's limit; retry after {retry_after} s")
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


SecurityError = Unauthenticated | Forbidden | RateLimited
