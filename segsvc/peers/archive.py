"""The Archive Service's HTTP fallback (DESIGN §7): ``POST /api/v1/records``, one record per call.

The record id travels as ``Idempotency-Key`` as well as in the body, so a record sent twice (an answer lost
to a timeout, a restart between sending and forgetting it) is stored once. A 409 means the archive has it
already, which is success for us.
"""

from __future__ import annotations

from typing import Any

from segsvc.peers.client import Call, PeerClient, Response
from segsvc.peers.errors import PeerRejected

RECORDS_PATH = "/api/v1/records"


def _stored(response: Response) -> None:
    return None


class ArchiveClient:
    def __init__(self, client: PeerClient) -> None:
        self.client = client

    @property
    def configured(self) -> bool:
        return self.client.configured

    async def send(self, record: dict[str, Any], data: bytes | None = None) -> None:
        """POST one record (``data``: the record already encoded as JSON, when the caller has it)."""
        call = Call("POST", RECORDS_PATH, body=record, data=data,
                    headers={"Idempotency-Key": str(record["record_id"])}, idempotent=True)
        try:
            await self.client.request(call, _stored)
        except PeerRejected as exc:
            if exc.http_status != 409:
                raise
