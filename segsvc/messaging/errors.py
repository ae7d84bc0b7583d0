"""The only errors that leave the NATS adapter; every nats-py exception is translated here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import nats.errors
import nats.js.errors

from segsvc.service.errors import Unavailable


class MessagingUnavailable(Unavailable):
    """NATS cannot be reached or did not answer in time; the operation may be retried."""

    code = "messaging_unavailable"
    title = "Messaging unavailable"


class KeyExists(Exception):
    """A KV create found the key already there."""


class WrongRevision(Exception):
    """A KV update expected another revision (someone else wrote first)."""


class StreamFull(MessagingUnavailable):
    code = "queue_full"
    title = "Job queue full"


# JetStream API error codes this adapter gives a meaning to.
WRONG_LAST_SEQUENCE = (10071, 10164)
MAXIMUM_MESSAGES_EXCEEDED = (10077,)


@contextmanager
def translated(operation: str) -> Iterator[None]:
    """Run a NATS operation, turning any nats-py, timeout or socket error into :class:`MessagingUnavailable`."""
    try:
        yield
    except nats.js.errors.KeyWrongLastSequenceError as exc:
        raise WrongRevision(str(exc)) from None
    except nats.js.errors.APIError as exc:
        if exc.err_code in WRONG_LAST_SEQUENCE:
            raise WrongRevision(str(exc)) from None
        if exc.err_code in MAXIMUM_MESSAGES_EXCEEDED:
            raise StreamFull(f"NATS {operation}: the queue is full; retry later") from None
        raise MessagingUnavailable(f"NATS {operation} failed: {exc.description or exc}") from None
    except (TimeoutError, nats.errors.Error, OSError) as exc:
        raise MessagingUnavailable(f"NATS {operation} failed: {type(exc).__name__} {exc}".rstrip()) from None
