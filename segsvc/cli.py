"""``segsvc`` command line: serve, segment one command, show the configuration, decrypt an archived document."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence

from segsvc import __version__, segmentation
from segsvc.config.loader import ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="segsvc", description="ALT_LAS Segmentation Service")
    parser.add_argument("--version", action="version", version=f"segsvc {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the service (HTTP on http.port)")
    serve.add_argument("--host", help="overrides http.host")
    serve.add_argument("--port", type=int, help="overrides http.port")
    serve.add_argument("--profile", choices=["local", "test", "production"], help="overrides SEGSVC_PROFILE")

    seg = sub.add_parser("segment", help="segment one command and print the document")
    seg.add_argument("text", help="the command to segment, e.g. \"Open Firefox and go to wikipedia.org\"")
    seg.add_argument("--language", default="auto", choices=["auto", "en", "tr"])
    seg.add_argument("--format", default="alt", choices=["alt", "runner"])
    seg.add_argument("--mode", default="Normal", choices=list(segmentation.MODES))
    seg.add_argument("--persona", default="default", choices=list(segmentation.PERSONAS))
    seg.add_argument("--chaos-level", type=int)
    seg.add_argument("--seed", type=int)

    cfg = sub.add_parser("config", help="print the effective configuration with each key's source")
    cfg.add_argument("--json", action="store_true", help="JSON instead of a table")

    dec = sub.add_parser("decrypt", help="print the JSON inside an archived JWE document (security.encryption.*)")
    dec.add_argument("file", nargs="?", default="-", help="file holding the JWE compact string; - or none: stdin")
    dec.add_argument("--key-file", help="the key: dir's 32-byte key, or RSA-OAEP-256's PEM private key "
                                        "(default: security.encryption.private_key_file or .key_file)")
    dec.add_argument("--algorithm", choices=["dir", "RSA-OAEP-256"], help="overrides security.encryption.algorithm")
    return parser


def _decrypt(args: argparse.Namespace) -> int:
    """``segsvc decrypt``: one archived document back to JSON, for an operator holding the key."""
    from segsvc.security.jwe import JweDecryptError, JweKeyError, decrypt_document

    config = load_config(_environ(args)).settings.security.encryption
    update: dict[str, object] = {}
    if args.algorithm:
        update["algorithm"] = args.algorithm
    if args.key_file:
        update.update(key_file=None, key=None, private_key_file=None)
        update["private_key_file" if (args.algorithm or config.algorithm) == "RSA-OAEP-256" else "key_file"] = \
            args.key_file
    config = config.model_copy(update=update)
    try:
        text = sys.stdin.read() if args.file == "-" else open(args.file, encoding="ascii").read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"segsvc: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        doc = decrypt_document(text, config)
    except (JweKeyError, JweDecryptError) as exc:
        print(f"segsvc: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(doc, ensure_ascii=False, indent=2))
    return 0


def _environ(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    if getattr(args, "profile", None):
        env["SEGSVC_PROFILE"] = args.profile
    if getattr(args, "host", None):
        env["SEGSVC_HTTP__HOST"] = args.host
    if getattr(args, "port", None) is not None:
        env["SEGSVC_HTTP__PORT"] = str(args.port)
    return env


async def _segment_once(args: argparse.Namespace) -> tuple[bool, dict[str, object]]:
    from segsvc.runtime import Runtime
    from segsvc.service.errors import ServiceError

    runtime = Runtime(load_config(_environ(args)))
    body: dict[str, object] = {"command": args.text, "language": args.language, "format": args.format,
                               "mode": args.mode, "persona": args.persona}
    if args.chaos_level is not None:
        body["chaos_level"] = args.chaos_level
    if args.seed is not None:
        body["seed"] = args.seed
    try:
        return True, await runtime.service.segment(runtime.service.parse_request(body))
    except ServiceError as exc:
        return False, exc.problem()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from segsvc.runtime import StartupError, serve

            try:
                asyncio.run(serve(load_config(_environ(args))))
            except StartupError as exc:
                print(f"segsvc: cannot start: {exc}", file=sys.stderr)
                return 2
            return 0
        if args.command == "segment":
            ok, doc = asyncio.run(_segment_once(args))
            print(json.dumps(doc, ensure_ascii=False, indent=2), file=sys.stdout if ok else sys.stderr)
            return 0 if ok else 1
        if args.command == "decrypt":
            return _decrypt(args)
        if args.command == "config":
            described = load_config(_environ(args)).describe(redact=True)
            if args.json:
                print(json.dumps(described, indent=2, default=str))
            else:
                width = max(len(k) for k in described["keys"])
                print(f"profile: {described['profile']}")
                for key, item in described["keys"].items():
                    print(f"{key:<{width}}  {json.dumps(item['value'], default=str):<30}  {item['source']}")
            return 0
    except ConfigError as exc:
        print(f"segsvc: {exc}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
