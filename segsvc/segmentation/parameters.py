"""Parameters: the values a task needs, read off the clause's tokens.

Protected tokens map straight to parameters (``url``, ``email``, ``path``, ``file``, quoted text as the
``query`` of a search or the ``text`` of anything else). The grammar then reads the clause around its
verb: in English the object follows the verb and prepositions mark the rest ("to Mehmet" -> recipient
of a message, "into Turkish" -> language of a translation, "at 10 pm" -> time, "about a dragon" ->
topic); in Turkish the object precedes the verb and case suffixes mark the rest ("İK'ya" -> recipient,
"HTML'e" -> format, "... hakkında" -> topic, "yarın", "her cuma saat 17'de" -> time).

For each task type one parameter is the key one and is marked ``required`` (the query of a search,
the URL or target of an open, the recipient of a message, ...).
"""

from __future__ import annotations

from .clause import Clause
from .lexicon_en import LANGUAGE_NAMES as EN_LANGUAGES
from .lexicon_en import RECURRENCE as EN_RECURRENCE
from .lexicon_en import TIME_WORDS as EN_TIME_WORDS
from .lexicon_en import VERB_TYPES
from .lexicon_tr import LANGUAGE_NAMES as TR_LANGUAGES
from .lexicon_tr import RECURRENCE as TR_RECURRENCE
from .lexicon_tr import TIME_WORDS as TR_TIME_WORDS
from .models import ParameterDraft
from .protect import (
    DOMAIN,
    DOTTED,
    EMAIL,
    FILE,
    NUMBER,
    PATH,
    PUNCT,
    QUOTE,
    TIME,
    URL,
    WORD,
    Token,
)

_DESCRIPTIONS: dict[str, str] = {
    "url": "web address to open or fetch",
    "email": "e-mail address",
    "path": "file-system path",
    "file": "file name",
    "query": "what to search for",
    "text": "quoted text",
    "target": "what the action applies to",
    "recipient": "who receives the message",
    "time": "when to do it",
    "schedule": "recurring schedule",
    "format": "output format",
    "language": "target language",
    "topic": "what the content is about",
    "destination": "where the result goes",
    "location": "place the request is about",
    "channel": "how to deliver it",
}
#: For each task type, the parameters that can be its key one, best first.
_KEY: dict[str, tuple[str, ...]] = {
    "search": ("query", "target", "url"),
    "create": ("target", "topic", "file"),
    "analyze": ("target", "file", "path", "url"),
    "open": ("url", "path", "file", "target"),
    "transform": ("file", "path", "target", "url"),
    "execute": ("target", "file", "path", "url"),
    "summarize": ("target", "file", "url", "path"),
    "schedule": ("schedule", "time", "target"),
    "communicate": ("recipient", "email", "target", "text"),
    "file": ("file", "path", "url", "target"),
}
_EN_ADJUNCTS = frozenset({"to", "into", "in", "on", "at", "for", "from", "with", "by", "via", "as", "about",
                          "near", "every", "each", "before", "after", "when", "until", "tomorrow", "tonight",
                          "today", "using", "onto", "within", "without", "through", "under", "over", "saying",
                          "that", "which", "who", "if", "whether", "so", "because", "while", "once", "then"})
_EN_POLITE = frozenset({"please", "could", "can", "would", "will", "you", "kindly", "just", "hey", "ok", "okay",
                        "so", "also", "pls", "plz"})
_CHANNELS = frozenset({"slack", "teams", "whatsapp", "telegram", "email", "e-mail", "sms", "signal", "discord",
                       "twitter", "linkedin", "facebook", "instagram", "messenger", "zoom", "skype", "mail"})
_TR_DATIVE = ("a", "e", "ya", "ye", "na", "ne")
_TR_LOCATIVE = ("da", "de", "ta", "te", "nda", "nde")
_TR_ABLATIVE = ("dan", "den", "tan", "ten", "ndan", "nden")
_TR_INSTRUMENTAL = ("la", "le", "yla", "yle")
_TR_OBLIQUE = _TR_LOCATIVE + _TR_ABLATIVE + _TR_DATIVE
_TR_CHANNEL_STEMS = ("e-posta", "eposta", "mail", "mesaj", "sms", "whatsapp", "slack", "teams", "telegram")


_CACHE: dict[tuple[str, object, bool, type], ParameterDraft] = {}
_CACHE_LIMIT = 20_000


def _param(name: str, value: object, required: bool = False) -> ParameterDraft:
    """A ParameterDraft; immutable, so equal ones are shared (bounded memo: commands repeat)."""
    if isinstance(value, list):
        return _build(name, value, required)
    key = (name, value, required, type(value))
    draft = _CACHE.get(key)
    if draft is None:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        draft = _CACHE[key] = _build(name, value, required)
    return draft


def _build(name: str, value: object, required: bool) -> ParameterDraft:
    kind = ("boolean" if isinstance(value, bool) else "number" if isinstance(value, (int, float))
            else "array" if isinstance(value, (list, tuple)) else "object" if isinstance(value, dict) else "string")
    return ParameterDraft(name, value, kind, required, _DESCRIPTIONS.get(name, name))


def _span(text: str, tokens: list[Token], a: int, b: int) -> str:
    """Verbatim text of tokens[a:b] without edge punctuation."""
    while a < b and tokens[a].kind == PUNCT:
        a += 1
    while b > a and tokens[b - 1].kind == PUNCT:
        b -= 1
    return text[tokens[a].start : tokens[b - 1].end] if a < b else ""


_PLURALS = {"url": "urls", "email": "emails", "path": "paths", "file": "files", "text": "texts", "query": "queries"}


def _protected(tokens: list[Token], c: Clause, task_type: str, found: dict[str, object]) -> None:
    """Protected spans become parameters; a second value of a kind adds the plural list ("files")."""
    for k in range(c.start, c.end):
        t = tokens[k]
        kind = t.kind
        if kind == WORD or kind == PUNCT:
            continue  # the common case first
        if kind == URL or kind == DOMAIN:
            name = "url"
        elif kind == EMAIL:
            name = "email"
        elif kind == PATH:
            name = "path"
        elif kind == FILE or kind == DOTTED:
            name = "file"
        elif kind == QUOTE and t.core:
            name = "query" if task_type == "search" else "text"
        else:
            continue
        first = found.get(name)
        if first is None:
            found[name] = t.core
        else:
            plural = _PLURALS[name]
            values = found.get(plural)
            if values is None:
                found[plural] = [first, t.core]
            else:
                values.append(t.core)  # type: ignore[attr-defined]


def english_parameters(c: Clause, task_type: str, tokens: list[Token], text: str) -> dict[str, object]:
    """Named values of an English clause (before ``required`` is decided)."""
    found: dict[str, object] = {}
    _protected(tokens, c, task_type, found)
    start = c.verb_pos + (2 if " " in c.verb else 1) if c.verb_pos >= 0 else c.start
    end = c.end
    # leading time phrase before the verb: "Every Friday at 5 pm email ..."
    if c.verb_pos > c.start and not all(tokens[k].low in _EN_POLITE or tokens[k].kind == PUNCT
                                        for k in range(c.start, c.verb_pos)):  # "Could you please ..."
        lead = _span(text, tokens, c.start, c.verb_pos)
        if lead:
            recurring = any(tokens[k].low in EN_RECURRENCE for k in range(c.start, c.verb_pos))
            found.setdefault("schedule" if recurring else "time", lead)
    # object: up to the first adjunct
    k = start
    while k < end and not (tokens[k].kind == WORD and tokens[k].low in _EN_ADJUNCTS and k > start) \
            and tokens[k].kind != PUNCT:
        k += 1
    if k > start:
        obj = _span(text, tokens, start, k)
        if obj and obj.lower() not in ("me", "us"):
            found.setdefault("query" if task_type == "search" else "target", obj)
    # adjuncts
    while k < end:
        t = tokens[k]
        low = t.low
        if t.kind != WORD or low not in _EN_ADJUNCTS:
            k += 1
            continue
        m = k + 1
        while m < end and not (tokens[m].kind == WORD and tokens[m].low in _EN_ADJUNCTS) and tokens[m].kind != PUNCT:
            m += 1
        phrase = _span(text, tokens, k + 1, m)
        if low in ("every", "each", "tomorrow", "tonight", "today"):
            phrase = _span(text, tokens, k, m)
            recurring = low in EN_RECURRENCE
            # "every Friday at 5 pm": keep the whole time phrase together
            while m < end and tokens[m].low in ("at", "on", "in") and m + 1 < end and (
                tokens[m + 1].kind in (TIME, NUMBER) or tokens[m + 1].low in EN_TIME_WORDS
            ):
                m2 = m + 2
                phrase = _span(text, tokens, k, m2)
                m = m2
            found.setdefault("schedule" if recurring else "time", phrase)
        elif not phrase:
            pass
        elif (low in ("at", "on", "by", "before", "after", "until", "in") and (
            tokens[k + 1].kind in (TIME, NUMBER) or tokens[k + 1].low in EN_TIME_WORDS
            or (tokens[k + 1].low in ("the", "next", "this") and k + 2 < end and tokens[k + 2].low in EN_TIME_WORDS)
        )) or (low == "for" and tokens[k + 1].kind == TIME):  # "for 6 am"
            found.setdefault("time", _span(text, tokens, k, m))
        elif low in ("to", "into", "as") and task_type in ("transform", "file"):
            if phrase.lower() in EN_LANGUAGES:
                found.setdefault("language", phrase)
            elif tokens[k + 1].kind == PATH:
                found.setdefault("destination", phrase)
            elif task_type == "transform":
                found.setdefault("format", phrase)
            else:
                found.setdefault("destination", phrase)
        elif low == "to" and task_type in ("communicate", "schedule", "search", "create", "execute"):
            if (task_type == "schedule" and c.verb_type != "communicate") or tokens[k + 1].low in VERB_TYPES:
                found.setdefault("task", _span(text, tokens, k + 1, end))  # "remind me to charge the phone"
                _en_time(tokens, k + 1, end, text, found)
                break
            found.setdefault("recipient", phrase)
        elif low == "about":
            found.setdefault("topic", phrase)
        elif low == "near":
            found.setdefault("location", phrase)
        elif low in ("on", "via", "through", "using", "in") and phrase.lower() in _CHANNELS:
            found.setdefault("channel", phrase)
        elif low in ("with",) and task_type in ("communicate", "schedule"):
            found.setdefault("recipient", phrase)
        elif low in ("in", "from") and task_type in ("search", "file", "open", "analyze", "execute"):
            found.setdefault("location" if task_type == "search" else "source", phrase)
        k = m
    if task_type == "communicate" and "recipient" not in found and "target" in found and c.verb in (
            "call", "text", "message", "email", "phone", "ping", "dm", "contact", "tell", "ask", "invite", "notify",
            "inform", "remind"):
        found["recipient"] = found.pop("target")
    return found


def _en_time(tokens: list[Token], start: int, end: int, text: str, found: dict[str, object]) -> None:
    """The first time phrase ("at 10 pm", "on Monday", "tomorrow at 9") inside tokens[start:end]."""
    for k in range(start, end):
        t = tokens[k]
        low = t.low
        if low in ("at", "on", "by", "before", "until", "in") and k + 1 < end and (
            tokens[k + 1].kind in (TIME, NUMBER) or tokens[k + 1].low in EN_TIME_WORDS
        ):
            m = k + 2
            while m < end and (tokens[m].kind in (TIME, NUMBER) or tokens[m].low in EN_TIME_WORDS
                               or tokens[m].low in ("at", "on") and m + 1 < end
                               and (tokens[m + 1].kind in (TIME, NUMBER) or tokens[m + 1].low in EN_TIME_WORDS)):
                m += 1
            found.setdefault("time", _span(text, tokens, k, m))
            return
        if t.kind == TIME or low in ("tomorrow", "tonight", "today"):
            found.setdefault("time", t.text)
            return


def turkish_parameters(c: Clause, task_type: str, tokens: list[Token], text: str) -> dict[str, object]:
    """Named values of a Turkish clause (before ``required`` is decided)."""
    found: dict[str, object] = {}
    _protected(tokens, c, task_type, found)
    vpos = c.verb_pos if c.verb_pos >= 0 else c.end
    if " " in c.verb and vpos > c.start:
        vpos -= 1  # "kontrol et": the noun is part of the verb
    k = c.start
    # leading time phrase: "Her cuma saat 17'de", "yarın sabah"
    t0 = k
    while k < vpos and (tokens[k].trcore in TR_TIME_WORDS or tokens[k].kind in (TIME, NUMBER)
                        or tokens[k].low in TR_RECURRENCE):
        if tokens[k].low in ("bu", "öbür") and not (k + 1 < vpos and tokens[k + 1].trcore in TR_TIME_WORDS):
            break  # "bu sayfayı": a demonstrative, not "bu akşam"
        k += 1
    if k > t0:
        phrase = _span(text, tokens, t0, k)
        recurring = any(tokens[m].low in TR_RECURRENCE for m in range(t0, k))
        found.setdefault("schedule" if recurring else "time", phrase)
    obj_start = k
    obj_end = k
    shape_of = _TR_SHAPES.get
    for m in range(k, vpos):
        t = tokens[m]
        kind = t.kind
        if kind == PUNCT:
            continue
        sh = (shape_of(t.text) or _tr_shape(t)) if kind == WORD else _tr_shape(t)
        hakkinda, language, proper_dative, recipient_shape, capital, value, channel, time_loc, oblique = sh
        if hakkinda and m > obj_start:
            found.setdefault("topic", _span(text, tokens, obj_start, m))
            obj_start = obj_end = m + 1
            continue
        if language is not None:
            found.setdefault("language", language)
            continue
        if proper_dative and task_type == "transform":
            found.setdefault("format", t.core)
            continue
        if recipient_shape and task_type in ("communicate", "schedule", "file") and \
                (task_type == "communicate" or capital):
            found.setdefault("recipient", value)
            continue
        if channel:
            found.setdefault("channel", t.text)
            continue
        if time_loc:
            first = m - 1 if m > obj_start and tokens[m - 1].low == "saat" else m  # "saat 17'de"
            found.setdefault("time", _span(text, tokens, first, m + 1))
            continue
        if oblique is not None:
            found.setdefault(oblique, value)
            continue
        obj_end = m + 1
    if obj_end > obj_start:
        obj = _span(text, tokens, obj_start, obj_end)
        if obj:
            found.setdefault("query" if task_type == "search" else "target", obj)
    return found


#: word -> what its shape says for the parameters (see ``_tr_shape``); words recur, so shapes are cached.
_TR_SHAPES: dict[str, tuple] = {}
_TR_SHAPES_LIMIT = 20_000


def _tr_shape(t: Token) -> tuple:
    """The suffix facts of one Turkish token: ("hakkında"?, language named, a proper name in the dative,
    recipient-like dative, capitalised, value to report, channel ("e-postayla"), time in the locative
    ("17'de"), oblique case key ("destination" / "location") or None)."""
    core = t.trcore
    low = t.trlow
    proper = t.text != t.core
    suffix = low[len(core):].lstrip("'’") if proper else ""
    is_proper = proper and t.kind == WORD
    word = suffix if is_proper else low
    language = None
    if core in TR_LANGUAGES or (low.endswith(_TR_DATIVE) and low[:-2] in TR_LANGUAGES) or \
            (low.endswith(_TR_DATIVE) and low[:-1] in TR_LANGUAGES):
        language = t.core if is_proper else _language_stem(low, t.text)
    recipient_shape = (is_proper or low.endswith(("ime", "ıma", "ima", "uma", "üme", "imize", "ımıza"))) and \
        word.endswith(_TR_DATIVE)
    oblique = None
    if t.kind == WORD and len(word) > 3 and word.endswith(_TR_OBLIQUE):
        oblique = "destination" if word.endswith(_TR_DATIVE) else "location"
    shape = (low == "hakkında", language, is_proper and suffix.endswith(_TR_DATIVE), recipient_shape,
             t.kind == WORD and t.text[:1].isupper(), t.core if is_proper else t.text,
             low.startswith(_TR_CHANNEL_STEMS) and low.endswith(_TR_INSTRUMENTAL),
             t.kind in (TIME, NUMBER) and suffix.endswith(_TR_LOCATIVE), oblique)
    if t.kind == WORD:
        if len(_TR_SHAPES) >= _TR_SHAPES_LIMIT:
            _TR_SHAPES.clear()
        _TR_SHAPES[t.text] = shape
    return shape


def _language_stem(low: str, surface: str) -> str:
    """"İngilizceye" -> "İngilizce": the language name as written, without the case suffix."""
    for name in TR_LANGUAGES:
        if low.startswith(name):
            return surface[: len(name)]
    return surface


def finalize(found: dict[str, object], task_type: str) -> tuple[ParameterDraft, ...]:
    """Turn the named values into ParameterDrafts, the key one marked required."""
    required = ""
    for name in _KEY.get(task_type, ()):
        if name in found:
            required = name
            break
    out = []
    cached = _STR_CACHE.get
    for name, value in found.items():
        if type(value) is str:  # almost every value: one lookup in the string memo
            key = (name, value, name == required)
            draft = cached(key)
            if draft is None:
                draft = _param(name, value, name == required)
                if len(_STR_CACHE) >= _CACHE_LIMIT:
                    _STR_CACHE.clear()
                _STR_CACHE[key] = draft
        else:
            draft = _param(name, value, name == required)
        out.append(draft)
    return tuple(out)


#: (name, string value, required) -> ParameterDraft: the memo of ``_param`` for string values, keyed
#: without the type (a string never equals a value of another type).
_STR_CACHE: dict[tuple[str, str, bool], ParameterDraft] = {}
