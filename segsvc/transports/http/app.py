"""Assemble the aiohttp application from already-built parts (no I/O, nothing started here)."""

from __future__ import annotations

import json

from aiohttp import web

from segsvc.config.store import ConfigStore
from segsvc.discovery.peers import PeerDirectory
from segsvc.dispatch.progress import ProgressRelay
from segsvc.jobs.service import JobService
from segsvc.observability.metrics import Metrics
from segsvc.peers import PeerClients
from segsvc.security import Security
from segsvc.service.health import Health
from segsvc.service.segmentation import SegmentationService
from segsvc.transports.http import routes
from segsvc.transports.http.jobs import JOBS, add_job_routes
from segsvc.transports.http.keys import (
    CONFIG,
    HEALTH,
    METRICS,
    OPENAPI,
    PEER_CLIENTS,
    PEER_DIRECTORY,
    SECURITY,
    SERVICE,
)
from segsvc.transports.http.middleware import request_context
from segsvc.transports.http.openapi import build_openapi
from segsvc.transports.http.runner import RUNNER_PROGRESS, add_runner_routes

# A hard ceiling for aiohttp itself; the live limit (limits.max_body_bytes) is enforced per request below it.
HARD_BODY_CEILING = 16 * 1024 * 1024


def create_app(service: SegmentationService, config: ConfigStore, metrics: Metrics, health: Health, *,
               peers: PeerDirectory, jobs: JobService | None = None,
               security: Security | None = None, outbound: PeerClients | None = None,
               runner: ProgressRelay | None = None) -> web.Application:
    app = web.Application(middlewares=[request_context], client_max_size=HARD_BODY_CEILING)
    app[SERVICE] = service
    app[CONFIG] = config
    app[METRICS] = metrics
    app[HEALTH] = health
    app[PEER_DIRECTORY] = peers
    if outbound is not None:  # breaker states beside the instances in /api/v1/admin/peers
        app[PEER_CLIENTS] = outbound
    app[SECURITY] = security if security is not None else Security(config, metrics)
    app[OPENAPI] = json.dumps(build_openapi(config.settings, service.identity.version,
                                            jobs=jobs is not None, runner=runner is not None)).encode()
    routes.add_routes(app)
    if jobs is not None:
        app[JOBS] = jobs
        add_job_routes(app)
    if runner is not None:  # runner progress callbacks (POST /api/v1/runner/callbacks/{job_id})
        app[RUNNER_PROGRESS] = runner
        add_runner_routes(app)
    return app
