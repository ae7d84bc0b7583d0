"""Job callbacks: a signed POST of the finished job to the ``callback_url`` it was submitted with.

Callbacks ride their own work queue, so a callback survives the instance that finished the job and is
retried with jittered exponential back-off up to ``jobs.callbacks.max_attempts`` POSTs. The receiver
verifies ``X-Segsvc-Signature: sha256=<hex>``, the HMAC-SHA256 of the exact body bytes under
``jobs.callbacks.secret`` (see :func:`sign`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random

import aiohttp

from segsvc import __version__
from segsvc.config.store import ConfigStore
from segsvc.jobs.consumer import QueueConsumer
from segsvc.jobs.model import Job, utc_now
from segsvc.jobs.ports import Delivery, WorkQueue
from segsvc.jobs.service import JobService
from segsvc.lifecycle import Stage

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Segsvc-Signature"
MAX_BACKOFF = 300.0


def sign(secret: str, body: bytes) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of ``body`` under ``secret``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """What a receiver does (constant-time comparison); used by the tests and shown in the docs."""
    return hmac.compare_digest(sign(secret, body), header)


def backoff(attempt: int, base: float) -> float:
    """Delay before POST number ``attempt + 1``: base·2^(attempt-1), jittered to 50–100 %, capped."""
    return min(MAX_BACKOFF, base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)


class CallbackSender:
    name = "job-callbacks"
    stage: Stage = "background"
    concurrency = 8

    def __init__(self, jobs: JobService, queue: WorkQueue, config: ConfigStore) -> None:
        self.jobs = jobs
        self.config = config
        self.consumer = QueueConsumer("job-callbacks", queue, self._handle, lambda: self.concurrency)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(headers={"User-Agent": f"segsvc/{__version__}"})
        if self.config.settings.jobs.callbacks.secret is None:
            log.warning("jobs.callbacks.secret is not set: job callbacks are sent without X-Segsvc-Signature")
        self.consumer.start()

    async def drain(self) -> None:
        return None

    async def stop(self) -> None:
        await self.consumer.stop(self.config.settings.shutdown.grace_seconds)
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _handle(self, delivery: Delivery) -> None:
        try:
            done = await self.deliver(delivery.item_id, delivery.attempt)
        except Exception:
            log.exception("callback handling failed", extra={"job_id": delivery.item_id})
            done = False
        settings = self.config.settings.jobs.callbacks
        try:
            if done:
                await delivery.ack()
            else:
                await delivery.nak(backoff(delivery.attempt, settings.backoff))
        except Exception:
            log.debug("callback acknowledgement failed", exc_info=True)

    async def deliver(self, job_id: str, attempt: int) -> bool:
        """POST once; True when nothing more is to be done for this callback."""
        stored = await self.jobs.store.get(job_id)
        job = stored.job if stored else None
        if job is None or job.callback is None or job.callback.status != "pending" or not job.callback_url:
            return True
        settings = self.config.settings.jobs.callbacks
        body = json.dumps(self.jobs.present(job), ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", "X-Segsvc-Job-Id": job.job_id,
                   "X-Segsvc-Event": job.status, "X-Segsvc-Delivery": str(attempt)}
        if settings.secret is not None:
            headers[SIGNATURE_HEADER] = sign(settings.secret.get_secret_value(), body)
        error = await self._post(job.callback_url, body, headers, settings.timeout)
        last = attempt >= settings.max_attempts
        self.jobs.metrics.job_callbacks.labels("delivered" if error is None else "failed" if last else "retry").inc()
        if error is not None:
            log.warning("job callback failed", extra={"job_id": job.job_id, "attempt": attempt, "error": error,
                                                      "final": last})
        await self.jobs.change(job.job_id, lambda j: _record(j, attempt, error, last))
        return error is None or last

    async def _post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> str | None:
        assert self._session is not None, "start() first"
        try:
            async with self._session.post(url, data=body, headers=headers,
                                          timeout=aiohttp.ClientTimeout(total=timeout)) as response:
                await response.read()
                return None if 200 <= response.status < 300 else f"HTTP {response.status}"
        except (TimeoutError, aiohttp.ClientError) as exc:
            return f"{type(exc).__name__}: {exc}"


def _record(job: Job, attempt: int, error: str | None, last: bool) -> Job | None:
    state = job.callback
    if state is None or state.status != "pending":
        return None
    if error is None:
        state = state.model_copy(update={"status": "delivered", "attempts": attempt, "delivered_at": utc_now(),
                                         "last_error": None})
    else:
        state = state.model_copy(update={"status": "failed" if last else "pending", "attempts": attempt,
                                         "last_error": error})
    return job.model_copy(update={"callback": state})
