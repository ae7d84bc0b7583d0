"""The Consul KV seed: every dynamic setting's default, in ``consul kv import`` format.

``python -m segsvc.config.kv_seed > consul/kv-seed.json`` regenerates ``consul/kv-seed.json``; a test
keeps the committed file equal to what this prints, so the seed never drifts from the code.
"""

from __future__ import annotations

import base64
import json
import sys
from typing import Any

from pydantic import SecretStr

from segsvc.config.loader import flatten
from segsvc.config.settings import PEERS, Settings, is_dynamic, setting_paths


def seed_entries(service_name: str = "segmentation-service") -> list[dict[str, Any]]:
    defaults = flatten(Settings().model_dump(mode="python"))
    entries = []
    for path in setting_paths():
        value = defaults.get(path)
        if not is_dynamic(path) or value is None or isinstance(value, SecretStr):
            continue
        text = value if isinstance(value, str) else json.dumps(value)
        parts = [part.replace("_", "-") if part in PEERS else part for part in path.split(".")]
        key = f"config/{service_name}/" + "/".join(parts)  # peers spelled as in DESIGN: ai-orchestrator
        entries.append({"key": key, "flags": 0, "value": base64.b64encode(text.encode()).decode()})
    return entries


def main() -> None:
    json.dump(seed_entries(), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
