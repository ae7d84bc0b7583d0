"""``segsvc serve`` under the production profile with a JWT secret: open health, guarded API, clean logs."""

from __future__ import annotations

import http.client
import json
import signal

from tests.conftest import process_log, service_process, wait_http
from tests.support.security import SECRET, hs256


def _post(port: int, token: str | None) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    conn.request("POST", "/api/v1/segment", json.dumps({"command": "Takvimi aç"}), headers)
    resp = conn.getresponse()
    resp.read()
    return resp.status, dict(resp.getheaders())


def test_production_serves_with_a_secret_and_demands_tokens() -> None:
    token = hs256()
    with service_process(SEGSVC_PROFILE="production", SEGSVC_SECURITY__JWT__SECRET=SECRET,
                         SEGSVC_LOG_LEVEL="INFO") as (proc, port):
        wait_http(f"http://127.0.0.1:{port}/health/ready", timeout=15)
        status, headers = _post(port, None)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert _post(port, token)[0] == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
        logs = process_log(proc)
    messages = [json.loads(line)["msg"] for line in logs.splitlines() if line.startswith("{")]
    assert "authentication enabled" in messages
    assert not any("DISABLED" in m for m in messages)
    assert SECRET not in logs and token not in logs
