"""The gRPC API (grpc.aio): ``segsvc.v1.Segmentation``, health and reflection (``server.GrpcServer``).

Deliberately empty of imports: the security package's interceptor builds on ``wrapping`` here, and the
server imports that interceptor, so importing the server from this ``__init__`` would make a cycle.
"""
