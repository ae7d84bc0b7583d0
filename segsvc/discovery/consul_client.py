"""The Consul adapter: py-consul's asyncio client behind a small interface of our own.

One client (one aiohttp session) serves registration, KV and health watches. py-consul's and aiohttp's
exceptions stop here and become :class:`ConsulUnavailable` or :class:`ConsulForbidden`, so nothing above
this module knows which library talks to Consul.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import consul.aio
from consul.exceptions import ACLPermissionDenied, ConsulException

from segsvc.lifecycle import Stage

log = logging.getLogger(__name__)


class ConsulError(Exception):
    """Base of everything this adapter raises."""


class ConsulUnavailable(ConsulError):
    """Consul could not be reached or answered 5xx: retry later."""


class ConsulForbidden(ConsulError):
    """Consul refused the ACL token (403): retrying will not help until the token or policy changes."""


@dataclass(frozen=True)
class ConsulAddress:
    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, address: str) -> ConsulAddress:
        """``CONSUL_HTTP_ADDR`` as its users write it: ``host:port``, ``http://host:port`` or ``https://…``."""
        text = address if "://" in address else f"http://{address}"
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"invalid Consul address {address!r}")
        return cls(parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 8500))


class ConsulClient:
    """Async operations segsvc needs from a Consul agent; as a component it closes its session last."""

    name = "consul-client"
    stage: Stage = "client"

    def __init__(self, address: str, *, token: str | None = None, cacert: str | None = None,
                 request_timeout: float = 10.0) -> None:
        self.address = ConsulAddress.parse(address)
        self.token = token
        self._cacert = cacert
        self._request_timeout = request_timeout
        self._client: consul.aio.Consul | None = None

    def _api(self) -> consul.aio.Consul:
        if self._client is None:
            verify: bool | str = self._cacert or True if self.address.scheme == "https" else False
            with warnings.catch_warnings():  # py-consul still passes aiohttp's deprecated verify_ssl
                warnings.simplefilter("ignore", DeprecationWarning)
                self._client = consul.aio.Consul(host=self.address.host, port=self.address.port,
                                                 scheme=self.address.scheme, token=self.token, verify=verify)
        return self._client

    async def _call(self, what: str, coro: Any, timeout: float | None = None) -> Any:
        try:
            async with asyncio.timeout(timeout or self._request_timeout):  # not wait_for: see segsvc/discovery/watch.py
                return await coro
        except ACLPermissionDenied as exc:
            raise ConsulForbidden(f"{what}: permission denied by Consul ACLs ({exc})") from None
        except (TimeoutError, ConsulException, aiohttp.ClientError, OSError) as exc:
            raise ConsulUnavailable(f"{what}: {type(exc).__name__}: {exc}") from None

    # --- agent --------------------------------------------------------------------------------------
    async def register(self, payload: dict[str, Any]) -> None:
        api = self._api()
        await self._call("register", api.agent.service.register(**payload))

    async def deregister(self, service_id: str) -> None:
        await self._call("deregister", self._api().agent.service.deregister(service_id))

    async def update_ttl(self, check_id: str, status: str, note: str) -> bool:
        """Report a TTL check's status; False when the agent no longer knows the check.

        py-consul returns False for a 404 rather than raising; a 500 (older agents) is treated the same.
        """
        check = self._api().agent.check
        call = {"passing": check.ttl_pass, "warning": check.ttl_warn, "critical": check.ttl_fail}[status]
        try:
            async with asyncio.timeout(self._request_timeout):
                return bool(await call(check_id, notes=note))
        except ConsulException as exc:
            if str(exc).startswith("500"):
                return False  # older agents answer 500 for an unknown check (newer ones 404): re-register
            return bool(await self._call("check update", _raise(exc)))
        except Exception as exc:
            return bool(await self._call("check update", _raise(exc)))

    # --- blocking reads -----------------------------------------------------------------------------
    async def kv_prefix(self, prefix: str, index: int, wait: float) -> tuple[int, list[dict[str, Any]]]:
        """Every key under ``prefix`` (``[]`` when none), blocking until the index moves past ``index``."""
        idx, items = await self._call("kv read", self._api().kv.get(
            prefix, index=index or None, recurse=True, wait=f"{int(wait)}s"), timeout=wait + wait / 16 + 5)
        return int(idx or 0), list(items or [])

    async def health_service(self, service: str, index: int, wait: float) -> tuple[int, list[dict[str, Any]]]:
        """Passing instances of ``service``, blocking until the index moves past ``index``."""
        idx, entries = await self._call("health read", self._api().health.service(
            service, index=index or None, wait=f"{int(wait)}s", passing=True), timeout=wait + wait / 16 + 5)
        return int(idx or 0), list(entries or [])

    async def start(self) -> None:
        log.info("Consul agent at %s://%s:%d", self.address.scheme, self.address.host, self.address.port,
                 extra={"acl_token": self.token is not None})

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            try:
                await client.close()
            except Exception:  # closing is best effort
                log.debug("closing the Consul session failed", exc_info=True)


async def _raise(exc: BaseException) -> Any:
    """Re-raise inside :meth:`ConsulClient._call` so that the one exception mapping applies."""
    raise exc
