"""Live configuration from the Consul KV store (DESIGN §5).

Keys ``config/<service>/<path>`` apply to every instance and ``config/<service>,<profile>/<path>`` on top
for one profile; ``<path>`` is the dotted setting name with ``/`` (``engine/default``,
``breakers/ai-orchestrator/fail_max``). One recursive blocking query on ``config/<service>`` covers both
prefixes in a single consistent read, so a change to both lands in one step. Each change is validated as
a whole: it is applied atomically, or rejected entirely while the last good configuration stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from segsvc.config.loader import ConfigError, Layer, parse_scalar
from segsvc.config.settings import SETTING_PATHS
from segsvc.config.store import ConfigStore
from segsvc.discovery.consul_client import ConsulClient, ConsulForbidden
from segsvc.discovery.watch import WatchPlan
from segsvc.lifecycle import Stage
from segsvc.observability.metrics import Metrics
from segsvc.service.health import Health

log = logging.getLogger(__name__)
LAYER = "consul-kv"


def kv_prefixes(service_name: str, profile: str) -> tuple[str, str]:
    return f"config/{service_name}/", f"config/{service_name},{profile}/"


def key_to_path(relative: str) -> str:
    """``breakers/ai-orchestrator/fail_max`` → ``breakers.ai_orchestrator.fail_max``."""
    return ".".join(part.strip().lower().replace("-", "_") for part in relative.strip("/").split("/"))


def kv_layer(items: Iterable[Mapping[str, Any]], service_name: str, profile: str) -> dict[str, Any]:
    """The flat settings the KV entries describe, the profile overlay winning over the global keys."""
    global_prefix, profile_prefix = kv_prefixes(service_name, profile)
    found: dict[str, dict[str, Any]] = {global_prefix: {}, profile_prefix: {}}
    errors: list[tuple[str, str]] = []
    for item in items:
        key = str(item.get("Key", ""))
        prefix = next((p for p in found if key.startswith(p)), None)
        if prefix is None or key.endswith("/"):
            continue  # another profile's overlay, another service, or a folder
        path = key_to_path(key[len(prefix):])
        raw = item.get("Value")
        if raw is None:
            continue
        try:
            text = raw.decode("utf-8") if isinstance(raw, (bytes, bytearray)) else str(raw)
        except UnicodeDecodeError:
            errors.append((key, "value is not UTF-8 text"))
            continue
        if path not in SETTING_PATHS:
            errors.append((key, f"unknown setting {path!r}"))
            continue
        found[prefix][path] = parse_scalar(text)
    if errors:
        raise ConfigError(LAYER, errors)
    return {**found[global_prefix], **found[profile_prefix]}


class KvConfigWatch:
    """Watches the KV prefixes and applies valid changes to the :class:`ConfigStore`."""

    name = "consul-kv-config"
    stage: Stage = "background"

    def __init__(self, consul: ConsulClient, store: ConfigStore, metrics: Metrics, health: Health, *,
                 wait: float = 30.0) -> None:
        self.consul = consul
        self.store = store
        self.metrics = metrics
        self.health = health
        settings = store.settings
        self.service_name, self.profile = settings.consul.service_name, settings.profile
        self.root = f"config/{self.service_name}"
        self.plan: WatchPlan[list[dict[str, Any]]] = WatchPlan(
            "kv-config", self._fetch, self._apply, on_error=self._error)
        self.wait = wait

    async def _fetch(self, index: int) -> tuple[int, list[dict[str, Any]]]:
        return await self.consul.kv_prefix(self.root, index, self.wait)

    def _apply(self, index: int, items: list[dict[str, Any]]) -> None:
        self.health.report("config-watch", "ok", f"watching {self.root} (index {index})")
        try:
            values = kv_layer(items, self.service_name, self.profile)
            current = self.store.snapshot
            old_kv = next((dict(layer.values) for layer in current.layers if layer.name == LAYER), {})
            candidate = current.with_layer(Layer(LAYER, values), kv_index=index)
        except ConfigError as exc:
            self.metrics.config_reloads.labels("rejected").inc()
            rejection = {"kv_index": index, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                         "errors": [{"key": k, "message": m} for k, m in exc.errors]}
            self.store.rejections.append(rejection)
            del self.store.rejections[:-50]
            log.error("configuration change from Consul KV rejected; keeping the last good configuration",
                      extra={"kv_index": index, "errors": rejection["errors"]})
            return
        changed = sorted(k for k in set(old_kv) | set(values) if old_kv.get(k) != values.get(k))
        self.store.replace(candidate)
        self.metrics.config_reloads.labels("applied").inc()
        log.info("configuration from Consul KV applied", extra={"kv_index": index, "changed": changed,
                                                               "restart_required": sorted(candidate.pending_restart)})

    def _error(self, exc: Exception, failures: int) -> None:
        forbidden = isinstance(exc, ConsulForbidden)
        detail = ("ACL token cannot read the config prefix: " if forbidden else "Consul unreachable: ") + str(exc)
        self.health.report("config-watch", "degraded", detail + "; keeping the last good configuration")
        if failures == 1:
            log.warning("configuration watch failing: %s", exc)

    async def start(self) -> None:
        self.plan.start()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.plan.stop()
