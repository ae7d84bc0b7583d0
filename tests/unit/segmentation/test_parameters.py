"""Parameters read off each segment."""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command


def _params(command: str, index: int = 0) -> dict[str, object]:
    return {p.name: p.value for p in segment_command(command).segments[index].parameters}


def _required(command: str, index: int = 0) -> list[str]:
    return [p.name for p in segment_command(command).segments[index].parameters if p.required]


@pytest.mark.parametrize("command, index, name, value", [
    ("Go to wikipedia.org", 0, "url", "wikipedia.org"),
    ("Download https://files.example.org/a,b.tar.gz and unpack it into /srv/data", 1, "path", "/srv/data"),
    ("Convert notes.md to HTML and publish it", 0, "file", "notes.md"),
    ("Convert notes.md to HTML and publish it", 0, "format", "HTML"),
    ("Translate the summary into Turkish", 0, "language", "Turkish"),
    ("Search for \"fish and chips\" near me", 0, "query", "fish and chips"),
    ("Search for \"fish and chips\" near me", 0, "location", "me"),
    ("Send it to Mehmet", 0, "recipient", "Mehmet"),
    ("Email the report to ops@example.com", 0, "email", "ops@example.com"),
    ("Write a story about a knight and a dragon", 0, "topic", "a knight and a dragon"),
    ("Every Friday at 5 pm email the timesheet to HR", 0, "schedule", "Every Friday at 5 pm"),
    ("Remind me to charge the phone at 10 pm", 0, "time", "at 10 pm"),
    ("notlar.md dosyasını HTML'e dönüştür", 0, "file", "notlar.md"),
    ("notlar.md dosyasını HTML'e dönüştür", 0, "format", "HTML"),
    ("Özeti İngilizceye çevir", 0, "language", "İngilizce"),
    ("Zaman çizelgesini İK'ya e-postayla gönder", 0, "recipient", "İK"),
    ("\"Balık ve patates\" restoranlarını ara", 0, "query", "Balık ve patates"),
    ("Firefox'u aç", 0, "target", "Firefox'u"),
])
def test_parameter(command: str, index: int, name: str, value: object) -> None:
    assert _params(command, index).get(name) == value


def test_several_files_give_a_list() -> None:
    params = _params("Rename report_final.docx to report_v2.docx")
    assert params["file"] == "report_final.docx"
    assert params["files"] == ["report_final.docx", "report_v2.docx"]


@pytest.mark.parametrize("command, required", [
    ("Search for cheap laptops", ["query"]),
    ("Go to wikipedia.org", ["url"]),
    ("Send it to Mehmet", ["recipient"]),
    ("Every Friday at 5 pm email the timesheet to HR", ["schedule"]),
])
def test_required_parameter(command: str, required: list[str]) -> None:
    assert _required(command) == required
