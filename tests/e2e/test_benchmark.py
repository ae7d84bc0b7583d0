"""``make bench`` runs end to end: every line it promises is printed with figures and no failed request.

Only that it runs and reports; how fast is for the benchmark itself to say, never for a test to assert.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT, base_env


def test_benchmark_command_prints_every_figure() -> None:
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--seconds", "1", "--engine-repeat", "20"],
                         cwd=ROOT, env=base_env(), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    for name in ("bare", "segsvc", "nocache", "HTTP", "gRPC", "bare HTTP", "bare gRPC"):
        line = re.search(rf"^\s*{name}:\s+(\d+) req/s .*(?:non-2xx|errors) (\d+)$", text, re.M)
        assert line, f"no figures for {name}:\n{text}"
        assert int(line.group(1)) > 0 and line.group(2) == "0", line.group(0)
    for ratio in ("segsvc/bare", "nocache/bare", "gRPC/HTTP", "bare grpc.aio/bare aiohttp"):
        assert re.search(rf"ratio {re.escape(ratio)} throughput: \d+\.\d\d", text), f"no {ratio} ratio:\n{text}"
    assert re.search(r"engine en: median [\d.]+ us", text) and re.search(r"engine tr: median [\d.]+ us", text)
