"""The ``segsvc.v1.Segmentation`` service: size checks, conversion, delegation. No business rules here.

Sizes: a message over ``limits.max_body_bytes``, a command over ``limits.max_command_chars`` or a batch
over ``limits.max_batch`` is RESOURCE_EXHAUSTED naming the field (the HTTP API answers 413/422); every
other invalid field is INVALID_ARGUMENT from the shared service layer, with the same field names.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc

from segsvc.config.settings import LimitsSettings
from segsvc.config.store import ConfigStore
from segsvc.jobs.service import JobService, check_idempotency_key
from segsvc.models.document import to_runner
from segsvc.security.limits import effective_limits
from segsvc.service.errors import ServiceError
from segsvc.service.segmentation import SegmentationService
from segsvc.transports.grpc import convert
from segsvc.transports.grpc.errors import TooLarge
from segsvc.v1 import segmentation_pb2 as pb
from segsvc.v1 import segmentation_pb2_grpc as pb_grpc


def check_size(message: Any, limits: LimitsSettings, field: str = "request") -> None:
    size = message.ByteSize()
    if size > limits.max_body_bytes:
        raise TooLarge(f"{field}: {size} bytes, over the limit of {limits.max_body_bytes} (limits.max_body_bytes)",
                       errors=[{"field": field, "message": f"larger than {limits.max_body_bytes} bytes"}])


def check_command(command: str, limits: LimitsSettings, field: str = "command") -> None:
    if len(command) > limits.max_command_chars:
        raise TooLarge(f"{field}: longer than {limits.max_command_chars} characters (limits.max_command_chars)",
                       errors=[{"field": field, "message": f"longer than {limits.max_command_chars} characters"}])


def _metadata(context: grpc.aio.ServicerContext, key: str) -> str | None:
    for name, value in context.invocation_metadata() or ():
        if name == key and isinstance(value, str):
            return value
    return None


class SegmentationServicer(pb_grpc.SegmentationServicer):
    def __init__(self, service: SegmentationService, jobs: JobService, config: ConfigStore) -> None:
        self.service = service
        self.jobs = jobs
        self.config = config

    async def _document(self, message: pb.SegmentRequest, limits: LimitsSettings) -> pb.AltDocument:
        check_size(message, limits)
        check_command(message.command, limits)
        request = self.service.parse_request(convert.request_body(message))
        if request.format == "runner":
            doc = await self.service.segment(request.model_copy(update={"format": "alt"}))
            return convert.document_message(doc, to_runner(doc))
        return convert.document_message(await self.service.segment(request))

    async def Segment(self, request: pb.SegmentRequest, context: grpc.aio.ServicerContext) -> pb.AltDocument:
        return await self._document(request, effective_limits(self.config.settings))

    async def SegmentBatch(self, request: pb.SegmentBatchRequest,
                           context: grpc.aio.ServicerContext) -> pb.SegmentBatchResponse:
        limits = effective_limits(self.config.settings)
        check_size(request, limits)
        if len(request.items) > limits.max_batch:
            raise TooLarge(f"items: {len(request.items)} items, over the limit of {limits.max_batch} "
                           "(limits.max_batch)",
                           errors=[{"field": "items", "message": f"at most {limits.max_batch} items"}])
        bodies = [convert.request_body(item) for item in request.items]
        runner = {i for i, body in enumerate(bodies) if body.get("format") == "runner"}
        for i in runner:
            bodies[i]["format"] = "alt"  # documents always; the runner rendering is attached below
        results = await self.service.segment_batch({"items": bodies})
        out = []
        for i, result in enumerate(results):
            if "segments" in result:
                out.append(pb.SegmentResult(index=i, document=convert.document_message(
                    result, to_runner(result) if i in runner else None)))
            else:
                out.append(pb.SegmentResult(index=i, problem=convert.problem_message(result)))
        return pb.SegmentBatchResponse(results=out)

    async def SegmentStream(self, request_iterator: AsyncIterator[pb.SegmentRequest],
                            context: grpc.aio.ServicerContext) -> AsyncIterator[pb.SegmentResult]:
        index = 0
        async for message in request_iterator:
            limits = effective_limits(self.config.settings)
            try:
                yield pb.SegmentResult(index=index, document=await self._document(message, limits))
            except ServiceError as exc:
                yield pb.SegmentResult(index=index, problem=convert.problem_message(exc.problem()))
            index += 1

    async def SubmitJob(self, request: pb.SubmitJobRequest, context: grpc.aio.ServicerContext) -> pb.Job:
        limits = effective_limits(self.config.settings)
        check_size(request, limits)
        check_command(request.command, limits)
        if request.HasField("idempotency_key"):
            key = check_idempotency_key(request.idempotency_key, "idempotency_key")
        else:
            key = check_idempotency_key(_metadata(context, "idempotency-key"), "idempotency-key")
        job, _ = await self.jobs.submit(convert.submit_body(request), key)
        return convert.job_message(job, self.jobs)

    async def GetJob(self, request: pb.GetJobRequest, context: grpc.aio.ServicerContext) -> pb.Job:
        return convert.job_message(await self.jobs.get(request.job_id), self.jobs)

    async def CancelJob(self, request: pb.CancelJobRequest, context: grpc.aio.ServicerContext) -> pb.Job:
        return convert.job_message(await self.jobs.cancel(request.job_id), self.jobs)

    async def WatchJob(self, request: pb.WatchJobRequest,
                       context: grpc.aio.ServicerContext) -> AsyncIterator[pb.JobEvent]:
        after = request.after_sequence if request.HasField("after_sequence") else 0
        async for event in self.jobs.follow(request.job_id, max(0, after)):
            yield convert.event_message(event)
