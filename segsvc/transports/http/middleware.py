"""The one HTTP middleware: request id, trace context, security, errors as problems, metrics, access log.

Kept as a single function because it runs on every request: each extra middleware layer costs a
coroutine frame and a closure on the hot path. Security is a step inside it: gateway headers only when
trusted proxies are configured, and for routes the policy leaves ``public`` no token work at all.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import context, trace
from opentelemetry.trace import SpanKind

from segsvc.observability.logging import request_id_var, trace_id_var
from segsvc.observability.metrics import Metrics
from segsvc.observability.tracing import format_trace_id, propagator, tracer, tracing_active
from segsvc.security.policy import PUBLIC
from segsvc.security.principal import principal_var
from segsvc.service.errors import ServiceError
from segsvc.transports.http.keys import CONFIG, METRICS, SECURITY
from segsvc.transports.http.problem import error_response, from_http_exception, problem_response
from segsvc.transports.http.security import apply_forwarded, harden, preflight

log = logging.getLogger("segsvc.access")
_VALID_REQUEST_ID = re.compile(r"^[\w.:@/+=-]{1,128}$")


def _route_name(request: web.Request) -> str:
    info = request.match_info
    if info.http_exception is not None:
        return "unmatched"
    resource = info.route.resource
    return resource.canonical if resource is not None else "unmatched"


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID")
    request_id = incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
    rid_token = request_id_var.set(request_id)
    route = _route_name(request)
    security = request.app[SECURITY]
    if security.proxies:
        request = apply_forwarded(request, security)
    principal_token = None
    metrics: Metrics = request.app[METRICS]
    metrics.http_in_flight.inc()
    parent = propagator.extract(request.headers) if "traceparent" in request.headers else None
    if tracing_active():
        span_cm = tracer().start_as_current_span(f"{request.method} {route}", context=parent, kind=SpanKind.SERVER)
        span = span_cm.__enter__()
        ctx_token = None
    else:  # no pipeline: no span to build, but the caller's context still flows into logs and outbound calls
        span_cm = None
        ctx_token = context.attach(parent) if parent is not None else None
        span = trace.get_current_span()
    tid_token = trace_id_var.set(format_trace_id(span))
    try:
        try:
            need = PUBLIC if not security.active or route == "unmatched" else security.need(f"{request.method} {route}")
            if need != PUBLIC:
                principal = await security.authorize(need, request.headers.get("Authorization"), request.remote,
                                                     "http")
                if principal is not None:
                    principal_token = principal_var.set(principal)
            answer = preflight(request, security) if request.method == "OPTIONS" else None
            response = answer if answer is not None else await handler(request)
        except web.HTTPException as exc:
            response = from_http_exception(request, exc)
        except ServiceError as exc:
            response = error_response(request, exc)
        except Exception:
            log.exception("unhandled error", extra={"route": route, "method": request.method})
            response = problem_response(request, 500, "internal_error", "Internal error",
                                        "the request failed inside the service; the request id identifies it in the logs")
        response.headers["X-Request-ID"] = request_id
        harden(request, response, security)
        status = response.status
        if span.is_recording():
            span.set_attribute("http.request.method", request.method)
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status)
        elapsed = time.perf_counter() - started
        metrics.http_done(route, request.method, status, elapsed)
        if request.app[CONFIG].settings.http.access_log and log.isEnabledFor(logging.INFO):
            log.info("%s %s %d", request.method, request.path, status,
                     extra={"route": route, "status": status, "duration_ms": round(elapsed * 1000, 3),
                            "remote": request.remote})
        return response
    finally:
        if span_cm is not None:
            span_cm.__exit__(None, None, None)
        elif ctx_token is not None:
            context.detach(ctx_token)
        metrics.http_in_flight.dec()
        if principal_token is not None:
            principal_var.reset(principal_token)
        trace_id_var.reset(tid_token)
        request_id_var.reset(rid_token)
