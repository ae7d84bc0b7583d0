"""Archive records: one per segmentation, delivered to the Archive Service through JetStream or HTTP.

``records`` builds them, ``delivery`` sends one, ``outbox`` keeps them on disk while the archive is away,
``sender`` is the background component tying these together, ``summary`` the periodic metric summaries.
Only the record types are exported here: the service layer imports them, and it must not pull in NATS
(import ``segsvc.archive.sender`` / ``.delivery`` directly where they are wired).
"""

from segsvc.archive.records import Outcome, build_record, jwe_encryptor, seal

__all__ = ["Outcome", "build_record", "jwe_encryptor", "seal"]
