"""Commands outside the example files, one per grammar rule, in both languages.

They guard the general mechanisms (lexicon, morphology guesses, connectors, references) rather than
any listed sentence: each line uses words that appear in no example.
"""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command

CASES = [
    # (command, expected contents, expected dependencies or None when not judged)
    ("Pause the music, answer the call, and resume playback afterwards",
     ["Pause the music", "answer the call", "resume playback"], [(), (), (1,)]),
    ("Copy /var/log/syslog to ~/backup/logs and compress the folder",
     ["Copy /var/log/syslog to ~/backup/logs", "compress the folder"], [(), (0,)]),
    ("Open the settings, enable dark mode and restart the app",
     ["Open the settings", "enable dark mode", "restart the app"], [(), (), ()]),
    ("Sort the spreadsheet by date, then remove the duplicates, and finally export it as CSV",
     ["Sort the spreadsheet by date", "remove the duplicates", "export it as CSV"], [(), (0,), (1,)]),
    ("Notify the team on Slack after you merge the pull request",
     ["Notify the team on Slack", "merge the pull request"], [(1,), ()]),
    ("Find a recipe for lasagna, list the ingredients, and order them online",
     ["Find a recipe for lasagna", "list the ingredients", "order them online"], None),
    ("Ask Elif whether she can cover my shift and swap it with Ali", None, None),
    ("Write a haiku about autumn leaves and rain", ["Write a haiku about autumn leaves and rain"], None),
    ("Ayarları aç, karanlık modu etkinleştir ve uygulamayı yeniden başlat",
     ["Ayarları aç", "karanlık modu etkinleştir", "uygulamayı yeniden başlat"], [(), (), ()]),
    ("Halıyı süpür ve bulaşıkları yıka", ["Halıyı süpür", "bulaşıkları yıka"], [(), ()]),
    ("Kurulum dosyasını indirip çalıştır", ["Kurulum dosyasını indir", "çalıştır"], [(), (0,)]),
    ("Depoyu klonlayıp testleri koştur", ["Depoyu klonla", "testleri koştur"], [(), (0,)]),
    ("Faturayı müşteriye göndermeden önce yazdır", ["Faturayı müşteriye gönder", "yazdır"], [(1,), ()]),
    ("Raporu bitirince Ali'ye gönder", ["Raporu bitir", "Ali'ye gönder"], [(), (0,)]),
    ("Tabloyu tarihe göre sırala, ardından tekrarları kaldır ve son olarak CSV olarak dışa aktar",
     ["Tabloyu tarihe göre sırala", "tekrarları kaldır", "CSV olarak dışa aktar"], [(), (0,), (1,)]),
    ("Lizbon'da ücretsiz otoparkı olan ve evcil hayvan kabul eden bir otel bul",
     ["Lizbon'da ücretsiz otoparkı olan ve evcil hayvan kabul eden bir otel bul"], None),
    ("Elif'e pazar günü vardiyamı devralıp devralamayacağını sor",
     ["Elif'e pazar günü vardiyamı devralıp devralamayacağını sor"], None),
    ("Bir lazanya tarifi bul, malzemeleri listele ve onları internetten sipariş et",
     ["Bir lazanya tarifi bul", "malzemeleri listele", "onları internetten sipariş et"], [(), (), (1,)]),
]


@pytest.mark.parametrize("command, contents, deps", CASES)
def test_generalization(command: str, contents: list[str] | None, deps: list[tuple[int, ...]] | None) -> None:
    segs = segment_command(command).segments
    if contents is None:  # reported content: one segment whatever it says
        assert len(segs) == 1
        return
    assert [s.content for s in segs] == contents
    if deps is not None:
        assert [s.dependencies for s in segs] == deps
