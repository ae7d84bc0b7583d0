"""JetStream streams, durable pull consumers and KV buckets, created idempotently, and their use.

Every instance runs the same set-up on each (re)connection; creating what exists with the same
configuration is a no-op in JetStream, and a changed configuration (say a new ``jobs.ack_wait``) updates
the stream or consumer in place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import nats.js.errors
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    KeyValueConfig,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)

from segsvc.messaging.client import NatsClient
from segsvc.messaging.errors import (
    KeyExists,
    MessagingUnavailable,
    WrongRevision,
    translated,
)

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class StreamSpec:
    name: str
    subjects: tuple[str, ...]
    work_queue: bool
    max_age: float
    replicas: int = 1
    max_msgs: int = -1
    duplicate_window: float = 120.0

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name, subjects=list(self.subjects), storage=StorageType.FILE, num_replicas=self.replicas,
            retention=RetentionPolicy.WORK_QUEUE if self.work_queue else RetentionPolicy.LIMITS,
            max_msgs=self.max_msgs, discard=DiscardPolicy.NEW if self.work_queue else DiscardPolicy.OLD,
            max_age=self.max_age, duplicate_window=self.duplicate_window)


@dataclass(frozen=True)
class ConsumerSpec:
    stream: str
    durable: str
    filter_subject: str
    ack_wait: float
    max_deliver: int
    max_ack_pending: int = 10000

    def config(self) -> ConsumerConfig:
        return ConsumerConfig(durable_name=self.durable, filter_subject=self.filter_subject,
                              ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
                              ack_wait=self.ack_wait, max_deliver=self.max_deliver,
                              max_ack_pending=self.max_ack_pending)


async def ensure_stream(js: JetStreamContext, spec: StreamSpec) -> None:
    config = spec.config()
    with translated(f"create stream {spec.name}"):
        try:
            await js.add_stream(config)
        except nats.js.errors.BadRequestError:  # exists with another configuration
            await js.update_stream(config)
            log.info("stream configuration updated", extra={"stream": spec.name})


async def ensure_consumer(js: JetStreamContext, spec: ConsumerSpec) -> None:
    with translated(f"create consumer {spec.durable}"):
        await js.add_consumer(spec.stream, spec.config())


async def ensure_bucket(js: JetStreamContext, bucket: str, ttl: float, replicas: int) -> None:
    with translated(f"create KV bucket {bucket}"):
        try:
            await js.create_key_value(KeyValueConfig(bucket=bucket, history=1, ttl=ttl, replicas=replicas))
        except nats.js.errors.BadRequestError:  # exists with another configuration: keep it as it is
            log.warning("KV bucket exists with another configuration; using it as it is", extra={"bucket": bucket})


async def publish(client: NatsClient, subject: str, data: bytes, *, msg_id: str) -> None:
    """Publish to a stream and wait for its acknowledgement; JetStream drops a repeated ``msg_id``."""
    with translated(f"publish to {subject}"):
        await client.jetstream.publish(subject, data, headers={"Nats-Msg-Id": msg_id})


class JsDelivery:
    """One JetStream message handed to a worker (implements ``segsvc.jobs.ports.Delivery``)."""

    __slots__ = ("_msg", "attempt", "item_id")

    def __init__(self, msg: Msg) -> None:
        self._msg = msg
        self.item_id = msg.data.decode()
        self.attempt = int(msg.metadata.num_delivered)

    async def ack(self) -> None:
        with translated("ack"):
            await self._msg.ack()

    async def nak(self, delay: float) -> None:
        with translated("nak"):
            await self._msg.nak(delay=delay)

    async def in_progress(self) -> None:
        with translated("in-progress ack"):
            await self._msg.in_progress()


class PullQueue:
    """A work queue on one subject of a work-queue stream, read through a durable consumer shared by all."""

    def __init__(self, client: NatsClient, subject: str, consumer: ConsumerSpec) -> None:
        self.client = client
        self.subject = subject
        self.consumer = consumer
        self._sub: Any = None

    async def publish(self, item_id: str, *, dedup_id: str | None = None) -> None:
        await publish(self.client, self.subject, item_id.encode(), msg_id=dedup_id or item_id)

    async def fetch(self, max_items: int, timeout: float) -> list[JsDelivery]:
        js = self.client.jetstream
        with translated(f"fetch from {self.consumer.durable}"):
            if self._sub is None:
                self._sub = await js.pull_subscribe_bind(self.consumer.durable, self.consumer.stream)
            try:
                messages = await self._sub.fetch(max_items, timeout=timeout)
            except TimeoutError:  # nothing to do (nats-py raises its own or asyncio's)
                return []
        return [JsDelivery(m) for m in messages]


class KvBucket:
    """A KV bucket holding JSON values; revisions give optimistic concurrency."""

    def __init__(self, client: NatsClient, bucket: str) -> None:
        self.client = client
        self.bucket = bucket
        self._kv: Any = None

    async def _handle(self) -> Any:
        js = self.client.jetstream
        if self._kv is None:
            with translated(f"open KV bucket {self.bucket}"):
                self._kv = await js.key_value(self.bucket)
        return self._kv

    async def get(self, key: str) -> tuple[bytes, int] | None:
        kv = await self._handle()
        with translated("KV get"):
            try:
                entry = await kv.get(key)
            except nats.js.errors.KeyNotFoundError:
                return None
        return (entry.value or b""), int(entry.revision or 0)

    async def create(self, key: str, value: bytes) -> int:
        """Raises :class:`KeyExists` when the key holds a value."""
        kv = await self._handle()
        try:
            with translated("KV create"):
                return int(await kv.create(key, value))
        except WrongRevision:
            raise KeyExists(key) from None

    async def update(self, key: str, value: bytes, revision: int) -> int:
        """Raises :class:`~segsvc.messaging.errors.WrongRevision` when the stored revision differs."""
        kv = await self._handle()
        with translated("KV update"):
            return int(await kv.update(key, value, last=revision))

    async def watch(self, key: str, stop: asyncio.Event, *, resync: float = 2.0) -> AsyncIterator[tuple[bytes, int]]:
        """Each new value of ``key`` (the current one first) until ``stop``; survives NATS outages.

        A JetStream watcher pushes changes; after ``resync`` seconds of silence, or after any error, the key
        is read directly, so a change missed while NATS was away still arrives (values only move forward).
        """
        seen = 0
        failures = 0
        while not stop.is_set():
            watcher = None
            try:
                kv = await self._handle()
                with translated("KV watch"):
                    watcher = await kv.watch(key)
                failures = 0
                while not stop.is_set():
                    try:
                        with translated("KV watch"):
                            entry = await _until(watcher.updates(timeout=resync), stop)
                    except MessagingUnavailable:
                        entry = None
                    current = (entry.value, int(entry.revision)) if entry is not None and entry.value else \
                        await self.get(key)
                    if current is not None and current[1] > seen:
                        seen = current[1]
                        yield current
            except MessagingUnavailable:
                failures += 1
                await _until(asyncio.sleep(min(2.0, 0.1 * 2 ** failures)), stop)
            finally:
                if watcher is not None:
                    try:
                        with translated("KV watch stop"):
                            await watcher.stop()
                    except MessagingUnavailable:
                        pass


async def _until(step: Awaitable[T], stop: asyncio.Event) -> T | None:
    """``await step``, unless ``stop`` is set first (then the step is cancelled and None returned)."""
    task = asyncio.ensure_future(step)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        done, _ = await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        raise
    finally:
        stopper.cancel()
    if task in done:
        return task.result()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    return None
