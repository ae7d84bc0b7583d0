"""The baseline: a bare aiohttp handler that parses a JSON body and answers JSON, nothing else.

segsvc's figures are printed as ratios against this server, measured under the same load in the same run,
so the numbers mean the same on any machine.
"""

from __future__ import annotations

import json
import sys

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    return web.Response(body=json.dumps({"echo": body.get("command", "")}).encode(), content_type="application/json")


def main() -> None:
    app = web.Application()
    app.router.add_post("/api/v1/segment", handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
