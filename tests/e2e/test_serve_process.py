"""``segsvc serve`` as a real process: ready on defaults, graceful stop, the CLI's other commands."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time

from tests.conftest import ROOT, base_env, process_log, service_process, wait_http


def test_serves_on_embedded_defaults_and_stops_cleanly() -> None:
    with service_process(SEGSVC_LOG_LEVEL="INFO") as (proc, port):
        took = wait_http(f"http://127.0.0.1:{port}/health/ready", timeout=10)
        assert took < 10
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("POST", "/api/v1/segment", json.dumps({"command": "Takvimi aç"}),
                      {"Content-Type": "application/json"})
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["segments"][0]["task_type"] == "open"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        logs = process_log(proc)
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    messages = [line["msg"] for line in lines]
    assert "serving HTTP" in messages and "draining" in messages and messages[-1] == "stopped"
    assert any("authentication is DISABLED" in m for m in messages)


def test_ready_is_503_while_draining() -> None:
    with service_process(SEGSVC_SHUTDOWN__DRAIN_SECONDS="3") as (proc, port):
        wait_http(f"http://127.0.0.1:{port}/health/ready", timeout=10)
        proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 2
        status = None
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/health/ready")
            resp = conn.getresponse()
            status, body = resp.status, json.loads(resp.read())
            if status == 503:
                break
            time.sleep(0.05)
        assert status == 503 and body["status"] == "draining"
        proc.send_signal(signal.SIGINT)           # a second signal cuts the drain short
        assert proc.wait(timeout=5) == 0


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "segsvc", *args], env=base_env(**env), cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_cli_segment_config_version() -> None:
    out = _cli("segment", "Belgeyi indirdikten sonra yazdır", "--format", "runner")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert [t["description"] for t in doc["tasks"]] == ["Belgeyi indir", "yazdır"]
    bad = _cli("segment", "   ")
    assert bad.returncode == 1 and json.loads(bad.stderr)["status"] == 422
    cfg = _cli("config", "--json", SEGSVC_HTTP__PORT="9999", SEGSVC_SECURITY__JWT__SECRET="topsecret")
    described = json.loads(cfg.stdout)
    assert described["keys"]["http.port"] == {"value": 9999, "source": "env", "dynamic": False}
    assert "topsecret" not in cfg.stdout
    table = _cli("config")
    assert "http.port" in table.stdout and "default" in table.stdout
    version = _cli("--version")
    assert version.stdout.startswith("segsvc ") and version.returncode == 0
    typo = _cli("config", SEGSVC_HTTP_PORT="1")
    assert typo.returncode == 2 and "SEGSVC_HTTP_PORT" in typo.stderr


def test_production_profile_refuses_to_start_without_auth_support() -> None:
    env = base_env(SEGSVC_PROFILE="production", SEGSVC_HTTP__PORT="0")
    out = subprocess.run([sys.executable, "-m", "segsvc", "serve"], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 2 and "refusing" in out.stderr
    assert os.path.isdir(ROOT / "config")
