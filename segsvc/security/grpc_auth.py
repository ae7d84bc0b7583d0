"""Bearer auth, permissions and rate limits for gRPC: the same :class:`Security` decision as HTTP.

The token travels in the ``authorization`` metadata (``Bearer <JWT>``), as gRPC's own credentials put it.
Behind a trusted proxy (``security.trusted_proxies``, e.g. an Envoy sidecar) the client address used for
per-address rate limits is the one its ``x-forwarded-for`` metadata vouches for, as on HTTP.
This interceptor sits *inside* the context interceptor (see
:func:`segsvc.transports.grpc.server.interceptors`): a refusal is raised as the service error it is and
becomes UNAUTHENTICATED, PERMISSION_DENIED or RESOURCE_EXHAUSTED there, with the request id and the rich
error details every other failure carries, and it is counted like every other call. The policy is read
per call (it can change live); wrapped handlers are built once per method.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import Token
from typing import Any

import grpc

from segsvc.security.forwarded import client_address
from segsvc.security.guard import Security
from segsvc.security.policy import PUBLIC
from segsvc.security.principal import Principal, principal_var
from segsvc.transports.grpc.wrapping import WrappingInterceptor


def peer_address(peer: str | None) -> str | None:
    """``ipv4:10.0.0.5:5123`` → ``10.0.0.5``; ``ipv6:[::1]:5123`` → ``::1``; anything else → None."""
    if not peer:
        return None
    kind, _, rest = peer.partition(":")
    if kind == "ipv4":
        return rest.rsplit(":", 1)[0]
    if kind == "ipv6":
        return rest.rsplit(":", 1)[0].strip("[]")
    return None


def _reset(token: Token[Principal | None] | None) -> None:
    """Undo the principal; a stream closed from another context has nothing here to undo."""
    if token is not None:
        try:
            principal_var.reset(token)
        except ValueError:
            pass


class GrpcAuthInterceptor(WrappingInterceptor):
    def __init__(self, security: Security) -> None:
        super().__init__()
        self.security = security

    async def _admit(self, method: str, context: grpc.aio.ServicerContext) -> Token[Principal | None] | None:
        """Check the call; the context-variable token to reset afterwards, or None when nothing was set."""
        security = self.security
        if not security.active:
            return None
        need = security.need(method)
        if need == PUBLIC:
            return None
        authorization: str | None = None
        chain: str | None = None
        for key, value in context.invocation_metadata() or ():
            if key == "authorization" and isinstance(value, str):
                authorization = value
            elif key == "x-forwarded-for" and isinstance(value, str):
                chain = value
        address = peer_address(context.peer())
        if chain and address is not None and security.proxies.trusts(address):  # a sidecar or gateway in front
            address = client_address(chain, address, security.proxies) or address
        principal = await security.authorize(need, authorization, address, "grpc")
        return principal_var.set(principal) if principal is not None else None

    def _wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        codec = {"request_deserializer": handler.request_deserializer,
                 "response_serializer": handler.response_serializer}
        admit = self._admit

        if handler.unary_unary is not None or handler.stream_unary is not None:
            behavior = handler.unary_unary or handler.stream_unary

            async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
                token = await admit(method, context)
                try:
                    return await behavior(request, context)
                finally:
                    _reset(token)

            if handler.unary_unary is not None:
                return grpc.unary_unary_rpc_method_handler(unary, **codec)
            return grpc.stream_unary_rpc_method_handler(unary, **codec)

        streaming = handler.unary_stream or handler.stream_stream

        async def stream(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            token = await admit(method, context)
            try:
                async for response in streaming(request, context):
                    yield response
            finally:
                _reset(token)

        if handler.unary_stream is not None:
            return grpc.unary_stream_rpc_method_handler(stream, **codec)
        return grpc.stream_stream_rpc_method_handler(stream, **codec)
