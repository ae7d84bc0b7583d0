"""Service errors as gRPC statuses: a code, a message naming the fields, and the rich error details.

The message repeats the problem's ``detail`` (``command: must not be empty``), so even a client that reads
only the status text learns which field is wrong; ``grpc-status-details-bin`` carries a ``google.rpc.Status``
with ``BadRequest`` field violations and an ``ErrorInfo`` (reason = the problem ``code``) for clients that
use the rich error model.
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2

from segsvc.service.errors import ServiceError

DOMAIN = "segsvc.alt-las"
BY_HTTP_STATUS = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.FAILED_PRECONDITION,
    413: grpc.StatusCode.RESOURCE_EXHAUSTED,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}
BY_CODE = {"queue_full": grpc.StatusCode.RESOURCE_EXHAUSTED}


class TooLarge(ServiceError):
    """Over a size limit (the gRPC counterpart of HTTP 413): RESOURCE_EXHAUSTED."""

    status = 413
    code = "payload_too_large"
    title = "Request too large"


def status_code(exc: ServiceError) -> grpc.StatusCode:
    return BY_CODE.get(exc.code) or BY_HTTP_STATUS.get(exc.status, grpc.StatusCode.INTERNAL)


def rich_status(code: grpc.StatusCode, exc: ServiceError, request_id: str | None) -> tuple[tuple[str, bytes], ...]:
    """The ``grpc-status-details-bin`` trailer for ``exc``."""
    details = []
    if exc.errors:
        bad = error_details_pb2.BadRequest(field_violations=[
            error_details_pb2.BadRequest.FieldViolation(field=e["field"], description=e["message"])
            for e in exc.errors])
        packed = any_pb2.Any()
        packed.Pack(bad)
        details.append(packed)
    info = error_details_pb2.ErrorInfo(reason=exc.code, domain=DOMAIN,
                                       metadata={"request_id": request_id} if request_id else {})
    packed = any_pb2.Any()
    packed.Pack(info)
    details.append(packed)
    status = status_pb2.Status(code=code.value[0], message=exc.detail, details=details)
    return (("grpc-status-details-bin", status.SerializeToString()),)
