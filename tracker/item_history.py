"""An item's history as its page shows it, a page at a time: its assignments' changes, the remarks on it and the
edits of the item itself, newest first, merged and paged by the database. An item assigned to hundreds of units
has thousands of changes; the page reads the ones it shows, in a number of statements that does not grow."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, func, literal_column, select, union_all

from .extensions import db
from .models import Assignment, AssignmentEvent, EvidenceFile, ItemComment, ItemEvent, PlanVersion, User
from .unit_page import Page

HISTORY_PER_PAGE = 50
# The three kinds of entry, as the page names them (and as numbers in the SQL that merges them).
EVENT, COMMENT, ITEM_EVENT = "event", "comment", "item_event"
_KINDS = (EVENT, COMMENT, ITEM_EVENT)


@dataclass(frozen=True)
class Entry:
    kind: str  # EVENT, COMMENT or ITEM_EVENT
    at: datetime
    record: Any  # the entry's columns by name, as _records reads them for its kind (a row, not an ORM object)
    assignment: Assignment | None  # the assignment an EVENT belongs to
    who: str  # the person who made it (their name, else their e-mail); "" for the system


def history_page(
    item_id: int, assignments: Mapping[int, Assignment], *, page: int, per_page: int = HISTORY_PER_PAGE
) -> tuple[list[Entry], Page]:
    """One page of the item's history, newest first, and which page of how many; `assignments` are the item's
    (every one, by id: an event names the assignment it belongs to). A page past the end gives the first page.
    At most four statements: the page's entries merged and counted, then the records of each kind the page has
    (none for a kind it has not) with what they refer to, read as plain rows (the page shows a few columns of
    each; an ORM object each, with its person and a plan version's whole snapshot, cost several times more). The
    statements are built once for the process."""
    found = db.session.execute(
        _merged(), {"item_id": item_id, "limit": per_page, "offset": (page - 1) * per_page}
    ).all()
    if not found and page > 1:
        return history_page(item_id, assignments, page=1, per_page=per_page)
    wanted: dict[int, list[int]] = {0: [], 1: [], 2: []}
    for kind, record_id, _total in found:
        wanted[kind].append(record_id)
    records = {
        kind: {row.id: row for row in db.session.execute(_records(kind), {"ids": ids})} if ids else {}
        for kind, ids in wanted.items()
    }
    entries = []
    for kind, record_id, _total in found:
        record = records[kind][record_id]
        owner = assignments.get(record.assignment_id) if kind == 0 else None
        entries.append(Entry(_KINDS[kind], record.at, record, owner, record.who_name or record.who_email or ""))
    total = found[0][2] if found else 0
    return entries, Page(page=page, per_page=per_page, total=total)


@cache
def _merged() -> Select[int, int, int]:
    """The item's entries of every kind, merged newest first: (kind, id, how many in all), a page of them."""
    item_id: BindParameter[int] = bindparam("item_id")
    merged = union_all(
        select(literal_column("0").label("kind"), AssignmentEvent.id.label("id"), AssignmentEvent.at.label("at"))
        .join(Assignment, AssignmentEvent.assignment_id == Assignment.id)
        .where(Assignment.item_id == item_id),
        select(literal_column("1"), ItemComment.id, ItemComment.at).where(ItemComment.item_id == item_id),
        select(literal_column("2"), ItemEvent.id, ItemEvent.at).where(ItemEvent.item_id == item_id),
    ).subquery()
    return (
        select(merged.c.kind, merged.c.id, func.count().over())
        .order_by(merged.c.at.desc(), merged.c.kind.desc(), merged.c.id.desc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )


@cache
def _records(kind: int) -> Select:
    """What the page shows of the entries of one kind (0: an assignment's change, 1: a remark, 2: an edit of the
    item), by id, with the person's name and e-mail as who_name and who_email."""
    ids: BindParameter[list[int]] = bindparam("ids", expanding=True)
    if kind == 0:
        return (
            select(
                *(getattr(AssignmentEvent, name) for name in _EVENT_COLUMNS),
                *_who(),
                EvidenceFile.id.label("evidence_id"),
                EvidenceFile.filename.label("evidence_filename"),
                EvidenceFile.size.label("evidence_size"),
            )
            .outerjoin(User, AssignmentEvent.actor_id == User.id)
            .outerjoin(EvidenceFile, AssignmentEvent.evidence_file_id == EvidenceFile.id)
            .where(AssignmentEvent.id.in_(ids))
        )
    if kind == 1:
        return (
            select(ItemComment.id, ItemComment.at, ItemComment.body, *_who())
            .join(User, ItemComment.author_id == User.id)
            .where(ItemComment.id.in_(ids))
        )
    return (
        select(
            ItemEvent.id,
            ItemEvent.at,
            ItemEvent.kind,
            ItemEvent.changes,
            ItemEvent.reason,
            PlanVersion.number.label("version_number"),
            *_who(),
        )
        .outerjoin(User, ItemEvent.actor_id == User.id)
        .outerjoin(PlanVersion, ItemEvent.version_id == PlanVersion.id)
        .where(ItemEvent.id.in_(ids))
    )


def _who() -> tuple[Any, Any]:
    """The person's name and e-mail, as who_name and who_email."""
    return User.name.label("who_name"), User.email.label("who_email")


_EVENT_COLUMNS = (
    "id",
    "assignment_id",
    "at",
    "kind",
    "from_state",
    "to_state",
    "comment",
    "difficulty",
    "proposal",
    "reason",
    "document_number",
    "document_date",
    "document_title",
    "completed_on",
)
