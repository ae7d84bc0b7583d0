"""Commands whose only words are shared spellings or protected spans still get their language."""

import pytest

from segsvc.segmentation import detect_language


@pytest.mark.parametrize("text, lang", [
    ("wikipedia.org adresine git", "tr"),
    ("https://www.sahibinden.com/kiralik-daire adresine git", "tr"),
    ("github.com sayfasını aç", "tr"),
    ("Restart the machine", "en"),
    ("Go online", "en"),
    ("Open routine.md", "en"),
])
def test_language_with_little_evidence(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang
