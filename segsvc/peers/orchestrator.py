"""The AI Orchestrator's OpenAI-compatible API (DESIGN §7), over the shared outbound client.

Only the wire format lives here: ``POST /v1/chat/completions`` answering ``choices[0].message.content``,
and ``GET /v1/models`` answering ``{"data": [{"id": ...}]}``. What the content means (the segmentation
JSON) is the LLM engine's business (:mod:`segsvc.engines.llm`), which validates it inside the breaker
through the ``parse`` hook so that a garbage answer counts as a failure of the peer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from segsvc.peers.client import Call, PeerClient, Response

T = TypeVar("T")
CHAT_PATH = "/v1/chat/completions"
MODELS_PATH = "/v1/models"


def message_content(response: Response) -> str:
    """``choices[0].message.content`` of a chat completion; raises ValueError/KeyError/TypeError otherwise."""
    body = response.json()
    content = body["choices"][0]["message"]["content"]
    if not isinstance(content, str) or not content.strip():
        raise ValueError("choices[0].message.content is not a non-empty string")
    return content


def model_ids(response: Response) -> list[str]:
    """The ids of ``GET /v1/models`` (``{"object": "list", "data": [{"id": ...}, ...]}``)."""
    body = response.json()
    data = body["data"] if isinstance(body, dict) else body
    if not isinstance(data, list):
        raise ValueError("data is not a list")
    ids = [item["id"] if isinstance(item, dict) else item for item in data]
    if not all(isinstance(i, str) for i in ids):
        raise ValueError("a model id is not a string")
    return ids


class OrchestratorClient:
    def __init__(self, client: PeerClient) -> None:
        self.client = client

    @property
    def configured(self) -> bool:
        return self.client.configured

    def check(self) -> None:
        """Fail fast (BreakerOpen) before a prompt is built for a call that would be refused."""
        self.client.check()

    async def chat(self, *, model: str, messages: list[dict[str, str]], temperature: float, max_tokens: int,
                   parse: Callable[[str], T]) -> T:
        """One JSON-mode chat completion; ``parse`` validates the message content (inside the breaker)."""
        body: dict[str, Any] = {"model": model, "messages": messages, "temperature": temperature,
                                "max_tokens": max_tokens, "response_format": {"type": "json_object"}}
        # Side-effect free, so a connection lost after sending may be repeated.
        call = Call("POST", CHAT_PATH, body=body, idempotent=True)
        return await self.client.request(call, lambda response: parse(message_content(response)))

    async def models(self) -> list[str]:
        return await self.client.request(Call("GET", MODELS_PATH, idempotent=True), model_ids)
