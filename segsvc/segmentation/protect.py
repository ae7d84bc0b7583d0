"""Tokenisation that protects the spans a splitter must never cut.

Quotes, URLs, e-mail addresses, paths, file names, domains and times each become one token, so the
clause splitters that run afterwards can treat ",", "and" and "ve" as boundaries without ever looking
inside ``"fish and chips"``, ``https://files.example.org/a,b.tar.gz`` or ``/srv/data``. List markers
("1)", "2.", "- ", "• ") are recognised here too, because only the token stream can tell "1." the
list marker from "1." the end of a sentence about one thing.

One precompiled regular expression defines the tokens. Unless a quote or a time written apart ("10 pm")
can make a token with blanks in it, the blank-separated chunks of a command tokenise independently, so
each distinct chunk ("Rome,", "S3'e", "notlar.md'yi") is scanned once and remembered (a bounded memo):
a warm 15-word command costs a split, a dozen dictionary look-ups and one small slotted object per token.
"""

from __future__ import annotations

import re

# Token kinds. Plain module strings: comparing them is cheap and they read well in the splitters.
WORD = "word"
QUOTE = "quote"
URL = "url"
EMAIL = "email"
PATH = "path"
FILE = "file"  # a dotted name with a file extension: notes.md, a,b.tar.gz
DOMAIN = "domain"  # a bare host name: wikipedia.org
DOTTED = "dotted"  # another dotted name: v1.2, config.foo
NUMBER = "number"
TIME = "time"  # 10 pm, 5:30
PUNCT = "punct"
NEWLINE = "newline"
MARKER = "marker"  # list marker: 1) 2. - •

#: Kinds that carry a value a parameter extractor wants verbatim.
PROTECTED_KINDS = frozenset({QUOTE, URL, EMAIL, PATH, FILE, DOMAIN, DOTTED, NUMBER, TIME})

FILE_EXTENSIONS = frozenset(
    ["md", "txt", "pdf", "doc", "docx", "odt", "rtf", "xls", "xlsx", "ods", "csv", "tsv", "json", "jsonl",
     "yaml", "yml", "toml", "ini", "cfg", "conf", "xml", "html", "htm", "css", "js", "mjs", "ts", "tsx", "jsx",
     "py", "ipynb", "rb", "go", "rs", "java", "kt", "c", "h", "cpp", "hpp", "cs", "php", "sh", "bash", "zsh",
     "ps1", "bat", "sql", "db", "sqlite", "log", "bak", "tmp", "png", "jpg", "jpeg", "gif", "bmp", "svg",
     "webp", "tif", "tiff", "heic", "ico", "mp3", "wav", "flac", "ogg", "m4a", "aac", "mp4", "mov", "avi",
     "mkv", "webm", "zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "rar", "iso", "dmg", "exe", "msi", "deb",
     "rpm", "apk", "pkg", "ppt", "pptx", "key", "pages", "numbers", "epub", "mobi", "srt", "vtt", "ics", "vcf",
     "eml", "msg", "dump", "dll", "so", "jar", "war", "env", "pem", "crt", "lock"]
)
TOP_LEVEL_DOMAINS = frozenset(
    ["com", "org", "net", "io", "dev", "edu", "gov", "mil", "int", "co", "uk", "tr", "de", "fr", "es", "it",
     "nl", "eu", "us", "ca", "au", "ru", "jp", "cn", "in", "br", "ai", "app", "info", "biz", "me", "tv",
     "cloud", "site", "online", "tech", "blog", "news", "xyz", "gg", "ly", "fm", "to"]
)
_NO_SENTENCE_END = frozenset({"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "st", "no", "vb", "örn"})

_TLD_ALTERNATION = "|".join(sorted(TOP_LEVEL_DOMAINS, key=lambda d: (-len(d), d)))
# Blanks before a token are consumed by the same match ("[ \t\r]*"): trying every alternative at every
# space costs more than the rest of the scan. A token starts where its named group starts.
_TOKEN_RE = re.compile(
    r"""
    [ \t\r]*(?:
    (?P<word>[^\W\d_][\w]*(?:['’\-][\w]+)*(?![.@:/\\\w'’\-]|,\w))   # fast path: a plain word
  | (?P<quote>"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|‘[^’\n]*’|(?<![\w'’])'[^'\n]+'(?!\w))
        (?:['’][^\W\d_]{1,8})?
  | (?P<url>(?:[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://|www\.)[^\s"“”«»<>]+)
  | (?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)
  | (?P<path>(?:(?<![\w/.])(?:~|\.{1,2})?/(?=[\w.~\-])|\b[A-Za-z]:\\|\\\\(?=\w))[^\s"“”«»<>;]*)
  | (?P<hostpath>(?<![\w@.\-])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+(?:TLDS)(?::\d{1,5})?/[^\s"“”«»<>]*)
  | (?P<time>\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.?m\b\.?)|\d{1,2}:\d{2}(?::\d{2})?)(?:['’][^\W\d_]{1,8})?
  | (?P<dotted>\w[\w+\-]*(?:[.,]\w[\w+\-]*)*\.[^\W\d_][\w\-]*)(?:['’][^\W\d_]{1,8})?
  | (?P<number>\d+(?:[.,]\d+)*(?:['’][^\W\d_]{1,8})?)
  | (?P<word2>[^\W\d_][\w]*(?:['’\-][\w]+)*|(?<![\w#@])[#@][^\W\d_][\w]*(?:-[\w]+)*(?:['’][^\W\d_]{1,8})?)   # also #channel, @name'ye
  | (?P<newline>\n)
  | (?P<punct>[,;:.!?()\[\]{}&•*/–—\-])
    )""".replace("TLDS", _TLD_ALTERNATION),
    re.VERBOSE,
)
_TRAILING_PUNCT = ".,;:!?)]}'\"’”»"
_APOSTROPHE_SUFFIX_RE = re.compile(r"['’]([^\W\d_]{1,8})$")


class Token:
    """One unit of the command: its surface text, span, kind and lower-case form.

    ``core`` is the text without a Turkish case suffix after an apostrophe ("S3'e" -> "S3",
    "notlar.md'yi" -> "notlar.md") and without surrounding quotes; parameters take ``core``.
    """

    __slots__ = ("core", "end", "kind", "low", "start", "text", "trcore", "trlow")

    def __init__(self, text: str, start: int, end: int, kind: str, core: str) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.kind = kind
        self.core = core
        #: lower case; ``trlow`` with Turkish dotless ı for "I" (the Turkish grammar's); ``trcore`` likewise
        self.low, self.trlow, self.trcore = _forms(text, core)

    def __repr__(self) -> str:  # debugging aid only
        return f"Token({self.text!r}, {self.kind})"


def _strip_suffix(text: str) -> str:
    m = _APOSTROPHE_SUFFIX_RE.search(text)
    return text[: m.start()] if m else text


def _classify_dotted(core: str) -> str:
    last = core.rsplit(".", 1)[-1].lower()
    if last in FILE_EXTENSIONS:
        return FILE
    if last in TOP_LEVEL_DOMAINS and "," not in core:
        return DOMAIN
    return DOTTED


def _forms(text: str, core: str) -> tuple[str, str, str]:
    """(low, trlow, trcore) of a token: lower case, Turkish lower case, Turkish lower-case core."""
    low = text.replace("İ", "i").lower() if "İ" in text else text.lower()
    trlow = low if "I" not in text else text.replace("I", "ı").replace("İ", "i").lower()
    return low, trlow, (trlow if core is text else core.replace("I", "ı").replace("İ", "i").lower())


#: raw word -> (core, low, trlow, trcore): words recur in every command, their derived forms are built once.
_WORD_FORMS: dict[str, tuple[str, str, str, str]] = {}
_WORD_FORMS_LIMIT = 20_000
_new = object.__new__


def _word_forms(raw: str) -> tuple[str, str, str, str]:
    core = _strip_suffix(raw) if ("'" in raw or "’" in raw) else raw
    forms = (core, *_forms(raw, core))
    if len(_WORD_FORMS) >= _WORD_FORMS_LIMIT:
        _WORD_FORMS.clear()
    _WORD_FORMS[raw] = forms
    return forms


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, keeping protected spans whole and marking list markers."""
    if "\t" in text or "\r" in text or _spans_blanks(text):
        tokens, maybe_marker = _scan(text)
    else:
        tokens, maybe_marker = _scan_chunks(text)
    if maybe_marker:  # a list needs a number or a bullet: most commands have neither
        _mark_list_markers(tokens, text)
    return tokens


def _spans_blanks(text: str) -> bool:
    """Can one token of ``text`` have blanks in it? Quotes can ("fish and chips", 'rock and roll'), and so
    can a time written apart ("10 pm"). Without them, every blank-separated chunk tokenises on its own.

    Plain substring tests first: a regular expression over the whole text costs more than the scan.
    """
    if '"' in text or "“" in text or "”" in text or "„" in text or "«" in text or "»" in text or "‘" in text:
        return True
    for mark in ("'", "’"):
        i = text.find(mark)
        while i >= 0:  # an apostrophe that can open a quote: not after a letter, digit or apostrophe
            if i == 0:
                return True
            before = text[i - 1]
            if not (before.isalnum() or before in "_'’"):
                return True
            i = text.find(mark, i + 1)
    return ("am" in text or "pm" in text or "a.m" in text or "p.m" in text) and _TIME_APART(text) is not None


_TIME_APART = re.compile(r"\d\s[ap]\.?m").search
#: chunk -> (its tokens as (start, end, kind, text, core, low, trlow, trcore) relative to the chunk,
#: whether it may hold a list marker). Commands reuse words and chunks ("Rome,", "S3'e"), so the regular
#: expression runs once per distinct chunk.
_CHUNKS: dict[str, tuple[tuple[tuple, ...], bool]] = {}
_CHUNKS_LIMIT = 20_000


def _scan_chunks(text: str) -> tuple[list[Token], bool]:
    tokens: list[Token] = []
    append = tokens.append
    chunks_get = _CHUNKS.get
    new = _new
    maybe_marker = False
    pos = 0
    for chunk in text.split(" "):
        if chunk:
            entry = chunks_get(chunk) or _chunk_entry(chunk)
            for start, end, kind, raw, core, low, trlow, trcore in entry[0]:
                tok = new(Token)
                tok.text = raw
                tok.start = pos + start
                tok.end = pos + end
                tok.kind = kind
                tok.core = core
                tok.low = low
                tok.trlow = trlow
                tok.trcore = trcore
                append(tok)
            if entry[1]:
                maybe_marker = True
        pos += len(chunk) + 1
    return tokens, maybe_marker


_CLOSING = frozenset(",.;:!?")


def _chunk_entry(chunk: str) -> tuple[tuple[tuple, ...], bool]:
    if chunk.isalpha():  # a plain word (what the expression's first alternative would match)
        entry: tuple[tuple[tuple, ...], bool] = (((0, len(chunk), WORD, chunk, *_word_forms(chunk)),), False)
    elif chunk[-1] in _CLOSING and len(chunk) > 1 and chunk[:-1].isalpha():  # "Rome," "it."
        n = len(chunk) - 1
        mark = chunk[-1]
        entry = (((0, n, WORD, chunk[:n], *_word_forms(chunk[:n])), (n, n + 1, PUNCT, mark, mark, mark, mark, mark)),
                 False)
    else:
        scanned, maybe_marker = _scan_raw(chunk)
        entry = (tuple(scanned), maybe_marker)
    if len(_CHUNKS) >= _CHUNKS_LIMIT:
        _CHUNKS.clear()
    _CHUNKS[chunk] = entry
    return entry


def _scan(text: str) -> tuple[list[Token], bool]:
    """Tokens of ``text`` by the regular expression, and whether a list marker may be among them."""
    raw_tokens, maybe_marker = _scan_raw(text)
    tokens: list[Token] = []
    append = tokens.append
    new = _new
    for start, end, kind, raw, core, low, trlow, trcore in raw_tokens:
        tok = new(Token)
        tok.text = raw
        tok.start = start
        tok.end = end
        tok.kind = kind
        tok.core = core
        tok.low = low
        tok.trlow = trlow
        tok.trcore = trcore
        append(tok)
    return tokens, maybe_marker


def _scan_raw(text: str) -> tuple[list[tuple], bool]:
    """(start, end, kind, text, core, low, trlow, trcore) of every token of ``text``, by the regular
    expression, and whether a list marker may be among them."""
    out: list[tuple] = []
    append = out.append
    forms_of = _WORD_FORMS.get
    maybe_marker = False
    pos: int | None = 0
    while pos is not None:
        restart, pos = pos, None
        for m in _TOKEN_RE.finditer(text, restart):
            kind = m.lastgroup or "punct"
            start = m.start(kind)
            end = m.end()
            raw = text[start:end]
            if kind == "word" or kind == "word2":
                append((start, end, WORD, raw, *(forms_of(raw) or _word_forms(raw))))
            elif kind == "punct" or kind == "newline":
                # no letters: every form is the text itself
                append((start, end, PUNCT if kind == "punct" else NEWLINE, raw, raw, raw, raw, raw))
                if raw in _BULLETS:
                    maybe_marker = True
            elif kind == "url" or kind == "path" or kind == "hostpath":  # github.com/acme/widgets is a URL
                stripped = raw.rstrip(_TRAILING_PUNCT)
                # keep a closing parenthesis that belongs to the URL: .../Foo_(bar)
                if stripped.count("(") > stripped.count(")") and raw[len(stripped):].startswith(")"):
                    stripped += ")"
                end = start + len(stripped)
                core = _strip_suffix(stripped)
                append((start, end, PATH if kind == "path" else URL, stripped, core, *_forms(stripped, core)))
                if end < m.end():
                    pos = end  # rescan the stripped punctuation: it may end a sentence or a clause
                    break
            elif kind == "quote":
                core = _strip_suffix(raw) if raw[-1] not in "\"”“»’'" else raw
                core = core[1:-1].strip()
                append((start, end, QUOTE, raw, core, *_forms(raw, core)))
            elif kind == "dotted":
                core = _strip_suffix(raw)
                append((start, end, _classify_dotted(core), raw, core, *_forms(raw, core)))
            else:  # number, time, email
                core = _strip_suffix(raw) if kind != "email" else raw
                append((start, end, kind, raw, core, *_forms(raw, core)))
                if kind == NUMBER:
                    maybe_marker = True
    return out, maybe_marker


_BULLETS = frozenset({"-", "•", "*", "–", "—"})


def _mark_list_markers(tokens: list[Token], text: str) -> None:
    """Merge "1" + ")" (or "1" + ".", "(1)", "1-") into one MARKER token when they number a list.

    A run counts as a list only when its numbers go 1, 2, 3, ... in order, so "set it to 5. Then"
    stays a sentence. Bullets count at the start of the text or of a line.
    """
    n = len(tokens)
    candidates: list[tuple[int, int, int]] = []  # (first token index, last token index, number)
    i = 0
    while i < n:
        t = tokens[i]
        if t.kind == NUMBER and t.text.isdigit() and len(t.text) <= 2 and i + 1 < n:
            nxt = tokens[i + 1]
            at_line_start = t.start == 0 or text[t.start - 1] in " \t\n"
            opened = i > 0 and tokens[i - 1].text == "(" and tokens[i - 1].end == t.start
            if (
                (at_line_start or opened)
                and nxt.kind == PUNCT
                and nxt.text in ").-:"
                and nxt.start == t.end
                and (nxt.end == len(text) or text[nxt.end] in " \t\n")
                and (nxt.text != "-" or at_line_start)
            ):
                first = i - 1 if opened else i
                candidates.append((first, i + 1, int(t.text)))
                i += 2
                continue
        i += 1
    spans: dict[int, int] = {}
    expected = 1
    run: list[tuple[int, int]] = []
    for first, last, number in candidates:
        if number == expected:
            run.append((first, last))
            expected += 1
        elif number == 1:
            if len(run) >= 2:
                for a, b in run:
                    spans[a] = b
            run = [(first, last)]
            expected = 2
    if len(run) >= 2 or (len(run) == 1 and tokens[run[0][0]].start == 0 and len(tokens) > run[0][1] + 1):
        for a, b in run:  # a list, or a lone "1." / "1)" opening the command
            spans[a] = b
    # bullets at the start of the text or of a line
    for i, t in enumerate(tokens):
        if t.kind == PUNCT and t.text in _BULLETS and (i == 0 or tokens[i - 1].kind == NEWLINE) \
                and i + 1 < n and tokens[i + 1].start > t.end:
            spans[i] = i
    if not spans:
        return
    out: list[Token] = []
    i = 0
    while i < n:
        stop = spans.get(i)
        if stop is None:
            out.append(tokens[i])
            i += 1
            continue
        first_tok, last_tok = tokens[i], tokens[stop]
        marker = text[first_tok.start : last_tok.end]
        out.append(Token(marker, first_tok.start, last_tok.end, MARKER, marker))
        i = stop + 1
    tokens[:] = out


def is_sentence_end(tokens: list[Token], i: int, text: str) -> bool:
    """True when the "." / "!" / "?" at ``i`` ends a sentence that more text follows."""
    t = tokens[i]
    if t.text not in ".!?" or i + 1 >= len(tokens):
        return False
    if t.end < len(text) and text[t.end] not in " \t\n":
        return False
    return not (t.text == "." and i > 0 and tokens[i - 1].low in _NO_SENTENCE_END)
