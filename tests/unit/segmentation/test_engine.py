"""The public interface: validation, determinism, modes, personas, fallbacks."""

from __future__ import annotations

import dataclasses
import json

import pytest

from segsvc import segmentation
from segsvc.segmentation import (
    LANGUAGES,
    MODES,
    PERSONAS,
    TASK_TYPES,
    ParameterDraft,
    Segmentation,
    SegmentDraft,
    segment_command,
)

COMMAND = "Search for cheap flights to Rome, compare the top three, book the best one and email the ticket to Ali"


def test_public_surface() -> None:
    assert set(segmentation.__all__) >= {"TASK_TYPES", "MODES", "PERSONAS", "LANGUAGES", "ParameterDraft",
                                         "SegmentDraft", "Segmentation", "detect_language", "segment_command"}
    assert TASK_TYPES == ("search", "create", "analyze", "open", "transform", "execute", "summarize", "schedule",
                          "communicate", "file")
    assert MODES == ("Normal", "Dream", "Explore", "Chaos")
    assert PERSONAS[0] == "default"
    assert LANGUAGES == ("en", "tr")


def test_result_shape_and_json_safety() -> None:
    result = segment_command(COMMAND)
    assert isinstance(result, Segmentation)
    assert result.mode == "Normal" and result.persona == "default" and result.chaos_level is None
    for seg in result.segments:
        assert isinstance(seg, SegmentDraft)
        assert seg.task_type in TASK_TYPES
        assert 1 <= seg.priority <= 10
        assert 0.0 <= seg.confidence <= 1.0
        for p in seg.parameters:
            assert isinstance(p, ParameterDraft)
            assert p.type == {str: "string", bool: "boolean", int: "number", float: "number", list: "array",
                              dict: "object"}[type(p.value)]
        assert sum(p.required for p in seg.parameters) <= 1
        json.dumps(seg.metadata)
    assert result.confidence == min(s.confidence for s in result.segments)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.segments[0].content = "x"  # type: ignore[misc]


@pytest.mark.parametrize("kwargs, message", [
    ({"command": "   "}, "non-blank"),
    ({"command": "Open it", "mode": "Turbo"}, "unknown mode"),
    ({"command": "Open it", "persona": "pirate"}, "unknown persona"),
    ({"command": "Open it", "language": "de"}, "unknown language"),
    ({"command": "Open it", "mode": "Chaos", "chaos_level": 0}, "1 to 10"),
    ({"command": "Open it", "mode": "Chaos", "chaos_level": 11}, "1 to 10"),
    ({"command": "Open it", "chaos_level": 3}, "only allowed in Chaos"),
])
def test_invalid_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        segment_command(**kwargs)


@pytest.mark.parametrize("command", [COMMAND, "Belgeyi indirdikten sonra yazdır ve Ali'ye gönder"])
def test_deterministic(command: str) -> None:
    assert segment_command(command) == segment_command(command)


def test_chaos_is_seeded() -> None:
    normal = segment_command(COMMAND)
    a = segment_command(COMMAND, mode="Chaos", chaos_level=10, seed=1)
    assert a.chaos_level == 10
    assert a == segment_command(COMMAND, mode="Chaos", chaos_level=10, seed=1)
    others = [segment_command(COMMAND, mode="Chaos", chaos_level=10, seed=s) for s in range(2, 12)]
    key = lambda r: [(s.priority, s.execution_order) for s in r.segments]
    assert any(key(o) != key(a) for o in others)
    for r in [a, *others]:
        assert [s.content for s in r.segments] == [s.content for s in normal.segments]
        assert [s.dependencies for s in r.segments] == [s.dependencies for s in normal.segments]
        assert [s.task_type for s in r.segments] == [s.task_type for s in normal.segments]


def test_chaos_defaults_level_and_seed() -> None:
    r = segment_command(COMMAND, mode="Chaos")
    assert r.chaos_level == 5
    assert r == segment_command(COMMAND, mode="Chaos")  # seed derived from the text


def test_dream_and_explore_effects() -> None:
    dream = segment_command("Write a poem about the sea and translate it into Turkish", mode="Dream")
    assert all(any(p.name == "creativity" for p in s.parameters) for s in dream.segments)
    normal = segment_command("Write a poem about the sea and translate it into Turkish")
    assert all(d.confidence < n.confidence for d, n in zip(dream.segments, normal.segments))
    explore = segment_command("Search for cheap laptops, then compare the top two", mode="Explore")
    assert all(any(p.name == "explore_alternatives" and p.value is True for p in s.parameters)
               for s in explore.segments)
    base = segment_command("Search for cheap laptops, then compare the top two")
    assert [e.priority for e in explore.segments] == [b.priority + 1 for b in base.segments]


def test_persona_adds_tone_and_weights() -> None:
    formal = segment_command("Email the report to Ali", persona="formal")
    assert any(p.name == "tone" and p.value == "formal" for p in formal.segments[0].parameters)
    assert formal.segments[0].priority == segment_command("Email the report to Ali").segments[0].priority + 1
    assert formal.persona == "formal"


def test_priority_follows_urgency() -> None:
    assert segment_command("Call the doctor now").segments[0].priority > segment_command("Call the doctor").segments[0].priority
    assert segment_command("Doktoru hemen ara").segments[0].priority == 8


def test_fallback_never_returns_zero_segments() -> None:
    for text in ("...", "- ;", "Hava nasıl?", "The weather"):
        r = segment_command(text)
        assert len(r.segments) == 1
        assert r.segments[0].confidence <= 0.6


def test_unknown_verbs_lower_confidence() -> None:
    known = segment_command("Open the app").segments[0].confidence
    unknown = segment_command("The weather in Paris").segments[0].confidence
    assert unknown < known


def test_memos_change_no_result() -> None:
    """The engine's memos (word forms, chunks, analyses, shapes) only save time: a cold run is equal."""
    from segsvc.segmentation.engine import clear_caches

    commands = [COMMAND, "Faturaları indirip tarihe göre sırala ve son olarak sonuçları muhasebeciye gönder"]
    warm = [segment_command(c) for c in commands]
    clear_caches()
    assert [segment_command(c) for c in commands] == warm
