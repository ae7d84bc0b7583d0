"""OpenTelemetry tracing: W3C context in, OTLP export out when the standard variables ask for it.

Without ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or its traces variant) no SDK pipeline is installed: the API's
no-op tracer still carries an incoming ``traceparent`` into logs at almost no cost, and nothing is exported.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)
propagator = TraceContextTextMapPropagator()
_provider = None


def tracing_requested(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def setup_tracing(service_name: str, version: str, instance_id: str, environ: Mapping[str, str] | None = None) -> bool:
    """Install an OTLP/HTTP span pipeline when configured; returns whether one is installed."""
    global _provider
    environ = os.environ if environ is None else environ
    if _provider is not None or not tracing_requested(environ):
        return _provider is not None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": environ.get("OTEL_SERVICE_NAME", service_name),
                                "service.version": version, "service.instance.id": instance_id})
    _provider = TracerProvider(resource=resource)
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(_provider)
    log.info("tracing: exporting spans over OTLP/HTTP")
    return True


def shutdown_tracing() -> None:
    global _provider
    if _provider is not None:
        _provider.shutdown()
        _provider = None


def tracing_active() -> bool:
    """Whether an SDK pipeline records spans; without one, transports only carry the incoming context."""
    return _provider is not None


def tracer() -> trace.Tracer:
    return trace.get_tracer("segsvc")


def format_trace_id(span: trace.Span) -> str | None:
    ctx = span.get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None
