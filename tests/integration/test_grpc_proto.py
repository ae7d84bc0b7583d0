"""The generated gRPC modules are exactly what the documented command makes from the .proto."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import ROOT

GENERATED = ("segmentation_pb2.py", "segmentation_pb2.pyi", "segmentation_pb2_grpc.py")


def test_regenerating_from_the_proto_gives_identical_files(tmp_path: Path) -> None:
    out = subprocess.run(["bash", str(ROOT / "scripts" / "gen_proto.sh"), str(tmp_path)], cwd=ROOT,
                         check=False, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    for name in GENERATED:
        fresh = (tmp_path / "segsvc" / "v1" / name).read_bytes()
        committed = (ROOT / "segsvc" / "v1" / name).read_bytes()
        assert fresh == committed, f"segsvc/v1/{name} differs from the proto: run scripts/gen_proto.sh"


def test_the_proto_declares_the_contract() -> None:
    proto = (ROOT / "segsvc" / "v1" / "segmentation.proto").read_text()
    assert "package segsvc.v1;" in proto and "service Segmentation {" in proto
    for rpc in ("rpc Segment(", "rpc SegmentBatch(", "rpc SegmentStream(stream", "rpc SubmitJob(", "rpc GetJob(",
                "rpc WatchJob(WatchJobRequest) returns (stream"):
        assert rpc in proto, rpc
