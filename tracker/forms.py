"""Web forms (Flask-WTF: every form carries a CSRF token); labels are Vietnamese, translated lazily."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, EmailField, HiddenField, IntegerField, PasswordField, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from .rules.kpi import FIELD_LABELS
from .rules.lifecycle import STATE_LABELS, STATES
from .rules.permissions import ROLE_LABELS, ROLES
from .views.labels import lazy_label

REQUIRED = _l("Không được để trống.")
# A plain shape check; whether the mailbox exists is for the mail server to say.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ thư điện tử không hợp lệ."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), EMAIL])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này (14 ngày)"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(_l("Mật khẩu mới (ít nhất 10 ký tự)"), validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mật khẩu mới phải có ít nhất 10 ký tự."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[DataRequired(REQUIRED)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something (log out, disable …)."""


class StatusForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    to_state = SelectField(_l("Trạng thái mới"), choices=[(s, lazy_label(STATE_LABELS[s])) for s in STATES])
    comment = TextAreaField(_l("Nội dung cập nhật / báo cáo tiến độ"), validators=[Optional(), Length(max=5000)])
    difficulty = TextAreaField(_l("Khó khăn, vướng mắc"), validators=[Optional(), Length(max=5000)])
    proposal = TextAreaField(_l("Đề xuất, kiến nghị với Lãnh đạo Bộ (nếu có)"), validators=[Optional(), Length(max=5000)])
    document_number = StringField(_l("Số văn bản kết quả"), validators=[Optional(), Length(max=120)])
    document_date = DateField(_l("Ngày ban hành văn bản"), validators=[Optional()])
    document_title = StringField(_l("Trích yếu / tên văn bản"), validators=[Optional(), Length(max=1000)])
    completed_on = DateField(_l("Ngày hoàn thành"), validators=[Optional()])
    evidence = FileField(_l("Tệp kết quả (PDF, Word, Excel, ảnh; tối đa 20 MB)"))
    reason = TextAreaField(_l("Lý do mở lại"), validators=[Optional(), Length(max=5000)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Ý kiến"), validators=[DataRequired(_l("Hãy nhập nội dung ý kiến.")), Length(max=5000)])


class UserForm(FlaskForm):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), EMAIL])
    name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=255)])
    role = SelectField(_l("Vai trò"), choices=[(r, lazy_label(ROLE_LABELS[r])) for r in ROLES])
    unit = SelectField(_l("Đơn vị (với vai trò đơn vị)"), choices=[], validate_choice=False)
    password = PasswordField(_l("Mật khẩu ban đầu (ít nhất 10 ký tự)"), validators=[DataRequired(REQUIRED)])


class RebindForm(FlaskForm):
    role = SelectField(_l("Vai trò"), choices=[(r, lazy_label(ROLE_LABELS[r])) for r in ROLES])
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=False)


class FiguresForm(FlaskForm):
    """A unit's eight counts as of a date; the ratios are computed, never typed."""

    as_of = DateField(_l("Số liệu tính đến ngày"), validators=[DataRequired(REQUIRED)])
    procedures_total = IntegerField(lazy_label(FIELD_LABELS["procedures_total"]), validators=[InputRequired(REQUIRED)])
    full_online_eligible = IntegerField(lazy_label(FIELD_LABELS["full_online_eligible"]), validators=[InputRequired(REQUIRED)])
    full_online_provided = IntegerField(lazy_label(FIELD_LABELS["full_online_provided"]), validators=[InputRequired(REQUIRED)])
    partial_online_accepting = IntegerField(lazy_label(FIELD_LABELS["partial_online_accepting"]), validators=[InputRequired(REQUIRED)])
    procedures_with_dossiers = IntegerField(lazy_label(FIELD_LABELS["procedures_with_dossiers"]), validators=[InputRequired(REQUIRED)])
    procedures_with_online_dossiers = IntegerField(lazy_label(FIELD_LABELS["procedures_with_online_dossiers"]), validators=[InputRequired(REQUIRED)])
    dossiers_total = IntegerField(lazy_label(FIELD_LABELS["dossiers_total"]), validators=[InputRequired(REQUIRED)])
    dossiers_online = IntegerField(lazy_label(FIELD_LABELS["dossiers_online"]), validators=[InputRequired(REQUIRED)])


class FiguresFileForm(FlaskForm):
    file = FileField(_l("Tệp số liệu (.xlsx hoặc .csv theo mẫu)"))
