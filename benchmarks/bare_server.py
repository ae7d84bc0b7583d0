"""The baselines: a bare aiohttp handler that parses a JSON body and answers JSON, nothing else, and (with a
second port) a bare grpc.aio handler on the same event loop that does the same with protobuf.

segsvc's figures are printed as ratios against these servers, measured under the same load in the same run,
so the numbers mean the same on any machine. The gRPC one shows what grpc.aio itself costs per call here:
segsvc's gRPC endpoint cannot be faster than it.
"""

from __future__ import annotations

import asyncio
import json
import sys

import grpc
from aiohttp import web

from segsvc.v1 import segmentation_pb2 as pb


async def handle(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    return web.Response(body=json.dumps({"echo": body.get("command", "")}).encode(), content_type="application/json")


async def segment(request: pb.SegmentRequest, context: grpc.aio.ServicerContext) -> pb.AltDocument:
    return pb.AltDocument(command=request.command)


async def serve(http_port: int, grpc_port: int | None) -> None:
    app = web.Application()
    app.router.add_post("/api/v1/segment", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", http_port).start()
    server = None
    if grpc_port is not None:
        server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("segsvc.v1.Segmentation", {
            "Segment": grpc.unary_unary_rpc_method_handler(
                segment, request_deserializer=pb.SegmentRequest.FromString,
                response_serializer=pb.AltDocument.SerializeToString)}),))
        server.add_insecure_port(f"127.0.0.1:{grpc_port}")
        await server.start()
    try:
        await asyncio.Event().wait()
    finally:
        if server is not None:
            await server.stop(0)
        await runner.cleanup()


def main() -> None:
    try:
        asyncio.run(serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
