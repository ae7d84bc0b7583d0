"""The Consul double's parsers: Go durations and bexpr filters, which clients' inputs go through."""

from __future__ import annotations

import pytest

from tests.support.consul_double import format_duration, parse_duration
from tests.support.consul_double.bexpr import FilterError, apply_filter
from tests.support.consul_double.durations import DurationError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("10s", 10),
        ("1m", 60),
        ("500ms", 0.5),
        ("1m30s", 90),
        ("1h2m3.5s", 3723.5),
        ("0", 0),
        (".5s", 0.5),
        ("-2s", -2),
        ("3us", 3e-6),
    ],
)
def test_go_durations_parse(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "10", "1x", "s", "1.5", "m1"])
def test_bad_go_durations_are_rejected(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (10, "10s"), (60, "1m0s"), (90, "1m30s"), (3600, "1h0m0s"), (0.5, "500ms"), (1.5, "1.5s")],
)
def test_go_durations_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


RECORDS = [
    {
        "Service": {"ID": "a", "Tags": ["v1", "gpu"], "Meta": {"zone": "x"}, "Port": 80},
        "Checks": [{"Status": "passing"}],
    },
    {"Service": {"ID": "b", "Tags": ["v2"], "Meta": None, "Port": 81}, "Checks": [{"Status": "critical"}]},
]


@pytest.mark.parametrize(
    ("expression", "ids"),
    [
        ('Service.ID == "a"', ["a"]),
        ("Service.Port != 80", ["b"]),
        ('"gpu" in Service.Tags', ["a"]),
        ('"gpu" not in Service.Tags', ["b"]),
        ('Service.Meta.zone == "x"', ["a"]),
        ("Service.Meta is empty", ["b"]),
        ('Service.ID matches "^[ab]$" and not (Service.Port == 81)', ["a"]),
        ('Service.ID == "b" or "passing" in Checks.Status', ["a", "b"]),
        ("Service.Tags contains v2", ["b"]),
    ],
)
def test_bexpr_filters(expression: str, ids: list[str]) -> None:
    assert [r["Service"]["ID"] for r in apply_filter(expression, RECORDS)] == ids


@pytest.mark.parametrize(
    "expression", ["Service.Nope == 1", "Service.ID ==", "(Service.ID == a", "Service.Tags == v1"]
)
def test_bad_bexpr_filters_are_errors(expression: str) -> None:
    with pytest.raises(FilterError):
        apply_filter(expression, RECORDS)
