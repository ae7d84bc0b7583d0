"""The instance's one NATS connection, as a runtime component (stage ``client``).

It connects in the background and never stops trying: a NATS that is down at start-up, or restarted
later, only makes the instance *degraded* (``nats`` health check) until it is back. After every
(re)connection the registered set-up steps run again (streams, consumers and KV buckets are created
idempotently), so a NATS that lost its storage is furnished anew without help.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from segsvc.config.settings import NatsSettings
from segsvc.lifecycle import Stage
from segsvc.messaging.errors import MessagingUnavailable, translated
from segsvc.service.health import Health

log = logging.getLogger(__name__)
SetUp = Callable[[JetStreamContext], Awaitable[None]]


class NatsClient:
    name = "nats"
    stage: Stage = "client"

    def __init__(self, settings: NatsSettings, health: Health, *, client_name: str) -> None:
        if not settings.url:
            raise ValueError("NatsClient needs nats.url (NATS_URL)")
        self.settings = settings
        self.health = health
        self.client_name = client_name
        self._setups: list[SetUp] = []
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._ready: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._setup_task: asyncio.Task[None] | None = None

    def on_connect(self, setup: SetUp) -> None:
        """Run ``setup`` after every (re)connection, before the connection counts as ready."""
        self._setups.append(setup)

    @property
    def servers(self) -> list[str]:
        return [s.strip() for s in (self.settings.url or "").split(",") if s.strip()]

    @property
    def jetstream(self) -> JetStreamContext:
        if self._js is None or self._ready is None or not self._ready.is_set():
            raise MessagingUnavailable("not connected to NATS yet")
        return self._js

    @property
    def core(self) -> Client:
        """The plain NATS connection, for core subscriptions (nats-py restores them after a reconnect)."""
        if self._nc is None:
            raise MessagingUnavailable("not connected to NATS yet")
        return self._nc

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected and self._ready is not None and self._ready.is_set()

    async def start(self) -> None:
        self._ready = asyncio.Event()
        self.health.report("nats", "down", "connecting")
        self._task = asyncio.create_task(self._connect_forever(), name="nats-connect")
        try:
            async with asyncio.timeout(self.settings.connect_timeout + 1.0):
                await self._ready.wait()
        except TimeoutError:
            log.warning("NATS is not reachable yet; jobs wait until it is (retrying in the background)",
                        extra={"servers": self.servers})

    async def _connect_forever(self) -> None:
        failures = 0
        while self._nc is None:
            try:
                with translated("connect"):
                    self._nc = await nats.connect(
                        servers=self.servers, name=self.client_name, allow_reconnect=True,
                        max_reconnect_attempts=-1, reconnect_time_wait=self.settings.reconnect_wait,
                        connect_timeout=self.settings.connect_timeout, ping_interval=10, max_outstanding_pings=3,
                        error_cb=self._on_error, disconnected_cb=self._on_disconnected,
                        reconnected_cb=self._on_reconnected, closed_cb=self._on_closed)
            except MessagingUnavailable as exc:
                failures += 1
                if failures == 1 or failures % 20 == 0:
                    log.warning("cannot connect to NATS; retrying", extra={"failures": failures, "error": exc.detail})
                await asyncio.sleep(self.settings.reconnect_wait)
        self._js = self._nc.jetstream(timeout=self.settings.request_timeout)
        await self._set_up()

    async def _set_up(self) -> None:
        """Run every set-up step until all succeed (JetStream may need a moment after a server restart)."""
        assert self._js is not None and self._ready is not None
        failures = 0
        while True:
            try:
                for setup in self._setups:
                    await setup(self._js)
                break
            except MessagingUnavailable as exc:
                failures += 1
                if failures == 1 or failures % 20 == 0:
                    log.warning("NATS set-up failed; retrying", extra={"failures": failures, "error": exc.detail})
                await asyncio.sleep(min(2.0, self.settings.reconnect_wait * failures))
        self._ready.set()
        url = self._nc.connected_url if self._nc is not None else None
        self.health.report("nats", "ok", f"connected to {url.netloc if url else 'NATS'}")
        log.info("NATS ready", extra={"servers": self.servers})

    async def _on_error(self, exc: Exception) -> None:
        log.debug("NATS client error", extra={"error": f"{type(exc).__name__}: {exc}"})

    async def _on_disconnected(self) -> None:
        if self._ready is not None:
            self._ready.clear()
        self.health.report("nats", "down", "disconnected; reconnecting")
        log.warning("disconnected from NATS; reconnecting")

    async def _on_reconnected(self) -> None:
        log.info("reconnected to NATS")
        if self._setup_task is None or self._setup_task.done():
            self._setup_task = asyncio.create_task(self._set_up(), name="nats-setup")

    async def _on_closed(self) -> None:
        self.health.report("nats", "down", "connection closed")

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        for task in (self._task, self._setup_task):
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if self._nc is not None:
            try:
                with translated("close"):
                    await self._nc.close()
            except MessagingUnavailable:
                log.debug("NATS close failed", exc_info=True)
            self._nc = None
            self._js = None
