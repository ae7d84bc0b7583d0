"""A grpc.aio load client for ``segsvc.v1.Segmentation/Segment`` (and, for comparison, the same over HTTP).

Run as its own process (pinned to the other core by ``benchmarks.run``) and prints one JSON line. Each
connection is its own channel with a local subchannel pool, so N connections really are N TCP
connections, each carrying ``--concurrency`` calls at a time; requests are serialized once and responses
are not parsed, so the client spends its time on the wire, not in protobuf. ``--http URL`` drives the
HTTP endpoint with the same shape of Python client, so gRPC and HTTP can be compared like for like.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import grpc
from google.protobuf import json_format

from benchmarks import loadgen
from segsvc.v1 import segmentation_pb2 as pb

METHOD = "/segsvc.v1.Segmentation/Segment"


async def _worker(call: grpc.aio.UnaryUnaryMultiCallable, request: bytes, deadline: float,
                  latencies: list[float], errors: list[str]) -> None:
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            await call(request, timeout=10)
        except grpc.aio.AioRpcError as exc:
            errors.append(exc.code().name)
        latencies.append(time.perf_counter() - started)


async def run(target: str, request: bytes, *, connections: int, concurrency: int, seconds: float) -> dict[str, float]:
    channels = [grpc.aio.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
                for _ in range(connections)]
    latencies: list[float] = []
    errors: list[str] = []
    try:
        calls = [ch.unary_unary(METHOD) for ch in channels]
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(*(_worker(call, request, deadline, latencies, errors)
                               for call in calls for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    finally:
        for ch in channels:
            await ch.close()
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50_ms": latencies[len(latencies) // 2] * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000, "errors": float(len(errors)),
            "requests": float(len(latencies))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", help="host:port of the gRPC server")
    parser.add_argument("--http", help="URL of POST /api/v1/segment instead (same client shape, over HTTP)")
    parser.add_argument("--body", required=True, help="the request as JSON (the HTTP body)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--concurrency", type=int, default=1, help="calls in flight per connection")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if args.http:
        asyncio.run(loadgen.run(args.http, args.body.encode(), connections=args.connections, seconds=1))
        result = asyncio.run(loadgen.run(args.http, args.body.encode(), connections=args.connections,
                                         seconds=args.seconds))
    else:
        request = json_format.ParseDict(json.loads(args.body), pb.SegmentRequest()).SerializeToString()
        kwargs = {"connections": args.connections, "concurrency": args.concurrency}
        asyncio.run(run(args.target, request, seconds=1, **kwargs))
        result = asyncio.run(run(args.target, request, seconds=args.seconds, **kwargs))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
