"""Issue 13, points 7 to 9: what the reminder emails say (every lead unit, a meaningful excerpt), whom
they go to (the unit's people with accounts), and urges riding in the unit's one email of the day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.mailer import FileBackend
from tracker.models import OutboxMessage, Unit, User
from tracker.outbox import dispatch
from tracker.reminders import plan_day, recipients_of, sweep
from tracker.rules.reminders import task_excerpt
from tracker.urging import AlreadyUrged, urge, urged_today

from .conftest import csrf_token, find_assignment, make_user

TUESDAY, WEDNESDAY = date(2023, 9, 5), date(2023, 9, 6)
MORNING = datetime(2023, 9, 5, 1, 30, tzinfo=UTC)  # 08:30 in Hà Nội
NOON = datetime(2023, 9, 5, 5, 0, tzinfo=UTC)
LEADS_OF_I2 = (
    "Cục Điện ảnh",
    "Tổng cục Du lịch",
    "Tổng cục Thể dục thể thao",
    "Cục Di sản văn hóa",
    "Cục Mỹ thuật, Nhiếp ảnh và Triển lãm",
    "Cục Văn hóa cơ sở",
    "Vụ Thư viện",
    "Cục Hợp tác quốc tế",
    "Cục Nghệ thuật biểu diễn",
    "Cục Bản quyền tác giả",
    "Vụ Kế hoạch, Tài chính",
)


def rows_of(code: str, day: date | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).join(Unit).where(Unit.code == code).order_by(OutboxMessage.id)
    if day is not None:
        query = query.where(OutboxMessage.reference_on == day)
    return list(db.session.scalars(query))


def monitor() -> User:
    return db.session.scalar(select(User).where(User.email == "monitor@example.org"))


def send_all(app, now: datetime) -> None:
    dispatch(FileBackend(Path(app.config["OUTBOX_DIR"])), now=now, sender="tracker@example.org")


@pytest.mark.parametrize(
    "task, excerpt",
    [
        (
            "Tiếp tục nghiên cứu, trình cơ quan có thẩm quyền ban hành:\n- Chính sách khuyến khích người dân.\n- Văn bản.",
            "Tiếp tục nghiên cứu, trình cơ quan có thẩm quyền ban hành: Chính sách khuyến khích người dân …",
        ),
        ("Rà soát quy trình:\na) Quy trình nội bộ", "Rà soát quy trình: Quy trình nội bộ"),
        ("Giao chỉ tiêu về cung cấp, sử dụng DVCTT", "Giao chỉ tiêu về cung cấp, sử dụng DVCTT"),
        ("Làm việc A. Sau đó làm việc B.", "Làm việc A …"),
        ("Nghiên cứu " + "rất " * 60 + "kỹ", "Nghiên cứu" + " rất" * 42 + "…"),
    ],
)
def test_a_task_is_quoted_by_its_first_sentence_or_its_announcing_line_with_the_first_point(task, excerpt):
    assert task_excerpt(task) == excerpt
    assert not task_excerpt(task).endswith(":")


def test_the_coordinating_reminder_names_every_lead_unit_of_the_item(seeded, runner):
    """Friday 27/10/2023: I.2 is due in four days; the IT Centre coordinates it with eleven lead units."""
    with seeded.app_context():
        sweep(date(2023, 10, 27), now=MORNING)
        [message] = rows_of("TTCNTT")
        text = message.body_text
        assert "Đơn vị chủ trì (11 đơn vị): " + "; ".join(LEADS_OF_I2) + "." in text
        assert all(name in message.body_html for name in LEADS_OF_I2)


def test_the_legal_departments_reminder_quotes_the_task_not_a_line_ending_in_a_colon(seeded):
    with seeded.app_context():
        sweep(TUESDAY, now=MORNING)
        [message] = rows_of("VPC")
        line = next(line for line in message.body_text.splitlines() if line.startswith("- Nhiệm vụ I.1"))
        assert line.endswith(
            "ban hành: Chính sách khuyến khích người dân, doanh nghiệp sử dụng DVCTT như giảm thời gian xử lý hồ sơ …"
        )


@pytest.mark.parametrize(
    "people, receives",
    [
        ([], ["daumoi.vpc@example.org", "lanhdao.vpc@example.org"]),  # nobody with an account: the typed addresses
        ([("a", "unit_head", True, True), ("b", "unit_staff", True, True)], ["a@example.org", "b@example.org"]),
        ([("a", "unit_head", True, True), ("b", "unit_staff", True, False)], ["a@example.org"]),  # b chose not to
        ([("a", "unit_head", False, True), ("b", "unit_staff", True, True)], ["b@example.org"]),  # a is disabled
        ([("a", "unit_head", True, False)], ["daumoi.vpc@example.org", "lanhdao.vpc@example.org"]),
    ],
)
def test_a_units_reminder_goes_to_its_people_who_chose_it_else_to_its_typed_addresses(app, runner, people, receives):
    assert runner.invoke(args=["units", "load"]).exit_code == 0
    with app.app_context():
        for key, role, active, wants in people:
            user = make_user(key, role, "VPC")
            user.is_active, user.receives_reminders = active, wants
        make_user("other", "unit_head", "CDA")
        make_user("viewer", "viewer")
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        assert recipients_of([vpc])[vpc.id] == receives


def test_an_urge_before_the_days_sweep_is_one_email_with_the_days_reminders(seeded):
    with seeded.app_context():
        urged = urge(find_assignment("I.1", "VPC"), "Khẩn trương.", actor=monitor(), today=TUESDAY, now=MORNING)
        assert urged.send_now and urged.goes_on == TUESDAY
        sweep(TUESDAY, now=MORNING)
        [message] = rows_of("VPC")
        assert [(e["kind"], e["item"]) for e in message.entries] == [("urge", "I.1"), ("overdue", "I.1")]
        # The overdue reminder of the item urged is not repeated below the urge, which gives its deadline.
        assert message.subject == "[Theo dõi kế hoạch] Đôn đốc thực hiện nhiệm vụ I.1 — Vụ Pháp chế"
        assert "Đôn đốc ngày 05/09/2023 của monitor (monitor@example.org): Khẩn trương." in message.body_text
        assert message.body_text.count("- Nhiệm vụ I.1") == 1 and "quá hạn 5 ngày" in message.body_text


def test_an_urge_after_the_sweep_joins_the_units_unsent_email(seeded):
    with seeded.app_context():
        sweep(TUESDAY, now=MORNING)
        urge(find_assignment("I.1", "VPC"), "", actor=monitor(), today=TUESDAY, now=NOON)
        [message] = rows_of("VPC")
        assert message.status == "pending"
        assert [e["kind"] for e in message.entries] == ["urge", "overdue"]  # the urge first
        assert "Trung tâm Công nghệ thông tin đề nghị đơn vị khẩn trương thực hiện".upper() in message.body_text


def test_once_the_units_email_has_left_a_later_urge_goes_in_the_next_working_mornings(seeded):
    with seeded.app_context():
        sweep(TUESDAY, now=MORNING)
        first = urge(find_assignment("I.3", "TTCNTT"), "", actor=monitor(), today=TUESDAY, now=MORNING)
        db.session.commit()
        send_all(seeded, NOON)
        later = urge(find_assignment("I.4", "TTCNTT"), "Trước ngày 10.", actor=monitor(), today=TUESDAY, now=NOON)
        db.session.commit()
        assert (first.goes_on, later.goes_on, later.send_now) == (TUESDAY, WEDNESDAY, False)
        [tomorrow] = rows_of("TTCNTT", WEDNESDAY)
        assert tomorrow.next_attempt_at.replace(tzinfo=UTC) == datetime(2023, 9, 6, 1, 0, tzinfo=UTC)
        send_all(seeded, NOON)
        assert db.session.get(OutboxMessage, tomorrow.id).status == "pending"  # not before the morning
        send_all(seeded, datetime(2023, 9, 6, 2, 0, tzinfo=UTC))  # its time, but not swept yet
        assert db.session.get(OutboxMessage, tomorrow.id).status == "pending"
        planned = [e for d in plan_day(WEDNESDAY, only_unit=tomorrow.unit_id).drafts for e in d.entries]
        sweep(WEDNESDAY, now=datetime(2023, 9, 6, 1, 0, tzinfo=UTC))
        [message] = rows_of("TTCNTT", WEDNESDAY)
        assert all(entry in message.entries for entry in planned)
        assert [e["item"] for e in message.entries if e["kind"] == "urge"] == ["I.4"]
        assert [len(rows_of("TTCNTT", day)) for day in (TUESDAY, WEDNESDAY)] == [1, 1]
        send_all(seeded, datetime(2023, 9, 6, 2, 0, tzinfo=UTC))
        assert db.session.get(OutboxMessage, message.id).status == "sent"
        # Both items were urged on Tuesday, whichever email carries them.
        unit_id = message.unit_id
        items = {find_assignment(ref, "TTCNTT").item_id for ref in ("I.3", "I.4")}
        assert urged_today({unit_id}, TUESDAY) == {(unit_id, item) for item in items}


def test_two_items_urged_to_one_unit_the_same_day_make_one_email_and_the_same_item_twice_is_refused(seeded):
    with seeded.app_context():
        urge(find_assignment("I.3", "TTCNTT"), "", actor=monitor(), today=TUESDAY, now=MORNING)
        urge(find_assignment("I.4", "TTCNTT"), "", actor=monitor(), today=TUESDAY, now=MORNING)
        [message] = rows_of("TTCNTT")
        assert [e["item"] for e in message.entries if e["kind"] == "urge"] == ["I.3", "I.4"]
        # With the weekly digest the IT Centre gets that Tuesday (Monday was a holiday), in one email.
        assert message.subject == (
            "[Theo dõi kế hoạch] Trung tâm Công nghệ thông tin: đôn đốc nhiệm vụ I.3, I.4, tổng hợp tuần (05/09/2023)"
        )
        with pytest.raises(
            AlreadyUrged, match=r"Nhiệm vụ I\.3 của Trung tâm Công nghệ thông tin đã được đôn đốc hôm nay"
        ):
            urge(find_assignment("I.3", "TTCNTT"), "", actor=monitor(), today=TUESDAY, now=NOON)


def test_copies_go_to_the_it_centres_recipients_in_reminders_and_urges_alike(seeded):
    with seeded.app_context():
        make_user("giamdoc", "unit_head", "TTCNTT")
        sweep(TUESDAY, now=MORNING)
        [daily] = rows_of("VPC")
        urge(find_assignment("I.2", "CDA"), "", actor=monitor(), today=TUESDAY, now=NOON)
        [urged] = rows_of("CDA")
        assert daily.cc == urged.cc == ["giamdoc@example.org"]
        assert "monitor@example.org" not in urged.cc


def test_the_footer_promises_no_more_than_what_happens(seeded):
    with seeded.app_context():
        sweep(TUESDAY, now=MORNING)
        for message in db.session.scalars(select(OutboxMessage)):
            assert "tối đa một thư mỗi ngày làm việc" not in message.body_text
            assert "lời đôn đốc của Trung tâm Công nghệ thông tin đi cùng thư nhắc việc" in message.body_text


def test_the_list_says_urged_today_and_refuses_a_second_urge_of_the_item(seeded, login_as, client):
    with seeded.app_context():
        assignment_id = find_assignment("I.1", "VPC").id
    login_as("monitor")
    token = csrf_token(client, "/monitoring")
    assert "đã đôn đốc hôm nay" not in client.get("/monitoring").get_data(as_text=True)
    client.post(f"/monitoring/urge/{assignment_id}", data={"csrf_token": token, "text": ""})
    page = client.get("/monitoring").get_data(as_text=True)
    assert "đã đôn đốc hôm nay" in page
    assert f'action="/monitoring/urge/{assignment_id}"' not in page
    again = client.post(
        f"/monitoring/urge/{assignment_id}", data={"csrf_token": token, "text": "x"}, follow_redirects=True
    )
    assert "Nhiệm vụ I.1 của Vụ Pháp chế đã được đôn đốc hôm nay" in again.get_data(as_text=True)


def test_a_unit_officer_chooses_on_the_account_page_whether_reminders_come_to_them(seeded, login_as, client):
    login_as("head_vpc")
    page = client.get("/account").get_data(as_text=True)
    assert 'checked id="reminders-receives_reminders" name="reminders-receives_reminders"' in page
    token = csrf_token(client, "/account")
    response = client.post("/account/reminders", data={"csrf_token": token})  # the box left unticked
    assert response.status_code == 302
    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        assert not db.session.scalar(select(User).where(User.email == "head_vpc@example.org")).receives_reminders
        assert recipients_of([vpc])[vpc.id] == ["daumoi.vpc@example.org", "lanhdao.vpc@example.org"]
    client.post("/account/reminders", data={"csrf_token": token, "reminders-receives_reminders": "y"})
    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
        assert recipients_of([vpc])[vpc.id] == ["head_vpc@example.org"]


def test_only_unit_officers_see_the_reminder_choice(seeded, login_as, client):
    login_as("viewer")
    assert 'id="nhac-viec"' not in client.get("/account").get_data(as_text=True)


def test_the_demo_logins_are_the_addresses_typed_on_their_units(app, runner, tmp_path):
    from tracker.demo import DEMO_ACCOUNTS, make_accounts

    assert runner.invoke(args=["units", "load"]).exit_code == 0
    with app.app_context():
        make_accounts(tmp_path / "demo-accounts.txt", now=MORNING)
        officers = list(db.session.scalars(select(User).where(User.unit_id.is_not(None))))
        assert len(officers) == sum(code is not None for _email, _role, code, _name in DEMO_ACCOUNTS)
        for user in officers:
            typed = user.unit.head_email if user.role == "unit_head" else user.unit.focal_email
            assert user.email == typed, user.email
        cda = db.session.scalar(select(Unit).where(Unit.code == "CDA"))
        assert recipients_of([cda])[cda.id] == ["daumoi.cda@example.org", "lanhdao.cda@example.org"]
