"""Catalog records (nodes, service instances, checks, KV entries) and their JSON shapes.

One record type per Consul table; each knows how Consul renders it on each endpoint, because the
same instance looks different on ``/v1/agent/services`` (AgentService), ``/v1/health/service``
(NodeService) and ``/v1/catalog/service`` (flat CatalogService). Field names and the null-vs-empty
choices follow Consul's Go structs, so clients meet the same JSON they will meet in production.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from typing import Any

from .durations import format_duration


@dataclass
class Node:
    """A catalog node (the double's own agent node, or a peer's node added by a test)."""

    name: str
    node_id: str
    address: str
    datacenter: str
    meta: dict[str, str] = field(default_factory=dict)
    create_index: int = 0
    modify_index: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "ID": self.node_id,
            "Node": self.name,
            "Address": self.address,
            "Datacenter": self.datacenter,
            "TaggedAddresses": {
                "lan": self.address,
                "lan_ipv4": self.address,
                "wan": self.address,
                "wan_ipv4": self.address,
            },
            "Meta": dict(self.meta),
            "CreateIndex": self.create_index,
            "ModifyIndex": self.modify_index,
        }


@dataclass
class Service:
    """A service instance on a node (Consul's ``NodeService``)."""

    node: str
    id: str
    name: str
    tags: list[str] | None = None
    address: str = ""
    port: int = 0
    meta: dict[str, str] | None = None
    weights: dict[str, int] = field(default_factory=lambda: {"Passing": 1, "Warning": 1})
    enable_tag_override: bool = False
    kind: str = ""
    proxy: dict[str, Any] | None = None
    connect_native: bool = False
    tagged_addresses: dict[str, Any] | None = None
    create_index: int = 0
    modify_index: int = 0

    def same_as(self, other: Service) -> bool:
        """True when nothing a client can see would change (Consul skips such writes)."""
        mine = {k: v for k, v in vars(self).items() if k not in ("create_index", "modify_index")}
        theirs = {k: v for k, v in vars(other).items() if k not in ("create_index", "modify_index")}
        return mine == theirs

    def _proxy_json(self) -> dict[str, Any]:
        if self.proxy is not None:
            return copy.deepcopy(self.proxy)
        return {"Mode": "", "MeshGateway": {}, "Expose": {}}

    def to_agent_json(self, datacenter: str) -> dict[str, Any]:
        """``/v1/agent/services`` shape: empty Tags/Meta become ``[]``/``{}``, Kind/Proxy omitted when empty."""
        data: dict[str, Any] = {}
        if self.kind:
            data["Kind"] = self.kind
        data.update(
            {
                "ID": self.id,
                "Service": self.name,
                "Tags": list(self.tags or []),
                "Meta": dict(self.meta or {}),
                "Port": self.port,
                "Address": self.address,
                "Weights": dict(self.weights),
                "EnableTagOverride": self.enable_tag_override,
                "Datacenter": datacenter,
            }
        )
        if self.tagged_addresses:
            data["TaggedAddresses"] = copy.deepcopy(self.tagged_addresses)
        if self.proxy is not None:
            data["Proxy"] = copy.deepcopy(self.proxy)
        if self.connect_native:
            data["Connect"] = {"Native": True}
        return data

    def to_health_json(self) -> dict[str, Any]:
        """``Service`` object of ``/v1/health/service``: Tags ``[]`` when none, Meta as registered (may be null)."""
        data: dict[str, Any] = {}
        if self.kind:
            data["Kind"] = self.kind
        data.update(
            {
                "ID": self.id,
                "Service": self.name,
                "Tags": list(self.tags or []),
                "Address": self.address,
                "TaggedAddresses": copy.deepcopy(self.tagged_addresses),
                "Meta": dict(self.meta) if self.meta is not None else None,
                "Port": self.port,
                "Weights": dict(self.weights),
                "EnableTagOverride": self.enable_tag_override,
                "Proxy": self._proxy_json(),
                "Connect": {"Native": True} if self.connect_native else {},
                "PeerName": "",
                "CreateIndex": self.create_index,
                "ModifyIndex": self.modify_index,
            }
        )
        return data

    def to_catalog_json(self, node: Node) -> dict[str, Any]:
        """One flat entry of ``/v1/catalog/service/<name>`` (Consul's ``ServiceNode``)."""
        return {
            "ID": node.node_id,
            "Node": node.name,
            "Address": node.address,
            "Datacenter": node.datacenter,
            "TaggedAddresses": node.to_json()["TaggedAddresses"],
            "NodeMeta": dict(node.meta),
            "ServiceKind": self.kind,
            "ServiceID": self.id,
            "ServiceName": self.name,
            "ServiceTags": list(self.tags or []),
            "ServiceAddress": self.address,
            "ServiceTaggedAddresses": copy.deepcopy(self.tagged_addresses),
            "ServiceWeights": dict(self.weights),
            "ServiceMeta": dict(self.meta) if self.meta is not None else None,
            "ServicePort": self.port,
            "ServiceEnableTagOverride": self.enable_tag_override,
            "ServiceProxy": self._proxy_json(),
            "ServiceConnect": {"Native": True} if self.connect_native else {},
            "CreateIndex": self.create_index,
            "ModifyIndex": self.modify_index,
        }


@dataclass
class Check:
    """A health check as the catalog holds it (Consul's ``HealthCheck``).

    ``output`` is what the servers know. The agent keeps its own fresher output (see
    :mod:`agent`) because Consul defers output-only changes to the servers.
    """

    node: str
    check_id: str
    name: str
    status: str = "critical"
    notes: str = ""
    output: str = ""
    service_id: str = ""
    service_name: str = ""
    service_tags: list[str] = field(default_factory=list)
    check_type: str = ""
    interval: float | None = None
    timeout: float | None = None
    definition: dict[str, Any] = field(default_factory=dict)
    create_index: int = 0
    modify_index: int = 0

    def same_as(self, other: Check) -> bool:
        mine = {k: v for k, v in vars(self).items() if k not in ("create_index", "modify_index")}
        theirs = {k: v for k, v in vars(other).items() if k not in ("create_index", "modify_index")}
        return mine == theirs

    def to_json(self, output: str | None = None) -> dict[str, Any]:
        return {
            "Node": self.node,
            "CheckID": self.check_id,
            "Name": self.name,
            "Status": self.status,
            "Notes": self.notes,
            "Output": self.output if output is None else output,
            "ServiceID": self.service_id,
            "ServiceName": self.service_name,
            "ServiceTags": list(self.service_tags),
            "Type": self.check_type,
            "Interval": format_duration(self.interval) if self.interval else "",
            "Timeout": format_duration(self.timeout) if self.timeout else "",
            "ExposedPort": 0,
            "Definition": copy.deepcopy(self.definition),
            "CreateIndex": self.create_index,
            "ModifyIndex": self.modify_index,
        }


@dataclass
class KVEntry:
    """One key of the KV store (Consul's ``DirEntry``)."""

    key: str
    value: bytes
    flags: int = 0
    create_index: int = 0
    modify_index: int = 0
    lock_index: int = 0

    def to_json(self) -> dict[str, Any]:
        """An empty value is ``null``, as Consul stores an empty PUT body as a nil byte slice."""
        return {
            "LockIndex": self.lock_index,
            "Key": self.key,
            "Flags": self.flags,
            "Value": base64.b64encode(self.value).decode("ascii") if self.value else None,
            "CreateIndex": self.create_index,
            "ModifyIndex": self.modify_index,
        }
