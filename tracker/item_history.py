"""An item's history as its page shows it, a page at a time: its assignments' changes, the remarks on it and the
edits of the item itself, newest first, merged and paged by the database. An item assigned to hundreds of units
has thousands of changes; the page reads the ones it shows, in a number of statements that does not grow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select, union_all
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Assignment, AssignmentEvent, ItemComment, ItemEvent
from .unit_page import Page

HISTORY_PER_PAGE = 50
# The three kinds of entry, as the page names them (and as numbers in the SQL that merges them).
EVENT, COMMENT, ITEM_EVENT = "event", "comment", "item_event"
_KINDS = (EVENT, COMMENT, ITEM_EVENT)


@dataclass(frozen=True)
class Entry:
    kind: str  # EVENT, COMMENT or ITEM_EVENT
    at: datetime
    record: AssignmentEvent | ItemComment | ItemEvent
    assignment: Assignment | None  # the assignment an EVENT belongs to


def history_page(
    item_id: int, assignments: Mapping[int, Assignment], *, page: int, per_page: int = HISTORY_PER_PAGE
) -> tuple[list[Entry], Page]:
    """One page of the item's history, newest first, and which page of how many; `assignments` are the item's
    (every one, by id: an event names the assignment it belongs to). A page past the end gives the first page.
    Four statements: the page's entries merged and counted, then each kind's records with what they refer to."""
    merged = union_all(
        select(literal_column("0").label("kind"), AssignmentEvent.id.label("id"), AssignmentEvent.at.label("at"))
        .join(Assignment, AssignmentEvent.assignment_id == Assignment.id)
        .where(Assignment.item_id == item_id),
        select(literal_column("1"), ItemComment.id, ItemComment.at).where(ItemComment.item_id == item_id),
        select(literal_column("2"), ItemEvent.id, ItemEvent.at).where(ItemEvent.item_id == item_id),
    ).subquery()
    found = db.session.execute(
        select(merged.c.kind, merged.c.id, func.count().over())
        .order_by(merged.c.at.desc(), merged.c.kind.desc(), merged.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if not found and page > 1:
        return history_page(item_id, assignments, page=1, per_page=per_page)
    wanted: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for kind, record_id, _total in found:
        wanted[kind].append(record_id)
    records: dict[int, dict[int, Any]] = {
        0: _by_id(
            select(AssignmentEvent)
            .where(AssignmentEvent.id.in_(wanted[0]))
            .options(joinedload(AssignmentEvent.actor), joinedload(AssignmentEvent.evidence_file))
        ),
        1: _by_id(select(ItemComment).where(ItemComment.id.in_(wanted[1])).options(joinedload(ItemComment.author))),
        2: _by_id(
            select(ItemEvent)
            .where(ItemEvent.id.in_(wanted[2]))
            .options(joinedload(ItemEvent.actor), joinedload(ItemEvent.version))
        ),
    }
    entries = []
    for kind, record_id, _total in found:
        record = records[kind][record_id]
        owner = assignments.get(record.assignment_id) if kind == 0 else None
        entries.append(Entry(_KINDS[kind], record.at, record, owner))
    total = found[0][2] if found else 0
    return entries, Page(page=page, per_page=per_page, total=total)


def _by_id(statement: Any) -> dict[int, Any]:
    return {record.id: record for record in db.session.scalars(statement).unique()}
