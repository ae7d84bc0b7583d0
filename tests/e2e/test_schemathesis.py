"""Bounded schemathesis run against a live server: no 5xx, nothing that breaks the published schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import service_process, wait_http

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance,negative_data_rejection")


def test_schemathesis_finds_no_server_error_or_schema_violation(tmp_path: Path) -> None:
    with service_process(SEGSVC_HTTP__ACCESS_LOG="false") as (proc, port):
        wait_http(f"http://127.0.0.1:{port}/health/ready", timeout=15)
        st = Path(sys.executable).with_name("st")
        cmd = [str(st), "run", f"http://127.0.0.1:{port}/api/v1/openapi.json", "--checks", CHECKS,
               "--max-examples", "40", "--seed", "20261126", "--workers", "2", "--no-color",
               "--generation-database", "none", "--request-timeout", "10", "--suppress-health-check", "all"]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                             env={**os.environ, "SCHEMATHESIS_HOOKS": ""})
        assert proc.poll() is None, "the service died during the run"
    assert out.returncode == 0, out.stdout[-6000:] + out.stderr[-2000:]
