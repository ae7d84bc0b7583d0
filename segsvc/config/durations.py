"""Durations in Consul's notation (``500ms``, ``10s``, ``1m30s``) or plain seconds.

Operators write durations the same way everywhere (environment, YAML files, Consul KV), so one parser
serves every layer and every duration setting is a float number of seconds inside the service.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


def parse_duration(value: Any) -> float:
    """Return ``value`` as seconds; accepts numbers, numeric strings and Go/Consul duration strings."""
    if isinstance(value, bool):
        raise ValueError("a duration must be a number of seconds or a string like '10s'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            pos, seconds = 0, 0.0
            for match in _PART.finditer(text):
                if match.start() != pos:
                    break
                seconds += float(match.group(1)) * _UNITS[match.group(2)]
                pos = match.end()
            if pos != len(text) or not text:
                raise ValueError(f"invalid duration {value!r}: use seconds or e.g. '500ms', '10s', '1m'") from None
    else:
        raise ValueError("a duration must be a number of seconds or a string like '10s'")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


def format_duration(seconds: float) -> str:
    """Render seconds the way Consul expects them in registration payloads (``10s``, ``1m0s`` -> ``60s``)."""
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{int(round(seconds * 1000))}ms"


Duration = Annotated[float, BeforeValidator(parse_duration), PlainSerializer(float, return_type=float)]
