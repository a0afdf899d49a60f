"""Issue 13, point 10: a form based on an older version is refused with what changed since, in words."""

from __future__ import annotations

import pytest

from tracker.rules.conflicts import MissedChange, conflict_message

from .conftest import assignment_of, login, post_status


@pytest.mark.parametrize(
    "missed, says, not_says",
    [
        (
            [MissedChange("Chị A", "in_progress", "in_progress", has_text=True)],
            ["Chị A thêm báo cáo tiến độ (trạng thái vẫn là “Đang thực hiện”)"],
            ["chuyển trạng thái"],
        ),
        (
            [MissedChange("Anh B", "in_progress", "done", has_evidence=True)],
            ["Anh B chuyển trạng thái từ “Đang thực hiện” sang “Hoàn thành”, kèm minh chứng"],
            ["vẫn là"],
        ),
        ([MissedChange("Anh B", "done", "done", has_evidence=True)], ["Anh B bổ sung minh chứng"], ["chuyển"]),
        (
            [
                MissedChange("Chị A", "not_started", "in_progress", has_text=True),
                MissedChange("Anh B", "in_progress", "in_progress", has_text=True),
            ],
            ["Chị A chuyển trạng thái từ “Chưa triển khai” sang “Đang thực hiện”, kèm ghi chú; Anh B thêm báo cáo"],
            [],
        ),
        ([], ["vừa được người khác cập nhật"], []),
    ],
)
def test_the_conflict_message_names_each_change_since_the_form_was_opened(missed, says, not_says):
    message = conflict_message(missed)
    for text in says:
        assert text in message
    for text in not_says:
        assert text not in message
    assert message.endswith("Thay đổi của bạn chưa được lưu: hãy xem lại rồi cập nhật lại.")
    assert "trạng thái hiện tại đã khác" not in message


def test_when_only_a_progress_note_collided_the_409_says_a_note_was_added_not_that_the_state_changed(
    seeded, client, app
):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login(client, "head_cda")
    assert post_status(client, assignment, version, to_state="in_progress", comment="Bắt đầu.").status_code == 302
    other = app.test_client()
    login(other, "staff_cda")
    noted = post_status(other, assignment, version + 1, to_state="in_progress", comment="Đã rà soát 9 thủ tục.")
    assert noted.status_code == 302
    stale = post_status(client, assignment, version + 1, to_state="in_progress", comment="Ghi chú của tôi.")
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "staff_cda thêm báo cáo tiến độ (trạng thái vẫn là “Đang thực hiện”)" in page
    assert "trạng thái hiện tại đã khác" not in page
