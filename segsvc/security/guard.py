"""The one security decision both transports ask for: may this request run, and as whom?

:class:`Security` owns the token verifier, the JWKS cache, the rate limiter and the compiled policy. It is
built once by the runtime and shared by HTTP and gRPC, so a token verified on one transport is a cache hit
on the other, and one JWKS fetch serves both. Live settings (policy, rate limits, trusted proxies, CORS)
are recompiled when the configuration store announces a change; the hot path reads plain attributes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from segsvc.config.loader import ConfigSnapshot
from segsvc.config.settings import CorsSettings, Settings
from segsvc.config.store import ConfigStore
from segsvc.lifecycle import Stage
from segsvc.observability.metrics import Metrics
from segsvc.security.errors import Forbidden, RateLimited, Unauthenticated
from segsvc.security.forwarded import TrustedProxies
from segsvc.security.jwks import HttpJwksFetcher, JwksCache, JwksFetcher
from segsvc.security.limits import rate_for
from segsvc.security.policy import AUTHENTICATED, PUBLIC, Policy
from segsvc.security.principal import Principal, anonymous
from segsvc.security.ratelimit import RateLimiter
from segsvc.security.tls import client_ssl_context
from segsvc.security.tokens import TokenVerifier

log = logging.getLogger(__name__)


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` value; raises :class:`Unauthenticated`."""
    if not authorization:
        raise Unauthenticated("this operation needs a bearer token (Authorization: Bearer <JWT>)",
                              reason="missing", error=None)
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthenticated("the Authorization header must be 'Bearer <JWT>'", reason="malformed",
                              error="invalid_request")
    return token


@dataclass(frozen=True)
class Cors:
    """Compiled ``security.cors``: origin membership is a set lookup, header values are prebuilt strings."""

    any_origin: bool
    origins: frozenset[str]
    methods: str
    headers: str
    expose: str
    credentials: bool
    max_age: str

    @classmethod
    def from_settings(cls, cors: CorsSettings) -> Cors | None:
        if not cors.allowed_origins:
            return None
        return cls(any_origin="*" in cors.allowed_origins,
                   origins=frozenset(o.rstrip("/") for o in cors.allowed_origins if o != "*"),
                   methods=", ".join(m.upper() for m in cors.allowed_methods),
                   headers=", ".join(cors.allowed_headers), expose=", ".join(cors.expose_headers),
                   credentials=cors.allow_credentials, max_age=str(int(cors.max_age)))

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin in self.origins


class Security:
    """Authentication, authorisation and rate limiting for one instance; a ``client`` stage component."""

    name = "security"
    stage: Stage = "client"

    def __init__(self, config: ConfigStore, metrics: Metrics | None = None, *,
                 jwks_fetcher: JwksFetcher | None = None) -> None:
        settings = config.settings
        self.config = config
        self.metrics = metrics
        self.enabled = settings.auth_enabled  # read at start-up only: turning auth off live is not a KV change
        jwt = settings.security.jwt
        self.jwks: JwksCache | None = None
        if jwt.jwks_url or jwks_fetcher is not None:
            fetcher = jwks_fetcher or HttpJwksFetcher(str(jwt.jwks_url), timeout=jwt.jwks_timeout,
                                                      ssl_context=lambda: client_ssl_context(settings.security))
            self.jwks = JwksCache(fetcher, fresh_seconds=jwt.jwks_cache_seconds,
                                  min_refresh_seconds=jwt.jwks_min_refresh_seconds)
        self.verifier = TokenVerifier(lambda: self.config.settings.security.jwt, self.jwks)
        self.limiter = RateLimiter()
        self._compile(settings)
        config.subscribe(self._on_change)

    def _compile(self, settings: Settings) -> None:
        security = settings.security
        self.policy = Policy.from_settings(security)
        self.proxies = TrustedProxies(security.trusted_proxies)
        self.cors = Cors.from_settings(security.cors)
        self.rate_limit = security.rate_limit
        # False while auth and rate limits are both off: transports then skip authorize() altogether.
        self.active = self.enabled or security.rate_limit.enabled

    def _on_change(self, old: ConfigSnapshot, new: ConfigSnapshot) -> None:
        self._compile(new.settings)
        if old.settings.security.jwt != new.settings.security.jwt:
            self.verifier.clear()

    def need(self, key: str) -> str:
        """What ``"METHOD /route"`` or ``"/pkg.Service/Method"`` requires under the live policy."""
        return self.policy.need(key)

    async def authorize(self, need: str, authorization: str | None, address: str | None,
                        transport: str) -> Principal | None:
        """The caller allowed to do what ``need`` names, or None when nothing applies (auth and limits off).

        Raises :class:`Unauthenticated`, :class:`Forbidden` or :class:`RateLimited`.
        """
        if need == PUBLIC:
            return None
        try:
            if self.enabled:
                token = bearer_token(authorization)
                principal = self.verifier.cached(token) or await self.verifier.verify(token)
                if need != AUTHENTICATED and need not in principal.permissions:
                    raise Forbidden(need)
            elif self.rate_limit.enabled:
                principal = anonymous(address)
            else:
                return None
            if self.rate_limit.enabled:
                rate, burst = rate_for(self.config.settings, principal.role)
                wait = self.limiter.take(principal.subject, rate, burst, self.rate_limit.max_subjects)
                if wait is not None:
                    raise RateLimited(wait)
            return principal
        except (Unauthenticated, Forbidden, RateLimited) as exc:
            if self.metrics is not None:
                self.metrics.auth_rejections.labels(transport, exc.reason).inc()
            if log.isEnabledFor(logging.DEBUG):
                log.debug("request refused", extra={"transport": transport, "reason": exc.reason,
                                                    "status": exc.status})
            raise

    async def start(self) -> None:
        """Fetch the JWKS early so that the first RS256 request does not wait for it (failures only logged)."""
        if self.enabled and self.jwks is not None:
            self.jwks.prefetch()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        if self.jwks is not None:
            await self.jwks.aclose()
