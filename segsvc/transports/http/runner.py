"""``POST /api/v1/runner/callbacks/{job_id}``: the Runner Service reports progress on a dispatched job.

The body is a runner report (see :mod:`segsvc.dispatch.progress`); the answer is the job's state after it.
Decoding and delegating only: the relay decides what the report means for the job.
"""

from __future__ import annotations

from aiohttp import web

from segsvc.dispatch.progress import ProgressRelay
from segsvc.transports.http.routes import json_response, read_json

RUNNER_PROGRESS = web.AppKey("runner_progress", ProgressRelay)


async def runner_callback(request: web.Request) -> web.Response:
    relay = request.app[RUNNER_PROGRESS]
    job = await relay.report(request.match_info["job_id"], await read_json(request), source="http")
    return json_response({"job_id": job.job_id, "status": job.status, "events": len(job.events)})


def add_runner_routes(app: web.Application) -> None:
    """Register the callback route; ``app[RUNNER_PROGRESS]`` must hold the relay."""
    app.router.add_post("/api/v1/runner/callbacks/{job_id}", runner_callback)
