"""HTTP handlers: decode, delegate to the service layer, encode. No business rules here."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import orjson
from aiohttp import web

from segsvc.security import effective_limits
from segsvc.service.errors import ServiceError
from segsvc.transports.http.keys import CONFIG, HEALTH, METRICS, OPENAPI, PEER_CLIENTS, PEER_DIRECTORY, SERVICE
from segsvc.transports.http.security import external_base

JSON_TYPES = ("application/json", "application/problem+json")


class BadRequest(ServiceError):
    status = 400
    code = "malformed_json"
    title = "Malformed JSON"


class PayloadTooLarge(ServiceError):
    status = 413
    code = "payload_too_large"
    title = "Request body too large"


class UnsupportedMediaType(ServiceError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported media type"


def encode_json(data: Any) -> bytes:
    """UTF-8 JSON; orjson on the hot path (documents are a few KB), the standard library for what it
    refuses (integers beyond 64 bits, which a caller may put in ``seed`` or ``metadata``)."""
    try:
        return orjson.dumps(data)
    except TypeError:
        return json.dumps(data, ensure_ascii=False).encode()


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=encode_json(data), content_type="application/json", charset="utf-8")


async def read_json(request: web.Request) -> Any:
    """The request body as JSON, enforcing the live body limit (the caller's role may lower it) without buffering
    past it."""
    limit = effective_limits(request.app[CONFIG].settings).max_body_bytes
    ctype = request.content_type
    if request.headers.get("Content-Type") and ctype not in JSON_TYPES and not ctype.endswith("+json"):
        raise UnsupportedMediaType(f"send the body as application/json, not {ctype}")
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge(f"the body has {request.content_length} bytes; the limit is {limit}")
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"the body is larger than the limit of {limit} bytes")
    if not body:
        raise BadRequest("the request body is empty; send a JSON object")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None


async def segment(request: web.Request) -> web.Response:
    service = request.app[SERVICE]
    body = await read_json(request)
    return json_response(await service.segment(service.parse_request(body)))


async def segment_batch(request: web.Request) -> web.Response:
    results = await request.app[SERVICE].segment_batch(await read_json(request))
    return json_response({"results": results})


async def info(request: web.Request) -> web.Response:
    return json_response(request.app[SERVICE].info())


async def admin_config(request: web.Request) -> web.Response:
    store = request.app[CONFIG]
    body = store.snapshot.describe(redact=True)
    body["rejections"] = store.rejections[-20:]
    return json_response(body)


async def admin_peers(request: web.Request) -> web.Response:
    body = request.app[PEER_DIRECTORY].describe()
    outbound = request.app.get(PEER_CLIENTS)
    if outbound is not None:  # each peer's circuit breaker and outbound limits beside its instances
        for peer, state in outbound.describe().items():
            body["peers"].setdefault(peer, {}).update(state)
    return json_response(body)


async def live(request: web.Request) -> web.Response:
    return json_response({"status": "alive"})


async def ready(request: web.Request) -> web.Response:
    health = request.app[HEALTH]
    return json_response(health.describe(), status=200 if health.ready else 503)


async def metrics(request: web.Request) -> web.Response:
    m = request.app[METRICS]
    return web.Response(body=m.render(), headers={"Content-Type": m.content_type})


async def openapi(request: web.Request) -> web.Response:
    body = request.app[OPENAPI]
    base = external_base(request)
    if base != "/":  # behind a trusted gateway: the server URL clients must use (X-Forwarded-*)
        document = json.loads(body)
        document["servers"] = [{"url": base}]
        body = json.dumps(document).encode()
    return web.Response(body=body, content_type="application/json", charset="utf-8")


_DOCS_PAGE = resources.files("segsvc.transports.http").joinpath("docs.html").read_bytes()


async def docs(request: web.Request) -> web.Response:
    return web.Response(body=_DOCS_PAGE, content_type="text/html", charset="utf-8")


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/v1/segment", segment)
    app.router.add_post("/api/v1/segment/batch", segment_batch)
    app.router.add_get("/api/v1/info", info, allow_head=False)
    app.router.add_get("/api/v1/admin/config", admin_config, allow_head=False)
    app.router.add_get("/api/v1/admin/peers", admin_peers, allow_head=False)
    app.router.add_get("/api/v1/openapi.json", openapi, allow_head=False)
    app.router.add_get("/docs", docs, allow_head=False)
    app.router.add_get("/health/live", live, allow_head=False)
    app.router.add_get("/health/ready", ready, allow_head=False)
    app.router.add_get("/metrics", metrics, allow_head=False)
