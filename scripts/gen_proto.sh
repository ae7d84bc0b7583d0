#!/usr/bin/env bash
# Regenerate the gRPC/protobuf Python modules of segsvc/v1/segmentation.proto.
#
#   scripts/gen_proto.sh            # rewrite segsvc/v1/segmentation_pb2{.py,.pyi,_grpc.py} in place
#   scripts/gen_proto.sh OUT_DIR    # write them under OUT_DIR/segsvc/v1/ instead (the test compares)
#
# Uses grpcio-tools from the project's virtualenv (PYTHON overrides), so the output depends only on the
# .proto and the pinned grpcio-tools version: running it twice gives identical files.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.}"
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3
mkdir -p "$out"
"$python" -m grpc_tools.protoc -I . \
  --python_out="$out" --pyi_out="$out" --grpc_python_out="$out" \
  segsvc/v1/segmentation.proto
