"""The gRPC API (grpc.aio): ``segsvc.v1.Segmentation``, health and reflection."""

from segsvc.transports.grpc.server import GrpcServer

__all__ = ["GrpcServer"]
