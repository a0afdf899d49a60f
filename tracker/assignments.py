"""Changing an assignment's state: permission, conflict check, lifecycle rules, history — in one place."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import update

from .extensions import db
from .models import Assignment, AssignmentEvent, EvidenceFile, ItemComment, User
from .rules.conflicts import MissedChange, conflict_message
from .rules.lifecycle import BLOCKED, DONE, PROGRESS, REOPEN, Change, check_change, transition_kind
from .rules.permissions import COMMENT_ITEM, REOPEN_ASSIGNMENT, UPDATE_ASSIGNMENT, Actor, can
from .rules.texts import t


class PermissionDenied(Exception):
    """The actor may not do this; the message says so in Vietnamese."""


class EditConflict(Exception):
    """Someone else changed the assignment since the form was opened; nothing was overwritten."""

    def __init__(self, assignment: Assignment, expected_version: int):
        self.assignment = assignment
        self.missed = missed_changes(assignment, expected_version)
        super().__init__(conflict_message(self.missed))


def missed_changes(assignment: Assignment, expected_version: int) -> list[MissedChange]:
    """The changes saved after `expected_version` (each change bumps the version by one), oldest first."""
    count = assignment.version - expected_version
    if count <= 0:
        return []
    events = sorted(assignment.events, key=lambda e: (e.at, e.id))[-count:]
    return [
        MissedChange(
            actor=event.actor.display_name if event.actor is not None else t("người khác"),
            from_state=event.from_state,
            to_state=event.to_state,
            has_text=bool(event.comment or event.difficulty or event.proposal or event.reason),
            has_evidence=bool(event.document_number or event.evidence_file_id),
        )
        for event in events
    ]


def actor_of(user: User | None) -> Actor | None:
    """The rules' view of a signed-in user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Actor(role=user.role, unit_id=user.unit_id, is_active=user.is_active)


def change_assignment(
    assignment: Assignment,
    change: Change,
    *,
    actor: User,
    expected_version: int,
    today: date,
    now: datetime,
    evidence_file: EvidenceFile | None = None,
) -> AssignmentEvent:
    """Apply a change and record it in the history; flushes, the caller commits.

    Raises PermissionDenied, EditConflict or lifecycle.TransitionRefused; none of them writes anything, and
    none rolls back the caller's transaction.
    """
    kind = transition_kind(assignment.status, change.to_state)
    rules_actor = actor_of(actor)
    allowed = (
        can(rules_actor, REOPEN_ASSIGNMENT, unit=assignment.unit_id)
        if kind == REOPEN
        else can(rules_actor, UPDATE_ASSIGNMENT, unit=assignment.unit_id)
    )
    if not allowed or not assignment.is_active:
        raise PermissionDenied(t("Bạn không có quyền cập nhật nhiệm vụ này của đơn vị khác."))
    if expected_version != assignment.version:
        raise EditConflict(assignment, expected_version)
    if evidence_file is not None:
        change = replace(change, evidence=replace(change.evidence, has_file=True))
    check_change(assignment.status, change, is_reopen_allowed=True, today=today)

    # Claim the row at the version the form was read at (an UPDATE that changes nothing but locks it: the row on
    # PostgreSQL, the database on SQLite). A save that won the race since the check above is seen here, before
    # anything of this change is written, so there is nothing to undo and the caller's transaction goes on;
    # and no save can win after it, so the version check of the flush below cannot fail.
    claimed = db.session.execute(
        update(Assignment)
        .where(Assignment.id == assignment.id, Assignment.version == expected_version)
        .values(version=expected_version)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.expire(assignment)  # read the winner's state (and name its author)
        raise EditConflict(assignment, expected_version)

    event = AssignmentEvent(
        actor=actor,
        at=now,
        kind=kind,
        from_state=assignment.status,
        to_state=change.to_state,
        comment=change.comment.strip(),
        difficulty=change.difficulty.strip(),
        proposal=change.proposal.strip(),
        reason=change.reason.strip(),
        evidence_file=evidence_file,
    )
    if change.to_state == DONE and kind != PROGRESS:
        evidence = change.evidence
        event.document_number = evidence.document_number.strip()
        event.document_date = evidence.document_date
        event.document_title = evidence.document_title.strip()
        event.completed_on = evidence.completed_on
        assignment.completed_on = evidence.completed_on
        assignment.document_number = event.document_number
        assignment.document_date = event.document_date
        assignment.document_title = event.document_title
    if kind == REOPEN:
        assignment.completed_on = None
    if change.to_state == BLOCKED and kind != PROGRESS:
        assignment.difficulty, assignment.proposal = event.difficulty, event.proposal
    elif change.to_state != BLOCKED:
        assignment.difficulty, assignment.proposal = "", ""
    assignment.status = change.to_state
    assignment.version += 1
    assignment.updated_at = now
    assignment.last_report_on = today
    assignment.events.append(event)  # loading the history may flush the changes above already
    db.session.flush()
    return event


def add_comment(item, body: str, *, author: User, involved_unit_ids: set[int], now: datetime) -> ItemComment:
    """A comment on an item by someone allowed to comment on it; flushes, the caller commits."""
    if not can(actor_of(author), COMMENT_ITEM, units=involved_unit_ids):
        raise PermissionDenied(t("Bạn không có quyền ghi ý kiến vào nhiệm vụ này."))
    body = body.strip()
    if not body:
        raise ValueError(t("Hãy nhập nội dung ý kiến."))
    comment = ItemComment(item_id=item.id, author=author, at=now, body=body)
    db.session.add(comment)
    db.session.flush()
    return comment
