"""Signing keys from a JWKS endpoint: fetched once, cached, refreshed on an unknown ``kid``.

Three rules keep the endpoint and our latency safe. Stale keys keep serving while a refresh runs in the
background, so a JWKS endpoint that is down costs nothing to tokens signed with known keys. An unknown
``kid`` triggers one fetch, shared by every request waiting for it, and at most one fetch per
``jwks_min_refresh_seconds`` whatever callers present, so junk ``kid`` values cannot turn the service into
a load generator against the identity provider. Keys are matched by type to the token's algorithm family
(RSA for RS*, EC of the right curve for ES*); symmetric keys in a JWKS are ignored, so a public key can
never be used as an HMAC secret.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import aiohttp
from jose import jwk
from jose.backends.base import Key
from jose.exceptions import JWKError

log = logging.getLogger(__name__)
CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


class JwksUnavailable(Exception):
    """The JWKS endpoint could not be read (unreachable, non-200, not a key set)."""


class JwksFetcher(Protocol):
    async def fetch(self) -> Mapping[str, Any]:
        """The key set document; raises :class:`JwksUnavailable`."""

    async def aclose(self) -> None:
        """Release the connection pool."""


class HttpJwksFetcher:
    """GETs the JWKS URL with its own small session; aiohttp's errors stop here as :class:`JwksUnavailable`."""

    def __init__(self, url: str, *, timeout: float,
                 ssl_context: Callable[[], ssl.SSLContext | None] = lambda: None) -> None:
        self.url = url
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.ssl_context = ssl_context  # built with the session: a bad CA file is a start-up check's business
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self) -> Mapping[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout,
                                                  connector=aiohttp.TCPConnector(ssl=self.ssl_context() or True))
        try:
            async with self._session.get(self.url, headers={"Accept": "application/json"}) as resp:
                if resp.status != 200:
                    raise JwksUnavailable(f"JWKS endpoint answered {resp.status}")
                body = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise JwksUnavailable(f"JWKS endpoint unreachable: {type(exc).__name__}: {exc}") from None
        if not isinstance(body, Mapping) or not isinstance(body.get("keys"), list):
            raise JwksUnavailable("JWKS document has no 'keys' list")
        return body

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _usable(entry: Any, alg: str) -> bool:
    """Whether a JWK may verify ``alg``: right key type (and curve), and no contrary ``alg``/``use``."""
    if not isinstance(entry, Mapping):
        return False
    if entry.get("use", "sig") != "sig" or entry.get("alg", alg) != alg:
        return False
    if alg.startswith("RS"):
        return entry.get("kty") == "RSA"
    if alg.startswith("ES"):
        return entry.get("kty") == "EC" and entry.get("crv") == CURVES.get(alg)
    return False  # HS* keys never come from a JWKS


class JwksCache:
    """The current key set; see the module docstring for when it fetches."""

    def __init__(self, fetcher: JwksFetcher, *, fresh_seconds: float, min_refresh_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fetcher = fetcher
        self.fresh_seconds = fresh_seconds
        self.min_refresh_seconds = min_refresh_seconds
        self.clock = clock
        self._keys: list[Mapping[str, Any]] = []
        self._constructed: dict[tuple[str | None, str], Key] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._inflight: asyncio.Task[None] | None = None
        self.last_error: str | None = None

    @property
    def kids(self) -> list[str]:
        return [str(k.get("kid")) for k in self._keys if k.get("kid") is not None]

    async def key_for(self, kid: str | None, alg: str) -> Key | None:
        """The verification key for a token's ``kid`` and ``alg``, fetching the set when it is needed."""
        if self._fetched_at is not None and self.clock() - self._fetched_at > self.fresh_seconds:
            self.prefetch()
        key = self._lookup(kid, alg)
        if key is None and (self._inflight is not None or self._may_fetch()):
            await self.refresh()
            key = self._lookup(kid, alg)
        return key

    def _lookup(self, kid: str | None, alg: str) -> Key | None:
        cached = self._constructed.get((kid, alg))
        if cached is not None:
            return cached
        candidates = [k for k in self._keys if _usable(k, alg) and (kid is None or k.get("kid") == kid)]
        if len(candidates) != 1:  # none, or (without a kid) ambiguous
            return None
        try:
            key = jwk.construct(dict(candidates[0]), alg)
        except (JWKError, ValueError, TypeError) as exc:
            log.warning("unusable key in the JWKS", extra={"kid": kid, "alg": alg, "error": str(exc)})
            return None
        self._constructed[(kid, alg)] = key
        return key

    def _may_fetch(self) -> bool:
        return self._attempted_at is None or self.clock() - self._attempted_at >= self.min_refresh_seconds

    def prefetch(self) -> None:
        """Start a fetch in the background unless one runs or the last one was too recent."""
        if self._inflight is None and self._may_fetch():
            self._inflight = asyncio.ensure_future(self._fetch())

    async def refresh(self) -> None:
        """Fetch now, or join the fetch already running; failures keep the keys we have."""
        if self._inflight is None:
            self._inflight = asyncio.ensure_future(self._fetch())
        await asyncio.shield(self._inflight)

    async def _fetch(self) -> None:
        self._attempted_at = self.clock()
        try:
            document = await self.fetcher.fetch()
        except JwksUnavailable as exc:
            self.last_error = str(exc)
            log.warning("JWKS refresh failed; keeping %d cached keys", len(self._keys), extra={"error": str(exc)})
            return
        finally:
            self._inflight = None
        keys = [k for k in document["keys"] if isinstance(k, Mapping)]
        if [dict(k) for k in keys] != [dict(k) for k in self._keys]:
            self._constructed.clear()
            log.info("JWKS keys loaded", extra={"kids": [k.get("kid") for k in keys]})
        self._keys = keys
        self._fetched_at = self.clock()
        self.last_error = None

    async def aclose(self) -> None:
        if self._inflight is not None:
            self._inflight.cancel()
            await asyncio.gather(self._inflight, return_exceptions=True)
            self._inflight = None
        await self.fetcher.aclose()
