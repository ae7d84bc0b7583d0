"""Server interceptors: the gRPC counterpart of the HTTP middleware.

:class:`ContextInterceptor` gives every call a request id (``x-request-id`` metadata, echoed in
the trailing metadata of unary calls and the initial metadata of streams), continues the caller's W3C
trace (``traceparent``/``tracestate`` metadata), records metrics, honours the deadline and turns service
errors into statuses. It is one interceptor, not four, for the same reason the HTTP middleware is one
function: it wraps every call, and each layer costs a frame. Wrapped handlers (and their metric children)
are built once per method and cached. Authentication, when it lands, is a separate interceptor placed
before this one (see :func:`segsvc.transports.grpc.server.interceptors`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import grpc
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer

from segsvc.observability.logging import request_id_var, trace_id_var
from segsvc.observability.metrics import Metrics
from segsvc.observability.tracing import format_trace_id, propagator, tracer, tracing_active
from segsvc.service.errors import ServiceError
from segsvc.transports.grpc.errors import rich_status, status_code
from segsvc.transports.grpc.wrapping import WrappingInterceptor

log = logging.getLogger("segsvc.grpc")
_VALID_REQUEST_ID = re.compile(r"^[\w.:@/+=-]{1,128}$")


class _MethodMetrics:
    """The metric children of one method, looked up once instead of on every call."""

    __slots__ = ("by_code", "latency", "method", "metrics")

    def __init__(self, metrics: Metrics, method: str) -> None:
        self.metrics = metrics
        self.method = method
        self.latency = metrics.grpc_latency.labels(method)
        self.by_code: dict[grpc.StatusCode, Any] = {}

    def count(self, code: grpc.StatusCode) -> None:
        child = self.by_code.get(code)
        if child is None:
            child = self.by_code[code] = self.metrics.grpc_requests.labels(self.method, code.name)
        child.inc()


class _Call:
    """What one call carries through the wrapper: ids, span, timing; closed exactly once."""

    __slots__ = ("context_token", "method", "metrics", "request_id", "span", "span_cm", "started", "tokens")

    def __init__(self, method: str, metrics: _MethodMetrics, context: grpc.aio.ServicerContext,
                 tracer: Tracer | None) -> None:
        self.method = method
        self.metrics = metrics
        self.started = time.perf_counter()
        incoming: str | None = None
        carrier: dict[str, str] = {}
        for key, value in context.invocation_metadata() or ():
            if key == "x-request-id" and isinstance(value, str):
                incoming = value
            elif key in ("traceparent", "tracestate") and isinstance(value, str):
                carrier[key] = value
        self.request_id = incoming if incoming and _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        parent = propagator.extract(carrier) if carrier else None
        self.context_token: object | None = None
        if tracer is not None:
            self.span_cm: Any = tracer.start_as_current_span(method, context=parent, kind=SpanKind.SERVER)
            self.span = self.span_cm.__enter__()
        else:  # no pipeline: no span to build, but the caller's context still flows into logs and outbound calls
            self.span_cm = None
            self.context_token = otel_context.attach(parent) if parent is not None else None
            self.span = trace.get_current_span()
        self.tokens = (request_id_var.set(self.request_id), trace_id_var.set(format_trace_id(self.span)))
        metrics.metrics.grpc_in_flight.inc()

    def close(self, code: grpc.StatusCode) -> None:
        if self.span.is_recording():
            self.span.set_attribute("rpc.system", "grpc")
            self.span.set_attribute("rpc.method", self.method)
            self.span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code not in (grpc.StatusCode.OK, grpc.StatusCode.CANCELLED):
                self.span.set_status(Status(StatusCode.ERROR, code.name))
        if self.span_cm is not None:
            self.span_cm.__exit__(None, None, None)
        elif self.context_token is not None:
            otel_context.detach(self.context_token)  # type: ignore[arg-type]
        m = self.metrics
        m.metrics.grpc_in_flight.dec()
        m.count(code)
        m.latency.observe(time.perf_counter() - self.started)
        request_id_var.reset(self.tokens[0])
        trace_id_var.reset(self.tokens[1])


async def _fail(call: _Call, context: grpc.aio.ServicerContext, exc: ServiceError | TimeoutError) -> grpc.StatusCode:
    """Abort the call for ``exc``; returns the code (the abort itself raises)."""
    if isinstance(exc, ServiceError):
        code = status_code(exc)
        trailer = rich_status(code, exc, call.request_id) + (("x-request-id", call.request_id),)
        await context.abort(code, exc.detail, trailing_metadata=trailer)
    await context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "the deadline passed before the work finished")
    return grpc.StatusCode.DEADLINE_EXCEEDED


async def _crash(call: _Call, context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    """Abort a call that failed unexpectedly (the caller has logged the exception)."""
    await context.abort(grpc.StatusCode.INTERNAL,
                        f"the call failed inside the service; request id {call.request_id} identifies it in the logs")
    return grpc.StatusCode.INTERNAL


def _deadline(context: grpc.aio.ServicerContext) -> None:
    """A call that arrives already past its deadline is not started."""
    remaining = context.time_remaining()
    if remaining is not None and remaining <= 0:
        raise TimeoutError


def _cut_short(context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    """The code of a call ended under the handler without a status of its own (see :func:`_code`): its
    deadline passed, or the caller went away."""
    remaining = context.time_remaining()
    return grpc.StatusCode.DEADLINE_EXCEEDED if remaining is not None and remaining <= 0 else grpc.StatusCode.CANCELLED


class ContextInterceptor(WrappingInterceptor):
    def __init__(self, metrics: Metrics) -> None:
        super().__init__()
        self.metrics = metrics

    def _wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        metrics = _MethodMetrics(self.metrics, method)
        traces = tracer()
        codec = {"request_deserializer": handler.request_deserializer,
                 "response_serializer": handler.response_serializer}
        streams_out = handler.unary_stream is not None or handler.stream_stream is not None

        async def begin(context: grpc.aio.ServicerContext) -> _Call:
            call = _Call(method, metrics, context, traces if tracing_active() else None)
            echo = (("x-request-id", call.request_id),)
            if streams_out:  # a stream's first answer may be long in coming: say who we are now
                await context.send_initial_metadata(echo)
            else:  # a single answer: the trailers come with it (initial metadata would cost a round of its own)
                context.set_trailing_metadata(echo)
            return call

        if handler.unary_unary is not None or handler.stream_unary is not None:
            behavior = handler.unary_unary or handler.stream_unary

            async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
                call = await begin(context)
                code = grpc.StatusCode.OK
                try:
                    _deadline(context)
                    return await behavior(request, context)  # grpc.aio cancels it when the deadline passes
                except (ServiceError, TimeoutError) as exc:
                    code = await _fail(call, context, exc)
                except (grpc.aio.AbortError, asyncio.CancelledError):
                    code = _cut_short(context)
                    raise
                except Exception:
                    log.exception("unhandled error in a gRPC call", extra={"method": method})
                    code = await _crash(call, context)
                finally:
                    call.close(_code(context, code))

            if handler.unary_unary is not None:
                return grpc.unary_unary_rpc_method_handler(unary, **codec)
            return grpc.stream_unary_rpc_method_handler(unary, **codec)

        streaming = handler.unary_stream or handler.stream_stream

        async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            call = await begin(context)
            code = grpc.StatusCode.OK
            try:
                _deadline(context)
                async for response in streaming(request, context):
                    yield response
            except (ServiceError, TimeoutError) as exc:
                code = await _fail(call, context, exc)
            except (grpc.aio.AbortError, asyncio.CancelledError, GeneratorExit):
                code = _cut_short(context)
                raise
            except Exception:
                log.exception("unhandled error in a gRPC call", extra={"method": method})
                code = await _crash(call, context)
            finally:
                call.close(_code(context, code))

        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(stream, **codec)
        return grpc.stream_stream_rpc_method_handler(stream, **codec)


def _code(context: grpc.aio.ServicerContext, fallback: grpc.StatusCode) -> grpc.StatusCode:
    """The status the call ended with (an abort sets one), else ``fallback``."""
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    return fallback
