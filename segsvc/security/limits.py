"""Limits for the caller at hand: the global ``limits.*``, tightened by the caller's role.

``security.limits.<role>`` may lower (never raise) the body size and command length for ``admin``,
``user`` or ``anonymous`` callers, and set their request rate. The transports put the verified
:class:`~segsvc.security.principal.Principal` in a context variable; this module reads it, so the service
layer applies the right limits without knowing about tokens. Merged limits are computed once per
configuration snapshot, so a request pays one identity check and one dict lookup.
"""

from __future__ import annotations

from segsvc.config.settings import LimitsSettings, RateLimitSettings, Settings
from segsvc.security.principal import principal_var

_merged: tuple[Settings | None, dict[str, LimitsSettings]] = (None, {})


def _per_role(settings: Settings) -> dict[str, LimitsSettings]:
    global _merged
    if _merged[0] is not settings:
        base = settings.limits
        merged: dict[str, LimitsSettings] = {}
        for role, caps in settings.security.limits:
            update = {name: min(getattr(base, name), value)
                      for name, value in (("max_body_bytes", caps.max_body_bytes),
                                          ("max_command_chars", caps.max_command_chars)) if value is not None}
            merged[role] = base.model_copy(update=update) if update else base
        _merged = (settings, merged)
    return _merged[1]


def effective_limits(settings: Settings) -> LimitsSettings:
    """The limits of the current caller (the global ones outside a request or without a role cap)."""
    principal = principal_var.get()
    if principal is None:
        return settings.limits
    return _per_role(settings).get(principal.role, settings.limits)


def rate_for(settings: Settings, role: str) -> tuple[float, int]:
    """``(requests_per_second, burst)`` of ``role``: its own values where set, else ``security.rate_limit``."""
    default: RateLimitSettings = settings.security.rate_limit
    caps = getattr(settings.security.limits, role, None)
    if caps is None:
        return default.requests_per_second, default.burst
    return (caps.requests_per_second or default.requests_per_second), (caps.burst or default.burst)
