"""``/v1/status/*`` and ``/v1/acl/token/self``: what clients ask to learn the cluster is there.

Service clients commonly probe ``/v1/status/leader`` for liveness and ``/v1/acl/token/self`` to
check their token at start-up; both answer as a single-server Consul would.
"""

from __future__ import annotations

from aiohttp import web

from .acl import ANONYMOUS_ACCESSOR
from .http_common import HTTPError, context, json_response, methods, request_token

LEADER = "127.0.0.1:8300"


@methods("GET")
async def status_leader(request: web.Request) -> web.StreamResponse:
    return json_response(LEADER)


@methods("GET")
async def status_peers(request: web.Request) -> web.StreamResponse:
    return json_response([LEADER])


@methods("GET")
async def token_self(request: web.Request) -> web.StreamResponse:
    """Describe the caller's token; 401 when ACLs are off, 403 "ACL not found" for an unknown one."""
    ctx = context(request)
    if ctx.tokens is None:
        raise HTTPError(401, "ACL support disabled")
    secret = request_token(request)
    if not secret:
        return json_response(
            {
                "AccessorID": ANONYMOUS_ACCESSOR,
                "SecretID": "anonymous",
                "Description": "Anonymous Token",
                "Policies": [],
                "Local": False,
            }
        )
    token = ctx.tokens.tokens.get(secret)
    if token is None:
        raise HTTPError(403, "ACL not found")
    policies = (
        [{"ID": "00000000-0000-0000-0000-000000000001", "Name": "global-management"}]
        if token.rules is None
        else [{"ID": token.accessor_id, "Name": f"policy-{token.accessor_id[:8]}"}]
    )
    return json_response(
        {
            "AccessorID": token.accessor_id,
            "SecretID": token.secret_id,
            "Description": token.description,
            "Policies": policies,
            "Local": False,
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_route("*", "/v1/status/leader", status_leader)
    app.router.add_route("*", "/v1/status/peers", status_peers)
    app.router.add_route("*", "/v1/acl/token/self", token_self)
