"""The rules engine: command text in, ``Segmentation`` out.

Pipeline: validate -> tokenise (protecting quotes, URLs, paths, ...) -> detect or take the language ->
split into clauses with that language's grammar -> task type, parameters and back-references per
clause -> dependencies and execution order -> priorities, persona and mode effects.

Everything is pure and deterministic: the same arguments give an equal result (Chaos mode draws from
``random.Random(seed)``, the seed derived from the command text when none is given).
"""

from __future__ import annotations

from .clause import LINK_NONE, Clause
from .clauses_en import split_english
from .clauses_tr import split_turkish
from .dependencies import (
    build_dependencies,
    english_refers_back,
    execution_order,
    turkish_refers_back,
)
from .language import detect_from_tokens
from .lexicon_en import RELAXED as EN_RELAXED
from .lexicon_en import URGENT as EN_URGENT
from .lexicon_tr import RELAXED as TR_RELAXED
from .lexicon_tr import URGENT as TR_URGENT
from .models import (
    LANGUAGES,
    MODES,
    PERSONAS,
    ParameterDraft,
    Segmentation,
    SegmentDraft,
    segment_draft,
)
from .modes import (
    DEFAULT_PRIORITY,
    DREAM_TYPES,
    EXPLORE_TYPES,
    PERSONA_EFFECTS,
    TONE_TYPES,
    base_priority,
    chaos_perturb,
    chaos_seed,
    clamp_priority,
    persona_priority,
)
from .parameters import _param, english_parameters, finalize, turkish_parameters
from .protect import tokenize
from .task_types import english_type, guess_type, turkish_type

_LANGUAGE_CHOICES = ("auto", *LANGUAGES)
_EXPLORE_PARAMS = (_param("explore_alternatives", True), _param("max_alternatives", 3))
_DREAM_PARAM = _param("creativity", 0.9)
_TONE_PARAMS = {p: _param("tone", tone) for p, (tone, _) in PERSONA_EFFECTS.items() if tone}


def clear_caches() -> None:
    """Forget every memo (token forms, chunks, word evidence, verb analyses, word shapes, parameters).

    They only ever hold derived facts about words, so clearing them changes no result, only the time the
    next commands take; benchmarks use it to measure a cold start.
    """
    from . import dependencies, language, morphology_tr, parameters, protect

    for memo in (protect._WORD_FORMS, protect._CHUNKS, language._EVIDENCE, morphology_tr._CACHE,
                 parameters._CACHE, parameters._STR_CACHE, parameters._TR_SHAPES, dependencies._TR_REF_SHAPES):
        memo.clear()


def _validate(command: str, language: str, mode: str, persona: str, chaos_level: int | None) -> int | None:
    if not isinstance(command, str) or not command.strip():
        raise ValueError("command must be a non-blank string")
    if language not in _LANGUAGE_CHOICES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(_LANGUAGE_CHOICES)}")
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    if persona not in PERSONAS:
        raise ValueError(f"unknown persona {persona!r}; expected one of {', '.join(PERSONAS)}")
    if mode == "Chaos":
        if chaos_level is None:
            return 5
        if isinstance(chaos_level, bool) or not isinstance(chaos_level, int) or not 1 <= chaos_level <= 10:
            raise ValueError(f"chaos_level must be an integer from 1 to 10, got {chaos_level!r}")
        return chaos_level
    if chaos_level is not None:
        raise ValueError(f"chaos_level is only allowed in Chaos mode (mode is {mode!r})")
    return None


def segment_command(command: str, *, language: str = "auto", mode: str = "Normal", persona: str = "default",
                    chaos_level: int | None = None, seed: int | None = None) -> Segmentation:
    """Segment ``command`` into ordered, typed, parameterised actions.

    ``language`` is "auto" (detected) or "en" / "tr" (forced). Raises ValueError for a blank command,
    an unknown language, mode or persona, or a chaos level outside 1..10 (Chaos mode defaults it to 5;
    other modes require None).
    """
    chaos_level = _validate(command, language, mode, persona, chaos_level)
    tokens = tokenize(command)
    if language == "auto":
        lang, lang_conf = detect_from_tokens(tokens)
    else:
        lang, lang_conf = language, 1.0
    if lang == "tr":
        clauses = split_turkish(tokens, command)
        typer, params_of, refers_back = turkish_type, turkish_parameters, turkish_refers_back
        urgent, relaxed = TR_URGENT, TR_RELAXED
    else:
        clauses = split_english(tokens, command)
        typer, params_of, refers_back = english_type, english_parameters, english_refers_back
        urgent, relaxed = EN_URGENT, EN_RELAXED
    if not clauses:  # nothing but punctuation or markers survived: one segment of the whole text
        clause = Clause(0, len(tokens), LINK_NONE)
        clause.content = command.strip()
        clause.confidence = 0.3
        clauses = [clause]

    types: list[str] = []
    refers: list[bool] = []
    for i, c in enumerate(clauses):
        types.append(typer(c, tokens) if c.end > c.start else guess_type(tokens, 0, len(tokens)))
        refers.append(i > 0 and refers_back(c, clauses[i - 1], tokens))
    deps = build_dependencies(clauses, refers)

    lows = [t.low for t in tokens]
    if urgent.isdisjoint(lows) and relaxed.isdisjoint(lows):  # the common case: no urgency words at all
        if persona == "default":
            priorities = [DEFAULT_PRIORITY] * len(clauses)
        else:
            priorities = [persona_priority(persona, t, DEFAULT_PRIORITY) for t in types]
    else:
        priorities = [persona_priority(persona, types[i], base_priority(lows[c.start:c.end], urgent, relaxed))
                      for i, c in enumerate(clauses)]
    if mode == "Explore":
        priorities = [clamp_priority(p + 1) if types[i] in EXPLORE_TYPES else p for i, p in enumerate(priorities)]
    rank = None
    jitter: list[int] = []
    used_seed = 0
    if mode == "Chaos":
        assert chaos_level is not None
        used_seed = chaos_seed(command, seed)
        priorities, rank, jitter = chaos_perturb(priorities, chaos_level, used_seed)
    order = execution_order(deps, rank)

    tone_param = _TONE_PARAMS.get(persona)
    conf_factor = 0.95 if mode == "Dream" else (1.0 - 0.02 * chaos_level if chaos_level else 1.0)
    segments: list[SegmentDraft] = []
    overall = 1.0
    for i, c in enumerate(clauses):
        task_type = types[i]
        params = finalize(params_of(c, task_type, tokens, command), task_type) if c.end > c.start else ()
        metadata: dict = {"verb": c.verb, "link": "sequence" if c.link != LINK_NONE else "none"}
        if c.after_next:
            metadata["runs_after_next"] = True
        if refers[i]:
            metadata["refers_back"] = True
        extra: tuple[ParameterDraft, ...] = ()
        if tone_param is not None and task_type in TONE_TYPES:
            extra += (tone_param,)
            metadata["persona_effect"] = f"tone={tone_param.value}"
        if mode == "Dream" and task_type in DREAM_TYPES:
            extra += (_DREAM_PARAM,)
            metadata["mode_effect"] = "dream: creative variations welcome"
        elif mode == "Explore" and task_type in EXPLORE_TYPES:
            extra += _EXPLORE_PARAMS
            metadata["mode_effect"] = "explore: consider alternatives"
        elif mode == "Chaos":
            metadata["mode_effect"] = f"chaos: priority {jitter[i]:+d}"
        # the clause confidences are three-decimal constants: only a factor needs rounding
        confidence = c.confidence if conf_factor == 1.0 else round(c.confidence * conf_factor, 3)
        if confidence < overall:
            overall = confidence
        segments.append(segment_draft(c.content, task_type, params + extra if extra else params, deps[i],
                                      priorities[i], order[i], confidence, metadata))
    if language == "auto" and lang_conf < overall:
        overall = lang_conf
    # every confidence is already rounded to three decimals, so their minimum is too
    return Segmentation(lang, lang_conf, mode, persona, chaos_level, tuple(segments), overall)
