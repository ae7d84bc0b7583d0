"""The active health checks an agent runs itself: HTTP and TCP probes.

Outputs and status rules follow Consul's ``agent/checks``: an HTTP check passes on 2xx, warns on
429 and is critical otherwise (output ``HTTP GET <url>: 200 OK Output: <body>``); a TCP check
passes when a connection opens (``TCP connect <addr>: Success``).
"""

from __future__ import annotations

import asyncio

import aiohttp

from .decode import CheckType

OUTPUT_MAX = 4096
"""Consul's default ``check_output_max_size``."""


def truncate_output(output: str) -> str:
    """Cap check output at 4 KiB with Consul's ``(captured N of M bytes)`` suffix."""
    if len(output) <= OUTPUT_MAX:
        return output
    return f"{output[:OUTPUT_MAX]} ... (captured {OUTPUT_MAX} of {len(output)} bytes)"


def _split_host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host.strip("[]"), int(port)


def _dial_error(address: str, exc: BaseException) -> str:
    """Go-flavoured dial error text, so outputs read like Consul's."""
    if isinstance(exc, ConnectionRefusedError):
        return f"dial tcp {address}: connect: connection refused"
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return f"dial tcp {address}: i/o timeout"
    return f"dial tcp {address}: {exc}"


async def probe_tcp(check: CheckType) -> tuple[str, str]:
    """Open and close a TCP connection; returns ``(status, output)``."""
    timeout = check.timeout or 10.0
    try:
        host, port = _split_host_port(check.tcp)
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (TimeoutError, OSError, ValueError) as exc:
        return "critical", _dial_error(check.tcp, exc)
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return "passing", f"TCP connect {check.tcp}: Success"


async def probe_http(session: aiohttp.ClientSession, check: CheckType) -> tuple[str, str]:
    """One HTTP request as Consul's ``CheckHTTP`` makes it; returns ``(status, output)``."""
    method = check.method or "GET"
    headers = {name: ", ".join(values) for name, values in check.header.items()}
    headers.setdefault("User-Agent", "Consul Health Check")
    headers.setdefault("Accept", "text/plain, text/*, */*")
    timeout = aiohttp.ClientTimeout(total=check.timeout or 10.0)
    try:
        async with session.request(
            method,
            check.http,
            headers=headers,
            data=check.body or None,
            timeout=timeout,
            ssl=not check.tls_skip_verify,
        ) as response:
            body = (await response.content.read(OUTPUT_MAX)).decode("utf-8", "replace")
            reason = response.reason or ""
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        text = str(exc) or type(exc).__name__
        return "critical", f'{method} "{check.http}": {text}'
    output = f"HTTP {method} {check.http}: {response.status} {reason} Output: {body}"
    if 200 <= response.status <= 299:
        return "passing", output
    if response.status == 429:
        return "warning", output
    return "critical", output
