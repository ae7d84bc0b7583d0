"""English clause splitting: connectors, relative clauses, reported content, lists, reversal."""

from __future__ import annotations

import pytest

from segsvc.segmentation import segment_command


def _contents(command: str) -> list[str]:
    return [s.content for s in segment_command(command, language="en").segments]


@pytest.mark.parametrize("command, expected", [
    ("Open Firefox and go to wikipedia.org", ["Open Firefox", "go to wikipedia.org"]),
    ("Open Teams, join the daily standup, and share my screen",
     ["Open Teams", "join the daily standup", "share my screen"]),
    ("First back up my photos, then format the SD card, and finally eject it",
     ["back up my photos", "format the SD card", "eject it"]),
    ("Open the app then log in", ["Open the app", "log in"]),
    ("Play some jazz and set a timer for 20 minutes", ["Play some jazz", "set a timer for 20 minutes"]),
    ("Take a photo and text it to Mom", ["Take a photo", "text it to Mom"]),
    ("Restart the router and check if the internet works", ["Restart the router", "check if the internet works"]),
    ("Tell my team that the build failed and open a ticket for it",
     ["Tell my team that the build failed", "open a ticket for it"]),
])
def test_splits(command: str, expected: list[str]) -> None:
    assert _contents(command) == expected


@pytest.mark.parametrize("command", [
    "Write a story about a knight and a dragon",
    "Look up the opening hours of the library and the museum",
    "Write a shell script that backs up the database and uploads the dump to S3",
    "Write a script that will back up the database and upload the dump to S3",
    "Tell my team that the build is green and the release is ready",
    "Remind me to buy milk and call mom",
    "Buy a phone case and screen protector",
    "Find cheap flights to Rome and hotels near the Colosseum",
    "When I get home, turn on the lights",
    "Make a playlist of rock and roll songs",
    "Calculate the monthly payment on a 200,000 lira loan",
])
def test_no_split(command: str) -> None:
    assert len(_contents(command)) == 1


def test_lists_and_sentences_are_sequential() -> None:
    segs = segment_command("1) open the browser 2) log in to the bank 3) download the statement").segments
    assert [s.content for s in segs] == ["open the browser", "log in to the bank", "download the statement"]
    assert [s.dependencies for s in segs] == [(), (0,), (1,)]
    segs = segment_command("- open the browser\n- go to github.com\n- star the repo").segments
    assert [s.dependencies for s in segs] == [(), (0,), (1,)]
    segs = segment_command("Download the logs. Then analyze them for errors.").segments
    assert [s.content for s in segs] == ["Download the logs", "analyze them for errors"]


@pytest.mark.parametrize("command, contents, deps", [
    ("Remove the temporary files after you archive the project",
     ["Remove the temporary files", "archive the project"], [(1,), ()]),
    ("Before you close the editor, save the file", ["close the editor", "save the file"], [(1,), ()]),
    ("After you translate the menu into English, print two copies",
     ["translate the menu into English", "print two copies"], [(), (0,)]),
    ("After downloading the installer, run it", ["download the installer", "run it"], [(), (0,)]),
    ("Print the invoice before sending it to the client",
     ["Print the invoice", "send it to the client"], [(), (0,)]),
    ("Restart the router, but first save the configuration",
     ["Restart the router", "save the configuration"], [(1,), ()]),
])
def test_reversed_order(command: str, contents: list[str], deps: list[tuple[int, ...]]) -> None:
    segs = segment_command(command).segments
    assert [s.content for s in segs] == contents
    assert [s.dependencies for s in segs] == deps


@pytest.mark.parametrize("command, task_types", [
    ("Every Friday at 5 pm email the timesheet to HR", ["schedule"]),
    ("Set an alarm for 6 am", ["schedule"]),
    ("Turn off the lights", ["execute"]),
    ("Tell me a joke", ["search"]),
    ("Tell Ali the news", ["communicate"]),
    ("Format the SD card", ["execute"]),
    ("Join the daily standup", ["execute"]),
    ("Let the landlord know the rent is paid", ["communicate"]),
    ("Add the first result to my cart", ["execute"]),
])
def test_task_types(command: str, task_types: list[str]) -> None:
    assert [s.task_type for s in segment_command(command).segments] == task_types


def test_unknown_verb_before_an_object_splits_with_lower_confidence() -> None:
    segs = segment_command("Lock the front door and flibber the alarm system").segments
    assert [s.content for s in segs] == ["Lock the front door", "flibber the alarm system"]
    assert segs[1].confidence < segs[0].confidence
    assert len(segment_command("Buy apples and the cheapest milk").segments) == 1


def test_trailing_sequencer_is_dropped_but_sequences() -> None:
    segs = segment_command("Pause the music and resume playback afterwards").segments
    assert [s.content for s in segs] == ["Pause the music", "resume playback"]
    assert segs[1].dependencies == (0,)
