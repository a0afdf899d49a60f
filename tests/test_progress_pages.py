"""Unit heads at work: the unit page, status changes with evidence, conflicts, history, and who may do what."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import ActionItem, Assignment, AssignmentEvent

from .conftest import assignment_of, csrf_token, post_status


@pytest.fixture
def today():
    return "2023-09-05"


def test_vpc_unit_page_shows_item_1_overdue_by_5_days(seeded, client, login_as):
    login_as("head_vpc")
    page = client.get("/units/VPC").get_data(as_text=True)
    card = page[page.index("Nhiệm vụ I.1") :]
    assert "quá hạn 5 ngày" in card[:2000]
    assert "Chưa triển khai — quá hạn" in card[:2000]
    assert "31/08/2023" in card[:2000]


def test_cda_head_sees_item_2_due_end_of_october_with_56_days_left(seeded, client, login_as):
    login_as("head_cda")
    page = client.get("/units/CDA").get_data(as_text=True)
    card = page[page.index("Nhiệm vụ I.2") :][:2000]
    assert "31/10/2023" in card and "còn 56 ngày" in card
    assert "Cập nhật nhanh nhiệm vụ I.2" in card


def test_cda_head_cannot_touch_the_legal_departments_assignment(seeded, client, login_as):
    vpc_assignment, version = assignment_of(seeded, "I.1", "VPC")
    login_as("head_cda")
    # By URL: the other unit's page, and no update form on the item page.
    assert client.get("/units/VPC").status_code == 403
    item_page = client.get(f"/items/{_item_id(seeded, 'I.1')}").get_data(as_text=True)
    assert f'action="/assignments/{vpc_assignment}/status"' not in item_page
    # By form post.
    response = post_status(client, vpc_assignment, version, to_state="in_progress", comment="thử")
    assert response.status_code == 403
    assert "không có quyền" in response.get_data(as_text=True)
    # By API.
    token = csrf_token(client, "/account")
    response = client.post(
        f"/api/v1/assignments/{vpc_assignment}/status",
        json={"status": "in_progress", "version": version},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    assert "không có quyền" in response.get_json()["error"]["message"]
    with seeded.app_context():
        assert db.session.get(Assignment, vpc_assignment).status == "not_started"
        assert db.session.scalar(select(AssignmentEvent.id)) is None


def _item_id(app, reference: str) -> int:
    with app.app_context():
        return next(i.id for i in db.session.scalars(select(ActionItem)) if i.reference == reference)


def test_done_without_evidence_is_refused_naming_what_is_missing(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(client, assignment, version, to_state="done")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "Hãy nhập ngày hoàn thành.",
        "Hãy nhập số văn bản",
        "Hãy nhập ngày ban hành văn bản",
        "Hãy nhập trích yếu",
    ):
        assert message in page
    with seeded.app_context():
        assert db.session.get(Assignment, assignment).status == "not_started"


def test_done_with_document_evidence_is_recorded_and_shown(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(
        client,
        assignment,
        version,
        to_state="done",
        completed_on="2023-09-04",
        document_number="123/QĐ-CĐA",
        document_date="2023-09-04",
        document_title="Quyết định ban hành danh mục DVCTT chỉ tiếp nhận hồ sơ trực tuyến",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã cập nhật nhiệm vụ I.2 của Cục Điện ảnh." in page
    assert "“Chưa triển khai” → “Hoàn thành”" in page
    assert "văn bản số 123/QĐ-CĐA ngày 04/09/2023" in page
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert (saved.status, saved.version, str(saved.completed_on)) == ("done", 2, "2023-09-04")


def test_done_with_a_file_stores_it_outside_the_web_root_for_allowed_people_only(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    data = {
        f"a{assignment}-to_state": "done",
        f"a{assignment}-completed_on": "2023-09-04",
        f"a{assignment}-version": str(version),
        "csrf_token": csrf_token(client, "/account"),
        f"a{assignment}-evidence": (io.BytesIO(b"%PDF-1.7\n% minh chung\n"), "quyet-dinh-123.pdf"),
    }
    response = client.post(f"/assignments/{assignment}/status", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/evidence/\d+)">quyet-dinh-123.pdf', page).group(1)
    download = client.get(link)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-1.7")
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    stored = list(Path(seeded.config["UPLOAD_DIR"]).iterdir())
    assert len(stored) == 1 and stored[0].name != "quyet-dinh-123.pdf"  # random name, not the user's
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("head_vpc")
    assert client.get(link).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("monitor")
    again = client.get(link)
    assert again.status_code == 200
    again.close()


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("virus.exe", b"MZ\x90\x00", "chỉ nhận các loại"),
        ("fake.pdf", b"<html>not a pdf</html>", "không phải là tệp .pdf hợp lệ"),
        ("empty.pdf", b"", "rỗng"),
    ],
)
def test_evidence_files_are_checked_for_type(seeded, client, login_as, filename, content, message):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    data = {
        f"a{assignment}-to_state": "done",
        f"a{assignment}-completed_on": "2023-09-04",
        f"a{assignment}-version": str(version),
        "csrf_token": csrf_token(client, "/account"),
        f"a{assignment}-evidence": (io.BytesIO(content), filename),
    }
    response = client.post(f"/assignments/{assignment}/status", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with seeded.app_context():
        assert db.session.get(Assignment, assignment).status == "not_started"


def test_an_upload_over_the_size_limit_gets_a_vietnamese_413(seeded, client, login_as):
    seeded.config["MAX_CONTENT_LENGTH"] = 1024
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    data = {
        f"a{assignment}-to_state": "done",
        f"a{assignment}-version": str(version),
        "csrf_token": csrf_token(client, "/account"),
        f"a{assignment}-evidence": (io.BytesIO(b"%PDF-" + b"x" * 4096), "big.pdf"),
    }
    response = client.post(f"/assignments/{assignment}/status", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_a_stale_form_gets_409_and_the_other_persons_change_survives(seeded, client, login_as, app):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    other = app.test_client()
    from .conftest import login

    login(other, "staff_cda")
    first = post_status(other, assignment, version, to_state="in_progress", comment="Đang rà soát 9 thủ tục.")
    assert first.status_code == 302
    login_as("head_cda")
    stale = post_status(client, assignment, version, to_state="blocked", comment="Thiếu kinh phí.")
    assert stale.status_code == 409
    assert "staff_cda chuyển trạng thái từ “Chưa triển khai” sang “Đang thực hiện”, kèm ghi chú" in stale.get_data(
        as_text=True
    )
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert (saved.status, saved.version) == ("in_progress", version + 1)
        assert [e.comment for e in saved.events] == ["Đang rà soát 9 thủ tục."]


def test_every_transition_appears_in_the_history_with_who_and_what(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    steps = [
        {"to_state": "in_progress", "comment": "Bắt đầu rà soát."},
        {"to_state": "blocked", "difficulty": "Phần mềm chưa hỗ trợ ký số.", "proposal": "Đề nghị TT CNTT nâng cấp."},
        {"to_state": "in_progress", "comment": "Đã được nâng cấp phần mềm."},
        {"to_state": "in_progress", "comment": "Hoàn thành 80%."},
        {
            "to_state": "done",
            "completed_on": "2023-09-05",
            "document_number": "9/QĐ-CĐA",
            "document_date": "2023-09-05",
            "document_title": "Quyết định danh mục",
        },
    ]
    for number, step in enumerate(steps):
        response = post_status(client, assignment, version + number, **step)
        assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        events = db.session.get(Assignment, assignment).events
        assert [(e.kind, e.from_state, e.to_state) for e in events] == [
            ("move", "not_started", "in_progress"),
            ("move", "in_progress", "blocked"),
            ("move", "blocked", "in_progress"),
            ("progress", "in_progress", "in_progress"),
            ("move", "in_progress", "done"),
        ]
        assert {e.actor.email for e in events} == {"head_cda@example.org"}
        assert events[1].difficulty == "Phần mềm chưa hỗ trợ ký số."
    page = client.get(f"/items/{_item_id(seeded, 'I.2')}").get_data(as_text=True)
    assert page.count("head_cda") >= 5
    assert "Khó khăn, vướng mắc:</strong> Phần mềm chưa hỗ trợ ký số." in page


def test_the_it_centre_reopens_a_done_assignment_only_with_a_reason(seeded, client, login_as, app):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    from .conftest import login

    unit = app.test_client()
    login(unit, "head_cda")
    assert (
        post_status(
            unit,
            assignment,
            version,
            to_state="done",
            completed_on="2023-09-01",
            document_number="1/QĐ",
            document_date="2023-09-01",
            document_title="QĐ",
        ).status_code
        == 302
    )
    # The unit cannot reopen its own done assignment; the IT Centre can, with a reason.
    assert post_status(unit, assignment, version + 1, to_state="in_progress", reason="x").status_code == 403
    login_as("monitor")
    refused = post_status(client, assignment, version + 1, to_state="in_progress")
    assert refused.status_code == 422 and "Hãy ghi lý do mở lại" in refused.get_data(as_text=True)
    reopened = post_status(client, assignment, version + 1, to_state="in_progress", reason="Quyết định chưa đúng mẫu.")
    assert reopened.status_code == 302
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert (saved.status, saved.completed_on) == ("in_progress", None)
        assert saved.events[-1].kind == "reopen" and saved.events[-1].actor.email == "monitor@example.org"


def test_the_it_centre_does_not_change_a_units_status_for_it(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("monitor")
    assert post_status(client, assignment, version, to_state="in_progress", comment="x").status_code == 403


def test_the_quick_form_on_the_unit_page_takes_a_difficulty_in_its_one_text_box(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("staff_cda")
    response = client.post(
        f"/assignments/{assignment}/status",
        data={
            f"a{assignment}-to_state": "blocked",
            f"a{assignment}-comment": "Chưa có hướng dẫn của Văn phòng Chính phủ.",
            f"a{assignment}-version": str(version),
            "back": "unit",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/units/CDA"
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert (saved.status, saved.difficulty) == ("blocked", "Chưa có hướng dẫn của Văn phòng Chính phủ.")


def test_a_progress_report_on_a_blocked_assignment_from_the_quick_form_keeps_its_text(seeded, client, login_as):
    """Keeping "blocked" with the quick form is a progress report: its one text box is the report, not a new
    difficulty (it used to be refused with "write the report" although the person had written it)."""
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("staff_cda")
    token = csrf_token(client, "/account")
    quick = {"back": "unit", "csrf_token": token}
    client.post(
        f"/assignments/{assignment}/status",
        data={
            **quick,
            f"a{assignment}-to_state": "blocked",
            f"a{assignment}-comment": "Thiếu kinh phí.",
            f"a{assignment}-version": str(version),
        },
    )
    response = client.post(
        f"/assignments/{assignment}/status",
        data={
            **quick,
            f"a{assignment}-to_state": "blocked",
            f"a{assignment}-comment": "Đã xin bổ sung kinh phí.",
            f"a{assignment}-version": str(version + 1),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/units/CDA"
    with seeded.app_context():
        saved = db.session.get(Assignment, assignment)
        assert (saved.status, saved.difficulty) == ("blocked", "Thiếu kinh phí.")
        assert [(e.kind, e.comment) for e in saved.events][-1] == ("progress", "Đã xin bổ sung kinh phí.")


def test_comments_by_involved_units_and_the_it_centre_only(seeded, client, login_as):
    item = _item_id(seeded, "I.1")
    login_as("viewer")
    assert (
        client.post(
            f"/items/{item}/comments", data={"body": "x", "csrf_token": csrf_token(client, "/account")}
        ).status_code
        == 403
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("monitor")
    response = client.post(
        f"/items/{item}/comments",
        data={"body": "Đề nghị Vụ Pháp chế khẩn trương hoàn thành.", "csrf_token": csrf_token(client, "/account")},
    )
    assert response.status_code == 302
    assert "Đề nghị Vụ Pháp chế khẩn trương hoàn thành." in client.get(f"/items/{item}").get_data(as_text=True)


def test_api_status_update_uses_the_same_rules_and_errors(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    headers = {"X-CSRFToken": csrf_token(client, "/account")}
    refused = client.post(
        f"/api/v1/assignments/{assignment}/status", json={"status": "done", "version": version}, headers=headers
    )
    assert refused.status_code == 422
    problems = refused.get_json()["error"]["problems"]
    assert set(problems) >= {"completed_on", "document_number"}
    ok = client.post(
        f"/api/v1/assignments/{assignment}/status",
        json={"status": "in_progress", "version": version, "comment": "Bắt đầu."},
        headers=headers,
    )
    assert ok.status_code == 200 and ok.get_json()["status"] == "in_progress"
    stale = client.post(
        f"/api/v1/assignments/{assignment}/status",
        json={"status": "blocked", "version": version, "difficulty": "x"},
        headers=headers,
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"
    got = client.get(f"/api/v1/assignments/{assignment}").get_json()
    assert (got["unit_code"], got["due"], got["days_left"], got["version"]) == ("CDA", "2023-10-31", 56, version + 1)


def test_a_done_assignment_offers_no_quick_update_on_the_unit_page(seeded, login_as, client):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    post_status(
        client,
        assignment,
        version,
        to_state="done",
        completed_on="2023-09-04",
        document_number="1/QĐ",
        document_date="2023-09-04",
        document_title="Quyết định",
    )
    page = client.get("/units/CDA").get_data(as_text=True)
    assert "Cập nhật nhanh nhiệm vụ I.2" not in page


@pytest.mark.committed  # the other worker commits on a connection of its own
def test_a_save_that_loses_the_race_after_the_version_check_is_a_conflict_not_an_error(seeded):
    """Two workers read the same version; the other one commits between this one's check and its write (as
    the load run found): this save is refused with the winner named, nothing of it is kept, and the session
    can go on."""
    from sqlalchemy import update

    from tracker.assignments import EditConflict, change_assignment
    from tracker.models import User
    from tracker.rules.lifecycle import Change

    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    with seeded.app_context():
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        staff = db.session.scalar(select(User).where(User.email == "staff_cda@example.org"))
        assignment = db.session.get(Assignment, assignment_id)
        with db.engine.connect() as other:  # the other worker's committed save, history row included
            other.execute(
                update(Assignment)
                .where(Assignment.id == assignment_id)
                .values(version=version + 1, status="in_progress")
            )
            other.execute(
                AssignmentEvent.__table__.insert().values(
                    assignment_id=assignment_id,
                    actor_id=staff.id,
                    at=utcnow(),
                    kind="move",
                    from_state="not_started",
                    to_state="in_progress",
                    comment="Người kia lưu trước.",
                )
            )
            other.commit()
        with pytest.raises(
            EditConflict, match="staff_cda chuyển trạng thái từ “Chưa triển khai” sang “Đang thực hiện”"
        ):
            change_assignment(
                assignment,
                Change("blocked", difficulty="Thiếu kinh phí."),
                actor=head,
                expected_version=version,
                today=date(2023, 9, 15),
                now=utcnow(),
            )
        saved = db.session.get(Assignment, assignment_id)
        assert (saved.status, saved.version, saved.difficulty) == ("in_progress", version + 1, "")
        assert [e.comment for e in saved.events] == ["Người kia lưu trước."]
