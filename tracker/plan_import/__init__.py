"""Plan import: a reader per file format gives blocks, recognisers find the plan in them, one upsert saves it."""
from __future__ import annotations

from datetime import datetime

from .document import PlanDocument, PlanImportError, PlanNumberMissing
from .readers import read_document
from .upsert import ImportReport, save_plan

__all__ = ["ImportReport", "PlanDocument", "PlanImportError", "PlanNumberMissing", "import_document", "read_document"]


def import_document(data: bytes, filename: str, *, now: datetime, number: str | None = None) -> ImportReport:
    """Read a plan document and save it; flushes, the caller commits (or rolls back for a dry run)."""
    doc = read_document(data, filename, number=number)
    return save_plan(doc, source_name=filename, now=now)
