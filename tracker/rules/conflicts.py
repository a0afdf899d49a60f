"""What changed on an assignment while someone's form was open, said in words for the 409 message."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.rules.lifecycle import STATE_LABELS


@dataclass(frozen=True)
class MissedChange:
    """One saved change the form did not know of: who made it, between which states, with what."""

    actor: str  # the person's display name ("người khác" when unknown)
    from_state: str
    to_state: str
    has_text: bool = False  # a progress note, a difficulty or a reason was written
    has_evidence: bool = False  # an output document (number or file) was given


def _label(state: str) -> str:
    return f"“{STATE_LABELS.get(state, state)}”"


def describe_change(change: MissedChange) -> str:
    """One change in words: "Nguyễn Văn A chuyển trạng thái từ “Đang thực hiện” sang “Hoàn thành”, kèm minh chứng"."""
    if change.from_state != change.to_state:
        text = f"{change.actor} chuyển trạng thái từ {_label(change.from_state)} sang {_label(change.to_state)}"
        extras = []
        if change.has_text:
            extras.append("ghi chú")
        if change.has_evidence:
            extras.append("minh chứng")
        return text + (f", kèm {' và '.join(extras)}" if extras else "")
    if change.has_evidence:
        return f"{change.actor} bổ sung minh chứng"
    return f"{change.actor} thêm báo cáo tiến độ (trạng thái vẫn là {_label(change.to_state)})"


def conflict_message(missed: Sequence[MissedChange]) -> str:
    """The refusal of a form based on an older version, saying what was saved since (oldest first)."""
    if not missed:
        what = "Nhiệm vụ này vừa được người khác cập nhật trong lúc bạn đang sửa"
    else:
        what = "Trong lúc bạn đang sửa, nhiệm vụ này đã được cập nhật: " + "; ".join(
            describe_change(change) for change in missed)
    return what + ". Thay đổi của bạn chưa được lưu: hãy xem lại rồi cập nhật lại."
