"""The Vietnamese labels the pure rule modules define (states, outcomes, roll-ups, roles), marked here for
pybabel: those modules must not import Flask, so pages translate the labels with the `label` filter."""

from __future__ import annotations

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from ..rules.texts import Text

# Every value of these tables must be listed here (tests/test_i18n.py checks it).
_LABELS = (
    # tracker.rules.lifecycle.STATE_LABELS
    _l("Chưa triển khai"),
    _l("Đang thực hiện"),
    _l("Gặp vướng mắc"),
    _l("Hoàn thành"),
    # tracker.rules.lifecycle.CLASS_LABELS
    _l("Hoàn thành đúng hạn"),
    _l("Hoàn thành quá hạn"),
    _l("Chưa hoàn thành, còn hạn"),
    _l("Chưa hoàn thành, quá hạn"),
    # tracker.rules.lifecycle.ROLL_UP_LABELS and tracker.status.item_status
    _l("Quá hạn"),
    _l("Chưa giao"),
    _l("Chưa giao đơn vị"),
    # tracker.views.EMAIL_STATUS_LABELS
    _l("Chờ gửi"),
    _l("Đang gửi"),
    _l("Đã gửi"),
    _l("Gửi lỗi"),
    # EMAIL_KIND_LABELS below
    _l("Nhắc hạn hằng ngày"),
    _l("Đôn đốc"),
    _l("Đặt lại mật khẩu"),
    # tracker.rules.kpi.STATUS_LABELS
    _l("Đạt"),
    _l("Chưa đạt"),
    _l("Chưa có số liệu"),
    _l("Không áp dụng"),
    # tracker.rules.kpi.FIELD_LABELS
    _l("Tổng số TTHC"),
    _l("Số TTHC đủ điều kiện cung cấp DVCTT toàn trình"),
    _l("Số TTHC đủ điều kiện và đã được cung cấp DVCTT toàn trình"),
    _l("Số DVCTT một phần cho phép nộp hồ sơ trực tuyến"),
    _l("Số TTHC cho phép nộp trực tuyến có phát sinh hồ sơ"),
    _l("Số TTHC có phát sinh hồ sơ trực tuyến"),
    _l("Tổng số hồ sơ TTHC phát sinh"),
    _l("Số hồ sơ phát sinh trực tuyến"),
    # tracker.rules.permissions.ROLE_LABELS
    _l("Quản trị hệ thống"),
    _l("Trung tâm CNTT (theo dõi, đôn đốc)"),
    _l("Lãnh đạo Bộ (xem)"),
    _l("Thủ trưởng đơn vị"),
    _l("Cán bộ đầu mối"),
)

# The kinds of message in the outbox, as the email log names them.
EMAIL_KIND_LABELS = {"daily": "Nhắc hạn hằng ngày", "urge": "Đôn đốc", "password_reset": "Đặt lại mật khẩu"}


def label(value: str | None) -> str:
    """A Vietnamese label from the rule modules in the interface language; anything else as it is."""
    if not value:  # gettext("") would be the catalog's header
        return value or ""
    if isinstance(value, Text):
        return say(value)  # type: ignore[return-value]
    return gettext(value)


def lazy_label(value: str) -> LazyString:
    """label(value), worked out when the text is used (for form choices defined at import time)."""
    return LazyString(label, value)


def say(message: object) -> object:
    """A message made outside the views (tracker.rules.texts.Text) in the interface language: its template
    through the catalog, filled with its parameters rendered the same way; an exception as its message said
    so; anything else as it is."""
    if isinstance(message, BaseException):
        first = message.args[0] if len(message.args) == 1 else None
        return say(first) if isinstance(first, Text) else str(message)
    if not isinstance(message, Text):
        return message
    params = {name: say(value) for name, value in message.params.items()}
    translated = gettext(message.template) if message.template else ""
    return translated % params if params else translated
