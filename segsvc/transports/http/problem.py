"""RFC 9457 ``application/problem+json`` responses for the HTTP transport."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from segsvc.observability.logging import request_id_var
from segsvc.service.errors import ServiceError, problem_body

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(request: web.Request, status: int, code: str, title: str, detail: str, *,
                     errors: list[dict[str, Any]] | None = None,
                     headers: Mapping[str, str] | None = None) -> web.Response:
    body = problem_body(status, code, title, detail, instance=request.path_qs, request_id=request_id_var.get())
    if errors:
        body["errors"] = errors
    return _render(body, status, headers)


def error_response(request: web.Request, exc: ServiceError) -> web.Response:
    body = exc.problem(instance=request.path_qs, request_id=request_id_var.get())
    return _render(body, exc.status, getattr(exc, "headers", None))  # security errors: WWW-Authenticate, Retry-After


def _render(body: dict[str, Any], status: int, headers: Mapping[str, str] | None) -> web.Response:
    return web.Response(status=status, body=json.dumps(body, ensure_ascii=False).encode(),
                        content_type=PROBLEM_CONTENT_TYPE, charset="utf-8", headers=headers)


HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 408: "request_timeout", 413: "payload_too_large",
              415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_requests",
              500: "internal_error", 503: "unavailable"}


def from_http_exception(request: web.Request, exc: web.HTTPException) -> web.Response:
    """aiohttp's own errors (unknown route, wrong method, oversize) as problems, keeping their headers."""
    status = exc.status
    headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "retry-after", "www-authenticate")}
    if status == 404:
        detail = f"no route for {request.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.path}; allowed: {headers.get('Allow', '')}"
    else:
        detail = exc.text or exc.reason
    return problem_response(request, status, HTTP_CODES.get(status, "http_error"), exc.reason, detail,
                            headers=headers)
