"""The value objects the segmentation engine returns, and the closed vocabularies it speaks.

They are frozen, slotted dataclasses: cheap to build (the engine builds a dozen per command) and safe
to share between threads and requests. Everything here is plain data; the ALT document is built from
it elsewhere (``segsvc.models.document``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

TASK_TYPES: tuple[str, ...] = (
    "search", "create", "analyze", "open", "transform",
    "execute", "summarize", "schedule", "communicate", "file",
)
MODES: tuple[str, ...] = ("Normal", "Dream", "Explore", "Chaos")
PERSONAS: tuple[str, ...] = ("default", "technical", "concise", "friendly", "formal", "creative")
LANGUAGES: tuple[str, ...] = ("en", "tr")


@dataclass(frozen=True, slots=True)
class ParameterDraft:
    """One named value extracted from a segment (a URL, a recipient, a file name, ...).

    ``type`` names the JSON type of ``value``; ``required`` is true for the parameter the task
    cannot run without (the query of a search, the target of an open, ...).
    """

    name: str
    value: object
    type: str
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class SegmentDraft:
    """One action of the command, before ids and timestamps are attached.

    ``dependencies`` are 0-based indices into the segment tuple; ``execution_order`` is 1-based and a
    topological order of those dependencies.
    """

    content: str
    task_type: str
    parameters: tuple[ParameterDraft, ...]
    dependencies: tuple[int, ...]
    priority: int
    execution_order: int
    confidence: float
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The rules engine's answer for one command."""

    language: str
    language_confidence: float
    mode: str
    persona: str
    chaos_level: int | None
    segments: tuple[SegmentDraft, ...]
    confidence: float
