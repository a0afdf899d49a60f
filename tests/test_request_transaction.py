"""Who ends a transaction: the view commits once; an exception it does not handle rolls the request back in
one place (before the error page); an operation flushes and never ends its caller's transaction (a lost race
is seen before anything is written, so there is nothing to undo)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from tests.conftest import find_assignment
from tracker.assignments import EditConflict, add_comment, change_assignment
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, ItemComment, Unit, User
from tracker.rules.lifecycle import BLOCKED, IN_PROGRESS, Change


def test_an_exception_in_a_view_rolls_back_what_the_request_wrote(seeded, login_as, client):
    """The request shares the test's app context (so its session): the error page comes back, and the session
    holds nothing of the failed request and can go on."""

    @seeded.get("/test-only/fails")
    def fails():  # type: ignore[no-untyped-def]
        db.session.add(Unit(code="TMP", name="Đơn vị tạm", folded_name="don vi tam"))
        db.session.flush()
        raise RuntimeError("after the write")

    seeded.config["PROPAGATE_EXCEPTIONS"] = False
    login_as("admin")
    with seeded.app_context():
        response = client.get("/test-only/fails")
        assert response.status_code == 500
        assert db.session.scalar(select(Unit).where(Unit.code == "TMP")) is None
        assert db.session.scalar(select(User.email).where(User.role == "admin")) == "admin@example.org"


@pytest.mark.committed  # the winning save commits from a second connection
def test_a_lost_race_undoes_only_the_change_not_the_callers_transaction(seeded):
    """Another worker saves between the version check and the write: the change is refused and undone, what
    the caller wrote before it in the same transaction stays, and the caller commits it."""
    with seeded.app_context():
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        assignment = find_assignment("I.2", "CDA")
        assignment_id, version = assignment.id, assignment.version
        with db.engine.connect() as other:
            other.execute(
                update(Assignment).where(Assignment.id == assignment.id).values(version=version + 1, status=IN_PROGRESS)
            )
            other.commit()
        add_comment(
            assignment.item, "Ý kiến trước khi lưu.", author=head, involved_unit_ids={head.unit_id}, now=utcnow()
        )
        with pytest.raises(EditConflict):
            change_assignment(
                assignment,
                Change(BLOCKED, difficulty="Thiếu kinh phí."),
                actor=head,
                expected_version=version,
                today=date(2023, 9, 15),
                now=utcnow(),
            )
        assert (assignment.status, assignment.version) == (IN_PROGRESS, version + 1)
        db.session.commit()
    with seeded.app_context():
        assert db.session.scalars(select(ItemComment.body)).all() == ["Ý kiến trước khi lưu."]
        saved = db.session.get(Assignment, assignment_id)
        assert (saved.status, saved.version, saved.difficulty, saved.events) == (IN_PROGRESS, version + 1, "", [])


def test_a_change_is_the_callers_to_commit_or_roll_back(seeded):
    """change_assignment flushes and never commits, on SQLite too (where a SAVEPOINT opening the transaction
    would commit on release): the caller's rollback undoes it."""
    with seeded.app_context():
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        assignment = find_assignment("I.2", "CDA")
        assignment_id, status, version = assignment.id, assignment.status, assignment.version
        db.session.commit()
        change_assignment(
            assignment,
            Change(IN_PROGRESS, comment="Đang làm."),
            actor=head,
            expected_version=version,
            today=date(2023, 9, 15),
            now=utcnow(),
        )
        db.session.rollback()
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment_id)
        assert (saved.status, saved.version, saved.events) == (status, version, [])
