"""Issue 13 point 6 through the item page: blocked goes straight to done with its evidence; moving to
"Gặp vướng mắc" takes the text box as the difficulty as the quick form does; a progress report may carry
a file, alone or with text."""

from __future__ import annotations

import io

from tracker.extensions import db

from .conftest import assignment_of, find_assignment, login, post_status

REPORT = b"%PDF-1.4\n% bao cao tien do thang 9\n"


def _state(app, reference: str, code: str):
    with app.app_context():
        assignment = find_assignment(reference, code)
        return assignment.status, assignment.version, [e.kind for e in assignment.events]


def test_blocked_goes_straight_to_done_on_the_item_page(seeded, client):
    login(client, "head_cda")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    assert (
        post_status(client, assignment_id, version, to_state="blocked", difficulty="Chưa có kinh phí.").status_code
        == 302
    )
    response = post_status(
        client,
        assignment_id,
        version + 1,
        to_state="done",
        completed_on="2023-09-14",
        document_number="45/QĐ-CĐA",
        document_date="2023-09-14",
        document_title="Quyết định ban hành danh mục",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    status, _, kinds = _state(seeded, "I.2", "CDA")
    assert status == "done" and kinds == ["move", "move"]


def test_moving_to_blocked_on_the_item_page_takes_the_text_as_the_difficulty(seeded, client):
    login(client, "head_cda")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    response = post_status(
        client, assignment_id, version, to_state="blocked", comment="Chưa có hướng dẫn của Văn phòng Chính phủ."
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        assignment = find_assignment("I.2", "CDA")
        assert (assignment.status, assignment.difficulty) == ("blocked", "Chưa có hướng dẫn của Văn phòng Chính phủ.")


def test_a_progress_report_may_be_a_file_alone(seeded, client):
    login(client, "head_cda")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    response = post_status(
        client,
        assignment_id,
        version,
        to_state="not_started",
        evidence=(io.BytesIO(REPORT), "báo cáo tiến độ tháng 9.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        event = find_assignment("I.2", "CDA").events[-1]
        assert (event.kind, event.evidence_file.filename) == ("progress", "báo cáo tiến độ tháng 9.pdf")
        db.session.rollback()
    page = client.get(f"/items/{_item_id(seeded)}").get_data(as_text=True)
    assert "báo cáo tiến độ tháng 9.pdf" in page


def test_a_progress_report_with_neither_text_nor_file_is_refused_and_says_both_ways(seeded, client):
    login(client, "head_cda")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    response = post_status(client, assignment_id, version, to_state="not_started")
    assert response.status_code == 422
    assert "Hãy ghi nội dung báo cáo tiến độ hoặc đính kèm tệp báo cáo." in response.get_data(as_text=True)


def test_the_item_form_marks_which_part_belongs_to_which_state(seeded, client):
    login(client, "head_cda")
    page = client.get(f"/items/{_item_id(seeded)}").get_data(as_text=True)
    assert 'data-state="blocked"' in page and 'data-state="done"' in page
    assert "js/status-form.js" in page
    # The file field is part of the form whatever the state, not only of the evidence of completion.
    file_at = page.index('type="file"')
    assert file_at < page.index('data-state="blocked"')


def _item_id(app) -> int:
    with app.app_context():
        return find_assignment("I.2", "CDA").item_id


def test_a_file_size_is_written_with_a_decimal_comma(seeded, client):
    login(client, "head_cda")
    assignment_id, version = assignment_of(seeded, "I.2", "CDA")
    assert post_status(
        client, assignment_id, version, to_state="not_started", evidence=(io.BytesIO(b"x" * 620), "bao-cao.pdf")
    ).status_code in (302, 422)
    page = client.get(f"/items/{_item_id(seeded)}").get_data(as_text=True)
    if "bao-cao.pdf" in page:
        assert "(0,6 KB)" in page and "0.6 KB" not in page
