"""Segmentation engines that live outside the pure domain: today the LLM engine (AI Orchestrator).

The rules engine is :mod:`segsvc.segmentation` itself (pure, no I/O); engines here do I/O through the
peer clients and return the same ``Segmentation`` value objects, so the service layer can swap one for the
other and fall back without the document builder noticing.
"""

from segsvc.engines.llm import AnswerCache, Ask, LlmEngine, ModelCatalog, parse_answer

__all__ = ["AnswerCache", "Ask", "LlmEngine", "ModelCatalog", "parse_answer"]
