"""The grpc.aio server as a runtime component (stage ``server``), on the same event loop as HTTP.

It serves ``segsvc.v1.Segmentation``, ``grpc.health.v1.Health`` and server reflection (the v1alpha
service, also answered under the ``grpc.reflection.v1`` name: the messages are the same on the wire, and
current tools ask for v1 first). ``drain()`` turns health NOT_SERVING while calls are still served;
``stop()`` ends job watches, stops accepting and gives in-flight calls the grace period.
"""

from __future__ import annotations

import logging

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection, reflection_pb2
from grpc_reflection.v1alpha._async import ReflectionServicer

from segsvc.config.store import ConfigStore
from segsvc.jobs.service import JobService
from segsvc.lifecycle import Stage
from segsvc.observability.metrics import Metrics
from segsvc.security import Security
from segsvc.security.grpc_auth import GrpcAuthInterceptor
from segsvc.security.tls import grpc_server_credentials
from segsvc.service.health import Health
from segsvc.service.segmentation import SegmentationService
from segsvc.transports.grpc.health import ReadinessHealthServicer
from segsvc.transports.grpc.interceptors import ContextInterceptor
from segsvc.transports.grpc.servicer import SegmentationServicer
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc

log = logging.getLogger("segsvc")
SERVICE_NAME = pb.DESCRIPTOR.services_by_name["Segmentation"].full_name
HEALTH_NAME = health_pb2.DESCRIPTOR.services_by_name["Health"].full_name
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
# A hard ceiling for gRPC itself; the live limit (limits.max_body_bytes, lowered per role) is enforced per call below it.
HARD_MESSAGE_CEILING = 16 * 1024 * 1024


def interceptors(metrics: Metrics, security: Security | None = None) -> list[grpc.aio.ServerInterceptor]:
    """The interceptor chain, outermost first. Authentication runs inside the context interceptor, so a refusal
    carries the request id and rich status and is counted like any other call."""
    return [ContextInterceptor(metrics), *([GrpcAuthInterceptor(security)] if security is not None else [])]


class GrpcServer:
    name = "grpc"
    stage: Stage = "server"

    def __init__(self, service: SegmentationService, jobs: JobService, config: ConfigStore, metrics: Metrics,
                 health: Health, *, security: Security | None = None) -> None:
        self.security = security
        self.service = service
        self.jobs = jobs
        self.config = config
        self.metrics = metrics
        self.health = ReadinessHealthServicer(health, [SERVICE_NAME])
        self._server: grpc.aio.Server | None = None
        self._port: int | None = None

    async def start(self) -> None:
        settings = self.config.settings
        server = grpc.aio.server(interceptors=interceptors(self.metrics, self.security), options=[
            ("grpc.max_receive_message_length", HARD_MESSAGE_CEILING),
            ("grpc.max_send_message_length", HARD_MESSAGE_CEILING),
            ("grpc.so_reuseport", 0),  # a port already taken must fail, not be shared silently
        ])
        pb_grpc.add_SegmentationServicer_to_server(SegmentationServicer(self.service, self.jobs, self.config), server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, server)
        names = (SERVICE_NAME, HEALTH_NAME, reflection.SERVICE_NAME)
        reflector = ReflectionServicer(names)
        reflection.enable_server_reflection(names, server)
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(REFLECTION_V1, {
            "ServerReflectionInfo": grpc.stream_stream_rpc_method_handler(
                reflector.ServerReflectionInfo,
                request_deserializer=reflection_pb2.ServerReflectionRequest.FromString,
                response_serializer=reflection_pb2.ServerReflectionResponse.SerializeToString)}),))
        address = f"{settings.grpc.host}:{settings.grpc.port}"
        credentials = grpc_server_credentials(settings.security.tls)  # TLS (and mTLS) when certificates are set
        try:
            if credentials is None:
                self._port = server.add_insecure_port(address)
            else:
                self._port = server.add_secure_port(address, credentials)
        except RuntimeError as exc:
            raise OSError(f"cannot listen for gRPC on {address}: {exc}") from None
        await server.start()
        self._server = server
        log.info("serving gRPC", extra={"address": f"{settings.grpc.host}:{self._port}", "tls": credentials is not None})

    @property
    def port(self) -> int:
        assert self._port is not None, "start() first"
        return self._port

    async def drain(self) -> None:
        self.health.draining = True

    async def stop(self) -> None:
        self.health.draining = True
        self.jobs.close_watches()
        if self._server is not None:
            await self._server.stop(self.config.settings.shutdown.grace_seconds)
            self._server = None
