"""What changed on an assignment while someone's form was open, said in words for the 409 message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tracker.rules.lifecycle import STATE_LABELS
from tracker.rules.texts import Text, joined, known, t


@dataclass(frozen=True)
class MissedChange:
    """One saved change the form did not know of: who made it, between which states, with what."""

    actor: str  # the person's display name ("người khác" when unknown)
    from_state: str
    to_state: str
    has_text: bool = False  # a progress note, a difficulty or a reason was written
    has_evidence: bool = False  # an output document (number or file) was given


def _label(state: str) -> Text:
    return known(STATE_LABELS.get(state, state))


def describe_change(change: MissedChange) -> Text:
    """One change in words: "Nguyễn Văn A chuyển trạng thái từ “Đang thực hiện” sang “Hoàn thành”, kèm minh chứng"."""
    if change.from_state != change.to_state:
        moved = {"actor": change.actor, "from_state": _label(change.from_state), "to_state": _label(change.to_state)}
        if change.has_text and change.has_evidence:
            return t(
                "%(actor)s chuyển trạng thái từ “%(from_state)s” sang “%(to_state)s”, kèm ghi chú và minh chứng",
                **moved,
            )
        if change.has_text:
            return t("%(actor)s chuyển trạng thái từ “%(from_state)s” sang “%(to_state)s”, kèm ghi chú", **moved)
        if change.has_evidence:
            return t("%(actor)s chuyển trạng thái từ “%(from_state)s” sang “%(to_state)s”, kèm minh chứng", **moved)
        return t("%(actor)s chuyển trạng thái từ “%(from_state)s” sang “%(to_state)s”", **moved)
    if change.has_evidence:
        return t("%(actor)s bổ sung minh chứng", actor=change.actor)
    return t(
        "%(actor)s thêm báo cáo tiến độ (trạng thái vẫn là “%(state)s”)",
        actor=change.actor,
        state=_label(change.to_state),
    )


def conflict_message(missed: Sequence[MissedChange]) -> Text:
    """The refusal of a form based on an older version, saying what was saved since (oldest first)."""
    if not missed:
        return t(
            "Nhiệm vụ này vừa được người khác cập nhật trong lúc bạn đang sửa. "
            "Thay đổi của bạn chưa được lưu: hãy xem lại rồi cập nhật lại."
        )
    return t(
        "Trong lúc bạn đang sửa, nhiệm vụ này đã được cập nhật: %(changes)s. "
        "Thay đổi của bạn chưa được lưu: hãy xem lại rồi cập nhật lại.",
        changes=joined(*(describe_change(change) for change in missed), sep="; "),
    )
