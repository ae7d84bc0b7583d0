"""``/v1/agent/*``: the endpoints a service uses to register itself and report its health.

Order of checks inside each handler follows Consul's ``agent_endpoint.go`` (decode, then token,
then validation, then ACL vetting), because clients observe it: an unknown check ID is a 404 even
for a token that could not write it, and an unknown token is a 403 before any validation.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from aiohttp import web

from .acl import Authorizer
from .agent import NotTTLCheck, unknown_check, unknown_service
from .decode import (
    VALID_STATUSES,
    DecodeError,
    ServiceDefinition,
    decode_check,
    decode_service,
    get_str,
)
from .http_common import (
    Context,
    Handler,
    HTTPError,
    context,
    filtered_records,
    json_response,
    methods,
    read_json,
)

CONSUL_VERSION = "1.20.5"
"""The Consul version the double reports in ``/v1/agent/self``."""


def _vet_service_register(ctx: Context, authz: Authorizer, definition: ServiceDefinition) -> None:
    """Consul's ``vetServiceRegisterWithAuthorizer``."""
    authz.require("service", definition.name, "write")
    existing = ctx.agent.service(definition.id)
    if existing is not None:
        authz.require("service", existing.name, "write")
    if definition.kind == "connect-proxy" and definition.proxy:
        authz.require("service", definition.proxy["DestinationServiceName"], "write")


def _vet_service_update(ctx: Context, authz: Authorizer, service_id: str) -> None:
    existing = ctx.agent.service(service_id)
    if existing is None:
        raise unknown_service(service_id)
    authz.require("service", existing.name, "write")


def _vet_check_update(ctx: Context, authz: Authorizer, check_id: str) -> None:
    record = ctx.agent.check(check_id)
    if record is None:
        raise unknown_check(check_id)
    if record.service_name:
        authz.require("service", record.service_name, "write")
    else:
        authz.require("node", ctx.node_name, "write")


# ---------------------------------------------------------------------------------- services


@methods("PUT")
async def register_service(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    try:
        definition = decode_service(read_json(await request.read()) or {})
    except DecodeError as exc:
        raise HTTPError(400, str(exc)) from exc
    authz = ctx.authorizer(request)
    try:
        definition.validate()
    except DecodeError as exc:
        raise HTTPError(400, str(exc)) from exc
    _vet_service_register(ctx, authz, definition)
    try:
        sidecar = ctx.agent.build_sidecar(definition)
    except (DecodeError, ValueError) as exc:
        raise HTTPError(400, f"Invalid SidecarService: {exc}") from exc
    if sidecar is not None:
        try:
            sidecar.validate(nested=True)
        except DecodeError as exc:
            raise HTTPError(400, f"Failed Validation: {exc}") from exc
        _vet_service_register(ctx, authz, sidecar)
    replace = "replace-existing-checks" in request.query and request.query["replace-existing-checks"] in (
        "",
        "true",
    )
    ctx.agent.add_service(definition, replace_existing_checks=replace)
    if sidecar is not None:
        ctx.agent.add_service(sidecar, replace_existing_checks=replace, sidecar_of=definition.id)
    return web.Response(status=200)


@methods("PUT")
async def deregister_service(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    service_id = request.match_info["service_id"]
    authz = ctx.authorizer(request)
    _vet_service_update(ctx, authz, service_id)
    ctx.agent.remove_service(service_id)
    return web.Response(status=200)


@methods("PUT")
async def service_maintenance(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    service_id = request.match_info["service_id"]
    if "enable" not in request.query:
        raise HTTPError(400, "Missing value for enable")
    raw = request.query["enable"]
    if raw.lower() not in ("1", "t", "true", "0", "f", "false"):
        raise HTTPError(400, f'Invalid value for enable: "{raw}"')
    authz = ctx.authorizer(request)
    _vet_service_update(ctx, authz, service_id)
    ctx.agent.set_maintenance(service_id, raw.lower() in ("1", "t", "true"), request.query.get("reason", ""))
    return web.Response(status=200)


@methods("GET")
async def list_services(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    authz = ctx.authorizer(request)
    records = []
    for service_id in sorted(ctx.agent.services):
        service = ctx.agent.service(service_id)
        if service is not None and authz.allowed("service", service.name, "read"):
            records.append(service.to_agent_json(ctx.datacenter))
    return json_response({record["ID"]: record for record in filtered_records(request, records)})


@methods("GET")
async def get_service(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    service_id = request.match_info["service_id"]
    authz = ctx.authorizer(request)
    service = ctx.agent.service(service_id)
    if service is None:
        raise HTTPError(404, f"unknown service ID: {service_id}")
    authz.require("service", service.name, "read")
    data = service.to_agent_json(ctx.datacenter)
    data["ContentHash"] = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    return json_response(data, headers={"X-Consul-ContentHash": data["ContentHash"]})


# ------------------------------------------------------------------------------------ checks


@methods("GET")
async def list_checks(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    authz = ctx.authorizer(request)
    records = []
    for check_id in sorted(ctx.agent.checks):
        record = ctx.agent.check(check_id)
        if record is None:
            continue
        allowed = (
            authz.allowed("service", record.service_name, "read")
            if record.service_name
            else authz.allowed("node", ctx.node_name, "read")
        )
        if allowed:
            records.append(ctx.agent.check_json(check_id))
    return json_response({record["CheckID"]: record for record in filtered_records(request, records)})


@methods("PUT")
async def register_check(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    try:
        check_type = decode_check(read_json(await request.read()) or {})
    except DecodeError as exc:
        raise HTTPError(400, str(exc)) from exc
    authz = ctx.authorizer(request)
    if not check_type.name:
        raise HTTPError(400, "Missing check name")
    if check_type.status and check_type.status not in VALID_STATUSES:
        raise HTTPError(400, "Bad check status")
    try:
        check_type.validate()
    except DecodeError as exc:
        raise HTTPError(400, str(exc)) from exc
    service = None
    if check_type.service_id:
        service = ctx.agent.service(check_type.service_id)
        if service is None:
            raise HTTPError(404, f'ServiceID "{check_type.service_id}" does not exist')
    check_id = check_type.check_id or check_type.name
    if service is not None:
        authz.require("service", service.name, "write")
    else:
        authz.require("node", ctx.node_name, "write")
    existing = ctx.agent.check(check_id)
    if existing is not None:
        if existing.service_name:
            authz.require("service", existing.service_name, "write")
        else:
            authz.require("node", ctx.node_name, "write")
    ctx.agent.add_check(check_type)
    return web.Response(status=200)


@methods("PUT")
async def deregister_check(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    check_id = request.match_info["check_id"]
    authz = ctx.authorizer(request)
    _vet_check_update(ctx, authz, check_id)
    ctx.agent.remove_check(check_id)
    return web.Response(status=200)


def _ttl_update(ctx: Context, check_id: str, status: str, output: str) -> web.Response:
    try:
        ctx.agent.update_ttl(check_id, status, output)
    except NotTTLCheck as exc:
        raise HTTPError(500, str(exc)) from exc
    return web.Response(status=200)


def _ttl_handler(status: str) -> Handler:
    """A pass/warn/fail handler: ``PUT /v1/agent/check/<verb>/<id>?note=``."""

    @methods("PUT")
    async def handler(request: web.Request) -> web.StreamResponse:
        ctx = context(request)
        check_id = request.match_info["check_id"]
        authz = ctx.authorizer(request)
        _vet_check_update(ctx, authz, check_id)
        return _ttl_update(ctx, check_id, status, request.query.get("note", ""))

    handler.__name__ = f"check_{status}"
    return handler


@methods("PUT")
async def update_check(request: web.Request) -> web.StreamResponse:
    """``/v1/agent/check/update/<id>`` with a JSON body ``{"Status": ..., "Output": ...}``."""
    ctx = context(request)
    check_id = request.match_info["check_id"]
    body = read_json(await request.read()) or {}
    if not isinstance(body, dict):
        raise HTTPError(
            400,
            "Request decode failed: json: cannot unmarshal into Go value of type agent.checkUpdate",
        )
    try:
        status, output = get_str(body, "Status"), get_str(body, "Output")
    except DecodeError as exc:
        raise HTTPError(400, str(exc)) from exc
    if status not in VALID_STATUSES:
        raise HTTPError(400, f"Invalid check status: '{status}'")
    authz = ctx.authorizer(request)
    _vet_check_update(ctx, authz, check_id)
    return _ttl_update(ctx, check_id, status, output)


# ------------------------------------------------------------------------------------- agent


@methods("GET")
async def agent_self(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    authz = ctx.authorizer(request)
    authz.require("agent", ctx.node_name, "read")
    node = ctx.store.nodes[ctx.node_name]
    return json_response(
        {
            "Config": {
                "Datacenter": ctx.datacenter,
                "PrimaryDatacenter": ctx.datacenter,
                "NodeName": ctx.node_name,
                "NodeID": node.node_id,
                "Server": True,
                "Revision": "consul-double",
                "Version": CONSUL_VERSION,
                "BuildDate": "2025-01-01T00:00:00Z",
            },
            "Member": _member(ctx),
            "Meta": dict(node.meta),
            "Stats": {"consul": {"leader": "true", "server": "true", "known_datacenters": "1"}},
        }
    )


def _member(ctx: Context) -> dict[str, Any]:
    return {
        "Name": ctx.node_name,
        "Addr": ctx.node_address,
        "Port": 8301,
        "Tags": {
            "dc": ctx.datacenter,
            "role": "consul",
            "build": CONSUL_VERSION,
            "port": "8300",
        },
        "Status": 1,
        "ProtocolMin": 1,
        "ProtocolMax": 5,
        "ProtocolCur": 2,
        "DelegateMin": 2,
        "DelegateMax": 5,
        "DelegateCur": 4,
    }


@methods("GET")
async def agent_members(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    authz = ctx.authorizer(request)
    members = [_member(ctx)] if authz.allowed("node", ctx.node_name, "read") else []
    return json_response(members)


def add_routes(app: web.Application) -> None:
    """Register the agent endpoints (specific paths before the ``{id}`` catch-alls)."""
    router = app.router
    router.add_route("*", "/v1/agent/self", agent_self)
    router.add_route("*", "/v1/agent/members", agent_members)
    router.add_route("*", "/v1/agent/services", list_services)
    router.add_route("*", "/v1/agent/service/register", register_service)
    router.add_route("*", "/v1/agent/service/deregister/{service_id:.+}", deregister_service)
    router.add_route("*", "/v1/agent/service/maintenance/{service_id:.+}", service_maintenance)
    router.add_route("*", "/v1/agent/service/{service_id:.+}", get_service)
    router.add_route("*", "/v1/agent/checks", list_checks)
    router.add_route("*", "/v1/agent/check/register", register_check)
    router.add_route("*", "/v1/agent/check/deregister/{check_id:.+}", deregister_check)
    router.add_route("*", "/v1/agent/check/pass/{check_id:.+}", _ttl_handler("passing"))
    router.add_route("*", "/v1/agent/check/warn/{check_id:.+}", _ttl_handler("warning"))
    router.add_route("*", "/v1/agent/check/fail/{check_id:.+}", _ttl_handler("critical"))
    router.add_route("*", "/v1/agent/check/update/{check_id:.+}", update_check)
