"""Tokenisation that protects the spans a splitter must never cut.

Quotes, URLs, e-mail addresses, paths, file names, domains and times each become one token, so the
clause splitters that run afterwards can treat ",", "and" and "ve" as boundaries without ever looking
inside ``"fish and chips"``, ``https://files.example.org/a,b.tar.gz`` or ``/srv/data``. List markers
("1)", "2.", "- ", "• ") are recognised here too, because only the token stream can tell "1." the
list marker from "1." the end of a sentence about one thing.

The whole command is scanned by one precompiled regular expression; a token is a small slotted
object, so a 15-word command costs a couple of dozen allocations.
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

_TOKEN_RE = re.compile(
    r"""
    (?P<word>[^\W\d_][\w]*(?:['’\-][\w]+)*(?![.@:/\\\w'’\-]|,\w))   # fast path: a plain word
  | (?P<quote>"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|‘[^’\n]*’|(?<![\w'’])'[^'\n]+'(?!\w))
        (?:['’][^\W\d_]{1,8})?
  | (?P<url>(?:[a-zA-Z][a-zA-Z0-9+.\-]{1,15}://|www\.)[^\s"“”«»<>]+)
  | (?P<email>[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+)
  | (?P<path>(?:(?<![\w/.])(?:~|\.{1,2})?/(?=[\w.~\-])|\b[A-Za-z]:\\|\\\\(?=\w))[^\s"“”«»<>;]*)
  | (?P<time>\d{1,2}(?:[:.]\d{2})?\s?(?:[ap]\.?m\b\.?)|\d{1,2}:\d{2}(?::\d{2})?)(?:['’][^\W\d_]{1,8})?
  | (?P<dotted>\w[\w+\-]*(?:[.,]\w[\w+\-]*)*\.[^\W\d_][\w\-]*)(?:['’][^\W\d_]{1,8})?
  | (?P<number>\d+(?:[.,]\d+)*(?:['’][^\W\d_]{1,8})?)
  | (?P<word2>[^\W\d_][\w]*(?:['’\-][\w]+)*)
  | (?P<newline>\n)
  | (?P<punct>[,;:.!?()\[\]{}&•*/–—\-])
    """,
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
        low = text.replace("İ", "i").lower() if "İ" in text else text.lower()
        self.low = low
        #: lower case with Turkish dotless ı for "I" (used by the Turkish grammar)
        self.trlow = trlow = low if "I" not in text else text.replace("I", "ı").replace("İ", "i").lower()
        self.core = core
        #: ``core`` in Turkish lower case
        self.trcore = trlow if core is text else core.replace("I", "ı").replace("İ", "i").lower()

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


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, keeping protected spans whole and marking list markers."""
    tokens: list[Token] = []
    append = tokens.append
    pos: int | None = 0
    while pos is not None:
        restart, pos = pos, None
        for m in _TOKEN_RE.finditer(text, restart):
            kind = m.lastgroup or "punct"
            start, end = m.span()
            raw = m.group()
            if kind == "word" or kind == "word2":
                append(Token(raw, start, end, WORD, _strip_suffix(raw) if ("'" in raw or "’" in raw) else raw))
            elif kind == "punct" or kind == "newline":
                append(Token(raw, start, end, PUNCT if kind == "punct" else NEWLINE, raw))
            elif kind == "url" or kind == "path":
                stripped = raw.rstrip(_TRAILING_PUNCT)
                # keep a closing parenthesis that belongs to the URL: .../Foo_(bar)
                if stripped.count("(") > stripped.count(")") and raw[len(stripped):].startswith(")"):
                    stripped += ")"
                end = start + len(stripped)
                append(Token(stripped, start, end, URL if kind == "url" else PATH, _strip_suffix(stripped)))
                if end < m.end():
                    pos = end  # rescan the stripped punctuation: it may end a sentence or a clause
                    break
            elif kind == "quote":
                core = _strip_suffix(raw) if raw[-1] not in "\"”“»’'" else raw
                append(Token(raw, start, end, QUOTE, core[1:-1].strip()))
            elif kind == "dotted":
                core = _strip_suffix(raw)
                append(Token(raw, start, end, _classify_dotted(core), core))
            else:  # number, time, email
                append(Token(raw, start, end, kind, _strip_suffix(raw) if kind != "email" else raw))
    _mark_list_markers(tokens, text)
    return tokens


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
