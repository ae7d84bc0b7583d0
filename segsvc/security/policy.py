"""The route-to-permission policy, compiled once per configuration into dictionary lookups.

Keys are ``"METHOD /route"`` for HTTP, with the route as aiohttp names it (``/api/v1/jobs/{job_id}``), and
``"/package.Service/Method"`` for gRPC, where ``"/package.Service/*"`` covers a whole service. Values are
``public`` (nothing is checked, not even a token), ``authenticated`` (any valid token) or one of the
permissions. A route the policy does not name needs ``security.policy.default``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from segsvc.config.settings import SecuritySettings

PUBLIC = "public"
AUTHENTICATED = "authenticated"


@dataclass(frozen=True)
class Policy:
    exact: dict[str, str]
    services: dict[str, str]
    default: str
    _memo: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def from_settings(cls, security: SecuritySettings) -> Policy:
        exact: dict[str, str] = {}
        services: dict[str, str] = {}
        for key, need in security.policy.routes.items():
            if key.startswith("/") and key.endswith("/*"):
                services[key[:-1]] = need  # "/pkg.Svc/"
            else:
                exact[key] = need
        if security.metrics_require_auth and exact.get("GET /metrics", PUBLIC) == PUBLIC:
            exact["GET /metrics"] = AUTHENTICATED
        return cls(exact, services, security.policy.default)

    def need(self, key: str) -> str:
        """What ``key`` (``"GET /route"`` or ``"/pkg.Svc/Method"``) requires."""
        found = self._memo.get(key)
        if found is None:
            found = self.exact.get(key)
            if found is None and key.startswith("/"):
                found = self.services.get(key[: key.rfind("/") + 1])
            found = found or self.default
            if len(self._memo) < 4096:  # routes are few; the bound guards against odd gRPC method names
                self._memo[key] = found
        return found
