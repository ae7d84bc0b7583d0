"""Protected spans: quotes, URLs, e-mail addresses, paths and file names are single tokens."""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command
from segsvc.segmentation.protect import (
    DOMAIN,
    EMAIL,
    FILE,
    MARKER,
    PATH,
    QUOTE,
    TIME,
    URL,
    tokenize,
)


@pytest.mark.parametrize("text, kind, core", [
    ('"fish and chips"', QUOTE, "fish and chips"),
    ("“a, b and c”", QUOTE, "a, b and c"),
    ("«x ve y»", QUOTE, "x ve y"),
    ("'rock and roll'", QUOTE, "rock and roll"),
    ("https://files.example.org/a,b.tar.gz", URL, "https://files.example.org/a,b.tar.gz"),
    ("www.example.com/x?y=1,2", URL, "www.example.com/x?y=1,2"),
    ("ops@example.com", EMAIL, "ops@example.com"),
    ("/srv/data", PATH, "/srv/data"),
    ("~/notes", PATH, "~/notes"),
    ("C:\\Users\\Emre", PATH, "C:\\Users\\Emre"),
    ("a,b.tar.gz", FILE, "a,b.tar.gz"),
    ("notlar.md'yi", FILE, "notlar.md"),
    ("wikipedia.org", DOMAIN, "wikipedia.org"),
    ("10 pm", TIME, "10 pm"),
])
def test_protected_token(text: str, kind: str, core: str) -> None:
    tokens = tokenize(f"Use {text} now")
    assert [(t.kind, t.core) for t in tokens if t.kind == kind] == [(kind, core)]


def test_trailing_punctuation_leaves_the_url() -> None:
    tokens = tokenize("Open https://example.com/a. Then close it")
    assert tokens[1].text == "https://example.com/a"
    assert tokens[2].text == "."


def test_numbered_markers_need_a_sequence() -> None:
    listed = tokenize("1) open it 2) close it")
    assert [t.kind for t in listed].count(MARKER) == 2
    prose = tokenize("Set the volume to 5. Then open it")
    assert MARKER not in [t.kind for t in prose]


@pytest.mark.parametrize("command, contents", [
    ('Search for "fish, chips and peas", then call the closest one',
     ['Search for "fish, chips and peas"', "call the closest one"]),
    ("Download https://x.example.com/a,b;c.zip and unpack it",
     ["Download https://x.example.com/a,b;c.zip", "unpack it"]),
    ("Move a,b.csv and c.csv to /srv/in,out", ["Move a,b.csv and c.csv to /srv/in,out"]),
    ("Email ali@example.com and ayse@example.com the slides", ["Email ali@example.com and ayse@example.com the slides"]),
])
def test_no_split_inside_protected_spans(command: str, contents: list[str]) -> None:
    assert [s.content for s in segment_command(command).segments] == contents


@pytest.mark.parametrize("text", [
    "Search for cheap flights to Rome, then compare the top three and book the best one",
    "Download https://files.example.org/a,b.tar.gz and unpack it into /srv/data.",
    "Veritabanını yedekleyip dökümü S3'e yükleyen bir kabuk betiği yaz",
    "notlar.md'yi aç, github.com/acme/x adresine git; #devops kanalına @ali ile yaz",
    "1) open it 2) close it",
    "Call Ayşe at 5:30 and e.g. ask Dr. Yılmaz about v1.2",
    "İSTANBUL'A GİT VE IŞIKLARI AÇ",
])
def test_chunked_tokenising_matches_the_whole_text_scan(text: str) -> None:
    """Chunks without quotes or "10 pm" tokenise on their own; the result is the same as one scan."""
    from segsvc.segmentation import protect

    chunked = tokenize(text)
    whole, maybe_marker = protect._scan(text)
    if maybe_marker:
        protect._mark_list_markers(whole, text)
    fields = ("text", "start", "end", "kind", "core", "low", "trlow", "trcore")
    assert [[getattr(t, f) for f in fields] for t in chunked] == [[getattr(t, f) for f in fields] for t in whole]
