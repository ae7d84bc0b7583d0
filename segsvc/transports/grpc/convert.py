"""The one translation between protobuf messages and the service layer's dicts, both ways.

Requests become exactly the JSON bodies the HTTP API receives (only fields the client set, so defaults
and validation are the service layer's), and documents are built straight from the dicts the service
returns. Open JSON values use ``google.protobuf.Value``/``Struct``; whole numbers come back as ints.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from google.protobuf import struct_pb2

from segsvc.jobs.model import Job, JobEvent
from segsvc.jobs.service import JobService, links
from segsvc.v1 import segmentation_pb2 as pb

OPTIONAL_REQUEST_FIELDS = ("language", "mode", "persona", "chaos_level", "seed", "engine", "model", "format")
MAX_SAFE_INT = 2 ** 53


# -- JSON values ------------------------------------------------------------------------------------------

def from_value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() and abs(number) < MAX_SAFE_INT else number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return from_struct(value.struct_value)
    if kind == "list_value":
        return [from_value(item) for item in value.list_value.values]
    return None


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    return {key: from_value(value) for key, value in struct.fields.items()}


def set_value(target: struct_pb2.Value, value: Any) -> None:
    if value is None:
        target.null_value = struct_pb2.NULL_VALUE
    elif isinstance(value, bool):
        target.bool_value = value
    elif isinstance(value, (int, float)):
        target.number_value = value
    elif isinstance(value, str):
        target.string_value = value
    elif isinstance(value, Mapping):
        target.struct_value.update(value)
    elif isinstance(value, (list, tuple)):
        target.list_value.extend(value)
    else:
        target.string_value = str(value)


# -- requests -------------------------------------------------------------------------------------------

def request_body(message: pb.SegmentRequest | pb.SubmitJobRequest) -> dict[str, Any]:
    """The JSON body this message stands for (fields the client did not set are left out)."""
    body: dict[str, Any] = {"command": message.command}
    for name in OPTIONAL_REQUEST_FIELDS:
        if message.HasField(name):
            body[name] = getattr(message, name)
    if message.HasField("metadata"):
        body["metadata"] = from_struct(message.metadata)
    return body


def submit_body(message: pb.SubmitJobRequest) -> dict[str, Any]:
    body = request_body(message)
    if message.HasField("dispatch"):
        body["dispatch"] = message.dispatch
    if message.HasField("callback_url"):
        body["callback_url"] = message.callback_url
    return body


def request_message(body: Mapping[str, Any]) -> pb.SegmentRequest:
    message = pb.SegmentRequest(command=body.get("command", ""))
    for name in OPTIONAL_REQUEST_FIELDS:
        if body.get(name) is not None:
            setattr(message, name, body[name])
    if body.get("metadata") is not None:
        message.metadata.update(body["metadata"])
    return message


# -- documents ------------------------------------------------------------------------------------------

def _parameter(param: Mapping[str, Any]) -> pb.Parameter:
    message = pb.Parameter(name=param["name"], type=param["type"], required=param["required"],
                           description=param["description"])
    set_value(message.value, param["value"])
    return message


def _segment(seg: Mapping[str, Any]) -> pb.Segment:
    message = pb.Segment(id=seg["id"], task_type=seg["task_type"], content=seg["content"],
                         parameters=[_parameter(p) for p in seg["parameters"]], dependencies=seg["dependencies"],
                         priority=seg["priority"], execution_order=seg["execution_order"])
    message.metadata.update(seg["metadata"])
    return message


def runner_message(doc: Mapping[str, Any]) -> pb.RunnerDocument:
    tasks = []
    for task in doc["tasks"]:
        item = pb.RunnerTask(id=task["id"], description=task["description"], dependencies=task["dependencies"],
                             timeout_seconds=task["timeout_seconds"], retry_count=task["retry_count"],
                             status=task["status"], priority=task["priority"], tags=task["tags"])
        item.parameters.update(task["parameters"])
        tasks.append(item)
    message = pb.RunnerDocument(id=doc["id"], version=doc["version"], created_at=doc["created_at"],
                                title=doc["title"], description=doc["description"], mode=doc["mode"],
                                persona=doc["persona"], tasks=tasks, priority=doc["priority"], tags=doc["tags"])
    message.metadata.update(doc["metadata"])
    return message


def document_message(doc: Mapping[str, Any], runner: Mapping[str, Any] | None = None) -> pb.AltDocument:
    """The ALT document as a message; ``runner`` (its runner rendering) is attached when given."""
    message = pb.AltDocument(id=doc["id"], version=doc["version"], timestamp=doc["timestamp"], command=doc["command"],
                             language=doc["language"], mode=doc["mode"], persona=doc["persona"],
                             segments=[_segment(s) for s in doc["segments"]])
    if doc["chaos_level"] is not None:
        message.chaos_level = doc["chaos_level"]
    message.metadata.update(doc["metadata"])
    if runner is not None:
        message.runner.CopyFrom(runner_message(runner))
    return message


def problem_message(problem: Mapping[str, Any]) -> pb.Problem:
    return pb.Problem(type=problem["type"], title=problem["title"], status=problem["status"],
                      detail=problem["detail"], code=problem["code"], instance=problem.get("instance") or "",
                      request_id=problem.get("request_id") or "",
                      errors=[pb.FieldError(field=e["field"], message=e["message"]) for e in problem.get("errors", [])])


# -- jobs -----------------------------------------------------------------------------------------------

def event_message(event: JobEvent) -> pb.JobEvent:
    return pb.JobEvent(job_id=event.job_id, sequence=event.sequence, status=event.status,
                       previous_status=event.previous_status or "", at=event.at, detail=event.detail,
                       instance_id=event.instance_id)


def job_message(job: Job, jobs: JobService) -> pb.Job:
    message = pb.Job(job_id=job.job_id, status=job.status, created_at=job.created_at, updated_at=job.updated_at,
                     request=request_message(job.request), dispatch=job.dispatch,
                     callback_url=job.callback_url or "", attempts=job.attempts,
                     events=[event_message(e) for e in job.events], links=links(job.job_id))
    if job.document is not None:
        rendered = jobs.document(job)
        message.result.CopyFrom(document_message(job.document, rendered if rendered is not job.document else None))
    if job.error is not None:
        message.error.CopyFrom(problem_message(job.error))
    if job.callback is not None:
        message.callback.CopyFrom(pb.CallbackState(
            status=job.callback.status, attempts=job.callback.attempts, last_error=job.callback.last_error or "",
            delivered_at=job.callback.delivered_at or ""))
    return message
