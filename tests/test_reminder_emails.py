"""Reminder emails on the seed plan with the default rules: who gets what on which day, one email per
unit per day, exactly once — across sweeps, processes, a mail server that is down, and a late scheduler."""

from __future__ import annotations

import email
import json
import multiprocessing
import socket
from datetime import UTC, date, datetime
from email.policy import default as default_policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Assignment, OutboxMessage, SweepRun, Unit

APPENDIX1 = 11


def sweep_json(runner, day: str, *extra) -> dict:
    result = runner.invoke(args=["reminders", "sweep", "--date", day, "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_unit(report: dict) -> dict[str, list[tuple]]:
    return {m["unit"]: [(e["kind"], e["item"], e["days"]) for e in m["entries"]] for m in report["messages"]}


def outbox_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_seven_days_before_the_legal_department_and_the_coordinators_hear_of_item_1(seeded, runner):
    report = by_unit(sweep_json(runner, "2023-08-24"))
    assert report["Vụ Pháp chế"] == [("before", "I.1", 7)]
    coordinators = [unit for unit, entries in report.items() if ("coordinating", "I.1", 7) in entries]
    assert len(coordinators) == APPENDIX1


@pytest.mark.parametrize("day", ["2023-09-01", "2023-09-02", "2023-09-04"])
def test_no_reminders_on_national_day_holidays_or_the_weekend(seeded, runner, day):
    assert sweep_json(runner, day)["messages"] == []


def test_the_first_overdue_reminder_moves_to_the_working_day_after_the_holidays(seeded, runner):
    report = sweep_json(runner, "2023-09-05")
    message = next(m for m in report["messages"] if m["unit"] == "Vụ Pháp chế")
    assert message["entries"] == [{"kind": "overdue", "item": "I.1", "days": -5}]
    assert message["to"] == ["head_vpc@example.org"]  # the unit's person with an account
    assert message["cc"] == ["daumoi.ttcntt@example.org", "lanhdao.ttcntt@example.org"]  # the IT Centre


def test_a_reminder_due_on_saturday_goes_out_on_friday(seeded, runner):
    assert sweep_json(runner, "2023-10-28")["messages"] == []
    friday = by_unit(sweep_json(runner, "2023-10-27"))
    leads = [unit for unit, entries in friday.items() if ("before", "I.2", 4) in entries]
    assert len(leads) == APPENDIX1
    assert friday["Trung tâm Công nghệ thông tin"].count(("coordinating", "I.2", 4)) == 1


def test_a_second_sweep_of_the_same_day_adds_and_prints_nothing(seeded, runner):
    first = sweep_json(runner, "2023-08-24")
    assert len(first["messages"]) == 1 + APPENDIX1
    assert sweep_json(runner, "2023-08-24")["messages"] == []
    assert outbox_count(seeded) == 1 + APPENDIX1


def test_a_dry_run_shows_the_messages_and_keeps_nothing(seeded, runner):
    report = sweep_json(runner, "2023-08-24", "--dry-run")
    assert len(report["messages"]) == 1 + APPENDIX1
    assert outbox_count(seeded) == 0


def test_no_message_for_a_done_assignment(seeded, runner):
    with seeded.app_context():
        vpc = db.session.scalar(select(Assignment).join(Unit).where(Unit.code == "VPC"))
        vpc.status = "done"
        db.session.commit()
    report = by_unit(sweep_json(runner, "2023-09-05"))
    assert "Vụ Pháp chế" not in report


def test_a_unit_without_an_address_is_reported_not_skipped_silently(seeded, runner):
    from tracker.models import User

    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        vpc.head_email = vpc.focal_email = None
        db.session.scalar(select(User).where(User.email == "head_vpc@example.org")).is_active = False
        db.session.commit()
    report = sweep_json(runner, "2023-09-05")
    assert "Vụ Pháp chế" in report["units_without_address"]
    assert "Vụ Pháp chế" not in by_unit(report)


def test_one_email_per_unit_per_day_grouped_with_overdue_first(seeded, runner):
    """On 2023-09-06 Cục Điện ảnh (no figures for August, due 05/09) gets its KPI reminder; every unit
    gets a single email a day."""
    sweep_json(runner, "2023-09-06")
    with seeded.app_context():
        per_unit = db.session.execute(select(OutboxMessage.unit_id, func.count()).group_by(OutboxMessage.unit_id)).all()
        assert per_unit and all(count == 1 for _, count in per_unit)
        cda = db.session.scalar(select(OutboxMessage).join(Unit).where(Unit.code == "CDA"))
        assert [e["kind"] for e in cda.entries] == ["kpi_missing"]
        assert "SỐ LIỆU CHỈ TIÊU CHƯA BÁO CÁO" in cda.body_text and "tháng 8/2023 (hạn 05/09/2023)" in cda.body_text

    # Monday 2023-10-30: the IT Centre coordinates item 2 (due tomorrow) and gets its weekly digest —
    # in one email, the item first, the digest (listing Vụ Pháp chế's overdue item 1) after it.
    sweep_json(runner, "2023-10-30")
    with seeded.app_context():
        centre = db.session.scalar(
            select(OutboxMessage)
            .join(Unit)
            .where(Unit.code == "TTCNTT", OutboxMessage.reference_on == date(2023, 10, 30))
        )
        assert [(e["kind"], e["item"]) for e in centre.entries] == [("coordinating", "I.2"), ("digest", None)]
        text = centre.body_text
        assert text.index("NHIỆM VỤ ĐƠN VỊ PHỐI HỢP THỰC HIỆN") < text.index("TỔNG HỢP TUẦN")
        assert "Vụ Pháp chế — nhiệm vụ I.1, hạn 31/08/2023, quá hạn 60 ngày" in text


def test_the_email_text_is_vietnamese_with_dates_and_absolute_links(seeded, runner):
    sweep_json(runner, "2023-09-05")
    with seeded.app_context():
        message = db.session.scalar(select(OutboxMessage).join(Unit).where(Unit.code == "VPC"))
        assert message.subject.startswith("[Theo dõi kế hoạch] Vụ Pháp chế: 1 nhiệm vụ quá hạn")
        assert "Kính gửi: Vụ Pháp chế" in message.body_text
        assert "NHIỆM VỤ QUÁ HẠN" in message.body_text
        assert "Hạn: 31/08/2023 — quá hạn 5 ngày." in message.body_text
        assert "http://127.0.0.1:5000/items/" in message.body_text
        assert "http://127.0.0.1:5000/units/VPC" in message.body_html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def test_dispatch_with_the_mail_server_down_loses_nothing_and_later_delivers_each_once(seeded, runner):
    from aiosmtpd.controller import Controller

    port = _free_port()
    seeded.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)
    sweep_json(runner, "2023-09-05")
    queued = outbox_count(seeded)
    assert queued >= 1
    down = runner.invoke(args=["reminders", "dispatch"])
    assert "Đã gửi 0 thư" in down.stdout and f"{queued} thư sẽ thử lại" in down.stdout
    with seeded.app_context():
        assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"pending"}
        assert all(m.last_error for m in db.session.scalars(select(OutboxMessage)))
        # Retrying waits for its back-off; make it due now rather than waiting.
        for message in db.session.scalars(select(OutboxMessage)):
            message.next_attempt_at = datetime(2000, 1, 1, tzinfo=UTC)
        db.session.commit()
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = runner.invoke(args=["reminders", "dispatch"])
        again = runner.invoke(args=["reminders", "dispatch"])
    finally:
        controller.stop()
    assert f"Đã gửi {queued} thư" in up.stdout
    assert "Đã gửi 0 thư" in again.stdout
    assert len(handler.messages) == queued
    received = [email.message_from_bytes(raw, policy=default_policy) for raw in handler.messages]
    vpc = next(m for m in received if "Vụ Pháp chế" in m["Subject"])
    assert vpc["Subject"].startswith("[Theo dõi kế hoạch] Vụ Pháp chế: 1 nhiệm vụ quá hạn")
    assert "lanhdao.ttcntt@example.org" in vpc["Cc"]
    text = vpc.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi: Vụ Pháp chế" in text and "quá hạn 5 ngày" in text
    assert "Nhiệm vụ quá hạn" in vpc.get_body(preferencelist=("html",)).get_content()


def test_a_5xx_reply_is_final_and_shown(seeded, runner):
    from aiosmtpd.controller import Controller

    class Refuse:
        async def handle_DATA(self, server, session, envelope):
            return "554 5.7.1 Message rejected as spam"

    port = _free_port()
    seeded.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)
    sweep_json(runner, "2023-09-05")
    controller = Controller(Refuse(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        result = runner.invoke(args=["reminders", "dispatch"])
    finally:
        controller.stop()
    assert f"Đã gửi 0 thư; 0 thư sẽ thử lại; {outbox_count(seeded)} thư lỗi." in result.stdout
    with seeded.app_context():
        failed = list(db.session.scalars(select(OutboxMessage)))
        assert {m.status for m in failed} == {"failed"}
        assert "554" in failed[0].last_error


def test_the_file_backend_writes_eml_files_that_read_back(seeded, runner):
    sweep_json(runner, "2023-09-05")
    result = runner.invoke(args=["reminders", "dispatch"])
    assert f"Đã gửi {outbox_count(seeded)} thư; 0 thư sẽ thử lại; 0 thư lỗi." in result.stdout
    files = list(Path(seeded.config["OUTBOX_DIR"]).glob("*.eml"))
    assert len(files) == outbox_count(seeded)
    parsed = [email.message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]
    assert any("Vụ Pháp chế" in m["Subject"] for m in parsed)


def _sweep_in_a_process(database_url: str, outbox: str, day: str, barrier, results) -> None:
    """A separate process running the day's sweep, as a second scheduler would."""
    from tracker import create_app
    from tracker.clock import utcnow
    from tracker.extensions import db as process_db
    from tracker.reminders import sweep

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "TODAY": day, "OUTBOX_DIR": outbox})
    with app.app_context():
        barrier.wait(timeout=60)
        result = sweep(date.fromisoformat(day), now=utcnow())
        process_db.session.commit()
        results.put(len(result.created_ids))


@pytest.mark.committed  # two processes
def test_two_sweeps_in_parallel_processes_create_each_message_once(seeded, runner, tmp_path):
    expected = len(sweep_json(runner, "2023-08-24", "--dry-run")["messages"])
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=_sweep_in_a_process,
            args=(seeded.config["DATABASE_URL"], str(tmp_path / "outbox"), "2023-08-24", barrier, results),
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    created = sorted(results.get(timeout=10) for _ in workers)
    assert sum(created) == expected
    assert outbox_count(seeded) == expected
    with seeded.app_context():
        assert db.session.get(SweepRun, date(2023, 8, 24)).messages == expected


def test_a_scheduler_started_at_ten_sends_that_days_eight_oclock_sweep(seeded):
    from tracker.scheduler import tick

    ten = datetime(2023, 9, 5, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    with seeded.app_context():
        report = tick(ten)
        assert report.swept and report.created >= 1
        assert len(report.dispatch.sent) == report.created
        again = tick(ten.replace(minute=5))
        assert not again.swept and again.dispatch.sent == []


def test_the_scheduler_does_not_sweep_before_the_send_time_or_on_a_holiday(seeded):
    from tracker.scheduler import tick

    with seeded.app_context():
        assert not tick(datetime(2023, 9, 5, 0, 30, tzinfo=UTC)).swept  # 07:30 in Hà Nội
        assert not tick(datetime(2023, 9, 4, 3, 0, tzinfo=UTC)).swept  # a holiday
    assert outbox_count(seeded) == 0


def test_an_admin_changes_the_rules_on_a_page_and_the_next_sweep_follows_them(seeded, runner, login_as, client):
    from .conftest import csrf_token

    login_as("admin")
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert 'value="7, 3, 1, 0"' in page and 'value="08:00"' in page
    form = {
        "csrf_token": csrf_token(client, "/admin/reminders"),
        "send_time": "07:30",
        "before_days": "10, 3",
        "overdue_repeat_days": "7",
        "ongoing_repeat_days": "7",
        "progress_period_days": "30",
        "kpi_repeat_days": "7",
        "digest_weekday": "0",
        "copy_it_centre_on_overdue": "y",
        **{f"kind_{k}": "y" for k in ("before", "due", "overdue", "ongoing_report", "kpi_missing", "digest")},
    }
    response = client.post("/admin/reminders", data=form)
    assert response.status_code == 302
    assert "Vụ Pháp chế" not in by_unit(sweep_json(runner, "2023-08-24"))  # 7 days before: no longer a reminder day
    report = by_unit(sweep_json(runner, "2023-08-21"))  # 10 days before
    assert report["Vụ Pháp chế"] == [("before", "I.1", 10)]
    assert not any(kind == "coordinating" for entries in report.values() for kind, _, _ in entries)  # switched off
    with seeded.app_context():
        from tracker.scheduler import send_time

        assert send_time().strftime("%H:%M") == "07:30"


def test_rules_that_make_no_sense_are_refused_with_a_reason(seeded, login_as, client):
    from .conftest import csrf_token

    login_as("admin")
    form = {
        "csrf_token": csrf_token(client, "/admin/reminders"),
        "send_time": "25:00",
        "before_days": "7, -1",
        "overdue_repeat_days": "0",
        "ongoing_repeat_days": "7",
        "progress_period_days": "30",
        "kpi_repeat_days": "7",
        "digest_weekday": "0",
    }
    response = client.post("/admin/reminders", data=form)
    assert response.status_code == 422
    assert "HH:MM" in response.get_data(as_text=True)
    form["send_time"] = "08:00"
    response = client.post("/admin/reminders", data=form)
    assert response.status_code == 422
    from tracker.models import Setting

    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(Setting)) == 0


def test_the_email_log_shows_each_message_and_an_admin_resends_a_failed_one(seeded, runner, login_as, client):
    from .conftest import csrf_token

    sweep_json(runner, "2023-09-05")
    with seeded.app_context():
        message = db.session.scalar(select(OutboxMessage).join(Unit).where(Unit.code == "VPC"))
        message.status, message.last_error, message.attempts = "failed", "554 5.7.1 rejected", 1
        db.session.commit()
        message_id = message.id
    login_as("monitor")
    page = client.get("/admin/emails?status=failed").get_data(as_text=True)
    assert "554 5.7.1 rejected" in page and "Kính gửi: Vụ Pháp chế" in page
    assert f"/admin/emails/{message_id}/resend" not in page  # the IT Centre reads, the admin resends
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("admin")
    response = client.post(
        f"/admin/emails/{message_id}/resend", data={"csrf_token": csrf_token(client, "/admin/emails")}
    )
    assert response.status_code == 302
    with seeded.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "pending"
    runner.invoke(args=["reminders", "dispatch"])
    with seeded.app_context():
        assert db.session.get(OutboxMessage, message_id).status == "sent"
