"""HTTP job endpoints: submit (202), read, cancel, and follow as Server-Sent Events.

The event stream sends ``retry:`` first, then one event per state change with ``id:`` = the change's
sequence and the change as JSON ``data:``, and ends after a terminal state. A reconnecting client sends
``Last-Event-ID`` (EventSource does so by itself) and gets only what it has not seen, from any instance.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from aiohttp import web

from segsvc.jobs.model import JobEvent
from segsvc.jobs.service import JobService, check_idempotency_key, links
from segsvc.observability.logging import request_id_var
from segsvc.service.errors import ServiceError
from segsvc.transports.http.keys import SECURITY
from segsvc.transports.http.routes import json_response, read_json
from segsvc.transports.http.security import harden

JOBS = web.AppKey("jobs", JobService)
SSE_RETRY_MS = 2000
KEEP_ALIVE_SECONDS = 15.0
_EVENT_ID = re.compile(r"^[0-9]{1,9}$")


class BadLastEventId(ServiceError):
    status = 400
    code = "bad_last_event_id"
    title = "Bad Last-Event-ID"


async def submit_job(request: web.Request) -> web.Response:
    jobs = request.app[JOBS]
    key = check_idempotency_key(request.headers.get("Idempotency-Key"))
    job, replayed = await jobs.submit(await read_json(request), key)
    response = json_response({"job_id": job.job_id, "status": job.status, "links": links(job.job_id)}, status=202)
    response.headers["Location"] = links(job.job_id)["self"]
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


async def get_job(request: web.Request) -> web.Response:
    jobs = request.app[JOBS]
    return json_response(jobs.present(await jobs.get(request.match_info["job_id"])))


async def cancel_job(request: web.Request) -> web.Response:
    jobs = request.app[JOBS]
    return json_response(jobs.present(await jobs.cancel(request.match_info["job_id"])))


def _sse(event: JobEvent) -> bytes:
    data = json.dumps(event.model_dump(), ensure_ascii=False)
    return f"id: {event.sequence}\ndata: {data}\n\n".encode()


async def job_events(request: web.Request) -> web.StreamResponse:
    jobs = request.app[JOBS]
    job_id = request.match_info["job_id"]
    last = request.headers.get("Last-Event-ID")
    if last is not None and not _EVENT_ID.fullmatch(last):
        raise BadLastEventId("Last-Event-ID must be the sequence number of an event, e.g. 3")
    await jobs.get(job_id)  # 404 as a problem, before the stream starts
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                           "X-Accel-Buffering": "no", "X-Request-ID": request_id_var.get() or ""})
    harden(request, response, request.app[SECURITY])  # the middleware's turn comes after the headers went out
    await response.prepare(request)
    events = jobs.follow(job_id, int(last) if last else 0)
    try:
        await response.write(f"retry: {SSE_RETRY_MS}\n\n".encode())
        await _stream(response, events)
        await response.write_eof()
    except (ConnectionResetError, ServiceError):
        pass  # the client left, or the store went away: the client reconnects with Last-Event-ID
    finally:
        await events.aclose()
    return response


async def _stream(response: web.StreamResponse, events: Any) -> None:
    """Write events as they come, with a comment line whenever the stream has been quiet for a while."""
    pending: asyncio.Task[JobEvent] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(events.__anext__())
            done, _ = await asyncio.wait({pending}, timeout=KEEP_ALIVE_SECONDS)
            if not done:
                await response.write(b": keep-alive\n\n")
                continue
            try:
                event = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            await response.write(_sse(event))
    finally:
        if pending is not None:
            pending.cancel()
            await asyncio.gather(pending, return_exceptions=True)


def add_job_routes(app: web.Application) -> None:
    """Register the job endpoints; ``app[JOBS]`` must hold the job service."""
    app.router.add_post("/api/v1/jobs", submit_job)
    app.router.add_get("/api/v1/jobs/{job_id}", get_job, allow_head=False)
    app.router.add_delete("/api/v1/jobs/{job_id}", cancel_job)
    app.router.add_get("/api/v1/jobs/{job_id}/events", job_events, allow_head=False)

    async def end_streams(app: web.Application) -> None:
        app[JOBS].close_watches()

    app.on_shutdown.append(end_streams)
