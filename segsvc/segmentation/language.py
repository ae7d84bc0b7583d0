"""Language detection for short commands: Turkish or English.

Commands are often three words long ("Takvimi aç", "Open the mail app"), too short for statistical
models, but the two languages leave different fingerprints: Turkish letters (ç ğ ı ö ş ü İ), Turkish
case suffixes after an apostrophe (Firefox'u, S3'e), Turkish function words and verb forms, versus
English function words and verbs. Each piece of evidence adds to one side's score; protected spans
(quotes, URLs, paths, file names) are ignored because they are often in the other language.
"""

from __future__ import annotations

import re

from .lexicon_en import GERUND, PAST, THIRD_PERSON, VERB_TYPES
from .lexicon_tr import FUNCTION_WORDS as TR_FUNCTION_WORDS
from .morphology_tr import analyse
from .protect import WORD, Token, tokenize

_TR_LETTER = re.compile("[çğışöüÇĞİŞÖÜ]").search
_EN_FUNCTION_WORDS = frozenset(
    ["the", "a", "an", "and", "to", "of", "for", "in", "on", "at", "my", "me", "it", "then", "with", "from",
     "into", "your", "this", "that", "is", "are", "please", "all", "by", "after", "before", "first", "finally",
     "them", "its", "our", "their", "his", "her", "up", "out", "about", "near", "next", "every", "each",
     "what", "how", "when", "where", "which", "who", "you", "i", "be", "can", "could", "would", "should",
     "will", "do", "does", "not", "no", "or", "as", "us", "we", "they", "some", "any", "these", "those",
     "there", "here", "now", "also", "just", "than"]
)
# English words that are also Turkish words or stems; they count for neither side.
_SHARED = frozenset({"at", "al", "git", "bas", "set", "post", "test", "mail", "format", "plan", "program",
                     "video", "dump", "say", "son", "gel", "ye", "van", "kim", "can", "ben", "sen", "dem"})
_EN_APOSTROPHE = ("'s", "'t", "'re", "'ll", "'ve", "'d", "'m", "’s", "’t", "’re", "’ll", "’ve", "’d", "’m")


def detect_language(text: str) -> tuple[str, float]:
    """Return ("en" | "tr", confidence in 0.5..1)."""
    return detect_from_tokens(tokenize(text))


def detect_from_tokens(tokens: list[Token]) -> tuple[str, float]:
    """Score Turkish against English evidence in the word tokens of a command."""
    tr = en = 0.0
    first = True
    evidence_of = _EVIDENCE.get
    for t in tokens:
        if t.kind != WORD:
            if t.text != t.core and t.kind != "quote":  # 17'de, notlar.md'yi, S3'e
                tr += 2.0
            continue
        ev = evidence_of(t.text) or _evidence(t)
        if first:
            tr += ev[0]
            en += ev[1]
            first = False
        else:
            tr += ev[2]
            en += ev[3]
    # Turkish is verb-final: an imperative closing the command is strong evidence ("Film izle")
    last = _last_word(tokens)
    if last is not None and last.low not in _SHARED and last.low not in VERB_TYPES:
        a = analyse(last.trlow)
        if a is not None and a.cat == "imp":
            tr += 1.5
    total = tr + en
    if total == 0:
        # No evidence either way ("wikipedia.org adresine git"): a closing word that is a Turkish
        # imperative shared with English spelling (git, al, bas) still tips it, weakly.
        if last is not None and last.low in _SHARED:
            a = analyse(last.trlow)
            if a is not None and a.cat == "imp":
                return "tr", 0.55
        return "en", 0.5
    if tr > en:
        return "tr", round(min(1.0, 0.5 + 0.5 * (tr - en) / total + min(tr, 6.0) / 24), 3)
    return "en", round(min(1.0, 0.5 + 0.5 * (en - tr) / total + min(en, 6.0) / 24), 3)


#: word -> (Turkish, English evidence as the first word; the same elsewhere). A word always weighs the
#: same, so it is weighed once (every weight is a multiple of 1/4: the sums are exact in any order).
_EVIDENCE: dict[str, tuple[float, float, float, float]] = {}
_EVIDENCE_LIMIT = 20_000


def _evidence(t: Token) -> tuple[float, float, float, float]:
    """(Turkish, English) evidence of one word as the first word of the command, then elsewhere."""
    text = t.text
    low = t.low
    tr_first = tr_other = en_first = en_other = 0.0
    if _TR_LETTER(text):
        tr_first = 3.0
        # a capitalised word inside the sentence is likely a name ("Call Ayşe"): weak evidence
        tr_other = 3.0 if not text[0].isupper() or "'" in text or "’" in text else 0.5
    if "'" in text or "’" in text:
        if low.endswith(_EN_APOSTROPHE):
            en_first = en_other = 2.0
        else:
            tr_first += 2.5
            tr_other += 2.5
    elif low in _SHARED:
        pass
    elif low in _EN_FUNCTION_WORDS:
        en_first = en_other = 2.0
    elif low in VERB_TYPES:
        en_first, en_other = 2.5, 1.5  # an English imperative opening the command weighs more
    elif low in THIRD_PERSON or low in GERUND or low in PAST:
        en_first = en_other = 1.0
    else:
        trl = t.trlow
        tr_word = en_word = 0.0
        if trl in TR_FUNCTION_WORDS:
            tr_word = 2.0
        else:
            a = analyse(trl)
            if a is not None and a.cat != "finite" or (a is not None and a.lemma):
                tr_word = 1.5
            elif trl.endswith(_TR_ENDINGS) and len(trl) > 4:
                tr_word = 0.75
            elif low.endswith(_EN_ENDINGS) and len(low) > 4:
                en_word = 0.5
        tr_first += tr_word
        tr_other += tr_word
        en_first = en_other = en_word
    ev = (tr_first, en_first, tr_other, en_other)
    if len(_EVIDENCE) >= _EVIDENCE_LIMIT:
        _EVIDENCE.clear()
    _EVIDENCE[text] = ev
    return ev


def _last_word(tokens: list[Token]) -> Token | None:
    for t in reversed(tokens):
        if t.kind == WORD:
            return t
        if t.kind not in ("punct", "newline"):
            return None
    return None


_TR_ENDINGS = ("ları", "leri", "lara", "lere", "ını", "ini", "unu", "ünü", "yı", "yi", "yu", "yü", "dan", "den",
               "tan", "ten", "nda", "nde", "daki", "deki", "lar", "ler", "sını", "sini", "mızı", "mizi",
               "ımı", "imi", "umu", "ümü", "ya", "ye", "sine", "sına", "suna", "süne", "ine", "ına", "una",
               "üne")
_EN_ENDINGS = ("tion", "ment", "ness", "ing", "ly", "ed", "ous", "ful", "able", "ity", "er", "est", "th")
