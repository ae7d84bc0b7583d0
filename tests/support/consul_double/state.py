"""The servers' state: catalog and KV tables, the Raft index, and the indexes blocking queries use.

Consul answers every blocking query with an index computed per endpoint, and clients' watch loops
depend on the exact rules, so they are copied here:

* one Raft index shared by all writes, only growing, never 0;
* per table an index of its last change (``nodes``, ``services``, ``checks``, ``kvs``,
  ``tombstones``), and per service name the index of the last change to its instances or checks;
  when a name's last instance goes, the *extinction* index takes over for names without instances;
* a KV read reports the entry's ModifyIndex, a prefix read the highest ModifyIndex under it or of a
  tombstone left by a delete under it, and a miss the KV table index — so deletions wake watchers.

Writes happen in a :class:`Txn`: one Raft index per transaction, applied only if something really
changed (Consul skips identical catalog writes), and one wake-up of every blocked query.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from .model import Check, KVEntry, Node, Service

TABLES = ("nodes", "services", "checks", "kvs", "tombstones")


class StateStore:
    """Catalog + KV state of the (single-server) cluster the double plays."""

    def __init__(self, datacenter: str) -> None:
        self.datacenter = datacenter
        self.raft_index = 0
        self.table_index: dict[str, int] = dict.fromkeys(TABLES, 0)
        self.service_index: dict[str, int] = {}
        self.extinction_index = 0
        self.nodes: dict[str, Node] = {}
        self.services: dict[tuple[str, str], Service] = {}
        self.checks: dict[tuple[str, str], Check] = {}
        self.kv: dict[str, KVEntry] = {}
        self.graveyard: dict[str, int] = {}
        self._changed = asyncio.Event()

    # ------------------------------------------------------------------ change notification

    def reset_waiters(self) -> None:
        """Start a fresh wake-up event (an asyncio.Event belongs to the loop that first awaits it)."""
        self._changed = asyncio.Event()

    def change_event(self) -> asyncio.Event:
        """The event that fires on the next committed change; take it *before* reading state."""
        return self._changed

    def _notify(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    @contextmanager
    def txn(self) -> Iterator[Txn]:
        """A write transaction; commits (and wakes blocked queries) when the block ends."""
        tx = Txn(self)
        yield tx
        tx.commit()

    # ------------------------------------------------------------------------ catalog reads

    def instances(self, name: str) -> list[Service]:
        """Instances of service ``name``, ordered by node then ID."""
        found = [s for s in self.services.values() if s.name == name]
        return sorted(found, key=lambda s: (s.node, s.id))

    def checks_of(self, node: str, service_id: str) -> list[Check]:
        """The node's own checks (service ID "") or one instance's checks, in ID order."""
        found = [c for c in self.checks.values() if c.node == node and c.service_id == service_id]
        return sorted(found, key=lambda c: c.check_id)

    def _catalog_max(self, with_checks: bool) -> int:
        tables = ("nodes", "services", "checks") if with_checks else ("nodes", "services")
        return max(self.table_index[t] for t in tables)

    def service_query_index(self, name: str, with_checks: bool = True) -> int:
        """Index of a health/catalog query for one service name (Consul's ``maxIndexForService``)."""
        if any(s.name == name for s in self.services.values()):
            return max(1, self.service_index.get(name, 0))
        if self.extinction_index:
            return self.extinction_index
        return max(1, self._catalog_max(with_checks))

    def catalog_index(self, *tables: str) -> int:
        return max(1, *(self.table_index[t] for t in tables))

    # ----------------------------------------------------------------------------- KV reads

    def kv_table_index(self) -> int:
        return max(1, self.table_index["kvs"], self.table_index["tombstones"])

    def kv_get(self, key: str) -> tuple[int, KVEntry | None]:
        entry = self.kv.get(key)
        if entry is None:
            return self.kv_table_index(), None
        return entry.modify_index, entry

    def kv_list(self, prefix: str) -> tuple[int, list[KVEntry]]:
        """Entries under ``prefix`` (sorted) and Consul's index for that prefix."""
        entries = sorted((e for k, e in self.kv.items() if k.startswith(prefix)), key=lambda e: e.key)
        if prefix == "":
            return self.kv_table_index(), entries
        index = max((e.modify_index for e in entries), default=0)
        index = max(
            index,
            max(
                (i for k, i in self.graveyard.items() if k.startswith(prefix)),
                default=0,
            ),
        )
        return (index or self.kv_table_index()), entries


class Txn:
    """Collects the writes of one Raft apply; see :meth:`StateStore.txn`."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._index = 0
        self._tables: set[str] = set()
        self._service_names: set[str] = set()
        self._vanished: set[str] = set()

    @property
    def index(self) -> int:
        """This transaction's Raft index, taken on first use."""
        if not self._index:
            self.store.raft_index += 1
            self._index = self.store.raft_index
        return self._index

    def _touch(self, table: str, service_name: str = "") -> None:
        self._tables.add(table)
        if service_name:
            self._service_names.add(service_name)

    # ---------------------------------------------------------------------------- catalog

    def put_node(self, node: Node) -> Node:
        existing = self.store.nodes.get(node.name)
        if existing is not None:
            if (existing.address, existing.meta, existing.node_id) == (
                node.address,
                node.meta,
                node.node_id,
            ):
                return existing
            node.create_index = existing.create_index
        else:
            node.create_index = self.index
        node.modify_index = self.index
        self.store.nodes[node.name] = node
        self._touch("nodes")
        return node

    def put_service(self, service: Service) -> Service:
        key = (service.node, service.id)
        existing = self.store.services.get(key)
        if existing is not None and existing.same_as(service):
            return existing
        service.create_index = existing.create_index if existing else self.index
        service.modify_index = self.index
        self.store.services[key] = service
        self._touch("services", service.name)
        if existing is not None and existing.name != service.name:
            self._touch("services", existing.name)
            self._vanished.add(existing.name)
        return service

    def delete_service(self, node: str, service_id: str) -> Service | None:
        """Remove an instance and its checks."""
        service = self.store.services.pop((node, service_id), None)
        if service is None:
            return None
        self._touch("services", service.name)
        self._vanished.add(service.name)
        for check in self.store.checks_of(node, service_id):
            self.delete_check(node, check.check_id)
        return service

    def put_check(self, check: Check) -> Check:
        key = (check.node, check.check_id)
        existing = self.store.checks.get(key)
        if existing is not None and existing.same_as(check):
            return existing
        check.create_index = existing.create_index if existing else self.index
        check.modify_index = self.index
        self.store.checks[key] = check
        self._touch("checks", check.service_name)
        return check

    def delete_check(self, node: str, check_id: str) -> Check | None:
        check = self.store.checks.pop((node, check_id), None)
        if check is not None:
            self._touch("checks", check.service_name)
        return check

    # --------------------------------------------------------------------------------- KV

    def kv_set(self, key: str, value: bytes, flags: int) -> KVEntry:
        existing = self.store.kv.get(key)
        entry = KVEntry(
            key=key,
            value=value,
            flags=flags,
            create_index=existing.create_index if existing else self.index,
        )
        entry.modify_index = self.index
        if existing is not None:
            entry.lock_index = existing.lock_index
        self.store.kv[key] = entry
        self.store.graveyard.pop(key, None)
        self._touch("kvs")
        return entry

    def kv_delete(self, key: str) -> bool:
        if self.store.kv.pop(key, None) is None:
            return False
        self.store.graveyard[key] = self.index
        self._touch("kvs")
        self._touch("tombstones")
        return True

    def kv_delete_tree(self, prefix: str) -> int:
        keys = [k for k in self.store.kv if k.startswith(prefix)]
        for key in keys:
            self.kv_delete(key)
        return len(keys)

    # ------------------------------------------------------------------------------ commit

    def commit(self) -> None:
        """Stamp touched tables and service names with this index and wake blocked queries."""
        if not self._tables:
            return
        store = self.store
        index = self.index
        for table in self._tables:
            store.table_index[table] = index
        for name in self._service_names:
            if any(s.name == name for s in store.services.values()):
                store.service_index[name] = index
            elif name in self._vanished or name in store.service_index:
                store.service_index.pop(name, None)
                store.extinction_index = index
        store._notify()
