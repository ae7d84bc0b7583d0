"""Bearer token verification (python-jose), with verified tokens cached by digest until they expire.

The algorithm comes from the token's header, so it is checked before anything else: it must be in the
``security.jwt.algorithms`` allowlist (which cannot contain ``none``), and it alone picks where the key
comes from. HS* tokens are checked with the shared secret and nothing else; RS*/ES* tokens with a JWKS key
of the matching type. python-jose is then told to accept exactly that one algorithm, so a token that
claims HS256 but was "signed" with an RSA public key (key confusion) meets the secret, not the public key,
and fails. ``iss``, ``aud`` and ``exp`` are required; ``nbf`` is honoured; all with ``leeway``.

Verifying an RS256 signature costs tens of microseconds; looking a token up by its SHA-256 digest costs
one hash and a dict lookup, which is what keeps authenticated throughput close to unauthenticated. The
cache holds digests, never tokens, and an entry lives until the token's ``exp`` or
``token_cache_seconds``, whichever comes first.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from jose import jwk
from jose import jwt as jose_jwt
from jose.backends.base import Key
from jose.exceptions import ExpiredSignatureError, JWKError, JWTClaimsError, JWTError

from segsvc.config.settings import JwtSettings
from segsvc.security.errors import Unauthenticated
from segsvc.security.jwks import JwksCache
from segsvc.security.principal import Principal, principal_from_claims

Clock = Callable[[], float]


def _claims_error(message: str) -> Unauthenticated:
    """python-jose's claim errors as stable reasons (its messages never contain claim values)."""
    lowered = message.lower()
    for needle, reason, detail in (("nbf", "not_yet_valid", "token is not yet valid (nbf)"),
                                   ("issuer", "wrong_issuer", "token issuer (iss) is not accepted"),
                                   ("audience", "wrong_audience", "token audience (aud) is not accepted"),
                                   ('"exp"', "missing_exp", "token has no expiry (exp)"),
                                   ('"iss"', "wrong_issuer", "token has no issuer (iss)"),
                                   ('"aud"', "wrong_audience", "token has no audience (aud)")):
        if needle in lowered:
            return Unauthenticated(detail, reason=reason)
    return Unauthenticated("token claims are invalid", reason="invalid_claims")


class TokenVerifier:
    """Verifies bearer tokens against the live ``security.jwt`` settings and caches the verified ones."""

    def __init__(self, settings: Callable[[], JwtSettings], jwks: JwksCache | None, *,
                 clock: Clock = time.time) -> None:
        self.settings = settings
        self.jwks = jwks
        self.clock = clock
        self._cache: dict[bytes, tuple[Principal, float]] = {}
        self._hmac: dict[str, Key] = {}

    def clear(self) -> None:
        """Forget every verified token and derived key (the configuration changed)."""
        self._cache.clear()
        self._hmac.clear()

    def cached(self, token: str) -> Principal | None:
        """The principal of a token verified earlier and not yet expired: one hash and one lookup."""
        hit = self._cache.get(hashlib.sha256(token.encode()).digest())
        if hit is not None and hit[1] > self.clock():
            return hit[0]
        return None

    async def verify(self, token: str) -> Principal:
        """Verify ``token`` (raises :class:`Unauthenticated`) and remember it until it expires."""
        digest = hashlib.sha256(token.encode()).digest()
        hit = self._cache.get(digest)
        now = self.clock()
        if hit is not None:
            if hit[1] > now:
                return hit[0]
            del self._cache[digest]
        settings = self.settings()
        claims = await self._claims(token, settings)
        principal = principal_from_claims(claims)
        if settings.token_cache_size > 0:
            until = min(float(claims["exp"]), now + settings.token_cache_seconds)
            if len(self._cache) >= settings.token_cache_size:
                self._evict(now, settings.token_cache_size)
            self._cache[digest] = (principal, until)
        return principal

    def _evict(self, now: float, size: int) -> None:
        """Drop expired entries; if that is not enough, the oldest quarter (insertion order)."""
        for key in [k for k, (_, until) in self._cache.items() if until <= now]:
            del self._cache[key]
        if len(self._cache) >= size:
            for key in list(self._cache)[: max(1, size // 4)]:
                del self._cache[key]

    async def _claims(self, token: str, settings: JwtSettings) -> dict[str, Any]:
        if token.count(".") != 2:
            raise Unauthenticated("token is not a compact JWS (header.payload.signature)", reason="malformed")
        try:
            header = jose_jwt.get_unverified_header(token)
        except JWTError:
            raise Unauthenticated("token header cannot be decoded", reason="malformed") from None
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in settings.algorithms:
            raise Unauthenticated(f"token algorithm is not accepted; accepted: {', '.join(settings.algorithms)}",
                                  reason="algorithm_not_allowed")
        key = await self._key(alg, header.get("kid"), settings)
        try:
            claims = jose_jwt.decode(
                token, key, algorithms=[alg], audience=settings.audience, issuer=settings.issuer,
                options={"require_exp": True, "require_iss": True, "require_aud": True, "verify_at_hash": False,
                         "leeway": settings.leeway})
        except ExpiredSignatureError:
            raise Unauthenticated("token has expired", reason="expired") from None
        except JWTClaimsError as exc:
            raise _claims_error(str(exc)) from None
        except JWTError as exc:
            message = str(exc)
            if "missing required key" in message:
                raise _claims_error(message) from None
            if "signature" in message.lower():
                raise Unauthenticated("token signature is invalid", reason="bad_signature") from None
            raise Unauthenticated("token cannot be decoded", reason="malformed") from None
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int | float):
            raise Unauthenticated("token has no expiry (exp)", reason="missing_exp")
        return claims

    async def _key(self, alg: str, kid: Any, settings: JwtSettings) -> Key:
        """The key for ``alg`` from the one source its family allows."""
        if alg.startswith("HS"):
            if settings.secret is None:
                raise Unauthenticated(f"{alg} tokens are not accepted here (no shared secret configured)",
                                      reason="algorithm_not_allowed")
            key = self._hmac.get(alg)
            if key is None:
                try:
                    key = jwk.construct(settings.secret.get_secret_value(), alg)
                except JWKError:  # e.g. a PEM pasted as the secret: refuse rather than guess
                    raise Unauthenticated(f"{alg} tokens cannot be verified (the shared secret is unusable)",
                                          reason="server_key_unusable") from None
                self._hmac[alg] = key
            return key
        if self.jwks is None:
            raise Unauthenticated(f"{alg} tokens are not accepted here (no JWKS URL configured)",
                                  reason="algorithm_not_allowed")
        if kid is not None and not isinstance(kid, str):
            raise Unauthenticated("token header kid is not a string", reason="malformed")
        key = await self.jwks.key_for(kid, alg)
        if key is None:
            raise Unauthenticated("token signing key (kid) is unknown", reason="unknown_kid")
        return key
