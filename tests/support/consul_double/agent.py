"""The local Consul agent: services and checks registered through it, and the work it does alone.

A real agent owns its registrations and syncs them to the servers (anti-entropy). The parts of
that behaviour segsvc depends on are reproduced:

* check IDs ``service:<ID>`` (``service:<ID>:<n>`` when a service has several checks), initial
  status ``critical`` unless given, status and output carried over on re-registration;
* TTL checks turn ``critical`` with output ``TTL expired`` when not updated in time;
* a check critical for longer than its ``DeregisterCriticalServiceAfter`` (at least the agent's
  minimum) gets its service deregistered by a reaper;
* status changes reach the catalog at once, output-only changes stay on the agent (Consul defers
  them by ``check_update_interval``, 5 minutes), so heartbeats do not wake health watchers;
* ``Connect.SidecarService`` registers ``<ID>-sidecar-proxy`` with Consul's defaults;
* a restart forgets everything registered through the agent.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import aiohttp

from .decode import CheckType, ServiceDefinition, decode_service
from .durations import format_duration
from .model import Check, Service
from .probes import probe_http, probe_tcp, truncate_output
from .state import StateStore, Txn

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = "-sidecar-proxy"
SIDECAR_PORTS = range(21000, 21256)
"""Consul's default ``sidecar_min_port``..``sidecar_max_port``."""

MAINTENANCE_PREFIX = "_service_maintenance:"
DEFAULT_MAINTENANCE_NOTE = (
    "Maintenance mode is enabled for this service, but no reason was provided. This is a default message."
)


class NotFound(Exception):
    """Unknown service or check ID; ``str()`` is Consul's 404 text."""


def unknown_service(service_id: str) -> NotFound:
    return NotFound(
        f'Unknown service ID "{service_id}". Ensure that the service ID is passed, not the service name.'
    )


def unknown_check(check_id: str) -> NotFound:
    return NotFound(f'Unknown check ID "{check_id}". Ensure that the check ID is passed, not the check name.')


class NotTTLCheck(Exception):
    """A TTL update for a check that has no TTL (Consul answers 500)."""


@dataclass
class LocalService:
    """What the agent remembers about a service beyond its catalog record."""

    service_id: str
    sidecar_of: str = ""


@dataclass
class LocalCheck:
    """Agent-side state of a check: its definition, fresh output, and critical-since time."""

    check_id: str
    service_id: str
    definition: CheckType
    output: str = ""
    critical_since: float | None = None
    last_ttl_output: str = ""
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.task is not None:
            self.task.cancel()
            self.task = None


class LocalAgent:
    """Agent state and background work (TTL timers, probes, reaper) for the double's node."""

    def __init__(
        self,
        store: StateStore,
        *,
        node_name: str,
        min_deregister_after: float,
        reap_interval: float,
        min_check_interval: float,
        clock: Callable[[], float],
    ) -> None:
        self.store = store
        self.node_name = node_name
        self.min_deregister_after = min_deregister_after
        self.reap_interval = reap_interval
        self.min_check_interval = min_check_interval
        self.clock = clock
        self.services: dict[str, LocalService] = {}
        self.checks: dict[str, LocalCheck] = {}
        self._reaper: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the reaper (needs a running loop)."""
        if self._reaper is None:
            self._reaper = asyncio.get_running_loop().create_task(
                self._reap_forever(), name="consul-double-reaper"
            )

    async def stop(self) -> None:
        """Stop every timer, probe and the reaper; close the probes' HTTP session."""
        for check in self.checks.values():
            check.stop()
        if self._reaper is not None:
            self._reaper.cancel()
            await asyncio.gather(self._reaper, return_exceptions=True)
            self._reaper = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    def forget_all(self) -> None:
        """What an agent restart without its data dir does: drop every registration."""
        for service_id in list(self.services):
            if service_id in self.services:
                self.remove_service(service_id)
        for check_id in list(self.checks):
            self.remove_check(check_id)

    # ------------------------------------------------------------------------------- lookups

    def service(self, service_id: str) -> Service | None:
        if service_id not in self.services:
            return None
        return self.store.services.get((self.node_name, service_id))

    def check(self, check_id: str) -> Check | None:
        if check_id not in self.checks:
            return None
        return self.store.checks.get((self.node_name, check_id))

    def check_json(self, check_id: str) -> dict[str, Any]:
        """``/v1/agent/checks`` view: the catalog record with the agent's fresher output."""
        record = self.store.checks[(self.node_name, check_id)]
        return record.to_json(output=self.checks[check_id].output)

    # -------------------------------------------------------------------------- registration

    def build_sidecar(self, parent: ServiceDefinition) -> ServiceDefinition | None:
        """Expand ``Connect.SidecarService`` with Consul's defaults (``sidecarServiceFromNodeService``)."""
        if parent.sidecar is None:
            return None
        sidecar = decode_service(parent.sidecar, sidecar=True)
        sidecar.id = parent.id + SIDECAR_SUFFIX
        sidecar.kind = sidecar.kind or "connect-proxy"
        sidecar.name = sidecar.name or parent.name + SIDECAR_SUFFIX
        sidecar.address = sidecar.address or parent.address
        if not sidecar.meta and parent.meta:
            sidecar.meta = dict(parent.meta)
        if not sidecar.tags and parent.tags:
            sidecar.tags = list(parent.tags)
        proxy = sidecar.proxy or {
            "DestinationServiceName": "",
            "DestinationServiceID": "",
            "LocalServiceAddress": "",
            "LocalServicePort": 0,
            "Mode": "",
            "Upstreams": [],
            "MeshGateway": {},
            "Expose": {},
        }
        proxy["DestinationServiceName"] = proxy["DestinationServiceName"] or parent.name
        proxy["DestinationServiceID"] = proxy["DestinationServiceID"] or parent.id
        if not proxy["LocalServiceAddress"] or proxy["LocalServicePort"] < 1:
            proxy["LocalServiceAddress"] = proxy["LocalServiceAddress"] or "127.0.0.1"
            if proxy["LocalServicePort"] < 1:
                proxy["LocalServicePort"] = parent.port
        sidecar.proxy = proxy
        if sidecar.port < 1:
            sidecar.port = self._sidecar_port(sidecar.id)
        if not sidecar.checks:
            sidecar.checks = [
                CheckType(
                    name="Connect Sidecar Listening",
                    tcp=f"{sidecar.address or proxy['LocalServiceAddress']}:{sidecar.port}",
                    interval=10.0,
                ),
                CheckType(
                    name=f"Connect Sidecar Aliasing {parent.id}",
                    alias_service=parent.id,
                ),
            ]
        return sidecar

    def _sidecar_port(self, sidecar_id: str) -> int:
        """Lowest free port of the sidecar range, keeping the one this sidecar already has."""
        used: set[int] = set()
        for service_id in self.services:
            record = self.service(service_id)
            if record is None or record.port not in SIDECAR_PORTS:
                continue
            if service_id == sidecar_id:
                return record.port
            used.add(record.port)
        for port in SIDECAR_PORTS:
            if port not in used:
                return port
        raise ValueError(
            "no port provided for sidecar_service and none left in the configured range [21000, 21255]"
        )

    def add_service(
        self,
        definition: ServiceDefinition,
        *,
        replace_existing_checks: bool,
        sidecar_of: str = "",
    ) -> None:
        """Register (or update) a service and its checks, and sync them to the catalog at once."""
        service = Service(
            node=self.node_name,
            id=definition.id,
            name=definition.name,
            tags=list(definition.tags) if definition.tags is not None else None,
            address=definition.address,
            port=definition.port,
            meta=dict(definition.meta) if definition.meta is not None else None,
            weights=dict(definition.weights or {"Passing": 1, "Warning": 1}),
            enable_tag_override=definition.enable_tag_override,
            kind=definition.kind,
            proxy=definition.proxy,
            connect_native=definition.connect_native,
            tagged_addresses=definition.tagged_addresses,
        )
        new_checks: list[tuple[Check, CheckType]] = []
        for position, check_type in enumerate(definition.checks, start=1):
            check_id = check_type.check_id or f"service:{definition.id}"
            if not check_type.check_id and len(definition.checks) > 1:
                check_id += f":{position}"
            new_checks.append((self._catalog_check(check_id, check_type, service), check_type))

        with self.store.txn() as tx:
            tx.put_service(service)
            self.services[definition.id] = LocalService(definition.id, sidecar_of)
            wanted = {check.check_id for check, _ in new_checks}
            if replace_existing_checks:
                for local in list(self.checks.values()):
                    if local.service_id == definition.id and local.check_id not in wanted:
                        self._drop_check(tx, local.check_id)
            for check, check_type in new_checks:
                self._register_check(tx, check, check_type)
        self._refresh_aliases()

    def add_check(self, check_type: CheckType) -> None:
        """``/v1/agent/check/register``: a check alone, on the node or on a local service."""
        service = self.service(check_type.service_id) if check_type.service_id else None
        if check_type.service_id and service is None:
            raise NotFound(f'ServiceID "{check_type.service_id}" does not exist')
        check_id = check_type.check_id or check_type.name
        check = self._catalog_check(check_id, check_type, service)
        with self.store.txn() as tx:
            self._register_check(tx, check, check_type)
        self._refresh_aliases()

    def _catalog_check(self, check_id: str, check_type: CheckType, service: Service | None) -> Check:
        definition: dict[str, Any] = {}
        for key, value in (
            ("HTTP", check_type.http),
            ("Method", check_type.method),
            ("Header", check_type.header),
            ("Body", check_type.body),
            ("TCP", check_type.tcp),
            ("AliasService", check_type.alias_service),
        ):
            if value:
                definition[key] = value
        for key, seconds in (
            ("TTL", check_type.ttl),
            ("Interval", check_type.interval),
            ("Timeout", check_type.timeout),
            ("DeregisterCriticalServiceAfter", check_type.deregister_after),
        ):
            if seconds:
                definition[key] = format_duration(seconds)
        return Check(
            node=self.node_name,
            check_id=check_id,
            name=check_type.name or (f"Service '{service.name}' check" if service else check_id),
            status=check_type.status or "critical",
            notes=check_type.notes,
            service_id=service.id if service else "",
            service_name=service.name if service else "",
            service_tags=list(service.tags or []) if service else [],
            check_type=check_type.kind,
            interval=check_type.interval,
            timeout=check_type.timeout,
            definition=definition,
        )

    def _register_check(self, tx: Txn, check: Check, check_type: CheckType) -> None:
        """Install a check, carrying over the status and output of the check it replaces.

        Consul snapshots check state before a (re-)registration and restores it, so registering
        again does not reset a passing instance to critical.
        """
        previous = self.store.checks.get((self.node_name, check.check_id))
        known = self.checks.get(check.check_id)
        if previous is not None and known is not None:
            check.status, check.output = previous.status, previous.output
        self._install_check(tx, check, check_type, fresh_output=known.output if known else check.output)

    def _install_check(self, tx: Txn, check: Check, check_type: CheckType, *, fresh_output: str) -> None:
        """Write the catalog record and (re)start the check's timer or probe."""
        old = self.checks.pop(check.check_id, None)
        critical_since = old.critical_since if old is not None else None
        if old is not None:
            old.stop()
        tx.put_check(check)
        local = LocalCheck(check.check_id, check.service_id, check_type, output=fresh_output)
        local.critical_since = (critical_since or self.clock()) if check.status == "critical" else None
        self.checks[check.check_id] = local
        kind = check_type.kind
        if kind == "ttl" and check_type.ttl:
            local.timer = asyncio.get_running_loop().call_later(
                check_type.ttl, self._ttl_expired, check.check_id
            )
        elif kind in ("http", "tcp"):
            local.task = asyncio.get_running_loop().create_task(
                self._probe_forever(check.check_id),
                name=f"consul-double-check-{check.check_id}",
            )

    def remove_service(self, service_id: str) -> None:
        """Deregister a local service, its checks and the sidecar registered with it."""
        if service_id not in self.services:
            raise unknown_service(service_id)
        with self.store.txn() as tx:
            for local in list(self.checks.values()):
                if local.service_id == service_id:
                    self._drop_check(tx, local.check_id)
            tx.delete_service(self.node_name, service_id)
            del self.services[service_id]
        sidecar_id = service_id + SIDECAR_SUFFIX
        sidecar = self.services.get(sidecar_id)
        if sidecar is not None and sidecar.sidecar_of == service_id:
            self.remove_service(sidecar_id)
        self._refresh_aliases()

    def remove_check(self, check_id: str) -> None:
        if check_id not in self.checks:
            raise unknown_check(check_id)
        with self.store.txn() as tx:
            self._drop_check(tx, check_id)
        self._refresh_aliases()

    def _drop_check(self, tx: Txn, check_id: str) -> None:
        local = self.checks.pop(check_id)
        local.stop()
        tx.delete_check(self.node_name, check_id)

    def set_maintenance(self, service_id: str, enable: bool, reason: str) -> None:
        """Service maintenance mode: a critical ``_service_maintenance:<ID>`` check."""
        service = self.service(service_id)
        if service is None:
            raise unknown_service(service_id)
        check_id = MAINTENANCE_PREFIX + service_id
        if not enable:
            if check_id in self.checks:
                self.remove_check(check_id)
            return
        if check_id in self.checks:
            return
        check_type = CheckType(
            check_id=check_id,
            name="Service Maintenance Mode",
            notes=reason or DEFAULT_MAINTENANCE_NOTE,
        )
        check = self._catalog_check(check_id, check_type, service)
        check.check_type = "maintenance"
        with self.store.txn() as tx:
            self._install_check(tx, check, check_type, fresh_output="")
        self._refresh_aliases()

    # ------------------------------------------------------------------------ status updates

    def update_ttl(self, check_id: str, status: str, output: str) -> None:
        """``/v1/agent/check/pass|warn|fail|update``: set status and re-arm the TTL."""
        local = self.checks.get(check_id)
        if local is None:
            raise unknown_check(check_id)
        if local.definition.kind != "ttl" or not local.definition.ttl:
            raise NotTTLCheck(f'CheckID "{check_id}" does not have associated TTL')
        output = truncate_output(output)
        local.last_ttl_output = output
        if local.timer is not None:
            local.timer.cancel()
        local.timer = asyncio.get_running_loop().call_later(local.definition.ttl, self._ttl_expired, check_id)
        self.set_status(check_id, status, output)

    def set_status(self, check_id: str, status: str, output: str, *, refresh_aliases: bool = True) -> None:
        """The one place a local check's status changes (Consul's ``State.UpdateCheck``)."""
        local = self.checks.get(check_id)
        record = self.store.checks.get((self.node_name, check_id))
        if local is None or record is None:
            return
        if status == "critical":
            if local.critical_since is None:
                local.critical_since = self.clock()
        else:
            local.critical_since = None
        if record.status == status and local.output == output:
            return
        local.output = output
        if record.status == status:
            return
        with self.store.txn() as tx:
            tx.put_check(replace(record, status=status, output=output))
        if refresh_aliases:
            self._refresh_aliases()

    def _ttl_expired(self, check_id: str) -> None:
        local = self.checks.get(check_id)
        if local is None:
            return
        local.timer = None
        output = "TTL expired"
        if local.last_ttl_output:
            output = f"TTL expired (last output before timeout follows): {local.last_ttl_output}"
        log.debug("consul double: check %s missed its TTL", check_id)
        self.set_status(check_id, "critical", output)

    async def _probe_forever(self, check_id: str) -> None:
        """Run an HTTP/TCP check every Interval after a random initial stagger, as Consul does."""
        definition = self.checks[check_id].definition
        interval = max(definition.interval or 0.0, self.min_check_interval)
        await asyncio.sleep(random.uniform(0, interval))
        while True:
            if definition.kind == "http":
                if self._session is None:
                    self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))
                status, output = await probe_http(self._session, definition)
            else:
                status, output = await probe_tcp(definition)
            self.set_status(check_id, status, truncate_output(output))
            await asyncio.sleep(interval)

    def _refresh_aliases(self) -> None:
        """Alias checks mirror the worst status of the aliased local service's checks."""
        for _ in range(3):
            changed = False
            for local in list(self.checks.values()):
                target = local.definition.alias_service
                if not target:
                    continue
                status, output = self._alias_state(target)
                record = self.store.checks.get((self.node_name, local.check_id))
                if record is not None and (record.status != status or local.output != output):
                    self.set_status(local.check_id, status, output, refresh_aliases=False)
                    changed = True
            if not changed:
                return

    def _alias_state(self, service_id: str) -> tuple[str, str]:
        if service_id not in self.services:
            return (
                "critical",
                f"Service {service_id} could not be found on node {self.node_name}",
            )
        status, output = "passing", "No checks found."
        for record in self.store.checks_of(self.node_name, service_id):
            if record.status == "critical":
                return (
                    "critical",
                    f'Aliased check "{record.name}" failing: {record.output}',
                )
            if record.status == "warning":
                status, output = (
                    "warning",
                    f'Aliased check "{record.name}" failing: {record.output}',
                )
            elif status == "passing":
                output = "All checks passing."
        return status, output

    # ---------------------------------------------------------------------------------- reaper

    def reap(self) -> list[str]:
        """Deregister services whose check has been critical too long; returns their IDs."""
        now = self.clock()
        reaped: list[str] = []
        for local in list(self.checks.values()):
            after = local.definition.deregister_after
            service_id = local.service_id
            if not service_id or not after or after <= 0 or local.critical_since is None:
                continue
            if service_id in reaped or service_id not in self.services:
                continue
            if now - local.critical_since > max(after, self.min_deregister_after):
                log.info(
                    "consul double: check %s critical for too long; deregistering %s",
                    local.check_id,
                    service_id,
                )
                self.remove_service(service_id)
                reaped.append(service_id)
        return reaped

    async def _reap_forever(self) -> None:
        while True:
            await asyncio.sleep(self.reap_interval)
            self.reap()
