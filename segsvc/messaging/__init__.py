"""NATS and JetStream behind a small interface; nats-py exceptions never leave this package.

``client`` owns the connection (reconnecting forever), ``jetstream`` the idempotent creation and use of
streams, consumers and KV buckets, ``job_backend`` the jobs store, queues and events built on them.
"""

from segsvc.messaging.client import NatsClient
from segsvc.messaging.errors import MessagingUnavailable
from segsvc.messaging.job_backend import NatsJobBackend

__all__ = ["MessagingUnavailable", "NatsClient", "NatsJobBackend"]
