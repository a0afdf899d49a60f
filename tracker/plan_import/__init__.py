"""Plan import: a reader per file format gives blocks, recognisers find the plan in them, one upsert saves it."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from .document import PlanDocument, PlanImportError, PlanNumberMissing
from .readers import read_document
from .upsert import ImportReport, Progress, save_plan

if TYPE_CHECKING:
    from ..models import Plan, User

__all__ = ["ImportReport", "PlanDocument", "PlanImportError", "PlanNumberMissing", "import_document", "read_document"]


def import_document(  # noqa: PLR0913 (the upsert's options, handed on)
    data: bytes,
    filename: str,
    *,
    now: datetime,
    number: str | None = None,
    actor: User | None = None,
    amends: Plan | None = None,
    decision_number: str = "",
    decision_date: date | None = None,
    source_file: str = "",
    note: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Read a plan document and save it (as amending `amends` when given: its own number may then be
    missing); flushes, the caller commits. `progress(done, total)` is told how far the save has gone."""
    try:
        doc = read_document(data, filename, number=number)
    except PlanNumberMissing as missing:
        if amends is None:
            raise
        doc = missing.document
    return save_plan(
        doc,
        source_name=filename,
        now=now,
        actor=actor,
        amends=amends,
        decision_number=decision_number,
        decision_date=decision_date,
        source_file=source_file,
        note=note,
        progress=progress,
    )
