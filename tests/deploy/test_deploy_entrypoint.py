"""The image's command line, run outside Docker: it serves, becomes ready and stops cleanly on SIGTERM.

This is the process Docker and Kubernetes start. The test takes ENTRYPOINT + CMD from the Dockerfile's
final stage and its ENV (with /app mapped to this checkout and a temporary directory), so a change to
either that breaks start-up or graceful shutdown fails here, without a Docker engine.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ._support import (
    ROOT,
    dockerfile_instructions,
    env_instruction,
    exec_form,
    final_stage,
)

READY_WITHIN = 20.0
EXIT_WITHIN = 15.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _image_command_and_env(app_dir: Path) -> tuple[list[str], dict[str, str]]:
    final = final_stage(dockerfile_instructions(ROOT / "Dockerfile"))
    entrypoint = [a for k, a in final if k == "ENTRYPOINT"]
    cmd = [a for k, a in final if k == "CMD"]
    argv = (exec_form(entrypoint[-1]) if entrypoint else []) + (exec_form(cmd[-1]) if cmd else [])
    assert argv, "the Dockerfile has no ENTRYPOINT/CMD"
    image_env: dict[str, str] = {}
    for keyword, arguments in final:
        if keyword == "ENV":
            image_env.update(env_instruction(arguments))
    mapped: dict[str, str] = {}
    for key, value in image_env.items():
        if key == "PATH":
            continue
        if value == "/app/config" or value.startswith("/app/config/"):
            value = str(ROOT / "config") + value[len("/app/config"):]
        elif value.startswith("/app/"):
            value = str(app_dir / value[len("/app/"):])
        mapped[key] = value
    return argv, mapped


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def test_image_command_serves_ready_and_exits_0_on_sigterm(tmp_path: Path) -> None:
    argv, image_env = _image_command_and_env(tmp_path)
    http_port, grpc_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SEGSVC_", "CONSUL_", "NATS_", "OTEL_"))}
    env.update(image_env)
    env.update({
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        "SEGSVC_HTTP__PORT": str(http_port),
        "SEGSVC_GRPC__PORT": str(grpc_port),
        "SEGSVC_ARCHIVE__OUTBOX_DIR": str(tmp_path / "var" / "outbox"),
    })
    log = tmp_path / "segsvc.log"
    with log.open("wb") as sink:
        try:
            proc = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=sink, stderr=subprocess.STDOUT)
        except FileNotFoundError:
            raise AssertionError(f"{argv[0]} is not on PATH: install the project (pip install -e .)") from None
        try:
            url = f"http://127.0.0.1:{http_port}/health/ready"
            deadline = time.monotonic() + READY_WITHIN
            status = None
            while time.monotonic() < deadline and proc.poll() is None:
                status = _status(url)
                if status == 200:
                    break
                time.sleep(0.2)
            assert status == 200, (f"{' '.join(argv)} not ready within {READY_WITHIN}s (last status {status}, "
                                   f"exit {proc.poll()}):\n{log.read_text(errors='replace')[-4000:]}")
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=EXIT_WITHIN)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"still running {EXIT_WITHIN}s after SIGTERM:\n"
                                     f"{log.read_text(errors='replace')[-4000:]}") from None
            assert code == 0, f"exit {code} after SIGTERM:\n{log.read_text(errors='replace')[-4000:]}"
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=5)
