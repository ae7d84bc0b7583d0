"""``grpc.health.v1.Health`` answered from the instance's readiness, the same fact ``/health/ready`` shows.

SERVING only when the instance is ready; NOT_SERVING while starting, draining (set by the gRPC component's
``drain()``) or with a critical check down. Readiness has no change notifications, so ``Watch`` samples
it a few times a second and sends only changes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from segsvc.service.health import Health

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
SERVICE_UNKNOWN = health_pb2.HealthCheckResponse.SERVICE_UNKNOWN


class ReadinessHealthServicer(health_pb2_grpc.HealthServicer):
    def __init__(self, health: Health, services: Iterable[str], *, watch_interval: float = 0.25) -> None:
        self.health = health
        self.services = frozenset(("", *services))
        self.watch_interval = watch_interval
        self.draining = False

    def status(self, service: str) -> int:
        if service not in self.services:
            return SERVICE_UNKNOWN
        return SERVING if self.health.ready and not self.draining else NOT_SERVING

    async def Check(self, request: health_pb2.HealthCheckRequest,
                    context: grpc.aio.ServicerContext) -> health_pb2.HealthCheckResponse:
        if request.service not in self.services:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service {request.service!r}")
        return health_pb2.HealthCheckResponse(status=self.status(request.service))  # type: ignore[arg-type]

    async def List(self, request: health_pb2.HealthListRequest,
                   context: grpc.aio.ServicerContext) -> health_pb2.HealthListResponse:
        return health_pb2.HealthListResponse(statuses={
            name: health_pb2.HealthCheckResponse(status=self.status(name))  # type: ignore[arg-type]
            for name in sorted(self.services)})

    async def Watch(self, request: health_pb2.HealthCheckRequest,
                    context: grpc.aio.ServicerContext) -> AsyncIterator[health_pb2.HealthCheckResponse]:
        last = None
        while True:
            status = self.status(request.service)
            if status != last:
                last = status
                yield health_pb2.HealthCheckResponse(status=status)  # type: ignore[arg-type]
            await asyncio.sleep(self.watch_interval)
