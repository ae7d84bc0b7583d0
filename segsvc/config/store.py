"""The one place that holds the live configuration of a running instance.

Readers take ``store.settings`` each time they need a value, so a change (from Consul KV) applies to the
next request atomically: a snapshot is replaced as a whole, never edited in place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from segsvc.config.loader import ConfigSnapshot
from segsvc.config.settings import Settings

log = logging.getLogger(__name__)
Listener = Callable[[ConfigSnapshot, ConfigSnapshot], None]


class ConfigStore:
    def __init__(self, snapshot: ConfigSnapshot) -> None:
        self._snapshot = snapshot
        self._listeners: list[Listener] = []
        self.rejections: list[dict[str, object]] = []

    @property
    def snapshot(self) -> ConfigSnapshot:
        return self._snapshot

    @property
    def settings(self) -> Settings:
        return self._snapshot.settings

    def subscribe(self, listener: Listener) -> None:
        """``listener(old, new)`` runs after every accepted change."""
        self._listeners.append(listener)

    def replace(self, snapshot: ConfigSnapshot) -> None:
        old, self._snapshot = self._snapshot, snapshot
        for listener in self._listeners:
            try:
                listener(old, snapshot)
            except Exception:  # a broken listener must not undo an accepted configuration
                log.exception("configuration listener failed")
