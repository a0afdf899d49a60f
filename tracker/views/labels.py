"""The Vietnamese labels the pure rule modules define (states, outcomes, roll-ups, roles), marked here for
pybabel: those modules must not import Flask, so pages translate the labels with the `label` filter."""

from __future__ import annotations

# Moved to tracker.labels (the forms use them too, and must not import a view); kept here for the views.
from ..labels import label, lazy_label, say
from ..labels import lazy_gettext as _l

__all__ = ["EMAIL_KIND_LABELS", "label", "lazy_label", "say"]

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
