"""Who is calling, and what they may do: claims mapped to the service's three permissions (DESIGN §9).

Scopes (``scope`` as a space-separated string, or ``scp`` as a string or list) grant the permissions they
name; the API gateway's ``role`` claim grants a set: ``admin`` everything, ``user`` segmenting and reading
jobs. Unknown scopes and roles grant nothing. The caller of the current request or call is kept in a
context variable so that the service layer can apply per-role limits without a transport in between.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from segsvc.config.settings import PERMISSIONS

ROLE_PERMISSIONS: Mapping[str, frozenset[str]] = {
    "admin": frozenset(PERMISSIONS),
    "user": frozenset({"segment:write", "jobs:read"}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """A verified caller. ``role`` picks the per-role limits: ``admin``, ``user`` or ``anonymous`` (auth off)."""

    subject: str
    role: str
    permissions: frozenset[str]
    expires_at: float | None = None

    def allows(self, permission: str) -> bool:
        return permission in self.permissions


ANONYMOUS_ROLE = "anonymous"
principal_var: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("principal", default=None)


def _scopes(claims: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return found


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The permissions the claims grant; the role is the gateway's, else derived from the permissions."""
    role_claim = claims.get("role")
    role = role_claim if isinstance(role_claim, str) and role_claim in ROLE_PERMISSIONS else None
    permissions = set(_scopes(claims) & set(PERMISSIONS))
    if role is not None:
        permissions |= ROLE_PERMISSIONS[role]
    if role is None:
        role = "admin" if "admin" in permissions else "user"
    subject = next((claims[c] for c in ("sub", "client_id", "azp") if claims.get(c) is not None), None)
    exp = claims.get("exp")
    return Principal(subject=str(subject) if subject is not None else "unknown", role=role,
                     permissions=frozenset(permissions),
                     expires_at=float(exp) if isinstance(exp, int | float) else None)


def anonymous(address: str | None) -> Principal:
    """The caller while authentication is off: every permission, limits of the ``anonymous`` role."""
    return Principal(subject=f"address:{address or 'unknown'}", role=ANONYMOUS_ROLE, permissions=frozenset(PERMISSIONS))
