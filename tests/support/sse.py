"""A small Server-Sent Events reader for tests (what EventSource does, minus reconnection)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class SseStream:
    status: int
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    retry: int | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    comments: int = 0


async def read_sse(
    session: aiohttp.ClientSession, url: str, *, last_event_id: str | None = None, timeout: float = 30.0
) -> SseStream:
    """Read the whole stream (it ends after a terminal job state)."""
    headers = {"Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    async with session.get(url, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
        stream = SseStream(resp.status, resp.content_type, dict(resp.headers))
        if resp.status != 200:
            return stream
        block: list[str] = []
        async for raw in resp.content:
            line = raw.decode().rstrip("\r\n")
            if line:
                block.append(line)
                continue
            _take(stream, block)
            block = []
        _take(stream, block)
        return stream


def _take(stream: SseStream, block: list[str]) -> None:
    data: list[str] = []
    for line in block:
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "":
            stream.comments += 1
        elif name == "retry":
            stream.retry = int(value)
        elif name == "id":
            stream.ids.append(value)
        elif name == "data":
            data.append(value)
    if data:
        stream.events.append(json.loads("\n".join(data)))
