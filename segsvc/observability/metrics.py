"""Prometheus metrics of one service instance.

Each :class:`Metrics` owns its registry, so two instances in one test process never share counters, and
``/metrics`` shows exactly this instance's figures in the Prometheus text format.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
ENGINE_BUCKETS = (0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25, 1.0, 5.0)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self, version: str, instance_id: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._http_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._seg_children: dict[tuple[str, str], tuple[Any, Any, Any]] = {}
        r = self.registry
        self.build_info = Gauge("segsvc_build_info", "Version and instance of this process.",
                                ["version", "instance_id"], registry=r)
        self.build_info.labels(version, instance_id).set(1)
        self.http_requests = Counter("segsvc_http_requests", "HTTP requests handled.",
                                     ["route", "method", "status"], registry=r)
        self.http_latency = Histogram("segsvc_http_request_duration_seconds", "HTTP request latency.",
                                      ["route", "method"], buckets=LATENCY_BUCKETS, registry=r)
        self.http_in_flight = Gauge("segsvc_http_requests_in_flight", "HTTP requests being handled.", registry=r)
        self.segmentations = Counter("segsvc_segmentations", "Segmentations performed.",
                                     ["engine", "language", "outcome"], registry=r)
        self.segmentation_time = Histogram("segsvc_segmentation_duration_seconds", "Time to segment one command.",
                                           ["engine", "language"], buckets=ENGINE_BUCKETS, registry=r)
        self.rules_cache = Counter("segsvc_rules_cache", "Rules-engine cache lookups.", ["outcome"], registry=r)
        self.segments_per_command = Histogram("segsvc_segments_per_command", "Segments in one ALT document.",
                                              ["language"], buckets=(1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 50),
                                              registry=r)
        self.config_reloads = Counter("segsvc_config_reloads", "Configuration changes from Consul KV.",
                                      ["outcome"], registry=r)
        self.ready = Gauge("segsvc_ready", "1 when the instance reports ready, 0 otherwise.", registry=r)
        self.grpc_requests = Counter("segsvc_grpc_requests", "gRPC calls handled.", ["method", "code"], registry=r)
        self.grpc_latency = Histogram("segsvc_grpc_request_duration_seconds", "gRPC call latency.", ["method"],
                                      buckets=LATENCY_BUCKETS, registry=r)
        self.grpc_in_flight = Gauge("segsvc_grpc_requests_in_flight", "gRPC calls being handled.", registry=r)
        self.jobs_submitted = Counter("segsvc_jobs_submitted", "Jobs accepted.", ["backend"], registry=r)
        self.jobs_finished = Counter("segsvc_jobs_finished", "Jobs that reached a terminal state here.",
                                     ["backend", "status"], registry=r)
        self.jobs_in_flight = Gauge("segsvc_jobs_in_flight", "Jobs this instance is working on.", registry=r)
        self.job_callbacks = Counter("segsvc_job_callbacks", "Job callback POSTs.", ["outcome"], registry=r)
        self.auth_rejections = Counter("segsvc_auth_rejections", "Requests refused by authentication, permission "
                                       "or rate limit.", ["transport", "reason"], registry=r)
        self._peer_metrics(r)

    def _peer_metrics(self, r: CollectorRegistry) -> None:
        """Outbound calls to the peers, the LLM engine, the archive and runner dispatch (DESIGN §7)."""
        self.peer_requests = Counter("segsvc_peer_requests", "Attempts of outbound calls, by peer and outcome "
                                     "(ok, rejected, unavailable, timeout, invalid_answer, breaker_open, ...).",
                                     ["peer", "outcome"], registry=r)
        self.peer_latency = Histogram("segsvc_peer_request_duration_seconds", "Latency of one outbound attempt.",
                                      ["peer"], buckets=LATENCY_BUCKETS, registry=r)
        self.peer_retries = Counter("segsvc_peer_retries", "Outbound attempts repeated after a safe failure.",
                                    ["peer"], registry=r)
        self.peer_breaker_state = Gauge("segsvc_peer_breaker_state", "Circuit breaker per peer: 0 closed, "
                                        "1 half-open, 2 open.", ["peer"], registry=r)
        self.peer_breaker_opened = Counter("segsvc_peer_breaker_opened", "Times a peer's breaker opened.",
                                           ["peer"], registry=r)
        self.peer_in_flight = Gauge("segsvc_peer_requests_in_flight", "Outbound calls in flight.", ["peer"],
                                    registry=r)
        self.engine_fallbacks = Counter("segsvc_engine_fallbacks", "Segmentations answered by the rules engine "
                                        "because the LLM could not (reason: the failure's outcome).",
                                        ["reason"], registry=r)
        self.llm_cache = Counter("segsvc_llm_cache", "LLM answer cache lookups.", ["result"], registry=r)
        self.archive_records = Counter("segsvc_archive_records", "Archive records by what happened to them "
                                       "(jetstream, http, spilled, outbox_delivered, dropped, dead_letter).",
                                       ["outcome"], registry=r)
        self.archive_outbox = Gauge("segsvc_archive_outbox_records", "Records waiting in the on-disk outbox.",
                                    registry=r)
        self.archive_queue = Gauge("segsvc_archive_queue_records", "Records waiting in the in-memory hand-off "
                                   "queue.", registry=r)
        self.runner_dispatches = Counter("segsvc_runner_dispatches", "Attempts to hand a job to the Runner "
                                         "Service (accepted, rejected, deferred, given_up).", ["outcome"],
                                         registry=r)
        self.runner_progress = Counter("segsvc_runner_progress", "Progress reports from the Runner Service "
                                       "(source: nats or http; result: applied, ignored, unknown_job).",
                                       ["source", "result"], registry=r)

    def http_done(self, route: str, method: str, status: int, elapsed: float) -> None:
        """Count one HTTP request; label children are kept, since ``labels()`` takes a lock on every call."""
        key = (route, method, status)
        children = self._http_children.get(key)
        if children is None:
            children = (self.http_requests.labels(route, method, str(status)), self.http_latency.labels(route, method))
            self._http_children[key] = children
        children[0].inc()
        children[1].observe(elapsed)

    def segmented(self, engine: str, language: str, segments: int, elapsed: float) -> None:
        """Count one segmentation (same child caching as :meth:`http_done`)."""
        key = (engine, language)
        children = self._seg_children.get(key)
        if children is None:
            children = (self.segmentation_time.labels(engine, language), self.segmentations.labels(engine, language, "ok"),
                        self.segments_per_command.labels(language))
            self._seg_children[key] = children
        children[0].observe(elapsed)
        children[1].inc()
        children[2].observe(segments)

    def render(self) -> bytes:
        return generate_latest(self.registry)
