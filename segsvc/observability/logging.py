"""JSON log lines carrying the request id and trace id of the work that wrote them.

The ids travel in context variables set by the transports, so code deep inside the service logs with
them without passing them around. Command text is logged only at DEBUG (it can carry private data), and
this module never formats tokens or secrets.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
import time
from typing import Any

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
trace_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace_id", default=None)

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName",
                                                                      "request_id", "trace_id"}
_base_factory = logging.getLogRecordFactory()


def _record_with_ids(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Stamp each record with the ids current where it was created (it may be formatted later, elsewhere)."""
    record = _base_factory(*args, **kwargs)
    record.request_id = request_id_var.get()
    record.trace_id = trace_id_var.get()
    return record


def install_context_ids() -> None:
    logging.setLogRecordFactory(_record_with_ids)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids, and any ``extra`` fields."""

    def __init__(self, service: str, instance_id: str) -> None:
        super().__init__()
        self.static = {"service": service, "instance_id": instance_id}

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **self.static,
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        tid = getattr(record, "trace_id", None) or trace_id_var.get()
        if rid:
            entry["request_id"] = rid
        if tid:
            entry["trace_id"] = tid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str, *, service: str, instance_id: str, stream: Any = None) -> None:
    """Route every logger through one JSON handler on stderr; safe to call again on a level change."""
    install_context_ids()
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "_segsvc", False)), None)
    if handler is None:
        handler = logging.StreamHandler(stream or sys.stderr)
        handler._segsvc = True  # type: ignore[attr-defined]
        for old in list(root.handlers):
            if type(old) is logging.StreamHandler:  # basicConfig's plain handler would duplicate our lines
                root.removeHandler(old)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter(service, instance_id))
    set_level(level)


def set_level(level: str) -> None:
    logging.getLogger().setLevel(level)
    # aiohttp's own access logger would duplicate ours.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
