"""Self-registration in Consul with one TTL check kept alive by a heartbeat carrying readiness.

The heartbeat runs every TTL/3 and reports passing (ready), warning (degraded, with a note naming what)
or critical (draining). When the agent answers a check update with 404 or 500 it has forgotten us (it
restarted, or the node changed), so we register again at once. While Consul is unreachable the service
keeps serving and retries with capped, jittered back-off; it registers as soon as Consul answers.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from typing import Any

from segsvc.config.durations import format_duration
from segsvc.config.settings import Settings
from segsvc.discovery.consul_client import ConsulClient, ConsulError, ConsulForbidden
from segsvc.discovery.watch import backoff_delay
from segsvc.lifecycle import Stage
from segsvc.service.health import Health

log = logging.getLogger(__name__)
CONSUL_CHECKS = frozenset({"consul", "config-watch", "discovery"})


def advertise_address(configured: str | None) -> str:
    """The configured address, else the first non-loopback address of this host, else 127.0.0.1."""
    if configured:
        return configured
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127."):
            return address
    return "127.0.0.1"


def service_id(settings: Settings, host: str | None = None) -> str:
    return f"{settings.consul.service_name}-{host or socket.gethostname()}-{settings.http.port}"


def registration_payload(settings: Settings, *, version: str, http_port: int,
                         grpc_port: int | None = None) -> dict[str, Any]:
    """The DESIGN §6 registration, in py-consul's ``agent.service.register`` keyword form."""
    name = settings.consul.service_name
    sid = f"{name}-{socket.gethostname()}-{http_port}"
    payload: dict[str, Any] = {
        "name": name,
        "service_id": sid,
        "address": advertise_address(settings.consul.advertise_address),
        "port": http_port,
        "tags": ["alt-las", "segmentation", "http", "grpc", "v1", settings.profile],
        "meta": {"version": version, "grpc_port": str(grpc_port or settings.grpc.port), "languages": "en,tr", "api": "v1",
                 "profile": settings.profile},
        "check": {"CheckID": f"service:{sid}", "Name": f"{name} readiness",
                  "TTL": format_duration(settings.consul.ttl),
                  "DeregisterCriticalServiceAfter": format_duration(settings.consul.deregister_after),
                  "Status": "critical", "Notes": "TTL check fed by the instance's readiness"},
    }
    if settings.discovery_mode == "sidecar":
        upstreams = []
        for peer in ("ai_orchestrator", "runner", "archive"):
            p = getattr(settings.peers, peer)
            upstreams.append({"DestinationName": p.service, "LocalBindPort": p.local_bind_port})
        payload["connect"] = {"SidecarService": {"Proxy": {"Upstreams": upstreams}}}
    return payload


class Registration:
    """Registers this instance and feeds its TTL check; deregisters on stop."""

    name = "consul-registration"
    stage: Stage = "registration"

    def __init__(self, consul: ConsulClient, settings: Callable[[], Settings], health: Health, *, version: str,
                 http_port: Callable[[], int], grpc_port: Callable[[], int] | None = None) -> None:
        self.consul = consul
        self._settings = settings
        self.health = health
        self.version = version
        self._http_port = http_port
        self._grpc_port = grpc_port
        self.registered = False
        self.attempts = 0
        self.last_error: str | None = None
        self._payload: dict[str, Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @property
    def service_id(self) -> str:
        return self._payload["service_id"] if self._payload else ""

    @property
    def check_id(self) -> str:
        return f"service:{self.service_id}"

    def _status(self) -> tuple[str, str]:
        state = self.health.state
        if state in ("draining", "starting", "unavailable"):
            return "critical", state
        # Our own trouble reaching Consul is no news to Consul: only other degradations make a warning.
        parts = [p for p in self.health.degraded_parts() if p not in CONSUL_CHECKS]
        if parts:
            return "warning", "degraded: " + ", ".join(parts)
        return "passing", "ready"

    async def _register(self) -> None:
        self.attempts += 1
        self._payload = registration_payload(self._settings(), version=self.version, http_port=self._http_port(),
                                             grpc_port=self._grpc_port() if self._grpc_port else None)
        await self.consul.register(self._payload)
        self.registered = True
        log.info("registered in Consul", extra={"service_id": self.service_id,
                                                "address": self._payload["address"], "port": self._payload["port"]})

    async def heartbeat(self) -> bool:
        """One beat: register when needed, then report the check's status. True when Consul took it."""
        try:
            if not self.registered:
                await self._register()
            status, note = self._status()
            if not await self.consul.update_ttl(self.check_id, status, note):
                log.warning("Consul forgot this instance; registering again", extra={"service_id": self.service_id})
                self.registered = False
                await self._register()
                await self.consul.update_ttl(self.check_id, status, note)
        except ConsulForbidden as exc:
            self._failed(str(exc), forbidden=True)
            return False
        except ConsulError as exc:
            self._failed(str(exc), forbidden=False)
            return False
        if self.last_error is not None:
            log.info("Consul reachable again", extra={"service_id": self.service_id})
        self.last_error = None
        self.health.report("consul", "ok", f"registered as {self.service_id}")
        return True

    def _failed(self, error: str, *, forbidden: bool) -> None:
        if error != self.last_error:
            log.error("Consul registration failed: %s", error, extra={"forbidden": forbidden})
        self.last_error = error
        self.registered = self.registered and not forbidden
        detail = ("ACL token lacks permission: " if forbidden else "unreachable, retrying: ") + error
        self.health.report("consul", "degraded", detail)

    async def _loop(self) -> None:
        failures = 0
        while True:
            ok = await self.heartbeat()
            failures = 0 if ok else failures + 1
            ttl = self._settings().consul.ttl
            delay = ttl / 3 if ok else backoff_delay(failures, base=0.5, cap=max(ttl / 3, 5.0))
            self._wake.clear()
            try:
                async with asyncio.timeout(delay):
                    await self._wake.wait()
            except TimeoutError:
                pass

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="consul-heartbeat")

    async def drain(self) -> None:
        """Critical with note ``draining`` right away, so callers stop choosing this instance."""
        if self.registered:
            try:
                await self.consul.update_ttl(self.check_id, "critical", "draining")
            except ConsulError as exc:
                log.warning("could not mark the check critical while draining: %s", exc)
        self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self.registered:
            try:
                await self.consul.deregister(self.service_id)
                log.info("deregistered from Consul", extra={"service_id": self.service_id})
            except ConsulError as exc:
                log.warning("deregistration failed; Consul will reap the critical check: %s", exc)
            self.registered = False
