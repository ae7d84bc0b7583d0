"""Stand-ins for the peers (AI Orchestrator, Runner, Archive): real aiohttp servers on loopback ports.

Each can be healthy, slow, failing (500/503), rate limiting (429 + Retry-After), answering garbage, rejecting
(4xx) or refusing connections (the listener closed, the port kept, so the client sees ECONNREFUSED), and
can change behaviour mid-test. They speak the wire formats of DESIGN §7 and record every request they
receive (method, path, headers, JSON body), so tests can assert what reached the peer and when.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BODY = web.RequestKey("body", object)
MODES = ("healthy", "slow", "fail500", "fail503", "ratelimit", "garbage", "garbage_content", "reject", "refuse")


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StandIn:
    """One peer on ``http://127.0.0.1:<port>``; ``mode`` may change at any time."""

    name: str
    mode: str = "healthy"
    delay: float = 0.0  # seconds, for "slow" (and added to every answer when set)
    retry_after: int = 1
    reject_status: int = 400
    port: int = field(default_factory=_free_port)
    seen: list[Seen] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _site: web.TCPSite | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def calls(self, path: str | None = None) -> list[Seen]:
        return [s for s in self.seen if path is None or s.path == path]

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self) -> StandIn:
        app = web.Application(middlewares=[self._behave])
        self.routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await self.listen()
        return self

    async def listen(self) -> None:
        """(Re)open the listener on the same port."""
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await self._site.start()
        if self.mode == "refuse":
            self.mode = "healthy"

    async def refuse(self) -> None:
        """Close the listener: connections are refused until :meth:`listen`."""
        if self._site is not None:
            await self._site.stop()
            self._site = None
        self.mode = "refuse"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @web.middleware
    async def _behave(self, request: web.Request, handler: Callable[[web.Request], Any]) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        self.seen.append(Seen(request.method, request.path, dict(request.headers), body))
        request[BODY] = body
        if self.delay and self.mode in ("slow", "healthy"):
            await asyncio.sleep(self.delay)
        if self.mode == "fail500":
            return web.json_response({"error": "internal"}, status=500)
        if self.mode == "fail503":
            return web.json_response({"error": "unavailable"}, status=503)
        if self.mode == "ratelimit":
            return web.json_response({"error": "slow down"}, status=429, headers={"Retry-After": str(self.retry_after)})
        if self.mode == "reject":
            return web.json_response({"error": "bad request"}, status=self.reject_status)
        if self.mode == "garbage":
            return web.Response(body=b"{this is not json", content_type="application/json")
        response: web.StreamResponse = await handler(request)
        return response


def canned_answer(command: str) -> dict[str, Any]:
    """A valid DESIGN §7 answer the rules engine would never give: two segments, the second depending on the first."""
    return {"language": "en", "segments": [
        {"content": f"llm step one of: {command}", "task_type": "search", "parameters": {"query": command},
         "depends_on": []},
        {"content": "llm step two", "task_type": "summarize", "parameters": {}, "depends_on": [0]}]}


@dataclass
class Orchestrator(StandIn):
    """OpenAI-compatible: ``POST /v1/chat/completions`` and ``GET /v1/models``."""

    name: str = "ai-orchestrator"
    models: list[str] = field(default_factory=lambda: ["alt-las-segmenter", "big-model"])
    answer: Callable[[str], Any] = canned_answer

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)

    @property
    def chats(self) -> list[Seen]:
        return self.calls("/v1/chat/completions")

    async def _chat(self, request: web.Request) -> web.Response:
        body = request[BODY]
        command = body["messages"][-1]["content"]
        if self.mode == "garbage_content":
            content = "Sure! Here are your segments: step 1, step 2."
        else:
            answer = self.answer(command)
            content = answer if isinstance(answer, str) else json.dumps(answer)
        return web.json_response({
            "id": f"chatcmpl-{uuid.uuid4().hex[:8]}", "object": "chat.completion", "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}})

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]})


@dataclass
class Runner(StandIn):
    """``POST /api/v1/process`` → ``{request_id, alt_file_id, status}``."""

    name: str = "runner-service"
    answer_status: str = "accepted"

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/v1/process", self._process)

    @property
    def documents(self) -> list[dict[str, Any]]:
        return [s.body for s in self.calls("/api/v1/process") if isinstance(s.body, dict)]

    async def _process(self, request: web.Request) -> web.Response:
        doc = request[BODY]
        return web.json_response({"request_id": uuid.uuid4().hex, "alt_file_id": f"{doc['id']}.alt",
                                  "status": self.answer_status}, status=202)


@dataclass
class Archive(StandIn):
    """``POST /api/v1/records``; keeps each record once per ``record_id`` and counts repeats."""

    name: str = "archive-service"
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    repeats: int = 0

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/api/v1/records", self._record)

    async def _record(self, request: web.Request) -> web.Response:
        record = request[BODY]
        rid = record["record_id"]
        if rid in self.records:
            self.repeats += 1
            return web.json_response({"record_id": rid, "status": "duplicate"}, status=200)
        self.records[rid] = record
        self.order.append(rid)
        return web.json_response({"record_id": rid, "status": "stored"}, status=201)


async def closed_port() -> str:
    """A loopback URL nothing listens on (connections are refused)."""
    return f"http://127.0.0.1:{_free_port()}"
