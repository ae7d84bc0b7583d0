"""``ConsulDouble``: a real HTTP server speaking Consul's API, with levers for tests.

Tests point segsvc (or any Consul client) at ``double.url`` and then pull levers a real cluster
offers only with effort: restart the agent so it forgets registrations, take the whole endpoint
away (listener closed, open connections reset) and bring it back on the same port, flip a peer's
health, write KV directly. ``request_log`` records every request so tests can count attempts.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
import time
import uuid
from dataclasses import replace
from typing import Any, Self

from aiohttp import web

from . import http_agent, http_catalog, http_kv, http_misc
from .acl import PermissionDenied, TokenStore
from .agent import LocalAgent, NotFound
from .decode import VALID_STATUSES, DecodeError, decode_service, get_str
from .http_common import CONTEXT, Context, HTTPError
from .model import Check, Node, Service
from .state import StateStore

log = logging.getLogger(__name__)

RequestRecord = tuple[float, str, str, int]
"""``(time.monotonic() at arrival, method, path with query, status)``; status 0 while in flight or
when the connection was dropped before an answer."""


def _serf_health(node: str) -> Check:
    return Check(
        node=node,
        check_id="serfHealth",
        name="Serf Health Status",
        status="passing",
        output="Agent alive and reachable",
    )


class ConsulDouble:
    """A single-node Consul (server + agent) on 127.0.0.1, faithful to the HTTP API segsvc uses.

    ``min_deregister_after`` is the agent's floor for ``DeregisterCriticalServiceAfter`` (Consul's
    is one minute; tests pass 0). ``reap_interval`` is how often the reaper looks (Consul: 30 s).
    ``min_check_interval`` is the floor for HTTP/TCP check intervals (Consul: 1 s). ``max_wait``
    caps a blocking query's ``wait`` (Consul: 10 minutes). ``acl_enable_key_list_policy`` is
    Consul's ``acl.enable_key_list_policy``: off, a recursive KV read is filtered by ``read``; on,
    it needs ``list`` on the prefix and is refused (403) without it.

    Everything runs on the event loop that called :meth:`start`; call the levers from that loop
    (or before ``start``). A stopped double stays stopped: use :meth:`outage`/:meth:`recover` to
    take it away and bring it back.
    """

    def __init__(
        self,
        *,
        acl_enabled: bool = False,
        acl_default_policy: str = "deny",
        master_token: str = "root-token",
        datacenter: str = "dc1",
        node_name: str = "node-1",
        min_deregister_after: float = 60.0,
        reap_interval: float = 1.0,
        max_wait: float = 600.0,
        min_check_interval: float = 1.0,
        acl_enable_key_list_policy: bool = False,
    ) -> None:
        self.datacenter = datacenter
        self.node_name = node_name
        self.master_token = master_token
        self.store = StateStore(datacenter)
        self.agent = LocalAgent(
            self.store,
            node_name=node_name,
            min_deregister_after=min_deregister_after,
            reap_interval=reap_interval,
            min_check_interval=min_check_interval,
            clock=time.monotonic,
        )
        self.tokens = (
            TokenStore(default_policy=acl_default_policy, master_token=master_token) if acl_enabled else None
        )
        self.max_wait = max_wait
        self.key_list_policy = acl_enable_key_list_policy
        self.request_log: list[RequestRecord] = []
        self.host = "127.0.0.1"
        self.port = 0
        self.url = ""
        self.address = ""
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._stopped = False
        with self.store.txn() as tx:
            tx.put_node(
                Node(
                    node_name,
                    str(uuid.uuid4()),
                    "127.0.0.1",
                    datacenter,
                    {"consul-network-segment": ""},
                )
            )
            tx.put_check(_serf_health(node_name))

    # ------------------------------------------------------------------------------ lifecycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and serve; ``port=0`` picks a free port. Sets ``port``, ``url`` and ``address``."""
        if self._runner is not None or self._stopped:
            raise RuntimeError("ConsulDouble can be started once; use outage()/recover() to take it away")
        self.store.reset_waiters()
        app = web.Application(middlewares=[self._middleware], client_max_size=4 * 1024 * 1024)
        app[CONTEXT] = Context(
            store=self.store,
            agent=self.agent,
            tokens=self.tokens,
            datacenter=self.datacenter,
            node_name=self.node_name,
            node_address=self.store.nodes[self.node_name].address,
            max_wait=self.max_wait,
            key_list_policy=self.key_list_policy and self.tokens is not None,
        )
        for module in (http_agent, http_catalog, http_kv, http_misc):
            module.add_routes(app)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        await self._listen(host, port)
        self.agent.start()

    async def stop(self) -> None:
        """Stop serving and every background task (TTL timers, probes, reaper) for good."""
        self._stopped = True
        await self.outage()
        await self.agent.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _listen(self, host: str, port: int) -> None:
        assert self._runner is not None and self._runner.server is not None
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._runner.server, host, port, reuse_address=True)
        self.host, self.port = host, self._server.sockets[0].getsockname()[1]
        self.address = f"{self.host}:{self.port}"
        self.url = f"http://{self.address}"

    async def outage(self) -> None:
        """Close the listener and reset every open connection, blocking queries included.

        Clients then see connection refused (new requests) or reset/disconnected (requests in
        flight), as when the agent's process dies.
        """
        if self._server is None:
            return
        self._server.close()
        if self._runner is not None and self._runner.server is not None:
            for handler in self._runner.server.connections:
                transport = handler.transport
                if transport is None:
                    continue
                sock = transport.get_extra_info("socket")
                if sock is not None:
                    try:
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    except OSError:
                        pass
                transport.abort()
        await self._server.wait_closed()
        self._server = None
        await asyncio.sleep(0)

    async def recover(self) -> None:
        """Listen again on the same host and port after :meth:`outage`."""
        if self._server is not None:
            return
        if self._runner is None:
            raise RuntimeError("ConsulDouble is not running (never started, or stopped)")
        await self._listen(self.host, self.port)

    async def restart_agent(self) -> None:
        """The agent restarts without its data: every service and check registered through it is
        gone (from the catalog too). KV, tokens and the Raft index are untouched. Connections stay
        up; combine with :meth:`outage`/:meth:`recover` to drop them as well."""
        self.agent.forget_all()

    # --------------------------------------------------------------------------- HTTP plumbing

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        record: RequestRecord = (time.monotonic(), request.method, request.path_qs, 0)
        position = len(self.request_log)
        self.request_log.append(record)
        try:
            response: web.StreamResponse = await handler(request)
        except HTTPError as exc:
            response = web.Response(status=exc.status, text=exc.text, headers=exc.headers)
        except PermissionDenied as exc:
            response = web.Response(status=403, text=str(exc))
        except NotFound as exc:
            response = web.Response(status=404, text=str(exc))
        except web.HTTPNotFound:
            response = web.Response(status=404, text="404 page not found\n")
        except web.HTTPException as exc:
            response = web.Response(status=exc.status, text=exc.text or exc.reason)
        except Exception:
            log.exception(
                "consul double: unhandled error on %s %s",
                request.method,
                request.path_qs,
            )
            response = web.Response(status=500, text="internal error in the Consul double")
        response.headers.setdefault("X-Consul-KnownLeader", "true")
        response.headers.setdefault("X-Consul-LastContact", "0")
        if position < len(self.request_log) and self.request_log[position] is record:
            self.request_log[position] = (*record[:3], response.status)
        return response

    # ------------------------------------------------------------------------------ test levers

    def add_token(self, token: str, rules_hcl: str) -> None:
        """Create a token whose one policy is ``rules_hcl`` (Consul HCL or JSON rules)."""
        if self.tokens is None:
            raise RuntimeError("ACLs are disabled: construct ConsulDouble(acl_enabled=True) to use tokens")
        self.tokens.add(token, rules_hcl)

    def services(self) -> dict[str, dict[str, Any]]:
        """Every service instance in the catalog by ID (agent format plus ``Node``)."""
        return {
            service.id: {**service.to_agent_json(self.datacenter), "Node": service.node}
            for service in sorted(self.store.services.values(), key=lambda s: (s.node, s.id))
        }

    def checks(self) -> dict[str, dict[str, Any]]:
        """Every check except the nodes' ``serfHealth``, by CheckID; the agent's own output for local checks."""
        result: dict[str, dict[str, Any]] = {}
        for check in sorted(self.store.checks.values(), key=lambda c: (c.node, c.check_id)):
            if check.check_id == "serfHealth":
                continue
            local = check.node == self.node_name and check.check_id in self.agent.checks
            result[check.check_id] = self.agent.check_json(check.check_id) if local else check.to_json()
        return result

    def kv_get(self, key: str) -> bytes | None:
        entry = self.store.kv.get(key)
        return None if entry is None else entry.value

    def kv_put(self, key: str, value: bytes | str) -> int:
        """Write a key directly (as another client would); returns the new ModifyIndex."""
        data = value.encode() if isinstance(value, str) else value
        with self.store.txn() as tx:
            entry = tx.kv_set(key, data, 0)
        return entry.modify_index

    def kv_delete(self, key: str, recurse: bool = False) -> None:
        with self.store.txn() as tx:
            if recurse:
                tx.kv_delete_tree(key)
            else:
                tx.kv_delete(key)

    def register_external(
        self,
        service: dict[str, Any],
        *,
        status: str = "passing",
        node: str = "node-2",
        address: str = "127.0.0.1",
    ) -> None:
        """Put a peer's instance in the catalog, on ``node`` (created if new), with one check
        ``service:<ID>`` in ``status``. ``service`` uses Consul's field names (``Name`` or
        ``Service``, ``ID``, ``Tags``, ``Port``, ``Meta``, ``Weights``, ``Address``); without an
        ``Address`` the instance gets ``address``."""
        if status not in VALID_STATUSES:
            raise ValueError(f"status must be one of {VALID_STATUSES}")
        body = dict(service)
        if not get_str(body, "Name") and get_str(body, "Service"):
            body["Name"] = get_str(body, "Service")
        try:
            definition = decode_service(body)
            definition.validate()
        except DecodeError as exc:
            raise ValueError(str(exc)) from exc
        record = Service(
            node=node,
            id=definition.id,
            name=definition.name,
            tags=definition.tags,
            address=address if "address" not in {k.lower() for k in body} else definition.address,
            port=definition.port,
            meta=definition.meta,
            weights=definition.weights or {"Passing": 1, "Warning": 1},
            kind=definition.kind,
            proxy=definition.proxy,
            tagged_addresses=definition.tagged_addresses,
        )
        check = Check(
            node=node,
            check_id=f"service:{definition.id}",
            name=f"Service '{definition.name}' check",
            status=status,
            service_id=definition.id,
            service_name=definition.name,
            service_tags=list(definition.tags or []),
        )
        with self.store.txn() as tx:
            if node not in self.store.nodes:
                tx.put_node(
                    Node(
                        node,
                        str(uuid.uuid4()),
                        address,
                        self.datacenter,
                        {"consul-network-segment": ""},
                    )
                )
                tx.put_check(_serf_health(node))
            tx.put_service(record)
            tx.put_check(check)

    def set_check_status(self, service_id: str, status: str, output: str = "") -> None:
        """Set every check of instance ``service_id`` (any node) to ``status``."""
        if status not in VALID_STATUSES:
            raise ValueError(f"status must be one of {VALID_STATUSES}")
        found = [c for c in self.store.checks.values() if c.service_id == service_id]
        if not found:
            raise KeyError(f"no checks for service ID {service_id!r}")
        for check in found:
            if check.node == self.node_name and check.check_id in self.agent.checks:
                self.agent.set_status(check.check_id, status, output)
                if self.store.checks[(check.node, check.check_id)].output != output:
                    with self.store.txn() as tx:
                        tx.put_check(
                            replace(
                                self.store.checks[(check.node, check.check_id)],
                                output=output,
                            )
                        )
            else:
                with self.store.txn() as tx:
                    tx.put_check(replace(check, status=status, output=output))
