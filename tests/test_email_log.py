"""Issue 13 points 13 and 14: the email log filters by unit, kind and status (its counts follow the filter),
speaks Vietnamese and shows no server folder; the header names a person once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import OutboxMessage, Unit

from .test_reminder_emails import sweep_json

AT = datetime(2023, 9, 5, 1, 0, tzinfo=UTC)


def _add(unit_code: str | None, kind: str, status: str, reply: str) -> None:
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    db.session.add(
        OutboxMessage(
            unit_id=unit.id if unit else None,
            kind=kind,
            reference_on=date(2023, 9, 4),
            recipients=["a@example.org"],
            cc=[],
            subject=f"Thư {kind} {unit_code}",
            body_text="Nội dung",
            body_html="<p>Nội dung</p>",
            status=status,
            entries=[],
            attempts=1,
            next_attempt_at=AT,
            last_error=reply,
            created_at=AT,
            sent_at=AT if status == "sent" else None,
        )
    )


def _listed(page: str) -> list[str]:
    return re.findall(r"<strong>#\d+ — ([^<]+)</strong>", page)


def test_the_email_log_filters_by_unit_kind_and_status(seeded, login_as, client):
    with seeded.app_context():
        _add("VPC", "daily", "sent", "250 accepted")
        _add("VPC", "urge", "failed", "Máy chủ thư từ chối, mã 554 (rejected)")
        _add("CDA", "daily", "sent", "written to /srv/plan-tracker/instance/outbox/abc123.eml")
        _add(None, "password_reset", "sent", "Đã ghi tệp def456.eml vào thư mục thư.")
        db.session.commit()
    login_as("admin")
    everything = client.get("/admin/emails").get_data(as_text=True)
    assert len(_listed(everything)) == 4
    by_unit = client.get("/admin/emails?unit=VPC").get_data(as_text=True)
    assert sorted(_listed(by_unit)) == ["Thư daily VPC", "Thư urge VPC"]
    # The status counts follow the unit chosen, and the status links keep it.
    assert "Tất cả (2)" in by_unit and 'href="/admin/emails?status=failed&amp;unit=VPC"' in by_unit
    assert _listed(client.get("/admin/emails?unit=VPC&status=failed").get_data(as_text=True)) == ["Thư urge VPC"]
    assert _listed(client.get("/admin/emails?kind=daily").get_data(as_text=True)) == ["Thư daily CDA", "Thư daily VPC"]
    # A filter value that means nothing lists everything rather than nothing.
    assert len(_listed(client.get("/admin/emails?unit=KHONGCO&kind=x").get_data(as_text=True))) == 4


def test_the_email_log_shows_no_server_folder_and_no_english(seeded, runner, login_as, client):
    with seeded.app_context():
        _add("CDA", "daily", "sent", "written to /srv/plan-tracker/instance/outbox/abc123.eml")
        _add("VPC", "daily", "sent", "250 accepted")
        db.session.commit()
    sweep_json(runner, "2023-09-05")
    assert runner.invoke(args=["reminders", "dispatch"]).exit_code == 0
    login_as("admin")
    page = client.get("/admin/emails").get_data(as_text=True)
    assert "/srv/" not in page and seeded.config["OUTBOX_DIR"] not in page
    assert "written to" not in page and "accepted" not in page
    assert "Đã ghi tệp abc123.eml vào thư mục thư." in page
    assert "Máy chủ thư đã nhận thư (mã 250)." in page
    assert "Nhắc hạn hằng ngày" in page


def test_the_header_names_a_person_once(seeded, login_as, client):
    login_as("admin")
    with seeded.app_context():
        from tracker.models import User

        admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
        admin.name = "Quản trị hệ thống"
        db.session.commit()
    header = client.get("/account").get_data(as_text=True).split("</header>")[0]
    assert header.count("Quản trị hệ thống") == 1
