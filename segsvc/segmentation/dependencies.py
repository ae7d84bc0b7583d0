"""Dependencies between segments and the order to run them in.

Three sources, as DESIGN section 3 says:

1. **Sequencing** - "then", "after that", "finally", "sonra", "ardından", "-ip", "-dikten sonra",
   numbered steps, semicolons: the clause depends on the clause right before it (``LINK_SEQ``).
2. **Reversed order** - "Y after you X", "before you X, Y", "X-madan önce Y": the clause marked
   ``after_next`` depends on the clause that follows it in the text.
3. **References to an earlier result** - a pronoun ("it", "them", "onu", "bunları"), a result noun
   ("the summary", "the results", "özeti", "sonuçları"), a selection from a list ("the closest one",
   "the top two", "ilk ikisini", "en yakınını"), a definite object the previous step produced or
   named ("the file" after "download ...", "dosyayı" after "indir"), or an object left out
   altogether ("... ve wikide yayınla", "... and publish to the wiki"): the clause depends on the
   nearest earlier clause that does not itself wait for it.

Plain "and" / "ve" / "hem ... hem de" add nothing. The execution order is a topological order of the
result in which ties keep the text order.
"""

from __future__ import annotations

import re

from .clause import LINK_SEQ, Clause
from .lexicon_en import INTRANSITIVE as EN_INTRANSITIVE
from .lexicon_en import NUMBER_WORDS, PREPOSITIONS, RELATIVES, RESULT_NOUNS
from .lexicon_en import PRODUCERS as EN_PRODUCERS
from .lexicon_en import SELECTORS as EN_SELECTORS
from .lexicon_tr import ARTIFACT_REFERENCES, BACK_REFERENCES
from .lexicon_tr import FUNCTION_WORDS as TR_FUNCTION_WORDS
from .lexicon_tr import INTRANSITIVE as TR_INTRANSITIVE
from .lexicon_tr import PRODUCERS as TR_PRODUCERS
from .lexicon_tr import SELECTORS as TR_SELECTORS
from .lexicon_tr import TIME_WORDS as TR_TIME_WORDS
from .morphology_tr import PART, analyse
from .protect import FILE, NUMBER, PATH, PROTECTED_KINDS, PUNCT, TIME, URL, WORD, Token

_WORD_RE = re.compile(r"[^\W\d_]+")

_EN_CONTAINERS = frozenset({"folder", "directory", "file", "files", "archive", "page", "site", "document", "repo",
                            "repository", "dataset", "download", "link"})
_EN_CONDITION_REFS = frozenset({"it", "they", "this", "that", "so", "not", "those", "these", "there", "any"})
_EN_PRONOUNS = frozenset({"it", "them", "those", "these", "this", "that", "both", "everything", "one", "some",
                          "all", "either"})
_EN_STRONG_RESULTS = frozenset({"result", "results", "summary", "output", "outputs", "translation",
                                "findings", "answer", "response", "recording", "transcription", "dump",
                                "download", "downloads", "screenshot", "draft", "archive", "backup", "copy",
                                "list", "one", "ones", "same", "rest", "winner", "top", "matches",
                                "photo", "picture", "memo", "link", "links", "url"})
#: Adjectives that keep "the <adjective> list" pointing at the previous result.
_EN_RESULT_MODIFIERS = frozenset({"new", "final", "whole", "full", "complete", "entire", "resulting", "same",
                                  "current", "short", "long", "original", "old", "first", "last", "clean",
                                  "raw", "finished", "rough", "english", "turkish", "pdf", "written", "audio",
                                  "main", "overall", "total", "combined", "best", "top"})
_EN_DEMONSTRATIVE = frozenset({"the", "this", "that", "these", "those", "its", "their"})
_TR_OBLIQUE_ENDINGS = ("a", "e", "ya", "ye", "na", "ne", "da", "de", "ta", "te", "nda", "nde", "dan", "den",
                       "tan", "ten", "la", "le", "yla", "yle", "ca", "ce", "ça", "çe", "ki")
_TR_POSS = ("sı", "si", "su", "sü", "sını", "sini", "sunu", "sünü", "ını", "ini", "unu", "ünü", "sına", "sine",
            "suna", "süne", "ına", "ine", "una", "üne", "ı", "i", "u", "ü")
_TR_THEIR = ("larını", "lerini")
_TR_ACC = ("ı", "i", "u", "ü")
_TR_NUMBERS = frozenset({"iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz", "on", "birkaç"})
_TR_POSTPOSITIONS = frozenset({"ile", "olarak", "için", "hakkında", "gibi", "kadar", "göre", "dışı", "boyunca",
                               "üzerinden", "aracılığıyla", "yoluyla"})
_TR_NON_OBJECT = frozenset({"için", "ile", "gibi", "kadar", "göre", "hakkında", "lütfen", "hemen", "sonra",
                            "önce", "şimdi", "tekrar", "yeniden", "bir", "de", "da", "bana", "beni", "bize",
                            "sana", "ona"}) | TR_TIME_WORDS


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _en_words(c: Clause, tokens: list[Token]) -> set[str]:
    """Content words of a clause, singular, including the words inside its URLs and file names."""
    out: set[str] = set()
    for k in range(c.start, c.end):
        t = tokens[k]
        if t.kind == WORD:
            if len(t.low) > 3:
                out.add(_singular(t.low))
        elif t.kind in PROTECTED_KINDS:
            out.update(_singular(w) for w in _WORD_RE.findall(t.low) if len(w) > 3)
    return out


def _nominalises(noun: str, verb: str, min_len: int) -> bool:
    """"comparison" names the result of "compare", "booking" of "book", "karşılaştırma" of "karşılaştır"."""
    n = min(len(verb), 4) if len(verb) >= min_len else 0
    return n >= min_len and noun[:n] == verb[:n] and noun != verb


def english_refers_back(c: Clause, prev: Clause, tokens: list[Token]) -> bool:
    """Does English clause ``c`` use the output of ``prev``?"""
    if c.verb_pos < 0:
        return False
    for k in range(c.start, c.verb_pos - 1):  # a leading condition on the result: "if it rains, ..."
        if tokens[k].low in ("if", "unless", "when", "once", "whenever") and tokens[k + 1].low in _EN_CONDITION_REFS:
            return True
    start = c.verb_pos + (2 if " " in c.verb else 1)
    end = c.end
    for k in range(start, end):  # stop at reported content: "tell Ali that it is ready"
        low = tokens[k].low
        if low in ("if", "unless", "when", "once") and k + 1 < end and tokens[k + 1].low in _EN_CONDITION_REFS:
            return True  # "notify #ops if it is not", "deploy if they pass": a condition on the result
        if low in RELATIVES and k > start or low in ("whether", "if"):
            end = k
            break
    prev_words: set[str] | None = None
    prev_head = prev.verb.split(" ")[0]
    has_object = False
    for k in range(start, end):
        t = tokens[k]
        if t.kind != WORD:
            if t.kind in PROTECTED_KINDS and t.kind not in (TIME, NUMBER):
                has_object = True
            continue
        low = t.low
        nxt = tokens[k + 1].low if k + 1 < end else ""
        if low in ("it", "them", "their", "its"):
            return True
        if low in _EN_PRONOUNS and (not nxt or nxt in PREPOSITIONS or tokens[k + 1].kind == PUNCT):
            return True
        if low in _EN_DEMONSTRATIVE and nxt:
            if nxt in EN_SELECTORS or nxt in NUMBER_WORDS:
                return True
            # "the summary", "the results"; "the file" after a step that produced or named one
            m = k + 1
            while m < end and tokens[m].kind == WORD and tokens[m].low not in PREPOSITIONS and m < k + 4:
                m += 1
            head = tokens[m - 1].low
            if head in _EN_STRONG_RESULTS:
                mod = tokens[m - 2].low if m - 2 > k else ""
                if not mod or mod in _EN_RESULT_MODIFIERS or mod.endswith("ed") or mod in EN_SELECTORS \
                        or mod in NUMBER_WORDS:
                    return True
                # "the contact list": a named thing, the result only if the previous step mentions it
                if prev_words is None:
                    prev_words = _en_words(prev, tokens)
                if _singular(mod) in prev_words:
                    return True
            if head in RESULT_NOUNS and prev_head in EN_PRODUCERS:
                return True
            if head in _EN_CONTAINERS and any(tokens[m].kind in (PATH, FILE, URL) for m in range(prev.start, prev.end)):
                return True  # "copy X to ~/backup and compress the folder"
            if prev_words is None:
                prev_words = _en_words(prev, tokens)
            if _singular(head) in prev_words and len(head) > 3:
                return True
            if _nominalises(head, prev_head, 4):
                return True
        if low not in PREPOSITIONS:
            has_object = True
        elif not has_object:
            break  # "publish to the wiki": a prepositional phrase straight after the verb, no object
    # "... and print", "... and publish to the wiki": the object left out is the previous result
    return not has_object and c.verb.split(" ")[0] not in EN_INTRANSITIVE and " " not in c.verb


def turkish_refers_back(c: Clause, prev: Clause, tokens: list[Token]) -> bool:
    """Does Turkish clause ``c`` use the output of ``prev``?"""
    end = c.verb_pos if c.verb_pos >= 0 else c.end
    verb = c.verb
    compound_noun = verb.split(" ")[0] if " " in verb else ""
    if compound_noun:
        end -= 1
    has_object = False
    prev_lows: set[str] | None = None
    prev_lemma = prev.verb.rsplit(" ", 1)[-1] if prev.verb else ""
    prev_noun = prev.verb.split(" ")[0] if " " in prev.verb else ""
    prev_produces = prev_lemma in TR_PRODUCERS
    start = c.start
    shape_of = _TR_REF_SHAPES.get
    for k in range(start, end):
        t = tokens[k]
        before_postposition = k + 1 < end and tokens[k + 1].trlow in _TR_POSTPOSITIONS
        if t.kind != WORD:
            if before_postposition:
                continue  # "rapor.pdf olarak": not an object
            if t.kind in PROTECTED_KINDS and t.kind not in (TIME, NUMBER):
                if k + 1 < end and tokens[k + 1].kind == WORD and t.text == t.core:
                    continue  # "notlar.md dosyasını", "x@y.com adresine": the next word carries the case
                suffix = t.text[len(t.core):].lstrip("'’\"”").lower() if t.text != t.core else ""
                if not suffix.endswith(_TR_OBLIQUE_ENDINGS):
                    has_object = True
            continue
        low = t.trlow
        backref, poss, their, part_acc, acc, artifact, named, skip, apostrophe, object_like = \
            shape_of(low) or _tr_ref_shape(low)
        if backref:
            return True
        if poss and (
            (k > start and tokens[k - 1].low in TR_SELECTORS)
            or (k > start + 1 and tokens[k - 2].low in TR_SELECTORS and tokens[k - 1].low in _TR_NUMBERS)
        ):
            return True  # "ilk ikisini", "en yakınını", "en iyisi için", "ilk üç haberi"
        if their and k == start:
            return True  # "yorumlarını karşılaştır": their reviews, of what the previous step found
        if part_acc:
            return True  # "eski olanları sil": the ones (among the previous results) that ...
        if (acc or k == c.verb_pos - 1) and (
            (prev_lemma and _nominalises(low, prev_lemma, 3)) or (prev_noun and _nominalises(low, prev_noun, 4))
        ):
            return True  # "karşılaştırmayı" after "karşılaştır", "dökümü" after "yazıya dök"
        if artifact and prev_produces:
            return True
        if named:
            # a definite object the previous step named: "raporu" after "raporu hazırla", "rotayı" after
            # opening ".../rota?..."
            if prev_lows is None:
                prev_lows = _tr_stems(prev, tokens)
            if low[:4] in prev_lows and not _tr_other_compound(tokens, k, start, low, prev_lows):
                return True
        if skip or before_postposition:
            continue  # "Ali ile", "PDF olarak", "yarın için": not an object
        if apostrophe:
            if object_like:
                has_object = True
            continue
        if object_like or (k > start and tokens[k - 1].low == "bir"):
            has_object = True
    if not verb:
        return False
    lemma = verb.rsplit(" ", 1)[-1]
    # "... ve wikide yayınla", "son olarak çıkar": the object left out is the previous result
    return not has_object and lemma not in TR_INTRANSITIVE and lemma not in ("yap", "ol")


#: Turkish word -> its facts for ``turkish_refers_back`` (see ``_tr_ref_shape``), cached: words recur.
_TR_REF_SHAPES: dict[str, tuple[bool, ...]] = {}
_TR_REF_SHAPES_LIMIT = 20_000


def _tr_ref_shape(low: str) -> tuple[bool, ...]:
    """(back reference, possessive, "their", accusative participle, accusative, artifact noun, a definite
    object to look for in the previous step, not an object, has an apostrophe, object-like)."""
    acc = low.endswith(_TR_ACC)
    a = analyse(low)
    apostrophe = "'" in low or "’" in low
    oblique = low.endswith(_TR_OBLIQUE_ENDINGS)
    shape = (
        low in BACK_REFERENCES,
        low.endswith(_TR_POSS),
        low.endswith(_TR_THEIR),
        a is not None and a.cat == PART and acc,
        acc,
        low in ARTIFACT_REFERENCES,
        len(low) >= 5 and (low in ARTIFACT_REFERENCES or acc),
        low in _TR_NON_OBJECT or low in TR_FUNCTION_WORDS,
        apostrophe,
        not oblique if apostrophe else (not oblique or len(low) <= 3),
    )
    if len(_TR_REF_SHAPES) >= _TR_REF_SHAPES_LIMIT:
        _TR_REF_SHAPES.clear()
    _TR_REF_SHAPES[low] = shape
    return shape


_TR_POSS_ACC = ("sını", "sini", "sunu", "sünü", "ını", "ini", "unu", "ünü")


def _tr_other_compound(tokens: list[Token], k: int, start: int, low: str, prev_lows: set[str]) -> bool:
    """ "öğle yemeği davetini" after "toplantı davetini kabul et": a compound whose modifier the previous
    step never mentioned names another thing of the same kind."""
    if k <= start or low in ARTIFACT_REFERENCES or not low.endswith(_TR_POSS_ACC):
        return False
    mod = tokens[k - 1]
    m = mod.trlow
    return mod.kind == WORD and len(m) >= 3 and m[:4] not in prev_lows and m not in TR_FUNCTION_WORDS \
        and m not in TR_SELECTORS and m not in _TR_NUMBERS and m not in BACK_REFERENCES


def _tr_stems(c: Clause, tokens: list[Token]) -> set[str]:
    """First four letters of the content words of a Turkish clause, URLs and file names included."""
    out: set[str] = set()
    for m in range(c.start, c.end):
        t = tokens[m]
        if t.kind == WORD:
            low = t.trcore
            if len(low) >= 4 and low not in TR_FUNCTION_WORDS:
                out.add(low[:4])
        elif t.kind in PROTECTED_KINDS:
            out.update(w[:4] for w in _WORD_RE.findall(t.core.lower()) if len(w) >= 4)
    return out


def _reaches(deps: list[set[int]], src: int, dst: int) -> bool:
    """True when ``src`` depends, directly or not, on ``dst``."""
    stack, seen = [src], set()
    while stack:
        i = stack.pop()
        if i == dst:
            return True
        if i in seen:
            continue
        seen.add(i)
        stack.extend(deps[i])
    return False


def build_dependencies(clauses: list[Clause], refers: list[bool]) -> list[tuple[int, ...]]:
    """Dependencies per clause from links, reversed order and back-references (``refers[i]``)."""
    n = len(clauses)
    if not any(c.after_next for c in clauses):
        # the common case: every dependency points back, so a sequenced or referring clause depends on the
        # clause right before it (nothing earlier can wait for it)
        return [(i - 1,) if i and (clauses[i].link == LINK_SEQ or refers[i]) else () for i in range(n)]
    deps: list[set[int]] = [set() for _ in range(n)]
    for i, c in enumerate(clauses):
        if c.after_next and i + 1 < n:
            deps[i].add(i + 1)
    for i, c in enumerate(clauses):
        if i and c.link == LINK_SEQ and not _reaches(deps, i - 1, i):
            deps[i].add(i - 1)
    for i in range(1, n):
        if refers[i] and not deps[i] - {i + 1}:
            for j in range(i - 1, -1, -1):
                if not _reaches(deps, j, i):
                    deps[i].add(j)
                    break
    return [tuple(sorted(d)) for d in deps]


def execution_order(deps: list[tuple[int, ...]], rank=None) -> list[int]:
    """1-based execution order per segment: a topological order, ties by ``rank`` (default text order)."""
    n = len(deps)
    if rank is None and all(j < i for i, d in enumerate(deps) for j in d):
        return list(range(1, n + 1))  # every dependency points back: the text order is the order
    remaining = [len(d) for d in deps]
    users: list[list[int]] = [[] for _ in range(n)]
    for i, d in enumerate(deps):
        for j in d:
            users[j].append(i)
    key = rank if rank is not None else list(range(n))
    ready = [i for i in range(n) if remaining[i] == 0]
    order = [0] * n
    step = 1
    while ready:
        ready.sort(key=key.__getitem__)
        i = ready.pop(0)
        order[i] = step
        step += 1
        for u in users[i]:
            remaining[u] -= 1
            if remaining[u] == 0:
                ready.append(u)
    if step <= n:  # a cycle cannot come out of build_dependencies; keep text order for safety
        return list(range(1, n + 1))
    return order
