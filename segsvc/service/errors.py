"""Errors of the service layer, independent of any transport.

Each carries a stable ``code`` and an HTTP-like ``status``; the HTTP transport renders them as RFC 9457
problems and the gRPC transport maps them to status codes, so both say the same thing about a request.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError


class ServiceError(Exception):
    status = 500
    code = "internal_error"
    title = "Internal error"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    def problem(self, **extra: Any) -> dict[str, Any]:
        """This error as an RFC 9457 problem body; transports add ``instance`` and ``request_id``."""
        body = problem_body(self.status, self.code, self.title, self.detail, **extra)
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_body(status: int, code: str, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """The one builder of RFC 9457 problem objects (HTTP responses, batch items, job failures)."""
    return {"type": f"urn:alt-las:segsvc:problem:{code}", "title": title, "status": status, "detail": detail,
            "code": code, **extra}


class InvalidRequest(ServiceError):
    status = 422
    code = "validation_failed"
    title = "Request validation failed"

    @classmethod
    def from_validation(cls, exc: ValidationError, prefix: str = "") -> InvalidRequest:
        errors = []
        for err in exc.errors(include_url=False, include_input=False):
            field = ".".join(str(p) for p in err["loc"])
            errors.append({"field": prefix + field if field else prefix.rstrip(".") or "body",
                           "message": err["msg"]})
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return cls(detail, errors=errors)


class NotFound(ServiceError):
    status = 404
    code = "not_found"
    title = "Not found"


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
    title = "Service unavailable"
