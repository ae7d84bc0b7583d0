"""Modes, personas and priorities: small, deterministic adjustments on top of the segmentation.

The segmentation itself (contents, task types, dependencies) never depends on mode or persona; these
only tune how the work is presented and scheduled:

* **Normal** - as segmented.
* **Dream** - creative work: segments that produce or reshape content (create, transform, summarize,
  communicate) get a ``creativity`` parameter (0.9) and the runner may take liberties, so the rules
  engine's confidence is lowered by 5 %.
* **Explore** - breadth first: search and analyze segments get ``explore_alternatives`` (true) and
  ``max_alternatives`` (3) and one more priority point.
* **Chaos** - a seeded ``random.Random(seed)``: each priority moves by up to ceil(level / 2) points and
  with probability level / 10 a segment's place among the segments ready to run is redrawn, so
  independent segments change order while every dependency still runs first. Confidence drops by
  2 % per level. The same seed always gives the same document.

Personas add a ``tone`` to segments whose output a person reads (create, communicate, summarize,
transform) and raise by one the priority of the task types they care about (technical: analyze and
execute; concise: summarize; friendly and formal: communicate; creative: create and transform).

Priority starts at 5; urgency words ("now", "immediately", "hemen", "acil") raise it to 8, words
that defer ("later", "whenever", "müsait olunca") lower it to 3.
"""

from __future__ import annotations

import math
import random

#: persona -> (tone, task types it favours)
PERSONA_EFFECTS: dict[str, tuple[str, frozenset[str]]] = {
    "default": ("", frozenset()),
    "technical": ("technical", frozenset({"analyze", "execute"})),
    "concise": ("concise", frozenset({"summarize"})),
    "friendly": ("friendly", frozenset({"communicate"})),
    "formal": ("formal", frozenset({"communicate"})),
    "creative": ("creative", frozenset({"create", "transform"})),
}
TONE_TYPES = frozenset({"create", "communicate", "summarize", "transform"})
DREAM_TYPES = frozenset({"create", "transform", "summarize", "communicate"})
EXPLORE_TYPES = frozenset({"search", "analyze"})
DEFAULT_PRIORITY = 5
URGENT_PRIORITY = 8
RELAXED_PRIORITY = 3


def clamp_priority(value: int) -> int:
    return 1 if value < 1 else min(value, 10)


def base_priority(words: list[str], urgent: frozenset[str], relaxed: frozenset[str]) -> int:
    """5, or 8 with an urgency word, or 3 with a deferring one."""
    for w in words:
        if w in urgent:
            return URGENT_PRIORITY
    for w in words:
        if w in relaxed:
            return RELAXED_PRIORITY
    return DEFAULT_PRIORITY


def persona_priority(persona: str, task_type: str, priority: int) -> int:
    return clamp_priority(priority + 1) if task_type in PERSONA_EFFECTS[persona][1] else priority


def chaos_seed(command: str, seed: int | None) -> int:
    """The explicit seed, or one derived from the command text (stable across processes)."""
    if seed is not None:
        return seed
    h = 2166136261
    for byte in command.encode("utf-8"):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def chaos_perturb(priorities: list[int], level: int, seed: int) -> tuple[list[int], list[float], list[int]]:
    """Jittered priorities, a ranking for ties among ready segments, and the jitter applied."""
    rng = random.Random(seed)
    spread = math.ceil(level / 2)
    p_move = level / 10
    out: list[int] = []
    rank: list[float] = []
    jitter: list[int] = []
    for i, p in enumerate(priorities):
        delta = rng.randint(-spread, spread)
        jitter.append(delta)
        out.append(clamp_priority(p + delta))
        rank.append(rng.uniform(-1.0, len(priorities)) if rng.random() < p_move else float(i))
    return out, rank, jitter
