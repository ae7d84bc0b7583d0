"""The on-disk outbox: records the archive could not take yet, one JSON file each, delivered in order.

Files are named ``<sequence>-<record id>.json``; the sequence (16 digits) keeps the order of writing across
restarts, the record id makes every name unique even when two instances share the directory. A file is
written beside its final name and renamed into place, so a crash never leaves half a record where the
drainer looks (leftover ``.tmp`` files are removed on open). A file is deleted only after the archive
acknowledged the record; a crash in between means it is sent again, and the archive drops the repeat
(JetStream message id, HTTP ``Idempotency-Key``).

The outbox holds at most ``archive.outbox_max_records`` records; beyond that new records are dropped,
counted and logged, which is the only way a record is ever lost. Records the archive refuses outright (a
4xx) move to ``rejected/`` so that one bad record cannot block everything behind it.
"""

from __future__ import annotations

import json
import logging
import os
from collections import deque
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
SUFFIX = ".json"


class Outbox:
    def __init__(self, directory: str | Path, max_records: int) -> None:
        self.directory = Path(directory)
        self.rejected_dir = self.directory / "rejected"
        self.max_records = max_records
        self._names: deque[str] = deque()
        self._sequence = 0
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._names)

    def open(self) -> None:
        """Create the directory and pick up what a previous run left, oldest first."""
        self.directory.mkdir(parents=True, exist_ok=True)
        names = []
        for path in self.directory.iterdir():
            if path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)
            elif path.is_file() and path.name.endswith(SUFFIX):
                names.append(path.name)
        names.sort()
        self._names = deque(names)
        self._sequence = max((_sequence_of(n) for n in names), default=0)
        if names:
            log.info("archive outbox holds records from before; delivering them first",
                     extra={"records": len(names), "directory": str(self.directory)})

    def append(self, record: dict[str, Any]) -> bool:
        """Store ``record`` behind the others; False (dropped, counted, logged) when the outbox is full."""
        if len(self._names) >= self.max_records:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.error("archive outbox full: records are being dropped",
                          extra={"dropped": self.dropped, "max_records": self.max_records,
                                 "record_id": record.get("record_id")})
            return False
        self._sequence += 1
        name = f"{self._sequence:016d}-{record['record_id']}{SUFFIX}"
        final = self.directory / name
        temporary = self.directory / f".{name}.tmp"
        try:
            temporary.write_bytes(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode())
            os.replace(temporary, final)
        except OSError as exc:  # a full or read-only disk: the record is lost, and says so
            self.dropped += 1
            log.error("archive outbox cannot be written: record dropped",
                      extra={"record_id": record.get("record_id"), "error": str(exc), "dropped": self.dropped})
            return False
        self._names.append(name)
        return True

    def oldest(self) -> tuple[str, dict[str, Any]] | None:
        """The oldest record and its name; a file that cannot be read moves to ``rejected/``."""
        while self._names:
            name = self._names[0]
            try:
                record = json.loads((self.directory / name).read_bytes())
                if isinstance(record, dict) and record.get("record_id"):
                    return name, record
                raise ValueError("not an archive record")
            except FileNotFoundError:  # another instance sharing the directory delivered it
                self._names.popleft()
            except ValueError as exc:
                log.error("unreadable archive outbox file moved aside", extra={"file": name, "error": str(exc)})
                self.reject(name)
        return None

    def set_aside(self, record: dict[str, Any]) -> None:
        """Keep a record the archive refused in ``rejected/`` without queueing it (it would be refused again)."""
        self.rejected_dir.mkdir(parents=True, exist_ok=True)
        name = f"{self._sequence:016d}-{record['record_id']}{SUFFIX}"
        try:
            (self.rejected_dir / name).write_bytes(json.dumps(record, ensure_ascii=False).encode())
        except OSError as exc:
            self.dropped += 1
            log.error("refused archive record could not be kept", extra={"record_id": record.get("record_id"),
                                                                         "error": str(exc)})

    def remove(self, name: str) -> None:
        (self.directory / name).unlink(missing_ok=True)
        self._discard(name)

    def reject(self, name: str) -> None:
        """Move a record the archive will never take out of the way (kept for an operator, not dropped)."""
        self.rejected_dir.mkdir(exist_ok=True)
        try:
            os.replace(self.directory / name, self.rejected_dir / name)
        except FileNotFoundError:
            pass
        self._discard(name)

    def _discard(self, name: str) -> None:
        if self._names and self._names[0] == name:
            self._names.popleft()
        else:
            try:
                self._names.remove(name)
            except ValueError:
                pass


def _sequence_of(name: str) -> int:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() else 0
