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



_NEW = object.__new__
(_SET_CONTENT, _SET_TASK_TYPE, _SET_PARAMETERS, _SET_DEPENDENCIES, _SET_PRIORITY, _SET_ORDER, _SET_CONFIDENCE,
 _SET_METADATA) = (SegmentDraft.__dict__[f].__set__ for f in SegmentDraft.__dataclass_fields__)


def segment_draft(content: str, task_type: str, parameters: tuple[ParameterDraft, ...],
                  dependencies: tuple[int, ...], priority: int, execution_order: int, confidence: float,
                  metadata: dict) -> SegmentDraft:
    """``SegmentDraft(...)`` built through its slot descriptors: about twice as fast as the frozen
    ``__init__``, which goes through ``object.__setattr__`` field by field (the engine builds a few per
    command). The result is an ordinary, equal, frozen SegmentDraft."""
    draft = _NEW(SegmentDraft)
    _SET_CONTENT(draft, content)
    _SET_TASK_TYPE(draft, task_type)
    _SET_PARAMETERS(draft, parameters)
    _SET_DEPENDENCIES(draft, dependencies)
    _SET_PRIORITY(draft, priority)
    _SET_ORDER(draft, execution_order)
    _SET_CONFIDENCE(draft, confidence)
    _SET_METADATA(draft, metadata)
    return draft
