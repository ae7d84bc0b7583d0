"""Request bodies shared by every transport.

Validation lives here once, so HTTP, gRPC and job submission reject the same inputs with the same field
names. Limits that operators can change live (command length, batch size) arrive through the validation
context rather than being frozen into the class.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from segsvc.models.alt import Mode
from segsvc.segmentation import PERSONAS

PersonaName = Literal[PERSONAS]  # type: ignore[valid-type]


class SegmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    command: str = Field(description="the instruction to segment, Turkish or English")
    language: Literal["auto", "en", "tr"] = "auto"
    mode: Mode = "Normal"
    persona: PersonaName = "default"  # type: ignore[valid-type]
    chaos_level: int | None = Field(None, ge=1, le=10, description="Chaos mode only; 5 when omitted there")
    seed: int | None = Field(None, description="makes Chaos mode reproducible; ignored in other modes")
    engine: Literal["auto", "rules", "llm"] | None = Field(None, description="defaults to engine.default")
    model: str | None = Field(None, description="LLM model; must be in engine.llm.allowed_models")
    format: Literal["alt", "runner"] = "alt"
    metadata: dict[str, Any] | None = Field(None, description="copied into the document's metadata.request")

    @field_validator("command")
    @classmethod
    def _command_limits(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            raise ValueError("command must not be empty or blank")
        limit = (info.context or {}).get("max_command_chars")
        if limit is not None and len(value) > limit:
            raise ValueError(f"command is longer than {limit} characters")
        return value

    @field_validator("chaos_level")
    @classmethod
    def _chaos_only_in_chaos_mode(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("mode", "Normal") != "Chaos":
            raise ValueError("chaos_level is only allowed in Chaos mode")
        return value


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    items: list[dict[str, Any]] = Field(description="segment requests; each is validated on its own")

    @field_validator("items")
    @classmethod
    def _batch_limits(cls, value: list[dict[str, Any]], info: ValidationInfo) -> list[dict[str, Any]]:
        if not value:
            raise ValueError("items must not be empty")
        limit = (info.context or {}).get("max_batch")
        if limit is not None and len(value) > limit:
            raise ValueError(f"at most {limit} items per batch")
        return value
