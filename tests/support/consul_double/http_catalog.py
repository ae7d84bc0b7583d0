"""``/v1/health/*`` and ``/v1/catalog/*``: what discovery clients read, all as blocking queries.

ACLs filter these reads instead of refusing them: entries whose node or service the token cannot
read are dropped and ``X-Consul-Results-Filtered-By-ACLs: true`` says so. ``?passing`` drops every
instance with any check not ``passing`` (``warning`` included), ``?tag`` keeps instances carrying
every given tag (case-insensitively), ``?filter`` applies a bexpr expression.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .acl import Authorizer
from .http_common import (
    HTTPError,
    blocking,
    bool_param,
    context,
    filtered_records,
    json_response,
    methods,
    query_headers,
    query_options,
)
from .model import Check, Service
from .state import StateStore


def _service_name(request: web.Request) -> str:
    name = request.match_info["service"]
    if not name:
        raise HTTPError(400, "Missing service name")
    return name


def _has_tags(service: Service, tags: list[str]) -> bool:
    mine = {tag.lower() for tag in service.tags or []}
    return all(tag.lower() in mine for tag in tags)


def _readable(authz: Authorizer, node: str, service_name: str) -> bool:
    """Consul's ACL filter for service nodes: the node and the service must both be readable."""
    return authz.allowed("node", node, "read") and (
        not service_name or authz.allowed("service", service_name, "read")
    )


def _check_service_node(store: StateStore, service: Service) -> dict[str, Any]:
    node = store.nodes[service.node]
    checks: list[Check] = store.checks_of(service.node, "") + store.checks_of(service.node, service.id)
    return {
        "Node": node.to_json(),
        "Service": service.to_health_json(),
        "Checks": [c.to_json() for c in checks],
    }


def _connect_instances(store: StateStore, name: str) -> list[Service]:
    """Instances that accept Connect traffic for ``name``: its proxies and Connect-native instances."""
    found = [
        s
        for s in store.services.values()
        if (s.kind == "connect-proxy" and s.proxy and s.proxy.get("DestinationServiceName") == name)
        or (s.name == name and s.connect_native)
    ]
    return sorted(found, key=lambda s: (s.node, s.id))


async def _health_service(request: web.Request, *, connect: bool) -> web.StreamResponse:
    ctx = context(request)
    options = query_options(request)
    authz = ctx.authorizer(request)
    name = _service_name(request)
    tags = request.query.getall("tag", [])
    passing = bool_param(request, "passing")
    store = ctx.store

    def snapshot() -> tuple[int, tuple[list[dict[str, Any]], bool]]:
        instances = _connect_instances(store, name) if connect else store.instances(name)
        index = store.service_query_index(name)
        if connect:
            index = max([index, *(store.service_query_index(s.name) for s in instances)])
        entries, filtered = [], False
        for service in instances:
            if tags and not _has_tags(service, tags):
                continue
            if not _readable(authz, service.node, service.name):
                filtered = True
                continue
            entries.append(_check_service_node(store, service))
        return index, (entries, filtered)

    index, (entries, filtered) = await blocking(ctx, options, snapshot)
    if passing:
        entries = [e for e in entries if all(check["Status"] == "passing" for check in e["Checks"])]
    return json_response(
        filtered_records(request, entries),
        headers=query_headers(index, options, filtered=filtered),
    )


@methods("GET")
async def health_service(request: web.Request) -> web.StreamResponse:
    return await _health_service(request, connect=False)


@methods("GET")
async def health_connect(request: web.Request) -> web.StreamResponse:
    return await _health_service(request, connect=True)


async def _check_list(
    request: web.Request, select: Callable[[], list[Check]], index_of: Callable[[], int]
) -> web.StreamResponse:
    """Shared body of the check-list endpoints: select checks, filter by ACL, block on ``index_of``."""
    ctx = context(request)
    options = query_options(request)
    authz = ctx.authorizer(request)

    def snapshot() -> tuple[int, tuple[list[dict[str, Any]], bool]]:
        records, filtered = [], False
        for check in select():
            if _readable(authz, check.node, check.service_name):
                records.append(check.to_json())
            else:
                filtered = True
        return index_of(), (records, filtered)

    index, (records, filtered) = await blocking(ctx, options, snapshot)
    return json_response(
        filtered_records(request, records),
        headers=query_headers(index, options, filtered=filtered),
    )


@methods("GET")
async def health_checks(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    name = _service_name(request)
    store = ctx.store

    def select() -> list[Check]:
        return [c for s in store.instances(name) for c in store.checks_of(s.node, s.id)]

    return await _check_list(request, select, lambda: store.service_query_index(name))


@methods("GET")
async def health_state(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    state = request.match_info["state"]
    store = ctx.store

    def select() -> list[Check]:
        checks = sorted(store.checks.values(), key=lambda c: (c.node, c.check_id))
        return [c for c in checks if state == "any" or c.status == state]

    return await _check_list(request, select, lambda: store.catalog_index("nodes", "checks"))


@methods("GET")
async def health_node(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    node = request.match_info["node"]
    store = ctx.store

    def select() -> list[Check]:
        return sorted(
            (c for c in store.checks.values() if c.node == node),
            key=lambda c: c.check_id,
        )

    return await _check_list(request, select, lambda: store.catalog_index("nodes", "checks"))


@methods("GET")
async def catalog_services(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    options = query_options(request)
    authz = ctx.authorizer(request)
    store = ctx.store

    def snapshot() -> tuple[int, tuple[dict[str, list[str]], bool]]:
        names: dict[str, set[str]] = {}
        filtered = False
        for service in store.services.values():
            if not authz.allowed("service", service.name, "read"):
                filtered = True
                continue
            names.setdefault(service.name, set()).update(service.tags or [])
        return store.catalog_index("nodes", "services"), (
            {n: sorted(t) for n, t in sorted(names.items())},
            filtered,
        )

    index, (names, filtered) = await blocking(ctx, options, snapshot)
    return json_response(names, headers=query_headers(index, options, filtered=filtered))


@methods("GET")
async def catalog_service(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    name = _service_name(request)
    options = query_options(request)
    authz = ctx.authorizer(request)
    tags = request.query.getall("tag", [])
    store = ctx.store

    def snapshot() -> tuple[int, tuple[list[dict[str, Any]], bool]]:
        entries, filtered = [], False
        for service in store.instances(name):
            if tags and not _has_tags(service, tags):
                continue
            if not _readable(authz, service.node, service.name):
                filtered = True
                continue
            entries.append(service.to_catalog_json(store.nodes[service.node]))
        return store.service_query_index(name, with_checks=False), (entries, filtered)

    index, (entries, filtered) = await blocking(ctx, options, snapshot)
    return json_response(
        filtered_records(request, entries),
        headers=query_headers(index, options, filtered=filtered),
    )


@methods("GET")
async def catalog_nodes(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    options = query_options(request)
    authz = ctx.authorizer(request)
    store = ctx.store

    def snapshot() -> tuple[int, tuple[list[dict[str, Any]], bool]]:
        nodes = [n for _, n in sorted(store.nodes.items())]
        readable = [n.to_json() for n in nodes if authz.allowed("node", n.name, "read")]
        return store.catalog_index("nodes"), (readable, len(readable) < len(nodes))

    index, (nodes, filtered) = await blocking(ctx, options, snapshot)
    return json_response(
        filtered_records(request, nodes),
        headers=query_headers(index, options, filtered=filtered),
    )


@methods("GET")
async def catalog_datacenters(request: web.Request) -> web.StreamResponse:
    return json_response([context(request).datacenter])


def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_route("*", "/v1/health/service/{service:.*}", health_service)
    router.add_route("*", "/v1/health/connect/{service:.*}", health_connect)
    router.add_route("*", "/v1/health/checks/{service:.*}", health_checks)
    router.add_route("*", "/v1/health/state/{state:.+}", health_state)
    router.add_route("*", "/v1/health/node/{node:.+}", health_node)
    router.add_route("*", "/v1/catalog/services", catalog_services)
    router.add_route("*", "/v1/catalog/service/{service:.*}", catalog_service)
    router.add_route("*", "/v1/catalog/nodes", catalog_nodes)
    router.add_route("*", "/v1/catalog/datacenters", catalog_datacenters)
