"""English clause splitting: one clause per imperative verb.

English commands put the verb first, so a new action starts where a connector (",", "and", "then",
"after that", "finally", "also", ...) is followed by a base-form verb from the lexicon. The splitter
walks the tokens once, left to right, and refuses to split where English grammar says the "and"
belongs to something smaller than the command:

* noun conjunctions ("a knight and a dragon") - no verb follows the "and";
* relative clauses ("a script that backs up X and uploads Y") - the verbs agree with "that", so they
  are not imperatives; with a modal ("that will back up X and upload Y") plain "and" does not split;
* reported content ("tell my team that X and Y", "remind me to X and Y");
* conditions ("when I get home, turn on the lights") - the comma ends the condition, not an action;
* nouns that are also verbs ("buy a phone case and screen protector") - after a plain "and" such a
  word starts a clause only when something object-like follows it.

Reversed order ("Y after you X", "before you X, Y", "after downloading it, ...") splits too, and
marks which clause must run first.
"""

from __future__ import annotations

from .clause import LINK_NONE, LINK_SEQ, Clause, finish, hard_chunks
from .lexicon_en import (
    ADVERBS,
    AMBIGUOUS,
    BARE_OK,
    CHECKING,
    GERUND,
    OBJECT_STARTERS,
    ORDINAL_OPENERS,
    PARTICLES,
    PAST,
    PHRASAL_TYPES,
    PREPOSITIONS,
    RELATIVES,
    REPORTING,
    SEQUENCERS,
    SITUATION_VERBS,
    THIRD_PERSON,
    VERB_TYPES,
)
from .protect import PROTECTED_KINDS, PUNCT, WORD, Token, is_sentence_end

_STRONG_SEQUENCERS = frozenset({"then", "finally", "lastly", "afterwards", "afterward", "subsequently",
                                "thereafter"})
_ADDITIVE = frozenset({"also", "plus", "additionally"})
_DONE = frozenset({"done", "finished", "complete", "completed", "ready", "over"})
_YOU = frozenset({"you", "you've", "you’ve", "we", "we've", "i", "i've"})
_MODALS = frozenset({"will", "can", "could", "should", "would", "must", "may", "might", "to", "shall"})
_FINITE = frozenset({"is", "are", "was", "were", "has", "had", "isn't", "aren't", "wasn't", "weren't", "does",
                     "did", "doesn't", "didn't", "hasn't", "haven't", "'s", "’s"})
_OBJECT_DETERMINERS = frozenset({"the", "a", "an", "my", "your", "our", "their", "his", "its", "this", "these",
                                 "those", "all", "every", "each"})
_COMPLEMENTIZERS = frozenset({"if", "whether", "how", "what", "when", "where", "why", "who", "which"})
_NOT_VERBS = frozenset({"the", "a", "an", "are", "is", "were", "was", "be", "get", "have", "had", "will",
                        "can", "could", "should", "would", "must", "may", "might", "do", "did", "don't",
                        "not", "all", "both", "and", "or", "to", "too", "also", "really", "just"})
#: Pronoun objects that may sit between a verb and its particle ("add them up").
_SPLIT_OBJECTS = frozenset({"it", "them", "this", "that", "these", "those", "everything", "all"})
_PARTICLES = frozenset({"off", "out", "up", "down", "through", "over", "away", "back"})
_CONDITION_OPENERS = frozenset({"if", "when", "whenever", "unless", "while", "once", "until", "as"})
#: Nouns-first readings of ambiguous verbs, when a bare noun follows ("screen protector").
_NOMINAL_PRONE = frozenset({"screen", "file", "list", "note", "mail", "text", "record", "copy", "test",
                            "set", "check", "order", "report", "map", "plan", "design", "draft", "label",
                            "tag", "type", "group", "block", "water", "power", "control", "access",
                            "track", "link", "pin", "star", "lock", "store", "back", "double", "fast",
                            "free", "present", "contact", "release", "call", "show", "play", "print",
                            "email", "post", "scan", "view", "display", "sum", "study", "touch", "place"})


class _Verb:
    """A verb found at a position: lemma (with particle), task type, token span."""

    __slots__ = ("ambiguous", "end", "lemma", "pos", "vtype")

    def __init__(self, pos: int, end: int, lemma: str, vtype: str, ambiguous: bool) -> None:
        self.pos, self.end, self.lemma, self.vtype, self.ambiguous = pos, end, lemma, vtype, ambiguous


def verb_at(tokens: list[Token], j: int, end: int) -> _Verb | None:
    """The imperative verb starting at ``j`` (after optional adverbs like "please"), if any."""
    while j < end and tokens[j].low in ADVERBS and tokens[j].low not in VERB_TYPES:
        j += 1
    if j >= end:
        return None
    t = tokens[j]
    if t.kind != WORD:
        return None
    low = t.low
    vtype = VERB_TYPES.get(low)
    if vtype is None:
        return None
    particles = PARTICLES.get(low)
    if particles and j + 1 < end and tokens[j + 1].low in particles:
        p = tokens[j + 1].low
        return _Verb(j, j + 2, f"{low} {p}", PHRASAL_TYPES[(low, p)], False)
    if particles and j + 2 < end and tokens[j + 1].low in _SPLIT_OBJECTS and tokens[j + 2].low in particles:
        # "add them up", "look it up": the phrasal verb's task, the object in between
        return _Verb(j, j + 1, low, PHRASAL_TYPES[(low, tokens[j + 2].low)], low in AMBIGUOUS)
    return _Verb(j, j + 1, low, vtype, low in AMBIGUOUS)


def _used_as_verb(tokens: list[Token], v: _Verb, end: int, after_comma: bool = False) -> bool:
    """After "and" or ",", does an ambiguous word (call, book, screen, ...) act as a verb here?

    After a bare comma the clause reading is the likelier one ("..., print two copies"): only a
    following conjunction or comma ("milk, water, and bread") keeps the word a noun.
    """
    k = v.end
    if k >= end:
        return v.lemma in BARE_OK
    if after_comma:
        t = tokens[k]
        return not (t.low in ("and", "or", "nor", "&") or t.text == ",")
    t = tokens[k]
    if t.kind in PROTECTED_KINDS:
        return True
    if t.kind == PUNCT:
        return v.lemma in BARE_OK and t.text in ",;.!?"
    low = t.low
    if low in OBJECT_STARTERS or low in PREPOSITIONS or low in _COMPLEMENTIZERS:
        return True
    if low in ("and", "or", "nor", "&"):
        return False
    if t.text[:1].isupper():
        return True
    if low in VERB_TYPES or low in THIRD_PERSON:
        return False
    return v.lemma not in _NOMINAL_PRONE


def _opener(tokens: list[Token], j: int, end: int) -> tuple[str, int, str] | None:
    """Recognise "after you X" / "before X-ing" / "once you X" at ``j``.

    Returns (kind, index of the verb, lemma to write instead of a gerund or participle, or "").
    kind is "after" (the clause named runs first) or "before" (it runs last).
    """
    low = tokens[j].low
    m = j + 1
    if low == "as" and j + 2 < end and tokens[j + 1].low == "soon" and tokens[j + 2].low == "as":
        low, m = "once", j + 3
    if low not in ("after", "before", "once", "when") or m >= end:
        return None
    kind = "before" if low == "before" else "after"
    t = tokens[m]
    if t.low in _YOU:
        m += 1
        fix = ""
        if m < end and tokens[m].low in ("have", "are", "'ve", "had"):
            m += 1
        if m >= end:
            return None
        w = tokens[m].low
        if w in VERB_TYPES:
            lemma = w
        elif w in PAST:
            lemma = fix = PAST[w]
        elif kind in ("after", "before") and low != "when" and tokens[m].kind == WORD and w not in _NOT_VERBS:
            lemma = w  # "after you refund the payment": whatever follows "you" is the verb
        else:
            return None
        if low in ("once", "when") and lemma in SITUATION_VERBS:
            return None
        return kind, m, fix
    if low in ("after", "before") and t.low in GERUND:
        return kind, m, GERUND[t.low]
    return None


def _cased(lemma: str, surface: str) -> str:
    return lemma[:1].upper() + lemma[1:] if surface[:1].isupper() else lemma


class _State:
    """What the walk knows about the clause being built."""

    __slots__ = ("clause", "cond", "paren", "rel_form", "sub", "verb", "verb_end")

    def __init__(self, clause: Clause) -> None:
        self.clause = clause
        self.verb: _Verb | None = None
        self.verb_end = -1
        self.sub = ""  # "", "rel" (relative clause), "rep" (reported content), "chk" (checked condition)
        self.rel_form = ""  # form of the first verb inside a relative clause: "finite" or "modal"
        self.cond = False  # inside a leading condition ("when I get home, ...")
        self.paren = 0

    def set_verb(self, v: _Verb) -> None:
        self.verb = v
        self.verb_end = v.end
        c = self.clause
        c.verb, c.verb_pos, c.verb_type = v.lemma, v.pos, v.vtype


def _done_phrase(tokens: list[Token], i: int, end: int) -> bool:
    """ "after that", "once done", "when finished": two words that sequence like "then"."""
    if i + 1 >= end:
        return False
    low, nxt = tokens[i].low, tokens[i + 1].low
    return (low == "after" and nxt == "that") or (low in ("once", "when") and nxt in _DONE)


def _strip_leading(tokens: list[Token], i: int, end: int) -> tuple[int, bool]:
    """Skip sequencing words at a clause start; report whether one of them sequences."""
    seq = False
    while i < end:
        t = tokens[i]
        low = t.low
        if t.text in (",", "&", ":", "-") or low == "and" or low in _ADDITIVE:
            i += 1
        elif low in SEQUENCERS and (low in _STRONG_SEQUENCERS or (i + 1 < end and tokens[i + 1].text == ",")
                                    or verb_at(tokens, i + 1, end) is not None):
            seq = True
            i += 1
        elif low in ORDINAL_OPENERS and low not in VERB_TYPES and i + 1 < end and (
            verb_at(tokens, i + 1, end) is not None or tokens[i + 1].text == ","
        ):
            i += 1
        elif _done_phrase(tokens, i, end):
            seq = True
            i += 2
        else:
            break
    return i, seq


def split_english(tokens: list[Token], text: str) -> list[Clause]:
    """Split an English command into clauses (see the module docstring for the rules)."""
    clauses: list[Clause] = []
    for cs, ce in hard_chunks(tokens, text, is_sentence_end):
        _split_chunk(tokens, text, cs, ce, LINK_SEQ if clauses else LINK_NONE, clauses)
    return clauses


def _begin(tokens: list[Token], i: int, end: int, link: str) -> _State | None:
    """Start a clause at ``i``: strip sequencers, handle a reversed opener, find the verb."""
    i, seq = _strip_leading(tokens, i, end)
    if i >= end:
        return None
    if seq:
        link = LINK_SEQ
    clause = Clause(i, end, link)
    st = _State(clause)
    op = _opener(tokens, i, end)
    if op is not None:
        kind, vpos, fix = op
        clause.start = vpos
        if fix:
            clause.fix_pos, clause.fix_text = vpos, _cased(fix, tokens[vpos].text)
        if kind == "before":
            clause.after_next = True
        v = verb_at(tokens, vpos, end)
        if v is None:  # a gerund or participle: the lemma is the verb
            lemma = fix or tokens[vpos].low
            v = _Verb(vpos, vpos + 1, lemma, VERB_TYPES.get(lemma, "execute"), False)
        st.set_verb(v)
        st.sub = "opener-" + kind
        return st
    if tokens[i].low in _CONDITION_OPENERS:
        st.cond = True
    return st


_TRAILING_SEQUENCERS = frozenset({"afterwards", "afterward", "then", "later", "next", "finally", "lastly"})


def _close(st: _State, end: int, tokens: list[Token], text: str, out: list[Clause]) -> None:
    c = st.clause
    # "... and resume playback afterwards": a sequencing word at the end still sequences, and goes
    while end - 1 > c.start and tokens[end - 1].kind == PUNCT:
        end -= 1
    if end - 1 > max(c.start, c.verb_pos) and out and tokens[end - 1].low in _TRAILING_SEQUENCERS:
        end -= 1
        c.link = LINK_SEQ
    elif end - 2 > max(c.start, c.verb_pos) and out and tokens[end - 2].low == "after" \
            and tokens[end - 1].low == "that":
        end -= 2
        c.link = LINK_SEQ
    c.end = end
    if st.verb is None:
        c.confidence = 0.5
    if finish(c, tokens, text):
        out.append(c)


#: Words the walk reacts to once a clause has its verb (connectors, subordinators, parentheses).
_SIGNIFICANT = RELATIVES | SEQUENCERS | _ADDITIVE | frozenset(
    {"whether", "if", "to", "after", "before", "once", "when", "as", "and", ",", "&", "(", ")"})


_LEADING_CONDITIONS = frozenset({"if", "unless", "whenever", "when", "once"})


def _condition_then_command(tokens: list[Token], k: int, ce: int) -> bool:
    """Is ``tokens[k:]`` "if <condition>, <imperative> ..."? (a comma, then a verb, within the chunk)"""
    for m in range(k + 2, ce - 1):
        t = tokens[m]
        if t.text == ",":
            v = verb_at(tokens, m + 1, ce)
            return v is not None and not v.ambiguous or (v is not None and _used_as_verb(tokens, v, ce, True))
        if t.kind == PUNCT and t.text in "()":
            return False
        if t.low == "and" or t.low in SEQUENCERS:
            return False
    return False


def _split_chunk(tokens: list[Token], text: str, cs: int, ce: int, link: str, out: list[Clause]) -> None:
    st = _begin(tokens, cs, ce, link)
    if st is None:
        return
    j = st.clause.start
    while j < ce:
        t = tokens[j]
        low = t.low
        if low not in _SIGNIFICANT and st.verb is not None and (st.rel_form or st.sub not in ("rel", "rep-that")):
            j += 1  # an ordinary word inside a clause whose verb is known: nothing below would react to it
            continue
        if t.kind == PUNCT:
            if t.text == "(":
                st.paren += 1
            elif t.text == ")" and st.paren:
                st.paren -= 1
        if st.verb is None:
            v = verb_at(tokens, j, ce) if t.kind == WORD else None
            if v is not None and (v.pos == j or tokens[j].low in ADVERBS):
                st.set_verb(v)
                j = v.end
                continue
        elif j >= st.verb_end:
            # relative clauses and reported content
            if low in RELATIVES and t.kind == WORD and j > st.verb_end and not st.sub:
                lemma = st.verb.lemma.split(" ")[0]
                st.sub = "rep-that" if lemma in REPORTING else ("chk" if lemma in CHECKING else "rel")
            elif low in ("whether", "if") and not st.sub:
                st.sub = "rep" if st.verb.lemma.split(" ")[0] in REPORTING else "chk"
            elif low == "to" and not st.sub and st.verb.lemma.split(" ")[0] in REPORTING and j + 1 < ce \
                    and tokens[j + 1].low in VERB_TYPES:
                st.sub = "rep"
            elif st.sub in ("rel", "rep-that") and not st.rel_form and t.kind == WORD:
                if low in _MODALS:
                    st.rel_form = "modal"
                elif low in THIRD_PERSON or low in PAST or low in _FINITE or (low.endswith("ed") and len(low) > 4):
                    st.rel_form = "finite"
            # "Y after you X" / "Y before X-ing"
            if low in ("after", "before", "once", "when", "as") and st.paren == 0:
                op = _opener(tokens, j, ce)
                if op is not None:
                    kind, vpos, fix = op
                    if kind == "after":
                        st.clause.after_next = True
                    _close(st, j, tokens, text, out)
                    clause = Clause(vpos, ce, LINK_SEQ if kind == "before" else LINK_NONE)
                    if fix:
                        clause.fix_pos, clause.fix_text = vpos, _cased(fix, tokens[vpos].text)
                    st = _State(clause)
                    v = verb_at(tokens, vpos, ce) or _Verb(vpos, vpos + 1, fix or tokens[vpos].low,
                                                           VERB_TYPES.get(fix, "execute"), False)
                    st.set_verb(v)
                    j = v.end
                    continue
        # connectors
        if (t.kind == PUNCT and t.text in ",&") or low == "and" or low in SEQUENCERS or low in _ADDITIVE \
                or (low == "after" and j + 1 < ce and tokens[j + 1].low == "that") \
                or (low in ("once", "when") and j + 1 < ce and tokens[j + 1].low in _DONE):
            nxt = _connector(tokens, text, st, j, ce, out)
            if nxt is not None:
                st, j = nxt
                continue
        j += 1
    _close(st, ce, tokens, text, out)


def _connector(tokens: list[Token], text: str, st: _State, j: int, ce: int,
               out: list[Clause]) -> tuple[_State, int] | None:
    """Decide whether the connector run at ``j`` starts a new clause; if so close the current one."""
    k = j
    comma = conj = seq = strong = rev = False
    while k < ce:
        tk = tokens[k]
        low = tk.low
        if tk.text == ",":
            comma = True
        elif tk.text == "&" or low == "and":
            conj = True
        elif low == "but" and k + 1 < ce:
            nl = tokens[k + 1].low
            if nl == "first":  # "Restart the router, but first save the configuration"
                rev = True
                k += 1
            elif nl == "before" and k + 2 < ce and tokens[k + 2].low in ("that", "this", "then"):
                rev = True
                k += 2
            elif nl == "only" or nl == "not":
                k += 1
            conj = True
        elif low in SEQUENCERS:
            seq = True
            strong = strong or low in _STRONG_SEQUENCERS
        elif low in _ADDITIVE:
            pass
        elif _done_phrase(tokens, k, ce):
            seq = strong = True
            k += 1
        else:
            break
        k += 1
    if k >= ce or st.paren or (st.verb is None and not st.cond):
        return None
    if st.cond:
        if comma:  # "When I get home, turn on the lights": the condition ends, the command begins
            st.cond = False
            v = verb_at(tokens, k, ce)
            if v is not None:
                st.set_verb(v)
                return st, v.end
        return None
    op = _opener(tokens, k, ce)
    if op is not None and (comma or conj or seq or rev):
        # ", and before you leave, lock the door"
        _close(st, j, tokens, text, out)
        new = _begin(tokens, k, ce, LINK_SEQ if seq else LINK_NONE)
        return (new, new.verb_end) if new is not None else None
    if (comma or conj or seq) and tokens[k].low in _LEADING_CONDITIONS and _condition_then_command(tokens, k, ce):
        # "... and if it rains, remind me to take an umbrella": the condition opens the next command
        _close(st, j, tokens, text, out)
        new = _begin(tokens, k, ce, LINK_SEQ if seq else LINK_NONE)
        return (new, k + 1) if new is not None else None
    v = verb_at(tokens, k, ce)
    if v is None:
        nt = tokens[k]
        if nt.kind != WORD or nt.low in OBJECT_STARTERS or nt.low in PREPOSITIONS or nt.low in THIRD_PERSON \
                or nt.low in _NOT_VERBS or nt.low in _COMPLEMENTIZERS or nt.low in SEQUENCERS:
            return None
        # an unknown verb: after "then" trust the sequencer; after "and" / "," only when an object
        # follows at once ("... and arm the alarm system")
        follows = tokens[k + 1].low if k + 1 < ce else ""
        plausible = nt.text.islower() and not st.sub and not nt.low.endswith(("ing", "ed", "ly"))
        if plausible and follows in _PARTICLES and k + 2 < ce and tokens[k + 2].kind != PUNCT \
                and tokens[k + 2].low != "of" and not (nt.low.endswith("s") and not nt.low.endswith("ss")):
            # "..., cross off bread and butter": an unknown phrasal verb with its object
            v = _Verb(k, k + 2, f"{nt.low} {follows}", "", False)
        elif not strong and not ((follows in _OBJECT_DETERMINERS or follows in ("it", "them")) and plausible):
            return None
        else:
            v = _Verb(k, k + 1, nt.low, "", False)
    else:
        plain = not comma and not seq and not rev
        if plain and st.sub == "rep":
            return None
        if plain and st.sub in ("rel", "rep-that") and st.rel_form != "finite":
            return None
        main_clause_follows = comma and st.sub.startswith("opener")  # "After you X, print two copies"
        if v.ambiguous and not strong and not rev and not main_clause_follows \
                and not _used_as_verb(tokens, v, ce, comma and not conj):
            return None
    if rev:
        st.clause.after_next = True
    # "After you X, Y": Y runs after X
    follows_opener = st.sub == "opener-after" and comma
    _close(st, j, tokens, text, out)
    clause = Clause(v.pos, ce, LINK_SEQ if (seq or follows_opener) and not rev else LINK_NONE)
    new = _State(clause)
    if v.vtype:
        new.set_verb(v)
    else:
        clause.verb, clause.verb_pos, clause.verb_type = v.lemma, v.pos, None
        clause.confidence = 0.6
        new.verb = v
        new.verb_end = v.end
    if v.ambiguous and not strong:
        clause.confidence = 0.85
    return new, v.end
