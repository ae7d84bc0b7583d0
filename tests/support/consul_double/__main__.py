"""Run the Consul double standalone: ``python -m tests.support.consul_double --port 8500 [--acl]``.

Handy for poking segsvc by hand (``CONSUL_HTTP_ADDR=127.0.0.1:8500``) without a Consul binary.
``--token SECRET=FILE`` adds a token whose policy is the HCL rules in FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from .server import ConsulDouble


def _parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.support.consul_double", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8500)
    parser.add_argument("--acl", action="store_true", help="enable ACLs (default policy deny)")
    parser.add_argument("--acl-default-policy", choices=("allow", "deny"), default="deny")
    parser.add_argument("--master-token", default="root-token")
    parser.add_argument(
        "--acl-enable-key-list-policy",
        action="store_true",
        help="recursive KV reads need 'list' on the prefix",
    )
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="SECRET=FILE",
        help="add a token with the HCL rules in FILE",
    )
    parser.add_argument("--datacenter", default="dc1")
    parser.add_argument("--node-name", default="node-1")
    parser.add_argument("--min-deregister-after", type=float, default=60.0, help="seconds (Consul: 60)")
    parser.add_argument("--reap-interval", type=float, default=1.0, help="seconds")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    double = ConsulDouble(
        acl_enabled=args.acl,
        acl_default_policy=args.acl_default_policy,
        master_token=args.master_token,
        datacenter=args.datacenter,
        node_name=args.node_name,
        min_deregister_after=args.min_deregister_after,
        reap_interval=args.reap_interval,
        acl_enable_key_list_policy=args.acl_enable_key_list_policy,
    )
    for spec in args.token:
        secret, _, path = spec.partition("=")
        if not secret or not path:
            raise SystemExit(f"--token expects SECRET=FILE, got {spec!r}")
        double.add_token(secret, Path(path).read_text(encoding="utf-8"))
    await double.start(args.host, args.port)
    acl = f" (ACLs on, management token {args.master_token!r})" if args.acl else ""
    print(f"Consul double listening on {double.url}{acl}; Ctrl-C to stop", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await double.stop()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parse_args(argv)
    if args.token and not args.acl:
        raise SystemExit("--token needs --acl")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))


if __name__ == "__main__":
    main()
