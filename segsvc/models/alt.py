"""ALT document v1.0 (DESIGN §2) as pydantic models.

The models are the published schema (OpenAPI, tests, clients). The hot path builds plain dicts of the same
shape in :mod:`segsvc.models.document` for speed; tests validate those dicts against these models.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

TaskType = Literal["search", "create", "analyze", "open", "transform", "execute", "summarize", "schedule",
                   "communicate", "file"]
Language = Literal["en", "tr"]
Mode = Literal["Normal", "Dream", "Explore", "Chaos"]
ParameterType = Literal["string", "number", "boolean", "array", "object"]


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    value: Any
    type: ParameterType
    required: bool
    description: str


class SegmentMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    confidence: float = Field(ge=0.0, le=1.0)


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="unique in the document, e.g. s1")
    task_type: TaskType
    content: str
    parameters: list[Parameter]
    dependencies: list[str] = Field(description="ids of segments that must finish first")
    priority: int = Field(ge=1, le=10)
    execution_order: int = Field(ge=1, description="1-based position in a topological order of dependencies")
    metadata: SegmentMetadata


class DocumentMetadata(BaseModel):
    model_config = ConfigDict(extra="allow")

    engine: str = Field(description="'rules' or 'llm:<model>'")
    processing_time_ms: float = Field(ge=0)
    service_version: str
    instance_id: str


class AltDocument(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="uuid4")
    version: Literal["1.0"]
    timestamp: str = Field(description="RFC 3339, UTC")
    command: str
    language: Language
    mode: Mode
    persona: str
    chaos_level: int | None = Field(ge=1, le=10, description="1..10 in Chaos mode, otherwise null")
    segments: list[Segment]
    metadata: DocumentMetadata


class RunnerTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    description: str
    dependencies: list[str]
    parameters: dict[str, Any]
    timeout_seconds: int
    retry_count: int
    status: Literal["pending"]
    priority: int
    tags: list[str]


class RunnerDocument(BaseModel):
    """The Runner Service's task format: the same document, rendered for execution."""

    model_config = ConfigDict(extra="forbid")

    id: str
    version: str
    created_at: str
    title: str
    description: str
    mode: Literal["normal", "dream", "explore", "chaos"]
    persona: str
    tasks: list[RunnerTask]
    metadata: dict[str, Any]
    priority: int
    tags: list[str]
