from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SegmentRequest(_message.Message):
    __slots__ = ("command", "language", "mode", "persona", "chaos_level", "seed", "engine", "model", "format", "metadata")
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    CHAOS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    command: str
    language: str
    mode: str
    persona: str
    chaos_level: int
    seed: int
    engine: str
    model: str
    format: str
    metadata: _struct_pb2.Struct
    def __init__(self, command: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., persona: _Optional[str] = ..., chaos_level: _Optional[int] = ..., seed: _Optional[int] = ..., engine: _Optional[str] = ..., model: _Optional[str] = ..., format: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class SegmentBatchRequest(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[SegmentRequest]
    def __init__(self, items: _Optional[_Iterable[_Union[SegmentRequest, _Mapping]]] = ...) -> None: ...

class SegmentBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SegmentResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SegmentResult, _Mapping]]] = ...) -> None: ...

class SegmentResult(_message.Message):
    __slots__ = ("index", "document", "problem")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    index: int
    document: AltDocument
    problem: Problem
    def __init__(self, index: _Optional[int] = ..., document: _Optional[_Union[AltDocument, _Mapping]] = ..., problem: _Optional[_Union[Problem, _Mapping]] = ...) -> None: ...

class AltDocument(_message.Message):
    __slots__ = ("id", "version", "timestamp", "command", "language", "mode", "persona", "chaos_level", "segments", "metadata", "runner")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TIMESTAMP_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    CHAOS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    RUNNER_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    timestamp: str
    command: str
    language: str
    mode: str
    persona: str
    chaos_level: int
    segments: _containers.RepeatedCompositeFieldContainer[Segment]
    metadata: _struct_pb2.Struct
    runner: RunnerDocument
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., timestamp: _Optional[str] = ..., command: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., persona: _Optional[str] = ..., chaos_level: _Optional[int] = ..., segments: _Optional[_Iterable[_Union[Segment, _Mapping]]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., runner: _Optional[_Union[RunnerDocument, _Mapping]] = ...) -> None: ...

class Segment(_message.Message):
    __slots__ = ("id", "task_type", "content", "parameters", "dependencies", "priority", "execution_order", "metadata")
    ID_FIELD_NUMBER: _ClassVar[int]
    TASK_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCIES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    EXECUTION_ORDER_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    id: str
    task_type: str
    content: str
    parameters: _containers.RepeatedCompositeFieldContainer[Parameter]
    dependencies: _containers.RepeatedScalarFieldContainer[str]
    priority: int
    execution_order: int
    metadata: _struct_pb2.Struct
    def __init__(self, id: _Optional[str] = ..., task_type: _Optional[str] = ..., content: _Optional[str] = ..., parameters: _Optional[_Iterable[_Union[Parameter, _Mapping]]] = ..., dependencies: _Optional[_Iterable[str]] = ..., priority: _Optional[int] = ..., execution_order: _Optional[int] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class Parameter(_message.Message):
    __slots__ = ("name", "value", "type", "required", "description")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    name: str
    value: _struct_pb2.Value
    type: str
    required: bool
    description: str
    def __init__(self, name: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., type: _Optional[str] = ..., required: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class RunnerDocument(_message.Message):
    __slots__ = ("id", "version", "created_at", "title", "description", "mode", "persona", "tasks", "metadata", "priority", "tags")
    ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    TASKS_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    version: str
    created_at: str
    title: str
    description: str
    mode: str
    persona: str
    tasks: _containers.RepeatedCompositeFieldContainer[RunnerTask]
    metadata: _struct_pb2.Struct
    priority: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., version: _Optional[str] = ..., created_at: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., mode: _Optional[str] = ..., persona: _Optional[str] = ..., tasks: _Optional[_Iterable[_Union[RunnerTask, _Mapping]]] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., priority: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class RunnerTask(_message.Message):
    __slots__ = ("id", "description", "dependencies", "parameters", "timeout_seconds", "retry_count", "status", "priority", "tags")
    ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEPENDENCIES_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    RETRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    id: str
    description: str
    dependencies: _containers.RepeatedScalarFieldContainer[str]
    parameters: _struct_pb2.Struct
    timeout_seconds: int
    retry_count: int
    status: str
    priority: int
    tags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., description: _Optional[str] = ..., dependencies: _Optional[_Iterable[str]] = ..., parameters: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., timeout_seconds: _Optional[int] = ..., retry_count: _Optional[int] = ..., status: _Optional[str] = ..., priority: _Optional[int] = ..., tags: _Optional[_Iterable[str]] = ...) -> None: ...

class Problem(_message.Message):
    __slots__ = ("type", "title", "status", "detail", "code", "instance", "request_id", "errors")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    request_id: str
    errors: _containers.RepeatedCompositeFieldContainer[FieldError]
    def __init__(self, type: _Optional[str] = ..., title: _Optional[str] = ..., status: _Optional[int] = ..., detail: _Optional[str] = ..., code: _Optional[str] = ..., instance: _Optional[str] = ..., request_id: _Optional[str] = ..., errors: _Optional[_Iterable[_Union[FieldError, _Mapping]]] = ...) -> None: ...

class FieldError(_message.Message):
    __slots__ = ("field", "message")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    field: str
    message: str
    def __init__(self, field: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class SubmitJobRequest(_message.Message):
    __slots__ = ("command", "language", "mode", "persona", "chaos_level", "seed", "engine", "model", "format", "metadata", "dispatch", "callback_url", "idempotency_key")
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    PERSONA_FIELD_NUMBER: _ClassVar[int]
    CHAOS_LEVEL_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    DISPATCH_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    command: str
    language: str
    mode: str
    persona: str
    chaos_level: int
    seed: int
    engine: str
    model: str
    format: str
    metadata: _struct_pb2.Struct
    dispatch: bool
    callback_url: str
    idempotency_key: str
    def __init__(self, command: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., persona: _Optional[str] = ..., chaos_level: _Optional[int] = ..., seed: _Optional[int] = ..., engine: _Optional[str] = ..., model: _Optional[str] = ..., format: _Optional[str] = ..., metadata: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., dispatch: _Optional[bool] = ..., callback_url: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("job_id", "after_sequence")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    after_sequence: int
    def __init__(self, job_id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("job_id", "status", "created_at", "updated_at", "request", "dispatch", "callback_url", "attempts", "result", "error", "events", "links", "callback")
    class LinksEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    DISPATCH_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_URL_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    LINKS_FIELD_NUMBER: _ClassVar[int]
    CALLBACK_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    status: str
    created_at: str
    updated_at: str
    request: SegmentRequest
    dispatch: bool
    callback_url: str
    attempts: int
    result: AltDocument
    error: Problem
    events: _containers.RepeatedCompositeFieldContainer[JobEvent]
    links: _containers.ScalarMap[str, str]
    callback: CallbackState
    def __init__(self, job_id: _Optional[str] = ..., status: _Optional[str] = ..., created_at: _Optional[str] = ..., updated_at: _Optional[str] = ..., request: _Optional[_Union[SegmentRequest, _Mapping]] = ..., dispatch: _Optional[bool] = ..., callback_url: _Optional[str] = ..., attempts: _Optional[int] = ..., result: _Optional[_Union[AltDocument, _Mapping]] = ..., error: _Optional[_Union[Problem, _Mapping]] = ..., events: _Optional[_Iterable[_Union[JobEvent, _Mapping]]] = ..., links: _Optional[_Mapping[str, str]] = ..., callback: _Optional[_Union[CallbackState, _Mapping]] = ...) -> None: ...

class JobEvent(_message.Message):
    __slots__ = ("job_id", "sequence", "status", "previous_status", "at", "detail", "instance_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STATUS_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    sequence: int
    status: str
    previous_status: str
    at: str
    detail: str
    instance_id: str
    def __init__(self, job_id: _Optional[str] = ..., sequence: _Optional[int] = ..., status: _Optional[str] = ..., previous_status: _Optional[str] = ..., at: _Optional[str] = ..., detail: _Optional[str] = ..., instance_id: _Optional[str] = ...) -> None: ...

class CallbackState(_message.Message):
    __slots__ = ("status", "attempts", "last_error", "delivered_at")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_AT_FIELD_NUMBER: _ClassVar[int]
    status: str
    attempts: int
    last_error: str
    delivered_at: str
    def __init__(self, status: _Optional[str] = ..., attempts: _Optional[int] = ..., last_error: _Optional[str] = ..., delivered_at: _Optional[str] = ...) -> None: ...
