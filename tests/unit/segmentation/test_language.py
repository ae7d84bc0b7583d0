"""Language detection on short commands, and forcing the language."""

from __future__ import annotations

import pytest

from segsvc.segmentation import detect_language, segment_command


@pytest.mark.parametrize("text", [
    "Takvimi aç", "Kapat", "Dosyayı sil", "Mail gönder", "Hemen ara", "Alarm kur", "Spotify'ı aç",
    "Belgeyi indirdikten sonra yazdır", "Google'da \"best pizza\" ara", "notlar.md dosyasını sil",
    "Yazdır", "Sunumu başlat", "Film izle", "Mail kontrol et", "Zoom'u kapat", "Takvimi Aç",
])
def test_turkish(text: str) -> None:
    lang, confidence = detect_language(text)
    assert lang == "tr"
    assert 0.5 <= confidence <= 1.0


@pytest.mark.parametrize("text", [
    "Open the mail app", "Set an alarm", "Print it", "Play music", "Lock the door", "Text Ali",
    "Search for \"kahve ve çay\" near me", "Download notes.md", "Git pull the repo",
    "Call Ayşe", "Email Gülşen Öztürk the slides", "Find cafes in Kadıköy",  # Turkish names, English command
])
def test_english(text: str) -> None:
    assert detect_language(text)[0] == "en"


def test_quoted_text_does_not_decide() -> None:
    assert detect_language('Search for "çay ve simit"')[0] == "en"
    assert detect_language("'Stranger Things' dizisini oynat")[0] == "tr"


def test_forced_language_overrides_detection() -> None:
    forced = segment_command("Open the mail app", language="tr")
    assert forced.language == "tr"
    assert forced.language_confidence == 1.0
    auto = segment_command("Open the mail app")
    assert auto.language == "en"


def test_no_evidence_defaults_to_english_with_low_confidence() -> None:
    assert detect_language("12345") == ("en", 0.5)
