"""Go-style durations, the way Consul reads and prints them.

Consul parses check and query durations with Go's ``time.ParseDuration`` ("10s", "1m30s",
"500ms"; a bare number other than "0" is an error) and, in JSON bodies, also accepts a
number meaning *nanoseconds*. It prints durations with ``time.Duration.String`` ("1m0s").
Copying both exactly keeps a client that works against the double working against Consul.
"""

from __future__ import annotations

import re

_UNIT_NS: dict[str, int] = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,  # micro sign
    "\u03bcs": 1_000,  # Greek small letter mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_PART = re.compile(r"(\d*\.?\d*)([a-zµμ]+)")


class DurationError(ValueError):
    """Raised for text Go's ``time.ParseDuration`` would reject; the message mimics Go's."""


def parse_duration(text: str) -> float:
    """Parse a Go duration string into seconds (``"1m30s"`` → ``90.0``)."""
    original = text
    if not isinstance(text, str) or text == "":
        raise DurationError(f'time: invalid duration "{original}"')
    sign = 1.0
    if text[0] in "+-":
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text == "0":
        return 0.0
    if text == "":
        raise DurationError(f'time: invalid duration "{original}"')
    total_ns = 0.0
    pos = 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None:
            if re.fullmatch(r"[\d.]+", text[pos:]):
                raise DurationError(f'time: missing unit in duration "{original}"')
            raise DurationError(f'time: invalid duration "{original}"')
        number, unit = match.groups()
        if number in ("", "."):
            raise DurationError(f'time: invalid duration "{original}"')
        if unit not in _UNIT_NS:
            raise DurationError(f'time: unknown unit "{unit}" in duration "{original}"')
        total_ns += float(number) * _UNIT_NS[unit]
        pos = match.end()
    return sign * total_ns / 1e9


def parse_json_duration(value: object, field: str) -> float | None:
    """Read a duration field of a JSON body: Go string, or a number of nanoseconds.

    Returns seconds, or ``None`` when the field is absent/null. Any other type is a decode
    error, as it is for Consul's ``CheckType.UnmarshalJSON``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise DurationError(f"json: cannot unmarshal bool into Go struct field {field} of type time.Duration")
    if isinstance(value, (int, float)):
        return float(value) / 1e9
    if isinstance(value, str):
        return parse_duration(value)
    raise DurationError(f"json: cannot unmarshal {type(value).__name__} into Go struct field {field}")


def _fraction(value: int, unit: int) -> str:
    """Format ``value/unit`` with the trailing zeros trimmed, as Go's fmtFrac does."""
    whole, rest = divmod(value, unit)
    if rest == 0:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{str(rest).rjust(digits, '0').rstrip('0')}"


def format_duration(seconds: float) -> str:
    """Format seconds the way Go's ``time.Duration.String`` does (``60`` → ``"1m0s"``)."""
    ns = round(seconds * 1e9)
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000:
        return f"{sign}{ns}ns"
    if ns < 1_000_000:
        return f"{sign}{_fraction(ns, 1_000)}\u00b5s"
    if ns < 1_000_000_000:
        return f"{sign}{_fraction(ns, 1_000_000)}ms"
    hours, ns = divmod(ns, 3_600_000_000_000)
    minutes, ns = divmod(ns, 60_000_000_000)
    secs = _fraction(ns, 1_000_000_000) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{secs}"
    if minutes:
        return f"{sign}{minutes}m{secs}"
    return f"{sign}{secs}"
