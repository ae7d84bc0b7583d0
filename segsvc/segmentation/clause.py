"""The splitters' common output: one clause per action, before types and parameters.

A clause is a token range plus what the grammar learned while finding it: its main verb, how it is
linked to the previous clause ("and", a sequencing word, a list step), and whether it must run
after the *following* clause ("Y after you X", "X before you Y", "X-madan önce Y").
"""

from __future__ import annotations

from .protect import PUNCT, Token

# How a clause attaches to the one before it.
LINK_NONE = "none"  # the first clause, or an independent one ("and", ",", "hem ... hem de")
LINK_SEQ = "seq"  # then / after that / sonra / -ip / numbered step / semicolon


class Clause:
    """One action: ``tokens[start:end]`` of the command, with the facts the later stages need."""

    __slots__ = (
        "after_next",
        "confidence",
        "content",
        "end",
        "fix_pos",
        "fix_text",
        "link",
        "start",
        "verb",
        "verb_pos",
        "verb_type",
    )

    def __init__(self, start: int, end: int, link: str) -> None:
        self.start = start
        self.end = end
        self.content = ""
        self.verb = ""  # lemma of the main verb ("back up", "kontrol et"), "" when none was found
        self.verb_pos = -1  # token index of the main verb
        self.verb_type: str | None = None  # the verb's task type, before object cues
        self.link = link
        self.after_next = False  # must run after the following clause
        self.confidence = 0.95
        self.fix_pos = -1  # token whose surface is replaced in the content (converb -> stem)
        self.fix_text = ""

    def __repr__(self) -> str:  # debugging aid only
        return f"Clause({self.content!r}, verb={self.verb!r}, link={self.link}, after_next={self.after_next})"


def finish(clause: Clause, tokens: list[Token], text: str) -> bool:
    """Trim punctuation at both ends, compute ``content``; False when nothing is left."""
    s, e = clause.start, clause.end
    while s < e and tokens[s].kind == PUNCT and tokens[s].text not in "(\"":
        s += 1
    while e > s and tokens[e - 1].kind == PUNCT and tokens[e - 1].text not in ")":
        e -= 1
    if s >= e:
        return False
    clause.start, clause.end = s, e
    if s <= clause.fix_pos < e:
        f = tokens[clause.fix_pos]
        clause.content = (text[tokens[s].start : f.start] + clause.fix_text + text[f.end : tokens[e - 1].end]).strip()
    else:
        clause.content = text[tokens[s].start : tokens[e - 1].end].strip()
    return bool(clause.content)


def hard_chunks(tokens: list[Token], text: str, is_sentence_end) -> list[tuple[int, int]]:
    """Split the token list at list markers, newlines, semicolons and sentence ends.

    These boundaries always separate steps, whatever the language. An introduction ending in ":" right
    before a numbered list ("Do the following: 1) ...") is dropped: it names no action of its own.
    """
    chunks: list[tuple[int, int]] = []
    start = 0
    n = len(tokens)
    for i in range(n):
        t = tokens[i]
        kind = t.kind
        if kind == "marker" or kind == "newline" or (
            kind == PUNCT and (t.text == ";" or is_sentence_end(tokens, i, text))
        ):
            if i > start:
                chunks.append((start, i))
            start = i + 1
            if kind == "marker" and chunks and tokens[chunks[-1][1] - 1].text == ":":
                chunks.pop()
    if start < n:
        chunks.append((start, n))
    return chunks
