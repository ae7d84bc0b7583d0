"""Plumbing shared by the HTTP endpoints: errors, query options, ACL tokens, blocking queries.

Consul's HTTP layer answers errors as plain text with a status code, parses ``?index``/``?wait``
strictly (400 "Invalid index"/"Invalid wait time"), and runs every blocking read through one loop:
answer at once when the endpoint's index is past the client's, otherwise wait for a change or for
``wait`` plus up to ``wait/16`` of jitter. That loop lives here, driven by the state store's change
event rather than polling.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .acl import ALLOW_ALL, ACLNotFound, Authorizer, TokenStore
from .agent import LocalAgent
from .bexpr import FilterError, apply_filter
from .durations import DurationError, parse_duration
from .state import StateStore

DEFAULT_WAIT = 300.0
"""Consul's default blocking wait (5 minutes)."""


class HTTPError(Exception):
    """An error answer: status code and Consul's plain-text body."""

    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.text = text
        self.headers = headers or {}


@dataclass
class Context:
    """Everything a handler needs; one per double, stored on the aiohttp application."""

    store: StateStore
    agent: LocalAgent
    tokens: TokenStore | None
    datacenter: str
    node_name: str
    node_address: str
    max_wait: float
    key_list_policy: bool = False

    def authorizer(self, request: web.Request) -> Authorizer:
        """Resolve the request's token as Consul's ``parseToken`` finds it (query, header, bearer)."""
        if self.tokens is None:
            return ALLOW_ALL
        try:
            return self.tokens.resolve(request_token(request))
        except ACLNotFound as exc:
            raise HTTPError(403, str(exc)) from exc


CONTEXT: web.AppKey[Context] = web.AppKey("consul_double_context", Context)


def context(request: web.Request) -> Context:
    return request.app[CONTEXT]


def request_token(request: web.Request) -> str:
    """The secret a request carries: ``?token=``, then ``X-Consul-Token``, then ``Authorization: Bearer``."""
    token = request.query.get("token", "")
    if token:
        return token
    token = request.headers.get("X-Consul-Token", "")
    if token:
        return token
    parts = request.headers.get("Authorization", "").split(" ")
    if len(parts) > 1 and parts[0].lower() == "bearer":
        return " ".join(parts[1:]).strip()
    return ""


def flag(request: web.Request, name: str) -> bool:
    """Consul tests most switches (``?recurse``, ``?keys``, ``?raw``) by presence alone."""
    return name in request.query


def bool_param(request: web.Request, name: str) -> bool:
    """Consul's ``getBoolQueryParam``: present and empty means true, else Go's ParseBool."""
    if name not in request.query:
        return False
    value = request.query.get(name, "")
    if value == "":
        return True
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise HTTPError(400, f"Invalid value for ?{name}")


def filtered_records(request: web.Request, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the request's ``?filter`` expression; a bad one is Consul's 400."""
    try:
        return apply_filter(request.query.get("filter"), records)
    except FilterError as exc:
        raise HTTPError(400, str(exc)) from exc


def json_response(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(data, separators=(",", ":")),
        content_type="application/json",
        headers=headers,
    )


def read_json(body: bytes) -> Any:
    """Decode a request body as Consul's ``decodeBody``; an empty body decodes to nothing."""
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPError(400, f"Request decode failed: {exc}") from exc


@dataclass
class QueryOptions:
    """The read options Consul parses on every query endpoint."""

    min_index: int
    wait: float
    consistency: str
    filter: str | None


def check_datacenter(request: web.Request) -> None:
    """``?dc`` naming another datacenter fails as it does on a single-DC Consul."""
    dc = request.query.get("dc", "")
    if dc and dc != context(request).datacenter:
        raise HTTPError(500, "No path to datacenter")


def query_options(request: web.Request) -> QueryOptions:
    """Parse ``?dc``, ``?stale``/``?consistent``, ``?wait``, ``?index`` and ``?filter`` as Consul does."""
    ctx = context(request)
    check_datacenter(request)
    stale, consistent = flag(request, "stale"), flag(request, "consistent")
    if stale and consistent:
        raise HTTPError(400, "Cannot specify ?stale with ?consistent, conflicting semantics.")
    wait = DEFAULT_WAIT
    if request.query.get("wait"):
        try:
            wait = parse_duration(request.query["wait"])
        except DurationError as exc:
            raise HTTPError(400, "Invalid wait time") from exc
        if wait <= 0:
            wait = DEFAULT_WAIT
    wait = min(wait, ctx.max_wait)
    min_index = 0
    if request.query.get("index"):
        raw = request.query["index"]
        if not raw.isdigit():
            raise HTTPError(400, "Invalid index")
        min_index = int(raw)
    return QueryOptions(
        min_index=min_index,
        wait=wait,
        consistency="stale" if stale else "consistent" if consistent else "leader",
        filter=request.query.get("filter") or None,
    )


def query_headers(index: int, options: QueryOptions, *, filtered: bool = False) -> dict[str, str]:
    """Consul's ``setMeta`` headers for a read answer."""
    headers = {
        "X-Consul-Index": str(max(1, index)),
        "X-Consul-KnownLeader": "true",
        "X-Consul-LastContact": "0",
        "X-Consul-Effective-Consistency": options.consistency,
    }
    if filtered:
        headers["X-Consul-Results-Filtered-By-ACLs"] = "true"
    return headers


Snapshot = Callable[[], tuple[int, Any]]


async def blocking(ctx: Context, options: QueryOptions, snapshot: Snapshot) -> tuple[int, Any]:
    """Run ``snapshot`` (returns ``(index, result)``) as a Consul blocking query.

    Returns immediately unless ``index`` was given and the endpoint's index has not passed it;
    otherwise waits for committed changes (re-evaluating each time, since not every change moves
    this endpoint's index) until the index passes or ``wait`` + jitter runs out.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + options.wait + random.uniform(0, options.wait / 16)
    while True:
        event = ctx.store.change_event()
        index, result = snapshot()
        index = max(1, index)
        if options.min_index == 0 or index > options.min_index:
            return index, result
        remaining = deadline - loop.time()
        if remaining <= 0:
            return index, result
        try:
            await asyncio.wait_for(event.wait(), remaining)
        except TimeoutError:
            pass


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def methods(*allowed: str) -> Callable[[Handler], Handler]:
    """Restrict a handler to ``allowed`` methods with Consul's 405 answer ("method GET not allowed")."""

    def decorate(handler: Handler) -> Handler:
        async def wrapper(request: web.Request) -> web.StreamResponse:
            if request.method == "OPTIONS":
                return web.Response(status=200, headers={"Allow": ",".join(("OPTIONS", *allowed))})
            if request.method not in allowed:
                raise HTTPError(
                    405,
                    f"method {request.method} not allowed",
                    {"Allow": ",".join(("OPTIONS", *allowed))},
                )
            return await handler(request)

        wrapper.__name__ = handler.__name__
        wrapper.__doc__ = handler.__doc__
        return wrapper

    return decorate
