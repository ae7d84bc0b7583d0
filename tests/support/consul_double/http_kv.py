"""``/v1/kv/<key>``: the KV store segsvc takes its live configuration from.

Semantics copied from Consul's ``kvs_endpoint.go`` and state store: switches (``?recurse``,
``?keys``, ``?raw``) count by presence; a miss is a 404 that still carries ``X-Consul-Index`` so a
client can block on the key's creation; ``?cas=0`` writes only if the key is absent; a DELETE with
a ``cas`` that names a missing key succeeds; ACLs refuse a single-key read (403) but *filter* a
prefix read, as Consul does while ``acl.enable_key_list_policy`` is off (its default); with it on,
a prefix read needs ``list`` on the prefix.
"""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from .acl import Authorizer
from .http_common import (
    Context,
    HTTPError,
    blocking,
    check_datacenter,
    context,
    flag,
    json_response,
    methods,
    query_headers,
    query_options,
)
from .model import KVEntry

KV_MAX_VALUE_SIZE = 512 * 1024
"""Consul's default ``kv_max_value_size``."""


def validate_key(key: str) -> None:
    """The key checks every current Consul release applies (leading slash, path traversal, control characters)."""
    if key.startswith("/"):
        raise HTTPError(400, "key must not begin with a '/'")
    if key == ".." or key.startswith("../") or "/../" in key or key.endswith("/.."):
        raise HTTPError(400, "key contains path traversal sequence")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in key):
        raise HTTPError(400, "key contains invalid control characters")


def _require_list(ctx: Context, authz: Authorizer, prefix: str) -> None:
    """With ``acl.enable_key_list_policy`` a prefix read needs ``list`` on the prefix (else it is only filtered)."""
    if ctx.key_list_policy:
        authz.require("key", prefix, "list")


def _parse_uint(request: web.Request, name: str) -> int:
    raw = request.query.get(name, "")
    if not raw.isdigit() or int(raw) >= 2**64:
        raise HTTPError(500, f'strconv.ParseUint: parsing "{raw}": invalid syntax')
    return int(raw)


def _conflicting(request: web.Request, *names: str) -> None:
    if sum(name in request.query for name in names) > 1:
        raise HTTPError(400, f"Conflicting flags: {urlencode(sorted(request.query.items()))}\n")


async def _get(request: web.Request, ctx: Context, key: str) -> web.StreamResponse:
    recurse = flag(request, "recurse")
    if not recurse and key == "":
        raise HTTPError(400, "Missing key name")
    options = query_options(request)
    authz = ctx.authorizer(request)
    if recurse:
        _require_list(ctx, authz, key)
    else:
        authz.require("key", key, "read")

    def snapshot() -> tuple[int, tuple[list[KVEntry], bool]]:
        if not recurse:
            index, entry = ctx.store.kv_get(key)
            return index, ([entry] if entry else [], False)
        index, entries = ctx.store.kv_list(key)
        readable = [e for e in entries if authz.allowed("key", e.key, "read")]
        return index, (readable, len(readable) < len(entries))

    index, (entries, filtered) = await blocking(ctx, options, snapshot)
    headers = query_headers(index, options, filtered=filtered)
    if not entries:
        return web.Response(status=404, headers=headers)
    if flag(request, "raw") and not recurse:
        headers.update({"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"})
        return web.Response(body=entries[0].value, content_type="text/plain", headers=headers)
    return json_response([e.to_json() for e in entries], headers=headers)


async def _get_keys(request: web.Request, ctx: Context, prefix: str) -> web.StreamResponse:
    separator = request.query.get("separator", request.query.get("seperator", ""))
    options = query_options(request)
    authz = ctx.authorizer(request)
    _require_list(ctx, authz, prefix)

    def snapshot() -> tuple[int, tuple[list[str], bool]]:
        index, entries = ctx.store.kv_list(prefix)
        readable = [e.key for e in entries if authz.allowed("key", e.key, "read")]
        keys: list[str] = []
        for key in readable:
            cut = key.find(separator, len(prefix)) if separator else -1
            shown = key[: cut + len(separator)] if cut >= 0 else key
            if not keys or keys[-1] != shown:
                keys.append(shown)
        return index, (keys, len(readable) < len(entries))

    index, (keys, filtered) = await blocking(ctx, options, snapshot)
    headers = query_headers(index, options, filtered=filtered)
    if not keys and prefix != "":
        return web.Response(status=404, headers=headers)
    return json_response(keys, headers=headers)


async def _put(request: web.Request, ctx: Context, key: str) -> web.StreamResponse:
    check_datacenter(request)
    if key == "":
        raise HTTPError(400, "Missing key name")
    _conflicting(request, "cas", "acquire", "release")
    flags = _parse_uint(request, "flags") if "flags" in request.query else 0
    cas = _parse_uint(request, "cas") if "cas" in request.query else None
    if request.content_length is not None and request.content_length > KV_MAX_VALUE_SIZE:
        raise HTTPError(
            413,
            f"Request body({request.content_length} bytes) too large, max size: {KV_MAX_VALUE_SIZE} bytes.",
        )
    value = await request.read()
    if len(value) > KV_MAX_VALUE_SIZE:
        raise HTTPError(
            413,
            f"Request body({len(value)} bytes) too large, max size: {KV_MAX_VALUE_SIZE} bytes.",
        )
    authz = ctx.authorizer(request)
    authz.require("key", key, "write")
    if "acquire" in request.query:
        raise HTTPError(500, f'invalid session "{request.query["acquire"]}"')
    if "release" in request.query:
        return json_response(False)
    return json_response(kv_write(ctx, key, value, flags, cas))


def kv_write(ctx: Context, key: str, value: bytes, flags: int, cas: int | None) -> bool:
    """One KV set (or check-and-set); returns whether it applied."""
    existing = ctx.store.kv.get(key)
    if cas is not None:
        if cas == 0 and existing is not None:
            return False
        if cas != 0 and (existing is None or existing.modify_index != cas):
            return False
    with ctx.store.txn() as tx:
        tx.kv_set(key, value, flags)
    return True


async def _delete(request: web.Request, ctx: Context, key: str) -> web.StreamResponse:
    check_datacenter(request)
    _conflicting(request, "recurse", "cas")
    recurse = flag(request, "recurse")
    if not recurse and key == "":
        raise HTTPError(400, "Missing key name")
    cas = _parse_uint(request, "cas") if "cas" in request.query else None
    authz = ctx.authorizer(request)
    if recurse:
        if not authz.key_write_prefix(key):
            raise HTTPError(403, authz.denial("key", key, "write"))
        with ctx.store.txn() as tx:
            tx.kv_delete_tree(key)
        return json_response(True)
    authz.require("key", key, "write")
    if cas is not None:
        existing = ctx.store.kv.get(key)
        if existing is None:
            return json_response(True)
        if existing.modify_index != cas:
            return json_response(False)
    with ctx.store.txn() as tx:
        tx.kv_delete(key)
    return json_response(True)


@methods("GET", "PUT", "DELETE")
async def kv_endpoint(request: web.Request) -> web.StreamResponse:
    ctx = context(request)
    key = request.match_info["key"]
    if key:
        validate_key(key)
    if request.method == "GET":
        if flag(request, "keys"):
            return await _get_keys(request, ctx, key)
        return await _get(request, ctx, key)
    if request.method == "PUT":
        return await _put(request, ctx, key)
    return await _delete(request, ctx, key)


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/v1/kv/{key:.*}", kv_endpoint)
