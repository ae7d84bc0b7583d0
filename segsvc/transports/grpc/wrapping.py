"""The one way segsvc's gRPC interceptors wrap a method's handler, built once per method and reused.

grpc.aio asks every interceptor for a handler on every call; wrapping anew each time would rebuild
closures on the hot path. Subclasses say how to wrap (``_wrap``); this class keeps the wrapped handler
per method and rebuilds it only if the server hands out a different underlying handler.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable

import grpc


class WrappingInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self) -> None:
        self._wrapped: dict[str, tuple[grpc.RpcMethodHandler, grpc.RpcMethodHandler]] = {}

    async def intercept_service(
            self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
            details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None:
            return handler
        method: str = details.method  # type: ignore[attr-defined]
        cached = self._wrapped.get(method)
        if cached is None or cached[0] is not handler:
            cached = (handler, self._wrap(method, handler))
            self._wrapped[method] = cached
        return cached[1]

    @abc.abstractmethod
    def _wrap(self, method: str, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        """The handler that runs ``handler`` inside this interceptor's behaviour."""
