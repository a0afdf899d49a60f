"""Messages made outside the views (tracker.rules.texts) in the interface language: Vietnamese values for the
CLI and API, English on pages when English is chosen, and the same Vietnamese as before otherwise."""

from __future__ import annotations

import pickle

import pytest
from flask_babel import force_locale

from tracker.rules.lifecycle import Change, TransitionRefused, check_change
from tracker.rules.texts import Text, joined, known, t
from tracker.views.labels import say

from .conftest import assignment_of, csrf_token, post_status


def switch(client, lang: str, next_path: str = "/account") -> None:
    response = client.post(
        "/language", data={"lang": lang, "next": next_path, "csrf_token": csrf_token(client, "/account")}
    )
    assert response.status_code == 302


def test_a_text_is_its_vietnamese_sentence_and_keeps_its_template():
    text = t("Không thể chuyển từ “%(current)s” sang “%(to_state)s”.", current=known("Hoàn thành"), to_state="x")
    assert text == "Không thể chuyển từ “Hoàn thành” sang “x”." and isinstance(text, str)
    assert text.template.startswith("Không thể chuyển từ") and text.params["current"] == "Hoàn thành"
    again = pickle.loads(pickle.dumps(text))
    assert again == text and isinstance(again, Text) and again.params == text.params
    both = joined(t("Hãy nhập ngày hoàn thành."), "; ", known("Hoàn thành"))
    assert both == "Hãy nhập ngày hoàn thành.; Hoàn thành" and isinstance(both, Text)


def test_say_renders_texts_in_the_interface_language_and_passes_other_strings(app):
    refused = t(
        "Không thể chuyển từ “%(current)s” sang “%(to_state)s”.",
        current=known("Hoàn thành"),
        to_state=known("Chưa triển khai"),
    )
    with app.test_request_context():
        assert say(refused) == refused == "Không thể chuyển từ “Hoàn thành” sang “Chưa triển khai”."
        assert say(ValueError(refused)) == refused
        assert say("chữ thường") == "chữ thường" and say(None) is None
        with force_locale("en"):
            assert say(refused) == "Cannot move from “Done” to “Not started”."
            assert say(ValueError(refused)) == "Cannot move from “Done” to “Not started”."
            assert say(ValueError("một câu")) == "một câu"


def test_a_refused_change_stays_vietnamese_for_the_api_and_cli():
    with pytest.raises(TransitionRefused) as refused:
        from datetime import date

        check_change("done", Change(to_state="not_started"), is_reopen_allowed=False, today=date(2023, 8, 1))
    assert str(refused.value) == "Không thể chuyển từ “Hoàn thành” sang “Chưa triển khai”."


@pytest.mark.parametrize(
    "lang, shown, not_shown",
    [
        ("en", ["Describe the difficulty or obstacle."], ["Hãy mô tả khó khăn, vướng mắc."]),
        ("vi", ["Hãy mô tả khó khăn, vướng mắc."], ["Describe the difficulty or obstacle."]),
    ],
)
def test_a_refused_status_change_is_said_in_the_interface_language(seeded, client, login_as, lang, shown, not_shown):
    login_as("head_cda")
    switch(client, lang)
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    response = post_status(client, assignment_id, version, to_state="blocked", difficulty="")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for text in shown:
        assert text in body, text
    for text in not_shown:
        assert text not in body, text


def test_period_labels_are_vietnamese_values_and_english_on_english_pages(app):
    from datetime import date

    from tracker.reports import period_label
    from tracker.rules.kpi import Period

    cases = [
        (Period(2023, 8).label, "tháng 8/2023", "8/2023"),
        (period_label(date(2023, 1, 1), date(2023, 6, 30)), "6 tháng đầu năm 2023", "the first half of 2023"),
        (period_label(date(2023, 7, 1), date(2023, 12, 31)), "6 tháng cuối năm 2023", "the second half of 2023"),
        (period_label(date(2023, 1, 1), date(2023, 12, 31)), "năm 2023", "year 2023"),
        (
            period_label(date(2023, 2, 1), date(2023, 3, 15)),
            "từ 01/02/2023 đến 15/03/2023",
            "from 01/02/2023 to 15/03/2023",
        ),
    ]
    with app.test_request_context():
        for label, vietnamese, english in cases:
            assert label == vietnamese and say(label) == vietnamese
            with force_locale("en"):
                assert say(label) == english


@pytest.mark.parametrize("today", ["2023-09-15"])
def test_the_report_print_view_is_english_where_its_sentences_come_from_code(seeded, client, login_as):
    from tracker.models import Plan

    with seeded.app_context():
        from tracker.extensions import db

        pid = db.session.query(Plan.id).scalar()
    login_as("monitor")
    path = f"/reports/{pid}/print?start=2023-01-01&end=2023-12-31"
    vietnamese = client.get(path).get_data(as_text=True)
    assert "Tính đến ngày 15/09/2023: 0 hoàn thành đúng hạn" in vietnamese
    assert "Hà Nội, ngày 15 tháng 9 năm 2023" in vietnamese
    assert "Kết quả thực hiện Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL năm 2023" in vietnamese

    switch(client, "en")
    english = client.get(path).get_data(as_text=True)
    for text in (
        "As of 15/09/2023: 0 done on time",
        "13 not done but still within the deadline",
        "Hà Nội, 15/9/2023",
        "Results of the Plan issued with Decision No. 1872/QĐ-BVHTTDL for year 2023",
    ):
        assert text in english, text
    for text in ("Tính đến ngày 15/09/2023", "ngày 15 tháng 9 năm 2023", "Kết quả thực hiện"):
        assert text not in english, text


@pytest.mark.parametrize(
    "lang, shown",
    [
        (
            "en",
            [
                "Row 2, column “Vai trò”: “Thần thánh” is not a role; write one of: “System administrator”",
                "Row 3, column “Thư điện tử”: “not-an-email” is not an email address.",
            ],
        ),
        (
            "vi",
            [
                "Dòng 2, cột “Vai trò”: “Thần thánh” không phải vai trò; hãy ghi một trong: “Quản trị hệ thống”",
                "Dòng 3, cột “Thư điện tử”: “not-an-email” không phải địa chỉ thư điện tử.",
            ],
        ),
    ],
)
def test_a_refused_account_file_row_is_said_in_the_interface_language(seeded, client, login_as, lang, shown):
    import io

    login_as("admin")
    switch(client, lang)
    rows = "Thư điện tử,Họ và tên,Vai trò,Đơn vị\nmot@example.gov.vn,Một,Thần thánh,\nnot-an-email,Hai,Xem,\n"
    response = client.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(client, "/admin/users"),
            "file": (io.BytesIO(rows.encode("utf-8-sig")), "a.csv"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for text in shown:
        assert text in body, text


@pytest.mark.parametrize(
    "lang, shown, not_shown",
    [
        (
            "en",
            "Dossiers filed online (1500) cannot be greater than Dossiers filed, total (1458).",
            "không được lớn hơn",
        ),
        (
            "vi",
            "Số hồ sơ phát sinh trực tuyến (1500) không được lớn hơn Tổng số hồ sơ TTHC phát sinh (1458).",
            "cannot be greater than",
        ),
    ],
)
def test_a_refused_kpi_report_is_said_in_the_interface_language(seeded, client, login_as, lang, shown, not_shown):
    from .test_kpi_figures import BROKEN, figures_form

    login_as("head_cbqtg")
    switch(client, lang)
    response = figures_form(client, "CBQTG", BROKEN)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert shown in body and not_shown not in body


def test_a_409_conflict_message_is_vietnamese_as_a_value_and_english_on_english_pages(app):
    from tracker.rules.conflicts import MissedChange, conflict_message

    missed = [
        MissedChange(actor="Nguyễn Văn A", from_state="in_progress", to_state="done", has_text=True, has_evidence=True),
        MissedChange(actor="Trần Thị B", from_state="done", to_state="done"),
    ]
    message = conflict_message(missed)
    assert message == (
        "Trong lúc bạn đang sửa, nhiệm vụ này đã được cập nhật: Nguyễn Văn A chuyển trạng thái từ "
        "“Đang thực hiện” sang “Hoàn thành”, kèm ghi chú và minh chứng; Trần Thị B thêm báo cáo tiến "
        "độ (trạng thái vẫn là “Hoàn thành”). Thay đổi của bạn chưa được lưu: hãy xem lại rồi cập nhật "
        "lại."
    )
    with app.test_request_context():
        assert say(message) == message
        with force_locale("en"):
            assert say(message) == (
                "While you were editing, this action item was updated: Nguyễn Văn A moved the state from "
                "“In progress” to “Done”, with a note and evidence; Trần Thị B added a progress report (the state "
                "is still “Done”). Your changes were not saved: review it, then update it again."
            )
            assert say(conflict_message([])).startswith("Someone else updated this action item while you were")


def test_a_milestone_input_error_names_the_line_in_the_interface_language(app):
    from tracker.rules.milestones import MilestoneInputError, parse_milestone_lines

    cases = [
        (
            "30/09/2022: 50\n31/08/2022: 60",
            "Các mốc, dòng 2: ngày phải sau ngày của dòng trước.",
            "Milestones, line 2: the date must be after the previous line's date.",
        ),
        (
            "hôm qua: 50",
            ("Các mốc, dòng 1: hãy ghi ngày theo dạng ngày/tháng/năm, ví dụ 30/09/2022 (đã nhập “hôm”)."),
            "Milestones, line 1: write the date as day/month/year, for example 30/09/2022 (entered “hôm”).",
        ),
    ]
    with app.test_request_context():
        for lines, vietnamese, english in cases:
            with pytest.raises(MilestoneInputError) as refused:
                parse_milestone_lines(lines, field="milestones")
            assert str(refused.value) == vietnamese and say(refused.value) == vietnamese
            with force_locale("en"):
                assert say(refused.value) == english


def test_an_account_error_is_english_on_english_pages(app):
    from datetime import UTC, datetime

    from tracker.accounts import AccountError, check_password_strength, create_user

    with app.app_context(), app.test_request_context():
        with pytest.raises(AccountError) as short:
            check_password_strength("ngắn")
        with pytest.raises(AccountError) as unitless:
            create_user(
                email="moi@example.vn",
                role="unit_staff",
                password="một mật khẩu dài",
                now=datetime(2023, 8, 1, tzinfo=UTC),
            )
        assert str(short.value) == "Mật khẩu phải có ít nhất 10 ký tự."
        assert str(unitless.value) == "Vai trò “Cán bộ đầu mối” phải gắn với một đơn vị."
        with force_locale("en"):
            assert say(short.value) == "The password must have at least 10 characters."
            assert say(unitless.value) == "The role “Focal officer” must belong to a unit."


@pytest.mark.parametrize(
    "lang, shown, not_shown",
    [
        (
            "en",
            "The number “1872/QĐ-BVHTTDL” already belongs to another plan; enter another number.",
            "đã là của một kế hoạch khác",
        ),
        (
            "vi",
            "Số hiệu “1872/QĐ-BVHTTDL” đã là của một kế hoạch khác; hãy nhập số khác.",
            "already belongs to another plan",
        ),
    ],
)
def test_a_plan_editor_refusal_is_said_in_the_interface_language(seeded, login_as, lang, shown, not_shown):
    client = login_as("admin")
    switch(client, lang)
    response = client.post(
        "/plans/new", data={"csrf_token": csrf_token(client, "/plans/new"), "number": "1872/QĐ-BVHTTDL", "title": "Mới"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert shown in body and not_shown not in body


def test_the_409_page_of_a_stale_status_form_is_english_on_english_pages(seeded, client, login_as):
    login_as("head_cda")
    switch(client, "en")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    assert post_status(client, assignment_id, version, to_state="in_progress").status_code in (200, 302)
    response = post_status(client, assignment_id, version, to_state="in_progress")
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "While you were editing, this action item was updated:" in body
    assert "moved the state from “Not started” to “In progress”" in body
    assert "Trong lúc bạn đang sửa" not in body
