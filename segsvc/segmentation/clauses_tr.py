"""Turkish clause splitting: one clause per imperative verb, found from the end of each clause.

Turkish puts the verb last, so a clause ends where an imperative verb is followed by a connector
("ve", ",", "sonra", "ardından", "son olarak", "hem de", ...), or where a converb ties two actions:

* ``-(y)Ip`` / ``-(y)IncA`` / ``-(y)ArAk``: "Tarayıcıyı açıp bankaya giriş yap" -> "Tarayıcıyı aç",
  "bankaya giriş yap" (the second runs after the first);
* ``-DIktAn sonra``: "Belgeyi indirdikten sonra yazdır" -> "Belgeyi indir", "yazdır";
* ``-mAdAn önce``: "Editörü kapatmadan önce dosyayı kaydet" -> "Editörü kapat" runs *after*
  "dosyayı kaydet".

The converb becomes its imperative stem in the content. No split happens inside a participle clause
("... yedekleyip dökümü S3'e yükleyen bir kabuk betiği yaz": the converb's clause ends in the
participle "yükleyen", so it describes the script) or reported content ("... olduğunu ve ...
olduğunu söyle"): after a converb, the next verb form decides, and a connector splits only after an
imperative.
"""

from __future__ import annotations

from .clause import LINK_NONE, LINK_SEQ, Clause, finish, hard_chunks
from .lexicon_tr import (
    AMBIGUOUS,
    COMPOUNDS,
    CONNECTOR_FIRST,
    CONNECTORS,
    FUNCTION_WORDS,
    LEADING,
    LEADING_SEQUENCING,
    LIGHT_VERBS,
    MA_NOUNS,
    NOT_VERBS,
    QUESTION_PARTICLES,
    STEM_TYPES,
    light_noun_type,
)
from .morphology_tr import (
    ANALYSIS_CACHE,
    AOR,
    CONV_ARAK,
    CONV_DIKTAN,
    CONV_INCE,
    CONV_IP,
    CONV_MADAN,
    DERIVED_VERB_ENDINGS,
    FINITE,
    IMP,
    NOMINAL,
    PART,
    Analysis,
    analyse,
)
from .protect import PUNCT, WORD, Token, is_sentence_end

#: Converbs that chain two actions. "-(y)ArAk" ("PDF olarak", "e-postayla göndererek") describes the
#: manner of the main verb instead, so it does not split.
_LINKING_CONVERBS = frozenset({CONV_IP, CONV_INCE})
_CLAUSE_ENDING_CONVERBS = frozenset({CONV_IP, CONV_INCE, CONV_DIKTAN, CONV_MADAN})
_VERBAL = frozenset({IMP, CONV_IP, CONV_INCE, CONV_ARAK, CONV_DIKTAN, CONV_MADAN, PART, NOMINAL, FINITE, AOR})
_VOWELS = "aeıioöuü"
_NOUN_ENDINGS = ("lar", "ler", "lık", "lik", "luk", "lük", "sız", "siz", "suz", "süz", "ken", "dan", "den", "tan",
                 "ten", "ın", "in", "un", "ün", "nın", "nin", "ım", "im", "um", "üm", "ız", "iz", "uz", "üz", "ş",
                 "yor", "mış", "miş", "muş", "müş", "dır", "dir", "tır", "tir", "sal", "sel", "ca", "ce", "an",
                 "en", "ken", "ki")
_ACCUSATIVE = ("ı", "i", "u", "ü", "yı", "yi", "yu", "yü", "nı", "ni", "nu", "nü", "ları", "leri")
#: Postpositions after which a verb may follow directly ("altı kişiye göre ölçekle").
_POSTPOSITIONS = frozenset({"göre", "olarak", "için", "kadar", "gibi", "boyunca", "doğru"})
_POLITE = frozenset({"lütfen", "hemen", "şimdi", "acilen", "derhal", "hızlıca"})


def analyse_tokens(tokens: list[Token]) -> list[Analysis | None]:
    """The morphological analysis of every word token (None for other tokens and non-verbs)."""
    out: list[Analysis | None] = []
    append = out.append
    cached = ANALYSIS_CACHE.get
    for t in tokens:
        if t.kind == WORD:
            a = cached(t.trlow, _MISSING)  # the memo first: a call per word costs more than the lookup
            append(analyse(t.trlow) if a is _MISSING else a)  # type: ignore[arg-type]
        else:
            append(None)
    return out


_MISSING = object()


def split_turkish(tokens: list[Token], text: str) -> list[Clause]:
    """Split a Turkish command into clauses (see the module docstring for the rules)."""
    ana = analyse_tokens(tokens)
    clauses: list[Clause] = []
    for cs, ce in hard_chunks(tokens, text, is_sentence_end):
        _split_chunk(tokens, ana, text, cs, ce, LINK_SEQ if clauses else LINK_NONE, clauses)
    for c in clauses:
        _find_verb(c, tokens, ana)
    return clauses


def _index(phrases) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """Phrases by first word, longest first, so matching costs one dict lookup per token."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for words, kind in phrases:
        table.setdefault(words[0], []).append((words, kind))
    return {w: tuple(sorted(v, key=lambda p: -len(p[0]))) for w, v in table.items()}


_CONNECTOR_INDEX = _index(CONNECTORS)
_LEADING_INDEX = _index((words, "lead") for words in LEADING)


def _match(index: dict[str, tuple[tuple[tuple[str, ...], str], ...]], tokens: list[Token], i: int,
           end: int) -> tuple[int, str]:
    """(length, kind) of the longest phrase of ``index`` at ``i``; (0, "") when none."""
    candidates = index.get(tokens[i].low)
    if candidates:
        for words, kind in candidates:
            n = len(words)
            if i + n <= end:
                k = 1
                while k < n and tokens[i + k].low == words[k]:
                    k += 1
                if k == n:
                    return n, kind
    return 0, ""


def _strip_leading(tokens: list[Token], i: int, end: int) -> tuple[int, bool]:
    seq = False
    while i < end:
        if tokens[i].text in (",", ":", "-", "&"):
            i += 1
            continue
        if tokens[i].low not in _LEADING_INDEX:
            break
        n, _ = _match(_LEADING_INDEX, tokens, i, end)
        if not n or i + n >= end:
            break
        if tokens[i].low in LEADING_SEQUENCING:
            seq = True
        i += n
    return i, seq


def _connector_run(tokens: list[Token], j: int, end: int) -> tuple[int, str]:
    """Tokens a connector run spans at ``j`` (", ve sonra", "ve son olarak", ...) and its kind.

    The kind is "and", "seq" (a sequencing word is in the run) or "rev" ("ama önce": the next clause
    runs first).
    """
    k, kind = j, "and"
    while k < end:
        if tokens[k].low not in _CONNECTOR_INDEX:
            break
        best, best_kind = _match(_CONNECTOR_INDEX, tokens, k, end)
        if not best:
            break
        if best_kind == "rev" or (best_kind == "seq" and kind == "and"):
            kind = best_kind
        k += best
    return k - j, kind


#: Case-marked participles stand for a noun of their own ("bozuk olanları sil": delete the ones that are
#: broken): they are objects, not a relative clause that the converb's clause runs into.
_HEADLESS_PARTICIPLE = frozenset(
    y + v + "n" + rest
    for y in ("", "y")
    for v, rest_set in (("a", ("ı", "ları", "a", "lara", "da", "dan", "larda", "lardan")),
                        ("e", ("i", "leri", "e", "lere", "de", "den", "lerde", "lerden")))
    for rest in rest_set
)


#: Case forms of a verbal noun in -mA used as a plain noun ("ödemeyi", "güncellemeye").
_MA_NOUN_FORMS = frozenset({"ma", "me", "mayı", "meyi", "maya", "meye", "mada", "mede", "madan", "meden"})


#: Verbs that run or stop a process: a verbal noun in -mA as their object names the process ("damla sulamayı
#: çalıştır", "yedeklemeyi durdur"), it is not reported content.
_OPERATING = frozenset({"çalıştır", "başlat", "durdur", "kapat", "aç", "duraklat", "sonlandır", "bitir",
                        "etkinleştir", "sürdür", "ertele", "kur", "ayarla", "programla", "zamanla"})


def _next_verbal(tokens: list[Token], ana: list[Analysis | None], j: int, end: int) -> str | None:
    """Category of the next verb form from ``j`` on, ignoring forms that work as nouns ("ödemeyi")."""
    for k in range(j, end):
        a = ana[k]
        if a is not None and a.cat in _VERBAL and not (a.cat == PART and a.suffix in _HEADLESS_PARTICIPLE) \
                and not (a.cat == NOMINAL and a.suffix in _MA_NOUN_FORMS and (
                    tokens[k].trlow[: a.stem_len + 2] in MA_NOUNS or _operated(ana, k + 1, end))):
            return a.cat
    return None


def _operated(ana: list[Analysis | None], k: int, end: int) -> bool:
    """Is the word at ``k`` an imperative that runs or stops something ("çalıştır", "durdur")?"""
    a = ana[k] if k < end else None
    return a is not None and a.cat == IMP and a.lemma in _OPERATING


def _is_imperative(tokens: list[Token], ana: list[Analysis | None], k: int, start: int,
                   in_series: bool = False) -> bool:
    """Does the word at ``k`` close a clause that began at ``start``?

    ``in_series``: the clause follows another one ("imzala, tara ve gönder"), so a bare ambiguous stem
    there is a verb in a series of commands rather than a noun.
    """
    while k > start and tokens[k].low in _POLITE:
        k -= 1
    if tokens[k].low in QUESTION_PARTICLES and k > start:
        p = ana[k - 1]  # "açar mısın": a polite request
        return p is not None and p.cat == AOR
    a = ana[k]
    if a is None:
        t = tokens[k]
        # an unknown derived verb (temizle, güncelleştir) after an object: "önbelleği temizle ve ..."
        if not (t.kind == WORD and k > start and t.text == t.core and t.low not in FUNCTION_WORDS
                and t.trlow not in NOT_VERBS and tokens[k - 1].kind == WORD):
            return False
        low = t.low
        before = tokens[k - 1].low
        if before in _POSTPOSITIONS:
            # "kişiye göre ölçekle ve ...": after a postposition only a derived verb ending closes a clause
            return len(low) >= 5 and low.endswith(DERIVED_VERB_ENDINGS) and not low.endswith(("yla", "yle"))
        if not before.endswith(_ACCUSATIVE):
            return False
        if len(low) >= 5 and low.endswith(DERIVED_VERB_ENDINGS) and not low.endswith(("yla", "yle")):
            return True
        # a consonant-final word after a definite object that carries no noun suffix: "mesajı sil"-like
        return len(low) >= 3 and low[-1] not in _VOWELS and not low.endswith(_NOUN_ENDINGS)
    # a bare ambiguous stem alone ("Sorun ve çözüm", "Yaz ve kış") is a noun, not a one-word command
    return a.cat == IMP and not (k == start and a.lemma in AMBIGUOUS and not a.suffix and not in_series)


def _split_chunk(tokens: list[Token], ana: list[Analysis | None], text: str, cs: int, ce: int, link: str,
                 out: list[Clause]) -> None:
    i, seq = _strip_leading(tokens, cs, ce)
    if i >= ce:
        return
    clause = Clause(i, ce, LINK_SEQ if seq else link)
    j = i
    while j < ce:
        t = tokens[j]
        a = ana[j]
        if a is None and t.low not in CONNECTOR_FIRST:
            j += 1  # neither a verb form nor a connector
            continue
        if a is not None and j + 1 < ce and a.cat in _CLAUSE_ENDING_CONVERBS:
            cat = a.cat
            follow = tokens[j + 1].low
            skip = 0
            if cat in _LINKING_CONVERBS:
                skip = 1
            elif cat == CONV_DIKTAN and follow in ("sonra", "sonrasında"):
                skip = 2
            elif cat == CONV_DIKTAN and follow == "hemen" and j + 2 < ce and tokens[j + 2].low == "sonra":
                skip = 3
            elif cat == CONV_MADAN and follow in ("önce", "evvel"):
                skip = 2
            if skip and j + skip < ce and _next_verbal(tokens, ana, j + skip, ce) not in (PART, NOMINAL):
                clause.end = j + 1
                clause.fix_pos, clause.fix_text = j, a.stem_surface(t.text)
                if cat == CONV_MADAN:
                    clause.after_next = True
                if finish(clause, tokens, text):
                    out.append(clause)
                nxt, _ = _strip_leading(tokens, j + skip, ce)
                clause = Clause(nxt, ce, LINK_NONE if cat == CONV_MADAN else LINK_SEQ)
                j = nxt
                continue
        if (t.kind == WORD and t.low in CONNECTOR_FIRST) or (t.kind == PUNCT and t.text in ",&"):
            n, kind = _connector_run(tokens, j, ce)
            if n and j > clause.start and j + n < ce and _is_imperative(tokens, ana, j - 1, clause.start,
                                                                        clause.start > i):
                clause.end = j
                if kind == "rev":
                    clause.after_next = True
                if finish(clause, tokens, text):
                    out.append(clause)
                nxt, lead_seq = _strip_leading(tokens, j + n, ce)
                clause = Clause(nxt, ce, LINK_SEQ if (kind == "seq" or lead_seq) else LINK_NONE)
                j = nxt
                continue
        j += 1
    clause.end = ce
    # "Işıkları kıs ama filmi başlattıktan sonra": a trailing "-DIktAn sonra" clause runs first
    if ce - clause.start >= 2 and tokens[ce - 1].low in ("sonra", "sonrasında"):
        a = ana[ce - 2]
        if a is not None and a.cat == CONV_DIKTAN and out and out[-1].end <= clause.start:
            clause.end = ce - 1
            clause.fix_pos, clause.fix_text = ce - 2, a.stem_surface(tokens[ce - 2].text)
            out[-1].after_next = True
            clause.link = LINK_NONE
    if finish(clause, tokens, text):
        out.append(clause)


def _find_verb(c: Clause, tokens: list[Token], ana: list[Analysis | None]) -> None:
    """The clause's main verb: its last imperative (or the converb that closed it), with compounds."""
    pos = -1
    if c.fix_pos >= 0:
        pos = c.fix_pos
    else:
        for k in range(c.end - 1, c.start - 1, -1):
            a = ana[k]
            if a is not None and (a.cat == IMP or a.cat == AOR):
                pos = k
                break
        if pos < 0 and c.end - 1 > c.start and ana[c.end - 1] is None \
                and _is_imperative(tokens, ana, c.end - 1, c.start):
            pos = c.end - 1
    if pos < 0:
        for k in range(c.end - 1, c.start - 1, -1):  # a finite or other verb form: a weaker guess
            a = ana[k]
            if a is not None and a.lemma:
                pos = k
                break
        c.confidence = 0.6 if pos >= 0 else 0.5
        if pos < 0:
            return
    a = ana[pos]
    if a is None:  # an unknown derived verb accepted by _is_imperative
        c.verb, c.verb_pos, c.verb_type = tokens[pos].trlow, pos, "execute"
        c.confidence = min(c.confidence, 0.7)
        return
    lemma = a.lemma
    vtype = STEM_TYPES.get(lemma)
    if vtype is None:  # a guessed stem (klonlayıp, süzüp)
        vtype = "execute"
        c.confidence = min(c.confidence, 0.75)
    if pos > c.start:
        prev = tokens[pos - 1].trlow
        compound = COMPOUNDS.get((prev, lemma))
        if compound is not None:
            lemma, vtype = f"{prev} {lemma}", compound
        elif lemma in LIGHT_VERBS:
            noun_type = light_noun_type(prev, lemma)
            lemma = f"{prev} {lemma}"
            if noun_type is not None:  # "Hız testi yap", "ödemeyi yap": the noun names the task
                vtype = noun_type
            else:
                c.confidence = min(c.confidence, 0.8)
    c.verb, c.verb_pos, c.verb_type = lemma, pos, vtype
