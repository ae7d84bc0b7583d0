"""The ALT v1 document, its runner rendering, and the request bodies every transport accepts."""

from segsvc.models.alt import AltDocument, Parameter, RunnerDocument, Segment
from segsvc.models.document import build_document, to_runner
from segsvc.models.requests import BatchRequest, SegmentRequest

__all__ = ["AltDocument", "BatchRequest", "Parameter", "RunnerDocument", "Segment", "SegmentRequest",
           "build_document", "to_runner"]
