"""The OpenAPI 3.1 document of the HTTP API, built from the same pydantic models that validate requests.

Built once per app from the live limits at start-up; JSON Schema 2020-12 (what pydantic emits) is the
schema dialect of OpenAPI 3.1, so component schemas need no translation.
"""

from __future__ import annotations

import json
from typing import Any

from segsvc import segmentation
from segsvc.config.settings import Settings
from segsvc.jobs.model import STATUSES, CallbackState, JobEvent
from segsvc.jobs.service import CALLBACK_URL, CALLBACK_URL_MAX
from segsvc.models.alt import AltDocument, RunnerDocument
from segsvc.models.requests import SegmentRequest
from segsvc.security.policy import AUTHENTICATED, PUBLIC, Policy

REF = "#/components/schemas/{model}"


def _schemas(settings: Settings) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    for model in (SegmentRequest, AltDocument, RunnerDocument):
        schema = model.model_json_schema(ref_template=REF)
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__] = schema
    command = defs["SegmentRequest"]["properties"]["command"]
    command.update({"minLength": 1, "maxLength": settings.limits.max_command_chars, "pattern": r"\S"})
    defs["SegmentResult"] = {"oneOf": [{"$ref": REF.format(model="AltDocument")},
                                       {"$ref": REF.format(model="RunnerDocument")}],
                             "description": "an ALT document, or its runner rendering when format is runner"}
    defs["BatchRequest"] = {
        "type": "object", "additionalProperties": False, "required": ["items"],
        "properties": {"items": {"type": "array", "minItems": 1, "maxItems": settings.limits.max_batch,
                                 "items": {"type": "object", "description": "a SegmentRequest"},
                                 "description": "each item is validated on its own; an invalid item yields a "
                                                "problem in its place in the results"}}}
    defs["Problem"] = {
        "type": "object", "required": ["type", "title", "status", "detail", "code"],
        "description": "RFC 9457 problem details",
        "properties": {
            "type": {"type": "string", "format": "uri-reference"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "detail": {"type": "string"},
            "instance": {"type": "string"}, "code": {"type": "string"},
            "request_id": {"type": ["string", "null"]},
            "index": {"type": "integer", "description": "position of the failing item in a batch"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}
    defs["BatchResponse"] = {
        "type": "object", "required": ["results"],
        "properties": {"results": {"type": "array", "items": {"oneOf": [
            {"$ref": REF.format(model="AltDocument")}, {"$ref": REF.format(model="RunnerDocument")},
            {"$ref": REF.format(model="Problem")}]}}}}
    defs["Info"] = {
        "type": "object",
        "required": ["name", "version", "instance_id", "languages", "task_types", "modes", "personas", "engines",
                     "models"],
        "properties": {
            "name": {"type": "string"}, "version": {"type": "string"}, "instance_id": {"type": "string"},
            "api_version": {"type": "string"}, "alt_version": {"type": "string"},
            "languages": {"type": "array", "items": {"enum": list(segmentation.LANGUAGES)}},
            "task_types": {"type": "array", "items": {"enum": list(segmentation.TASK_TYPES)}},
            "modes": {"type": "array", "items": {"enum": list(segmentation.MODES)}},
            "personas": {"type": "array", "items": {"type": "string"}},
            "engines": {"type": "object", "properties": {
                "available": {"type": "array", "items": {"type": "string"}}, "default": {"type": "string"}}},
            "models": {"type": "object", "properties": {
                "default": {"type": "string"}, "allowed": {"type": "array", "items": {"type": "string"}},
                "available": {"type": "array", "items": {"type": "string"},
                              "description": "the AI Orchestrator's GET /v1/models, cached"},
                "fetched_at": {"type": ["string", "null"]}, "error": {"type": ["string", "null"]}}},
            "formats": {"type": "array", "items": {"enum": ["alt", "runner"]}}}}
    defs["Health"] = {
        "type": "object", "required": ["status", "ready", "checks"],
        "properties": {
            "status": {"enum": ["starting", "ready", "degraded", "draining", "unavailable"]},
            "ready": {"type": "boolean"},
            "checks": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["status", "detail", "critical"],
                "properties": {"status": {"enum": ["ok", "degraded", "down", "disabled"]},
                               "detail": {"type": "string"}, "critical": {"type": "boolean"},
                               "since": {"type": "string"}}}}}}
    defs["Config"] = {
        "type": "object", "required": ["profile", "keys", "kv_index", "restart_required", "rejections"],
        "properties": {
            "profile": {"type": "string"},
            "keys": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["value", "source", "dynamic"],
                "properties": {"value": {}, "source": {"type": "string",
                                                       "description": "default, file:<path>, env or consul-kv"},
                               "dynamic": {"type": "boolean", "description": "can change without a restart"}}}},
            "kv_index": {"type": ["integer", "null"], "description": "Consul KV index of the applied configuration"},
            "restart_required": {"type": "object", "description": "KV values that take effect only after a restart"},
            "rejections": {"type": "array", "items": {"type": "object"}}}}
    instance = {"type": "object", "required": ["id", "url", "weight", "healthy"],
                "properties": {"id": {"type": "string"}, "url": {"type": "string"}, "weight": {"type": "integer"},
                               "node": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
                               "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                               "healthy": {"type": "boolean", "description": "false while sidelined"},
                               "sidelined_for_seconds": {"type": "number"}}}
    defs["Peers"] = {
        "type": "object", "required": ["mode", "peers"],
        "properties": {
            "mode": {"enum": ["static", "consul", "sidecar"]},
            "peers": {"type": "object", "additionalProperties": {
                "type": "object", "required": ["service", "instances"],
                "properties": {"service": {"type": "string"}, "source": {"type": "string"},
                               "error": {"type": ["string", "null"]},
                               "changed_at": {"type": ["string", "null"]},
                               "instances": {"type": "array", "items": instance},
                               **_outbound_properties()}}}}}
    return defs


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}}


def _json(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=ref)}}}}


ID_HEADER = {"X-Request-ID": {"description": "the request's id (taken from the request when it sent one)",
                              "schema": {"type": "string"}}}


def _with_id(responses: dict[str, Any]) -> dict[str, Any]:
    for response in responses.values():
        response.setdefault("headers", {}).update(ID_HEADER)
    return responses


def _post(summary: str, request_ref: str, ok_ref: str, op_id: str) -> dict[str, Any]:
    return {"post": {
        "operationId": op_id, "summary": summary,
        "parameters": [{"name": "X-Request-ID", "in": "header", "required": False, "schema": {"type": "string"}}],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": {"$ref": REF.format(model=request_ref)}}}},
        "responses": _with_id({
            "200": _json(ok_ref, "segmented"),
            "400": _problem("malformed JSON or an empty body"),
            "413": _problem("body over limits.max_body_bytes"),
            "415": _problem("the body is not JSON"),
            "422": _problem("a field is invalid; errors[] names it"),
            "500": _problem("an unexpected failure inside the service"),
        })}}


def _get(summary: str, ref: str | None, op_id: str, *, extra: dict[str, Any] | None = None,
         content_type: str = "application/json") -> dict[str, Any]:
    ok: dict[str, Any]
    if ref is None:
        ok = {"description": summary, "content": {content_type: {"schema": {"type": "string"}}}}
    else:
        ok = _json(ref, summary)
    responses = {"200": ok, **(extra or {})}
    return {"get": {"operationId": op_id, "summary": summary, "responses": _with_id(responses)}}


def build_openapi(settings: Settings, version: str, *, jobs: bool = False, runner: bool = False) -> dict[str, Any]:
    paths = {
        "/api/v1/segment": _post("Segment one command into an ALT document", "SegmentRequest", "SegmentResult",
                                 "segment"),
        "/api/v1/segment/batch": _post("Segment several commands; each result is a document or a problem",
                                       "BatchRequest", "BatchResponse", "segmentBatch"),
        "/api/v1/info": _get("Service name, version, languages, task types, modes, personas, engines, models",
                             "Info", "getInfo"),
        "/api/v1/admin/config": _get("Effective configuration: each key's value, source and the applied KV index "
                                     "(secrets redacted)", "Config", "getConfig"),
        "/api/v1/admin/peers": _get("Every peer's instances, their health and when the list last changed",
                                    "Peers", "getPeers"),
        "/api/v1/openapi.json": {"get": {"operationId": "getOpenApi", "summary": "This document",
                                         "responses": _with_id({"200": {"description": "OpenAPI 3.1 document",
                                                                        "content": {"application/json": {
                                                                            "schema": {"type": "object"}}}}})}},
        "/docs": _get("A page that renders this document", None, "getDocs", content_type="text/html"),
        "/health/live": {"get": {"operationId": "getLive", "summary": "Liveness: the process answers",
                                 "responses": _with_id({"200": {"description": "alive", "content": {
                                     "application/json": {"schema": {
                                         "type": "object", "required": ["status"],
                                         "properties": {"status": {"const": "alive"}}}}}}})}},
        "/health/ready": _get("Readiness with per-dependency detail", "Health", "getReady",
                              extra={"503": _json("Health", "not ready (starting, draining or a critical "
                                                            "dependency down)")}),
        "/metrics": _get("Prometheus metrics (text exposition format)", None, "getMetrics",
                         content_type="text/plain"),
    }
    schemas = _schemas(settings)
    if jobs:
        paths.update(_job_paths())
        schemas.update(_job_schemas(schemas))
    if runner:
        paths.update(_runner_paths())
        schemas.update(_runner_schemas())
    return _with_security(settings, {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": "segsvc — ALT_LAS Segmentation Service", "version": version,
                 "description": "Turns a command in Turkish or English into an ALT v1.0 document. Errors are RFC "
                                "9457 problem+json with `code` and `request_id`; every response carries "
                                "X-Request-ID. Unknown routes answer 404 and wrong methods 405, also as problems."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": schemas},
    })


# -- security (segsvc.security) -----------------------------------------------------------------------------

BEARER = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
          "description": "a JWT (HS256 with the shared secret, or RS256/ES256 from the JWKS) with iss, aud and exp"}


def _with_security(settings: Settings, document: dict[str, Any]) -> dict[str, Any]:
    """Bearer auth, 401/403 and 429 on the operations the policy (as at start-up) does not leave public.

    401 and 403 only when authentication is on (it cannot change live); 429 whenever the route is not
    public, since rate limits can be switched on live from Consul KV.
    """
    policy = Policy.from_settings(settings.security)
    auth = settings.auth_enabled
    if auth:
        document["components"]["securitySchemes"] = {"bearerAuth": BEARER}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            need = policy.need(f"{method.upper()} {path}")
            if need == PUBLIC:
                continue
            responses = operation["responses"]
            if auth:
                operation["security"] = [{"bearerAuth": []}]
                responses["401"] = _problem("no bearer token, or one that fails verification; WWW-Authenticate "
                                            "says why")
                responses["401"]["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}, **ID_HEADER}
                if need != AUTHENTICATED:
                    note = f"Needs the `{need}` permission."
                    operation["description"] = f"{operation.get('description', '')} {note}".strip()
                    responses["403"] = _problem(f"the token lacks the {need} permission")
                    responses["403"]["headers"] = dict(ID_HEADER)
            responses["429"] = _problem("this caller's request rate is over its limit; retry after Retry-After "
                                        "seconds")
            responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}, **ID_HEADER}
    return document


# -- jobs (segsvc.transports.http.jobs) ---------------------------------------------------------------------

def _job_schemas(schemas: dict[str, Any]) -> dict[str, Any]:
    submit = json.loads(json.dumps(schemas["SegmentRequest"]))
    submit["properties"]["dispatch"] = {"type": "boolean", "default": False,
                                        "description": "hand the document to the Runner Service once segmented"}
    submit["properties"]["callback_url"] = {
        "anyOf": [{"type": "string", "maxLength": CALLBACK_URL_MAX, "pattern": CALLBACK_URL.pattern},
                  {"type": "null"}], "default": None,
        "description": "POSTed the finished job, signed with X-Segsvc-Signature: sha256=<hex HMAC of the body>"}
    submit["title"] = "JobSubmitRequest"
    links = {"type": "object", "required": ["self", "events"],
             "properties": {"self": {"type": "string"}, "events": {"type": "string"}}}
    defs: dict[str, Any] = {"JobSubmitRequest": submit, "JobLinks": links}
    for model in (JobEvent, CallbackState):
        defs[model.__name__] = model.model_json_schema(ref_template=REF)
    defs["JobAccepted"] = {
        "type": "object", "required": ["job_id", "status", "links"],
        "properties": {"job_id": {"type": "string"}, "status": {"enum": list(STATUSES)},
                       "links": {"$ref": REF.format(model="JobLinks")}}}
    defs["Job"] = {
        "type": "object",
        "required": ["job_id", "status", "created_at", "updated_at", "request", "dispatch", "callback_url",
                     "attempts", "result", "error", "events", "callback", "links"],
        "properties": {
            "job_id": {"type": "string"}, "status": {"enum": list(STATUSES)},
            "created_at": {"type": "string"}, "updated_at": {"type": "string"},
            "request": {"type": "object", "description": "the segment request as submitted"},
            "dispatch": {"type": "boolean"}, "callback_url": {"type": ["string", "null"]},
            "attempts": {"type": "integer", "description": "deliveries to a worker so far"},
            "result": {"anyOf": [{"$ref": REF.format(model="SegmentResult")}, {"type": "null"}]},
            "error": {"anyOf": [{"$ref": REF.format(model="Problem")}, {"type": "null"}]},
            "events": {"type": "array", "items": {"$ref": REF.format(model="JobEvent")}},
            "callback": {"anyOf": [{"$ref": REF.format(model="CallbackState")}, {"type": "null"}]},
            "links": {"$ref": REF.format(model="JobLinks")}}}
    return defs


def _job_paths() -> dict[str, Any]:
    job_id = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "the job_id returned on submission"}
    request_id = {"name": "X-Request-ID", "in": "header", "required": False, "schema": {"type": "string"}}
    common = {"500": _problem("an unexpected failure inside the service"),
              "503": _problem("the job store or queue is unavailable (NATS away) or full; retry later")}
    accepted = _json("JobAccepted", "queued (or, for a repeated Idempotency-Key, the job that key created)")
    accepted["headers"] = {"Location": {"description": "the job's URL", "schema": {"type": "string"}}}
    one_event = {
        "type": "object", "required": ["data", "event", "id"],
        "description": "one event of the stream (OpenAPI 3.1: the schema describes each event)",
        "properties": {
            "event": {"const": "message"},
            "id": {"type": "string", "pattern": "^[0-9]+$", "description": "the change's sequence number"},
            "data": {"type": "string", "contentMediaType": "application/json",
                     "contentSchema": {"$ref": REF.format(model="JobEvent")}, "description": "a JobEvent as JSON"},
            "retry": {"type": "integer"}}}
    events_ok = {"description": "text/event-stream: `retry:` first, then per state change `id: <sequence>` and "
                                "`data: <JobEvent JSON>`; the stream ends after a terminal state",
                 "content": {"text/event-stream": {"schema": one_event}}}
    return {
        "/api/v1/jobs": {"post": {
            "operationId": "submitJob", "summary": "Queue a segmentation job",
            "parameters": [request_id, {
                "name": "Idempotency-Key", "in": "header", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "1 to 255 visible ASCII characters; the same key gives the same job"}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": REF.format(model="JobSubmitRequest")}}}},
            "responses": _with_id({
                "202": accepted,
                "400": _problem("malformed JSON or an empty body"),
                "413": _problem("body over limits.max_body_bytes"),
                "415": _problem("the body is not JSON"),
                "422": _problem("a field or the Idempotency-Key is invalid, or the key was used for another "
                                "request; errors[] names it"),
                **common})}},
        "/api/v1/jobs/{job_id}": {
            "get": {"operationId": "getJob", "summary": "A job's state, history and result",
                    "parameters": [job_id, request_id],
                    "responses": _with_id({"200": _json("Job", "the job"),
                                           "404": _problem("no such job (or it expired)"), **common})},
            "delete": {"operationId": "cancelJob", "summary": "Cancel a job that is still queued",
                       "parameters": [job_id, request_id],
                       "responses": _with_id({"200": _json("Job", "cancelled (or already was)"),
                                              "404": _problem("no such job (or it expired)"),
                                              "409": _problem("the job has started; it can no longer be cancelled"),
                                              **common})}},
        "/api/v1/jobs/{job_id}/events": {"get": {
            "operationId": "getJobEvents", "summary": "Follow a job's state changes as Server-Sent Events",
            "parameters": [job_id, request_id, {
                "name": "Last-Event-ID", "in": "header", "required": False,
                "schema": {"type": "string", "pattern": "^[0-9]{1,9}$"},
                "description": "resume after this event sequence"}],
            "responses": _with_id({"200": events_ok,
                                   "400": _problem("Last-Event-ID is not an event sequence"),
                                   "404": _problem("no such job (or it expired)"), **common})}},
    }


# -- peers: breakers in /api/v1/admin/peers, runner progress callbacks (segsvc.peers, segsvc.dispatch) --------

def _outbound_properties() -> dict[str, Any]:
    """What the outbound client adds to each peer in /api/v1/admin/peers."""
    breaker = {
        "type": "object", "required": ["state", "failures", "fail_max", "reset_timeout"],
        "properties": {
            "state": {"enum": ["closed", "half-open", "open"]}, "failures": {"type": "integer"},
            "fail_max": {"type": "integer"}, "reset_timeout": {"type": "number"},
            "retry_in_seconds": {"type": "number", "description": "until the next trial call, while open"},
            "trial_in_progress": {"type": "boolean"}, "times_opened": {"type": "integer"},
            "last_failure": {"type": ["string", "null"]}, "changed_at": {"type": "string"}}}
    return {"breaker": breaker, "in_flight": {"type": "integer"}, "timeout": {"type": "number"},
            "max_concurrency": {"type": "integer"}, "max_tries": {"type": "integer"}}


def _runner_schemas() -> dict[str, Any]:
    return {
        "RunnerReport": {
            "type": "object", "additionalProperties": True,
            "description": "progress of a dispatched job; status moves the job (running, completed/succeeded, "
                           "failed/error), any other report becomes a progress event in the same state",
            # Read leniently (any JSON types), so that Runner versions that differ in detail are not refused.
            "properties": {"status": {"description": "running | completed (succeeded, done) | failed (error, "
                                                     "cancelled) | accepted ..."},
                           "task_id": {"description": "the segment the report is about, e.g. s1"},
                           "task_status": {"description": "that task's state"},
                           "progress": {"description": "0..1 or 0..100"},
                           "message": {"description": "free text for the event's detail"},
                           "alt_id": {"description": "the ALT document id"},
                           "job_id": {"description": "the job id (from the document's metadata)"}}},
        "RunnerReportApplied": {
            "type": "object", "required": ["job_id", "status", "events"],
            "properties": {"job_id": {"type": "string"}, "status": {"enum": list(STATUSES)},
                           "events": {"type": "integer", "description": "events of the job so far"}}},
    }


def _runner_paths() -> dict[str, Any]:
    job_id = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"},
              "description": "the job_id the runner document carries in metadata.job_id"}
    return {"/api/v1/runner/callbacks/{job_id}": {"post": {
        "operationId": "runnerCallback", "summary": "The Runner Service reports progress on a dispatched job",
        "parameters": [job_id, {"name": "X-Request-ID", "in": "header", "required": False,
                                "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": REF.format(model="RunnerReport")}}}},
        "responses": _with_id({
            "200": _json("RunnerReportApplied", "applied (or ignored: the job had already finished)"),
            "400": _problem("malformed JSON or an empty body"),
            "404": _problem("no such job (or it expired)"),
            "413": _problem("body over limits.max_body_bytes"),
            "415": _problem("the body is not JSON"),
            "422": _problem("the report is not a JSON object"),
            "500": _problem("an unexpected failure inside the service"),
            "503": _problem("the job store is unavailable (NATS away); retry later")})}}}
