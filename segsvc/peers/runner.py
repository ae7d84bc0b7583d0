"""The Runner Service's task API (DESIGN §7): ``POST /api/v1/process`` with the runner rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from segsvc.peers.client import Call, PeerClient, Response

PROCESS_PATH = "/api/v1/process"


@dataclass(frozen=True)
class Accepted:
    """The Runner's acknowledgement: ``{request_id, alt_file_id, status}``."""

    request_id: str | None
    alt_file_id: str | None
    status: str | None


def accepted(response: Response) -> Accepted:
    body = response.json() if response.body.strip() else {}
    if not isinstance(body, dict):
        raise ValueError("the answer is not a JSON object")

    def text(name: str) -> str | None:
        value = body.get(name)
        return None if value is None else str(value)

    return Accepted(text("request_id"), text("alt_file_id"), text("status"))


class RunnerClient:
    def __init__(self, client: PeerClient) -> None:
        self.client = client

    @property
    def configured(self) -> bool:
        return self.client.configured

    async def process(self, document: dict[str, Any]) -> Accepted:
        """Hand over one runner document. Not idempotent on the wire: only a refused connection is repeated."""
        headers = {"Idempotency-Key": str(document.get("id", ""))}
        return await self.client.request(Call("POST", PROCESS_PATH, body=document, headers=headers), accepted)
