"""Web forms (Flask-WTF: every form carries a CSRF token); labels are Vietnamese."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from .rules.lifecycle import STATE_LABELS, STATES
from .rules.permissions import ROLE_LABELS, ROLES

REQUIRED = "Không được để trống."
# A plain shape check; whether the mailbox exists is for the mail server to say.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Địa chỉ thư điện tử không hợp lệ.")


class LoginForm(FlaskForm):
    email = EmailField("Thư điện tử", validators=[DataRequired(REQUIRED), EMAIL])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này (14 ngày)")


class PasswordForm(FlaskForm):
    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)])
    new = PasswordField("Mật khẩu mới (ít nhất 10 ký tự)", validators=[DataRequired(REQUIRED), Length(min=10, message="Mật khẩu mới phải có ít nhất 10 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[DataRequired(REQUIRED)])


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for buttons that change something (log out, disable …)."""


class StatusForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    to_state = SelectField("Trạng thái mới", choices=[(s, STATE_LABELS[s]) for s in STATES])
    comment = TextAreaField("Nội dung cập nhật / báo cáo tiến độ", validators=[Optional(), Length(max=5000)])
    difficulty = TextAreaField("Khó khăn, vướng mắc", validators=[Optional(), Length(max=5000)])
    proposal = TextAreaField("Đề xuất, kiến nghị với Lãnh đạo Bộ (nếu có)", validators=[Optional(), Length(max=5000)])
    document_number = StringField("Số văn bản kết quả", validators=[Optional(), Length(max=120)])
    document_date = DateField("Ngày ban hành văn bản", validators=[Optional()])
    document_title = StringField("Trích yếu / tên văn bản", validators=[Optional(), Length(max=1000)])
    completed_on = DateField("Ngày hoàn thành", validators=[Optional()])
    evidence = FileField("Tệp kết quả (PDF, Word, Excel, ảnh; tối đa 20 MB)")
    reason = TextAreaField("Lý do mở lại", validators=[Optional(), Length(max=5000)])


class CommentForm(FlaskForm):
    body = TextAreaField("Ý kiến", validators=[DataRequired("Hãy nhập nội dung ý kiến."), Length(max=5000)])


class UserForm(FlaskForm):
    email = EmailField("Thư điện tử", validators=[DataRequired(REQUIRED), EMAIL])
    name = StringField("Họ và tên", validators=[Optional(), Length(max=255)])
    role = SelectField("Vai trò", choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    unit = SelectField("Đơn vị (với vai trò đơn vị)", choices=[], validate_choice=False)
    password = PasswordField("Mật khẩu ban đầu (ít nhất 10 ký tự)", validators=[DataRequired(REQUIRED)])


class RebindForm(FlaskForm):
    role = SelectField("Vai trò", choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    unit = SelectField("Đơn vị", choices=[], validate_choice=False)
