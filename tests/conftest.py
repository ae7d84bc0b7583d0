"""Shared fixtures: a runtime built from a configuration, an HTTP client on it, subprocess services."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

# Fixtures shared across test modules that live beside their helpers.
pytest_plugins = ["tests.support.security"]

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"


def load_cases(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(**overrides: str) -> dict[str, str]:
    """A clean environment for the service: test profile, no Consul/NATS/OTEL from the outer shell."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SEGSVC_", "CONSUL_", "NATS_", "OTEL_"))}
    env.update({"SEGSVC_PROFILE": "test", "SEGSVC_SHUTDOWN__DRAIN_SECONDS": "0"})
    env.update(overrides)
    return env


@pytest.fixture
def make_runtime(tmp_path: Path) -> Callable[..., Any]:
    from segsvc.config import load_config
    from segsvc.runtime import Runtime

    def build(**env: str) -> Runtime:
        # gRPC on a free loopback port unless a test says otherwise: never the fixed default 9090.
        defaults = {"SEGSVC_ARCHIVE__OUTBOX_DIR": str(tmp_path / "outbox"), "SEGSVC_GRPC__HOST": "127.0.0.1",
                    "SEGSVC_GRPC__PORT": "0"}
        return Runtime(load_config(base_env(**{**defaults, **env})))

    return build


@pytest.fixture
async def client(aiohttp_client: Any, make_runtime: Callable[..., Any]) -> Any:
    runtime = make_runtime()
    runtime.health.started = True
    runtime.health.report("engine", "ok", "rules engine loaded", critical=True)
    return await aiohttp_client(runtime.app)


def wait_http(url: str, timeout: float = 20.0, status: int = 200) -> float:
    """Poll ``url`` until it answers ``status``; returns the seconds it took."""
    started = time.monotonic()
    last: Exception | None = None
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == status:
                    return time.monotonic() - started
        except Exception as exc:  # not up yet
            last = exc
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer {status} within {timeout}s (last error: {last})")


@contextmanager
def service_process(args: list[str] | None = None, **env: str) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """Run ``segsvc serve`` as a real process on a free port; yields (process, http_port). Its output goes to
    a temporary file (read it with :func:`process_log`), not to a pipe that could fill up and block it."""
    port = free_port()
    full_env = base_env(SEGSVC_HTTP__PORT=str(port), SEGSVC_HTTP__HOST="127.0.0.1",
                        SEGSVC_GRPC__PORT=str(free_port()), **env)
    cmd = args or [sys.executable, "-m", "segsvc", "serve"]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, env=full_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        proc.log = log  # type: ignore[attr-defined]
        try:
            yield proc, port
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


def process_log(proc: subprocess.Popen[bytes]) -> str:
    """Everything a :func:`service_process` has written so far."""
    log = proc.log  # type: ignore[attr-defined]
    log.seek(0)
    return str(log.read().decode())


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[Any]:
    """A real JetStream-enabled nats-server on a free loopback port, stopped after the test."""
    from tests.support.nats_server import NatsServer

    server = NatsServer(tmp_path / "nats")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def start_runtime(make_runtime: Callable[..., Any]) -> Any:
    """Start whole instances (HTTP and gRPC on free loopback ports, workers running); stopped after the test."""
    started: list[Any] = []

    async def start(*, before_start: Callable[[Any], None] | None = None, **env: str) -> Any:
        runtime = make_runtime(**{"SEGSVC_HTTP__HOST": "127.0.0.1", "SEGSVC_HTTP__PORT": "0",
                                  "SEGSVC_GRPC__HOST": "127.0.0.1", "SEGSVC_GRPC__PORT": "0", **env})
        if before_start is not None:
            before_start(runtime)
        await runtime.start()
        started.append(runtime)
        return runtime

    yield start
    for runtime in reversed(started):
        await runtime.stop()
