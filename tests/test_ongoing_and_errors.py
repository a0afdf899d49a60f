"""Ongoing items need a progress report each period; unexpected errors show a short message with an id."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, Unit
from tracker.plan_import import import_document

from .conftest import csrf_token
from .test_query_counts import synthetic_plan


@pytest.fixture
def today():
    return "2023-11-20"


def test_an_ongoing_item_is_never_overdue_but_is_flagged_without_a_recent_report(seeded, login_as, client):
    with seeded.app_context():
        import_document(synthetic_plan(4, "4/QĐ-THU"), "load.txt", now=utcnow())
        db.session.commit()
        # Created in July: no progress report for months.
        for assignment in db.session.scalars(select(Assignment).join(Unit).where(Unit.code == "CDA")):
            assignment.created_at = assignment.created_at.replace(month=7)
        db.session.commit()
        ongoing = next(a for a in db.session.scalars(select(Assignment)) if a.item.is_ongoing)
        ongoing_id, version = ongoing.id, ongoing.version
    login_as("head_cda")
    page = client.get("/units/CDA").get_data(as_text=True)
    card = page[page.index(f'id="pc-{ongoing_id}"') :][:1500]
    assert "thiếu báo cáo tiến độ" in card
    assert "quá hạn" not in card
    overdue = client.get("/units/CDA").get_data(as_text=True)
    assert overdue.count("— quá hạn") >= 1  # the dated items of the same plan are overdue
    # A progress report clears the flag.
    response = client.post(
        f"/assignments/{ongoing_id}/status",
        data={
            f"a{ongoing_id}-to_state": "not_started",
            f"a{ongoing_id}-comment": "Đã tổ chức tập huấn tháng 11.",
            f"a{ongoing_id}-version": str(version),
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302
    card = client.get("/units/CDA").get_data(as_text=True)
    card = card[card.index(f'id="pc-{ongoing_id}"') :][:1500]
    assert "thiếu báo cáo tiến độ" not in card


def test_an_unexpected_error_shows_a_short_vietnamese_message_with_the_request_id(seeded, login_as, client, caplog):
    seeded.config["PROPAGATE_EXCEPTIONS"] = False

    @seeded.get("/__test_failure")
    def _failure():
        raise RuntimeError("boom")

    login_as("viewer")
    with caplog.at_level(logging.ERROR, logger="tracker.requests"):
        response = client.get("/__test_failure")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    request_id = response.headers["X-Request-Id"]
    assert "Đã xảy ra lỗi" in page and request_id in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert any(request_id in record.getMessage() for record in caplog.records)


def test_debug_pages_are_off(seeded):
    assert not seeded.debug
