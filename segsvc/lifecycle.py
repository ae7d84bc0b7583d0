"""What every long-lived part of the service looks like to the runtime that owns it.

A component is started once and stopped once by :class:`segsvc.runtime.Runtime`. Its ``stage`` fixes
both orders (DESIGN §6, §10):

start: ``client`` (Consul/NATS connections) → ``background`` (watches, workers) → ``server`` (HTTP, gRPC)
→ ``registration`` (announce in Consul only once listeners exist).

stop: every component's :meth:`drain` (not ready, Consul check critical), the drain period, then
``server`` (stop accepting, finish in-flight work) → ``background`` (job consumers finish or give back
what they hold) → ``registration`` (deregister) → ``client`` (close connections last, since everything
before may still use them). The components of one stage stop at the same time, so each stage takes at
most one ``shutdown.grace_seconds``, whatever the number of listeners and consumers.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

Stage = Literal["client", "background", "server", "registration"]
START_ORDER: tuple[Stage, ...] = ("client", "background", "server", "registration")
STOP_ORDER: tuple[Stage, ...] = ("server", "background", "registration", "client")


@runtime_checkable
class Component(Protocol):
    name: str
    stage: Stage

    async def start(self) -> None:
        """Start and return once the component is usable (a server listens, a client is configured)."""

    async def drain(self) -> None:
        """Announce that the instance is going away; keep working."""

    async def stop(self) -> None:
        """Release everything; must not raise for a component that failed to start."""
