"""Just enough Turkish verb morphology to find clause boundaries.

A word is analysed as *known stem + known verbal suffix*. Suffixes are written as templates with
archiphonemes and realised for every stem ending once, at import:

* ``I`` - four-way vowel harmony (ı i u ü), ``A`` - two-way (a e), following the last vowel;
* ``D`` - d, or t after a voiceless consonant (indirdikten / kapattıktan);
* ``Y`` - the buffer y after a vowel-final stem (yedekleyip, okuyun).

Stems ending in t that soften before a vowel (et -> edip, git -> gidip, kaydet -> kaydedip) are
registered in their softened form as well. The result says what the word does for the clause
grammar: an imperative closes a clause, a converb links two clauses, a participle or a verbal noun
means the clause is not finished yet. Analyses are memoised per word (bounded), because the same
words recur in every command.
"""

from __future__ import annotations

from .lexicon_tr import NOT_VERBS, STEM_TYPES

# Categories.
IMP = "imp"  # aç, açın, açınız
CONV_IP = "conv_ip"  # açıp: "and then"
CONV_INCE = "conv_ince"  # açınca: "when ... then"
CONV_ARAK = "conv_arak"  # açarak: "by ...ing"
CONV_DIKTAN = "conv_diktan"  # açtıktan (sonra)
CONV_MADAN = "conv_madan"  # açmadan (önce)
PART = "part"  # açan, açtığı, açacak: a relative clause
NOMINAL = "nominal"  # açtığını, açmasını, açmayı: reported content / verbal noun
FINITE = "finite"  # açtı, açıyor, açmış: a statement, not a command
AOR = "aor"  # açar, açabilir: a request when a question particle follows ("açar mısın")

_TEMPLATES: dict[str, tuple[str, ...]] = {
    IMP: ("", "YIn", "YInIz", "YAlIm", "sAnA"),
    CONV_IP: ("YIp",),
    CONV_INCE: ("YIncA",),
    CONV_ARAK: ("YArAk",),
    CONV_DIKTAN: ("DIktAn",),
    CONV_MADAN: ("mAdAn",),
    PART: ("YAn", "YAnlAr", "YAnI", "YAnlArI", "YAnA", "YAnlArA", "YAndA", "YAnDAn", "DIğI", "DIğIm",
           "DIğImIz", "DIğInIz", "DIklArI", "DIğIn", "YAcAk", "YAcAğI", "YAcAklArI", "DIğIndA", "YAbIlAn",
           "mAyAn", "mIş", "mIşlAr", "mIşI"),
    NOMINAL: ("DIğInI", "DIğInA", "DIğImI", "DIğImIzI", "DIklArInI", "DIğInIn", "YAcAğInI", "YAcAğInA",
              "mAsInI", "mAsI", "mAsInA", "mAsIn", "mAyI", "mAk", "mAyA", "mA", "mAktAn", "mAklA",
              "mAsIylA", "mAdIğInI", "mAdIğI", "mAmAsInI", "mAlI", "mAlIsIn", "mAktA"),
    FINITE: ("DI", "DIm", "DIn", "DIk", "DIlAr", "DInIz", "IyOr", "YAcAğIm", "DIr", "mIştIr", "DIktAn",
             "YAbIlIr", "mAz", "mIyOr"),
    AOR: ("Ar", "Ir", "r", "YAbIlIr", "YAbIlIr", "mAz"),
}
# A FINITE "DIktAn" would shadow the converb; the converb wins.
_TEMPLATES[FINITE] = tuple(t for t in _TEMPLATES[FINITE] if t != "DIktAn")

_VOWELS = "aeıioöuü"
_BACK = "aıou"
_ROUND = "oöuü"
_VOICELESS = "fstkçşhp"


def _realise(template: str, last_vowel: str, last_char: str) -> str:
    """Spell ``template`` after a stem whose last vowel and last letter are given."""
    out: list[str] = []
    prev_vowel, prev_char = last_vowel, last_char
    for ch in template:
        if ch == "Y":
            if prev_char in _VOWELS:
                out.append("y")
                prev_char = "y"
            continue
        if ch == "I":
            back, rnd = prev_vowel in _BACK, prev_vowel in _ROUND
            v = ("u" if rnd else "ı") if back else ("ü" if rnd else "i")
            # a suffix vowel after a vowel-final stem without a buffer is dropped (oku + Ir -> okur)
            if prev_char in _VOWELS and not out:
                continue
            out.append(v)
            prev_vowel = prev_char = v
            continue
        if ch == "A":
            v = "a" if prev_vowel in _BACK else "e"
            if prev_char in _VOWELS and not out:
                continue
            out.append(v)
            prev_vowel = prev_char = v
            continue
        if ch == "O":  # the o of -Iyor never harmonises
            out.append("o")
            prev_vowel = prev_char = "o"
            continue
        if ch == "D":
            c = "t" if prev_char in _VOICELESS else "d"
            out.append(c)
            prev_char = c
            continue
        out.append(ch)
        prev_char = ch
        if ch in _VOWELS:
            prev_vowel = ch
    return "".join(out)


def _last_vowel(stem: str) -> str:
    for ch in reversed(stem):
        if ch in _VOWELS:
            return ch
    return "e"


# suffix tables per (last vowel, last char class), built lazily but once per class.
_SUFFIX_TABLES: dict[tuple[str, str], dict[str, str]] = {}


def _table(last_vowel: str, last_char: str) -> dict[str, str]:
    key = (last_vowel, "v" if last_char in _VOWELS else ("k" if last_char in _VOICELESS else "c"))
    table = _SUFFIX_TABLES.get(key)
    if table is None:
        sample_char = {"v": last_vowel, "k": "t", "c": "r"}[key[1]]
        table = {}
        for cat, templates in _TEMPLATES.items():
            for tpl in templates:
                table.setdefault(_realise(tpl, last_vowel, sample_char), cat)
        _SUFFIX_TABLES[key] = table
    return table


class Analysis:
    """What a word is, for the clause grammar.

    ``lemma`` is the dictionary stem (kaydet), ``stem_len`` how many letters of the word spell it
    (7 for "kaydedip": the softened "kayded"), ``soft`` whether the last of them softened.
    """

    __slots__ = ("cat", "lemma", "soft", "stem_len", "suffix")

    def __init__(self, cat: str, lemma: str, stem_len: int, soft: bool, suffix: str) -> None:
        self.cat = cat
        self.lemma = lemma
        self.stem_len = stem_len
        self.soft = soft
        self.suffix = suffix

    def stem_surface(self, surface: str) -> str:
        """The imperative stem spelled with the casing of ``surface`` (Kaydedip -> Kaydet)."""
        stem = surface[: self.stem_len]
        if self.soft:
            stem = stem[:-1] + self.lemma[-1]
        return stem

    def __repr__(self) -> str:
        return f"Analysis({self.cat}, {self.lemma}, +{self.suffix})"


# stem spelling -> (lemma, suffix table, softened?)
_STEMS: dict[str, tuple[str, dict[str, str], bool]] = {}
for _stem in STEM_TYPES:
    _STEMS[_stem] = (_stem, _table(_last_vowel(_stem), _stem[-1]), False)
    if _stem.endswith("t") and (_stem in ("et", "git", "tat", "güt") or _stem.endswith("et")):
        _soft = _stem[:-1] + "d"
        _STEMS.setdefault(_soft, (_stem, _table(_last_vowel(_stem), "d"), True))
# first two letters -> lengths of the stems starting with them, longest first: a handful of lookups per word
_STEM_LENGTHS: dict[str, tuple[int, ...]] = {}
for _stem in _STEMS:
    _STEM_LENGTHS[_stem[:2]] = tuple(sorted(set(_STEM_LENGTHS.get(_stem[:2], ())) | {len(_stem)}, reverse=True))

_CACHE: dict[str, Analysis | None] = {}
_CACHE_LIMIT = 50_000
#: The memo of ``analyse`` (word -> analysis or None), for callers that look up many words in a row.
ANALYSIS_CACHE = _CACHE


def tr_lower(text: str) -> str:
    """Lower-case with Turkish dotted/dotless i (I -> ı, İ -> i)."""
    return text.replace("I", "ı").replace("İ", "i").lower()


def analyse(word: str) -> Analysis | None:
    """Analyse one lower-case Turkish word (see ``tr_lower``); None when it is not a known verb form."""
    try:
        return _CACHE[word]
    except KeyError:
        pass
    result: Analysis | None = None
    if "'" in word or "’" in word:
        # "zip'le", "PDF'le": a verb made from a written-apart name, if the joined word is a known verb
        head, _, tail = word.replace("’", "'").partition("'")
        if tail.startswith("l") and "'" not in tail:
            joined = analyse(head + tail)
            if joined is not None and joined.lemma in STEM_TYPES:
                result = Analysis(joined.cat, joined.lemma, joined.stem_len + 1, joined.soft, joined.suffix)
    elif word not in NOT_VERBS:
        size = len(word)
        for n in _STEM_LENGTHS.get(word[:2], ()):  # longest first
            if n > size:
                continue
            entry = _STEMS.get(word[:n])
            if entry is None:
                continue
            lemma, table, soft = entry
            rest = word[n:]
            if soft and (not rest or rest[0] not in _VOWELS):
                continue
            cat = table.get(rest)
            if cat is not None:
                result = Analysis(cat, lemma, n, soft, rest)
                break
        if result is None:
            result = _guess(word)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[word] = result
    return result


# Guesses for verbs missing from the lexicon: only suffixes that nouns practically never carry.
_GUESS_CONVERB_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    (suffix, CONV_DIKTAN) for suffix in ("dıktan", "dikten", "duktan", "dükten", "tıktan", "tikten", "tuktan",
                                         "tükten")
) + tuple((suffix, CONV_MADAN) for suffix in ("madan", "meden"))
_GUESS_PARTICIPLE_SUFFIXES = ("dığı", "diği", "duğu", "düğü", "tığı", "tiği", "tuğu", "tüğü", "dığım", "diğim",
                              "duğum", "düğüm", "tığım", "tiğim", "acak", "ecek", "acağı", "eceği", "acağım",
                              "eceğim", "ebileceğim", "abileceğim", "ebilecek", "abilecek", "abilen", "ebilen")
_GUESS_NOMINAL_SUFFIXES = ("dığını", "diğini", "duğunu", "düğünü", "tığını", "tiğini", "tuğunu", "tüğünü",
                           "masını", "mesini", "acağını", "eceğini")
_GUESS_ANY = (_GUESS_NOMINAL_SUFFIXES + _GUESS_PARTICIPLE_SUFFIXES + tuple(s for s, _ in _GUESS_CONVERB_SUFFIXES)
              + ("ıp", "ip", "up", "üp"))
_IP_VOWEL = {"ı": "aı", "i": "ei", "u": "ou", "ü": "öü"}
_NOUNS_ENDING_IP = frozenset({"ekip", "kulüp", "sahip", "garip", "tip", "kalıp", "hip", "gemip", "çip", "zip",
                              "şip", "kip", "slip", "strip", "chip", "ship", "tulip", "kasip", "nasip",
                              "tertip", "takip", "katip", "rakip", "teşvik", "hasip", "müsip"})


def _fits(stem: str, suffix: str) -> bool:
    """Does ``suffix`` agree with ``stem`` (length, D/t assimilation, vowel harmony of its first vowel)?"""
    if len(stem) < 3:
        return False
    first = suffix[0]
    if first in "dt" and (first == "t") != (stem[-1] in _VOICELESS):
        return False
    for ch in suffix:
        if ch in _VOWELS:
            return (ch in _BACK) == (_last_vowel(stem) in _BACK)
    return True


def _guess(word: str) -> Analysis | None:
    """A verb form with an unknown stem, recognised by an unmistakable suffix (or None)."""
    if word.endswith(("yor", "yorum", "yoruz", "yorsun", "yorlar")):
        return Analysis(FINITE, "", 0, False, "")
    if not word.endswith(_GUESS_ANY):  # one call rejects almost every noun
        return None
    n = len(word)
    for table, cat in ((_GUESS_NOMINAL_SUFFIXES, NOMINAL), (_GUESS_PARTICIPLE_SUFFIXES, PART)):
        for suffix in table:
            if word.endswith(suffix) and _fits(word[: n - len(suffix)], suffix):
                return Analysis(cat, word[: n - len(suffix)], n - len(suffix), False, suffix)
    for suffix, cat in _GUESS_CONVERB_SUFFIXES:
        if word.endswith(suffix) and _fits(word[: n - len(suffix)], suffix):
            return Analysis(cat, word[: n - len(suffix)], n - len(suffix), False, suffix)
    if n >= 5 and word[-1] == "p" and word[-2] in _IP_VOWEL and word not in _NOUNS_ENDING_IP:
        stem = word[:-2]
        if stem.endswith("y") and len(stem) > 2 and stem[-2] in _VOWELS:
            stem = stem[:-1]
        vowel = _last_vowel(stem)
        if vowel in _IP_VOWEL[word[-2]] and len(stem) >= 3:
            return Analysis(CONV_IP, stem, len(stem), False, word[len(stem):])
    return None


#: Case endings of a noun (accusative, dative, ablative, genitive, locative, with "its"/"their", plural), as
#: templates: ``S`` is the buffer s of the possessive, ``N`` the buffer n of the genitive, both after a vowel.
_NOUN_CASES = ("YI", "YA", "DAn", "NIn", "lAr", "lArI", "lArA", "lArDAn", "lArDA", "lArlA")
_NOUN_CASES_AFTER_VOWEL = ("ylA", "DA")
_NOUN_POSSESSIVES = ("SI", "SInI", "SInA", "SIndAn", "SIndA", "SIylA", "lArInI", "lArInA", "lArIndAn", "lArIylA",
                     "lArIn")


def noun_forms(stem: str, soft: str = "", vowel: str = "", possessive: bool | None = None) -> frozenset[str]:
    """The case forms of a noun, the bare nominative left out: özet -> özeti, özete, özetten, özetini, ...

    ``soft`` is the stem before a vowel when its last consonant softens (sonuç -> sonuc-u), ``vowel`` the
    vowel the suffixes harmonise with when it is not the stem's last (saat -> saati: "e"). The bare
    instrumental and locative of a consonant-final noun are left out: "özetle" is the verb "summarize",
    "sonuçta" an adverb. ``possessive``: only the forms with a possessive (True), only those without
    (False), or all (None).
    """
    last_vowel, last_char = vowel or _last_vowel(stem), stem[-1]
    templates: tuple[str, ...] = ()
    if possessive is not True:
        templates += _NOUN_CASES + (_NOUN_CASES_AFTER_VOWEL if last_char in _VOWELS else ())
    if possessive is not False:
        templates += _NOUN_POSSESSIVES
    out = set()
    for tpl in templates:
        tpl = tpl.replace("S", "s" if last_char in _VOWELS else "").replace("N", "n" if last_char in _VOWELS else "")
        suffix = _realise(tpl, last_vowel, last_char)
        base = soft if soft and suffix[:1] in _VOWELS else stem
        out.add(base + suffix)
    return frozenset(out)


#: Endings of derived verb stems (temizle, klonla, güncelleştir, yazdır): an unknown word with one of
#: them, right before a connector, is taken for an imperative.
DERIVED_VERB_ENDINGS = ("la", "le", "lat", "let", "laş", "leş", "dır", "dir", "dur", "dür", "tır", "tir",
                        "tur", "tür", "lan", "len", "ştır", "ştir", "andır", "endir")
