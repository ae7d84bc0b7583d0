"""A bounded Python load generator, used when wrk is not installed (and reported as such).

It is far slower than wrk and shares the machine's cores with the server, so its absolute figures are low;
the ratio against the bare handler, measured the same way, is what to read.
"""

from __future__ import annotations

import asyncio
import time

import aiohttp


async def _worker(session: aiohttp.ClientSession, url: str, body: bytes, deadline: float,
                  latencies: list[float], errors: list[int], extra: dict[str, str] | None = None) -> None:
    headers = {"Content-Type": "application/json", **(extra or {})}
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        async with session.post(url, data=body, headers=headers) as resp:
            await resp.read()
            if resp.status != 200:
                errors.append(resp.status)
        latencies.append(time.perf_counter() - started)


async def run(url: str, body: bytes, *, connections: int = 16, seconds: float = 5.0,
              headers: dict[str, str] | None = None) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_worker(session, url, body, deadline, latencies, errors, headers)
                               for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000, "errors": float(len(errors)),
            "requests": float(len(latencies))}
