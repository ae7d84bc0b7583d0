"""The job state machine, callback signatures and the in-process queue, without any I/O."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import pytest

from segsvc.jobs.callbacks import backoff, sign, verify
from segsvc.jobs.memory import MemoryJobStore, MemoryQueue
from segsvc.jobs.model import (
    STATUSES,
    TERMINAL,
    TRANSITIONS,
    InvalidTransition,
    Job,
    advance,
    new_job,
)
from segsvc.jobs.ports import QueueFull, RevisionConflict


def job() -> Job:
    return new_job("j1", {"command": "Takvimi aç"}, dispatch=False, callback_url=None, instance_id="i1")


def test_every_status_has_transitions_and_terminal_ones_none() -> None:
    assert set(TRANSITIONS) == set(STATUSES)
    assert all(not TRANSITIONS[s] for s in TERMINAL)
    assert TRANSITIONS["queued"] == {"segmenting", "cancelled", "failed"}
    assert "completed" in TRANSITIONS["segmented"]  # no dispatch: straight to completed
    for targets in TRANSITIONS.values():
        assert targets <= set(STATUSES)


def test_advance_appends_numbered_events_and_refuses_what_is_not_allowed() -> None:
    current = job()
    for target in ("segmenting", "segmented", "dispatched", "running", "completed"):
        current = advance(current, target, instance_id="i2", detail=target)  # type: ignore[arg-type]
    assert [e.sequence for e in current.events] == [1, 2, 3, 4, 5, 6]
    assert [e.previous_status for e in current.events][1:] == ["queued", "segmenting", "segmented",
                                                                "dispatched", "running"]
    assert current.terminal
    with pytest.raises(InvalidTransition):
        advance(current, "failed", instance_id="i2")
    with pytest.raises(InvalidTransition):
        advance(advance(job(), "segmenting", instance_id="i"), "cancelled", instance_id="i")


def test_signature_is_hmac_sha256_of_the_body() -> None:
    body = b'{"job_id": "j1"}'
    expected = "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert sign("k", body) == expected and verify("k", body, expected)
    assert not verify("k", body + b" ", expected)


def test_backoff_doubles_with_jitter_and_a_cap() -> None:
    for attempt in range(1, 6):
        delay = backoff(attempt, 1.0)
        assert 0.5 * 2 ** (attempt - 1) <= delay <= 2 ** (attempt - 1)
    assert backoff(40, 1.0) <= 300.0


async def test_memory_store_revisions_and_claims() -> None:
    store = MemoryJobStore(ttl=60)
    created = await store.create(job())
    assert created is not None and await store.create(job()) is None
    moved = advance(created.job, "segmenting", instance_id="i")
    await store.replace(moved, created.revision)
    with pytest.raises(RevisionConflict):
        await store.replace(moved, created.revision)
    assert await store.claim("k", "a") == "a" and await store.claim("k", "b") == "a"


async def test_memory_queue_dedups_redelivers_and_bounds() -> None:
    queue = MemoryQueue(max_queued=2, dedup_window=60)
    await queue.publish("a")
    await queue.publish("a")
    await queue.publish("b")
    with pytest.raises(QueueFull):
        await queue.publish("c")
    first = await queue.fetch(10, 0.1)
    assert [(d.item_id, d.attempt) for d in first] == [("a", 1), ("b", 1)]
    await first[0].nak(0.01)
    await first[1].ack()
    again = await queue.fetch(10, 1.0)
    assert [(d.item_id, d.attempt) for d in again] == [("a", 2)]
    assert await queue.fetch(10, 0.05) == []
    await asyncio.sleep(0)
