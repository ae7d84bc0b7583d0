"""The segmentation domain: turn a Turkish or English command into ordered, typed task segments.

Pure Python, standard library only, no I/O. The public surface is small::

    >>> from segsvc.segmentation import segment_command
    >>> [s.content for s in segment_command("Open Firefox and go to wikipedia.org").segments]
    ['Open Firefox', 'go to wikipedia.org']

Modules: ``protect`` (tokens, protected spans), ``language`` (detection), ``lexicon_en`` /
``lexicon_tr`` / ``morphology_tr`` (vocabulary and Turkish verb forms), ``clauses_en`` /
``clauses_tr`` (splitting), ``task_types``, ``parameters``, ``dependencies``, ``modes`` and
``engine`` (the pipeline).
"""

from .engine import segment_command
from .language import detect_language
from .models import (
    LANGUAGES,
    MODES,
    PERSONAS,
    TASK_TYPES,
    ParameterDraft,
    Segmentation,
    SegmentDraft,
)

__all__ = [
    "LANGUAGES",
    "MODES",
    "PERSONAS",
    "TASK_TYPES",
    "ParameterDraft",
    "SegmentDraft",
    "Segmentation",
    "detect_language",
    "segment_command",
]
