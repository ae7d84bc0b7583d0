"""Dependencies from sequencing, back-references and reversal; execution order is topological."""

from __future__ import annotations

import pytest

from segsvc.segmentation import MODES, segment_command
from segsvc.segmentation.dependencies import execution_order

COMMANDS = [
    "Search for cheap laptops, then compare the top two",
    "Remove the temporary files after you archive the project",
    "Before you close the editor, save the file",
    "Open the file; edit the header; then save it",
    "Record a voice memo and send it to Mehmet",
    "Editörü kapatmadan önce dosyayı kaydet",
    "Sunucuyu yeniden başlat ama önce yamaları yükle",
    "Find three cheap hotels in Rome, compare their reviews, book the best one, and add the booking to my calendar",
    "Röportajı kaydet, yazıya dök, dökümü özetle, özeti İspanyolcaya çevir ve hepsini Dropbox'a yükle",
]


@pytest.mark.parametrize("command, deps", [
    ("Search for cheap laptops, then compare the top two", [(), (0,)]),
    ("Check my battery level and remind me to charge the phone at 10 pm", [(), ()]),
    ("Summarize the meeting transcript and translate the summary into Turkish", [(), (0,)]),
    ("Search for \"fish and chips\" near me and call the closest one", [(), (0,)]),
    ("Open Slack and message Deniz about the invoice", [(), ()]),
    ("Convert notes.md to HTML and publish to the wiki", [(), (0,)]),  # object left out
    ("Compare the iPhone 15 and the Pixel 8 and recommend one", [(), (0,)]),
    ("Check whether the site is up and notify #ops if it is not", [(), (0,)]),
])
def test_dependencies(command: str, deps: list[tuple[int, ...]]) -> None:
    assert [s.dependencies for s in segment_command(command).segments] == deps


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("command", COMMANDS)
def test_execution_order_is_topological(command: str, mode: str) -> None:
    segs = segment_command(command, mode=mode, seed=7 if mode == "Chaos" else None).segments
    orders = [s.execution_order for s in segs]
    assert sorted(orders) == list(range(1, len(segs) + 1))
    for i, s in enumerate(segs):
        for d in s.dependencies:
            assert 0 <= d < len(segs) and d != i
            assert segs[d].execution_order < s.execution_order


def test_reversed_clauses_keep_text_order_but_run_by_meaning() -> None:
    segs = segment_command("Remove the temporary files after you archive the project").segments
    assert [s.content for s in segs] == ["Remove the temporary files", "archive the project"]
    assert [s.execution_order for s in segs] == [2, 1]


def test_ties_keep_text_order() -> None:
    assert execution_order([(), (), ()]) == [1, 2, 3]
    assert execution_order([(2,), (), ()]) == [3, 1, 2]
    assert execution_order([(), (), ()], rank=[2.0, 0.5, 1.0]) == [3, 1, 2]
