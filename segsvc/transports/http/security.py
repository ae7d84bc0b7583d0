"""The HTTP side of :mod:`segsvc.security`: gateway headers, CORS and response hardening.

Called from the one middleware (``request_context``) rather than added as more middlewares, so that an
open route costs no more than before: a policy lookup that answers ``public``, and a few header
assignments on the way out. Authentication itself is :meth:`segsvc.security.Security.authorize`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from segsvc.security.forwarded import Forwarded, forwarded
from segsvc.security.guard import Security

# The gateway's view of the request, kept on the request: a typed key where aiohttp has them (RequestKey is
# newer than our aiohttp floor, 3.9), a plain string key before that.
FORWARDED: Any = web.RequestKey("forwarded", Forwarded) if hasattr(web, "RequestKey") else "segsvc.forwarded"

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# /docs renders the OpenAPI document with an inline script and style and fetches it from this origin.
DOCS_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
            "frame-ancestors 'none'")
HSTS = "max-age=31536000"


def apply_forwarded(request: web.Request, security: Security) -> web.Request:
    """The request as the trusted gateway saw it (client address, scheme, host), else ``request`` itself."""
    seen = forwarded(request.headers, request.remote, security.proxies)
    if seen is None:
        return request
    changes: dict[str, str] = {}
    if seen.remote:
        changes["remote"] = seen.remote
    if seen.scheme:
        changes["scheme"] = seen.scheme
    if seen.host:
        changes["host"] = seen.host
    clone = request.clone(**changes) if changes else request  # type: ignore[arg-type]
    clone[FORWARDED] = seen
    return clone


def external_base(request: web.Request) -> str:
    """Where clients reach this API: ``scheme://host/prefix`` behind a trusted gateway, else ``/``."""
    seen: Forwarded | None = request.get(FORWARDED)
    if seen is None:
        return "/"
    if seen.host:
        return f"{seen.scheme or request.scheme}://{seen.host}{seen.prefix}"
    return seen.prefix or "/"


def preflight(request: web.Request, security: Security) -> web.Response | None:
    """The answer to a CORS preflight from an allowed origin; None when this is not one (or not allowed)."""
    cors = security.cors
    origin = request.headers.get("Origin")
    if cors is None or origin is None or "Access-Control-Request-Method" not in request.headers:
        return None
    if not cors.allows(origin):
        return None
    headers = {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": cors.methods,
               "Access-Control-Allow-Headers": cors.headers, "Access-Control-Max-Age": cors.max_age,
               "Vary": "Origin"}
    if cors.credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    return web.Response(status=204, headers=headers)


def harden(request: web.Request, response: web.StreamResponse, security: Security) -> None:
    """Security headers, CORS response headers and the gateway prefix on ``Location``.

    A response already sent keeps the headers it went out with, so a stream (Server-Sent Events) calls this
    itself before it starts.
    """
    if response.prepared:
        return
    headers = response.headers
    headers.update(SECURITY_HEADERS)
    if request.path == "/docs":
        headers["Content-Security-Policy"] = DOCS_CSP
    if request.secure:
        headers["Strict-Transport-Security"] = HSTS
    if "Authorization" in request.headers and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    cors = security.cors
    if cors is not None:
        origin = request.headers.get("Origin")
        if origin is not None and cors.allows(origin):
            headers["Access-Control-Allow-Origin"] = origin
            headers.add("Vary", "Origin")
            if cors.expose:
                headers["Access-Control-Expose-Headers"] = cors.expose
            if cors.credentials:
                headers["Access-Control-Allow-Credentials"] = "true"
    seen: Forwarded | None = request.get(FORWARDED)
    if seen is not None and seen.prefix:
        location = headers.get("Location")
        if location is not None and location.startswith("/") and not location.startswith(seen.prefix + "/"):
            headers["Location"] = seen.prefix + location
