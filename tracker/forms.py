"""Web forms (Flask-WTF: every form carries a CSRF token); labels are Vietnamese, translated lazily."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from .api_tokens import NAME_MAX_LENGTH
from .form_base import DocumentTextField, Form
from .labels import lazy_gettext as _l
from .labels import lazy_label
from .rules.indicators import FigureField
from .rules.kpi import FIELD_LABELS
from .rules.lifecycle import STATE_LABELS, STATES
from .rules.permissions import ROLE_LABELS, ROLES

REQUIRED = _l("Không được để trống.")
URGE_TEXT_MAX = 1000
# A plain shape check; whether the mailbox exists is for the mail server to say.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Địa chỉ thư điện tử không hợp lệ."))


def add_error(field: Field, message: str) -> None:
    """One more message under a field after validation (a check the field's validators cannot make)."""
    # WTForms keeps the messages in a list; its stubs declare a Sequence, so it is extended by a new list.
    field.errors = [*field.errors, message]


class LoginForm(Form):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), EMAIL])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập trên máy này (14 ngày)"))


class PasswordForm(Form):
    current = PasswordField(_l("Mật khẩu hiện tại"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(
        _l("Mật khẩu mới (ít nhất 10 ký tự)"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mật khẩu mới phải có ít nhất 10 ký tự."))],
    )
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[DataRequired(REQUIRED)])


class EmptyForm(Form):
    """A form with only the CSRF token, for buttons that change something (log out, disable …)."""


class ReminderChoiceForm(Form):
    """Whether the signed-in unit officer receives the unit's reminder emails."""

    receives_reminders = BooleanField(_l("Nhận thư nhắc việc và đôn đốc của đơn vị"))


class StatusForm(Form):
    version = HiddenField(validators=[DataRequired()])
    to_state = SelectField(_l("Trạng thái mới"), choices=[(s, lazy_label(STATE_LABELS[s])) for s in STATES])
    comment = TextAreaField(_l("Nội dung cập nhật / báo cáo tiến độ"), validators=[Optional(), Length(max=5000)])
    difficulty = TextAreaField(_l("Khó khăn, vướng mắc"), validators=[Optional(), Length(max=5000)])
    proposal = TextAreaField(
        _l("Đề xuất, kiến nghị với Lãnh đạo Bộ (nếu có)"), validators=[Optional(), Length(max=5000)]
    )
    document_number = StringField(_l("Số văn bản kết quả"), validators=[Optional(), Length(max=120)])
    document_date = DateField(_l("Ngày ban hành văn bản"), validators=[Optional()])
    document_title = StringField(_l("Trích yếu / tên văn bản"), validators=[Optional(), Length(max=1000)])
    completed_on = DateField(_l("Ngày hoàn thành"), validators=[Optional()])
    evidence = FileField(_l("Tệp đính kèm: văn bản kết quả hoặc báo cáo (PDF, Word, Excel, ảnh; tối đa 20 MB)"))
    reason = TextAreaField(_l("Lý do mở lại"), validators=[Optional(), Length(max=5000)])


class UrgeForm(Form):
    """The overdue list's urge: the IT Centre's words to the unit, optional and short (they go in an email)."""

    text = StringField(_l("Ý kiến đôn đốc"), validators=[Optional(), Length(max=URGE_TEXT_MAX)])


class CommentForm(Form):
    body = TextAreaField(_l("Ý kiến"), validators=[DataRequired(_l("Hãy nhập nội dung ý kiến.")), Length(max=5000)])


class UserForm(Form):
    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), EMAIL])
    name = StringField(_l("Họ và tên"), validators=[Optional(), Length(max=255)])
    role = SelectField(_l("Vai trò"), choices=[(r, lazy_label(ROLE_LABELS[r])) for r in ROLES])
    unit = SelectField(_l("Đơn vị (với vai trò đơn vị)"), choices=[], validate_choice=False)
    password = PasswordField(_l("Mật khẩu ban đầu (ít nhất 10 ký tự)"), validators=[DataRequired(REQUIRED)])


class RebindForm(Form):
    role = SelectField(_l("Vai trò"), choices=[(r, lazy_label(ROLE_LABELS[r])) for r in ROLES])
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=False)


class FiguresForm(Form):
    """A unit's eight counts as of a date; the ratios are computed, never typed."""

    started_from = None  # the date of the report whose figures fill a fresh form, if any

    as_of = DateField(_l("Số liệu tính đến ngày"), validators=[DataRequired(REQUIRED)])
    procedures_total = IntegerField(lazy_label(FIELD_LABELS["procedures_total"]), validators=[InputRequired(REQUIRED)])
    full_online_eligible = IntegerField(
        lazy_label(FIELD_LABELS["full_online_eligible"]), validators=[InputRequired(REQUIRED)]
    )
    full_online_provided = IntegerField(
        lazy_label(FIELD_LABELS["full_online_provided"]), validators=[InputRequired(REQUIRED)]
    )
    partial_online_accepting = IntegerField(
        lazy_label(FIELD_LABELS["partial_online_accepting"]), validators=[InputRequired(REQUIRED)]
    )
    procedures_with_dossiers = IntegerField(
        lazy_label(FIELD_LABELS["procedures_with_dossiers"]), validators=[InputRequired(REQUIRED)]
    )
    procedures_with_online_dossiers = IntegerField(
        lazy_label(FIELD_LABELS["procedures_with_online_dossiers"]), validators=[InputRequired(REQUIRED)]
    )
    dossiers_total = IntegerField(lazy_label(FIELD_LABELS["dossiers_total"]), validators=[InputRequired(REQUIRED)])
    dossiers_online = IntegerField(lazy_label(FIELD_LABELS["dossiers_online"]), validators=[InputRequired(REQUIRED)])


class PlanFiguresForm(Form):
    """A unit's figures for a plan with its own indicators: one text box per figure the plan asks for (named
    v0, v1 … in the definition's order; `keys` maps them back), so a count and a percentage with a decimal
    comma are both typed as written and the rules judge them."""

    started_from = None  # the date of the report whose figures fill a fresh form, if any

    as_of = DateField(_l("Số liệu tính đến ngày"), validators=[DataRequired(REQUIRED)])
    keys: ClassVar[dict[str, str]] = {}


def plan_figures_form(plan_id: int, fields: Iterable[FigureField], **kwargs: Any) -> PlanFiguresForm:
    """The figures form of one plan: `fields` are the definition's FigureFields; prefixed with the plan so
    several plans' forms sit on one page."""
    attributes: dict[str, object] = {}
    keys = {}
    for index, figure in enumerate(fields):
        name = f"v{index}"
        keys[name] = figure.key
        attributes[name] = StringField(
            figure.label,
            render_kw={"inputmode": "decimal" if figure.kind == "percent" else "numeric", "autocomplete": "off"},
        )
    form_class = type("PlanFiguresFormFor", (PlanFiguresForm,), {**attributes, "keys": keys})
    return form_class(prefix=f"p{plan_id}", **kwargs)


class FiguresFileForm(Form):
    # "" for Decision 1872's counts, else the id of a plan with its own indicators (choices set by the view).
    plan = SelectField(_l("Số liệu của kế hoạch"), choices=[], validate_choice=False)
    file = FileField(_l("Tệp số liệu (.xlsx hoặc .csv theo mẫu)"))


class ReminderRulesForm(Form):
    """The reminder rules an admin may change."""

    send_time = StringField(
        _l("Giờ gửi thư hằng ngày (giờ Việt Nam, HH:MM)"),
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Nhập giờ dạng HH:MM, ví dụ 08:00.")),
        ],
    )
    before_days = StringField(
        _l("Nhắc trước hạn (số ngày, cách nhau bằng dấu phẩy; 0 = đúng ngày đến hạn)"),
        validators=[DataRequired(REQUIRED)],
    )
    overdue_repeat_days = IntegerField(_l("Khi quá hạn: nhắc lại sau mỗi (ngày)"), validators=[InputRequired(REQUIRED)])
    ongoing_repeat_days = IntegerField(
        _l("Nhiệm vụ thường xuyên thiếu báo cáo: nhắc lại sau mỗi (ngày)"), validators=[InputRequired(REQUIRED)]
    )
    progress_period_days = IntegerField(
        _l("Nhiệm vụ thường xuyên cần báo cáo tiến độ sau mỗi (ngày)"), validators=[InputRequired(REQUIRED)]
    )
    kpi_repeat_days = IntegerField(
        _l("Chưa báo cáo số liệu: nhắc lại sau mỗi (ngày)"), validators=[InputRequired(REQUIRED)]
    )
    digest_weekday = SelectField(
        _l("Ngày gửi bản tổng hợp tuần cho Trung tâm CNTT"),
        coerce=int,
        choices=[(0, _l("Thứ Hai")), (1, _l("Thứ Ba")), (2, _l("Thứ Tư")), (3, _l("Thứ Năm")), (4, _l("Thứ Sáu"))],
    )
    copy_it_centre_on_overdue = BooleanField(_l("Gửi đồng thời (CC) Trung tâm CNTT các thư nhắc quá hạn"))
    coordinators_get_before = BooleanField(_l("Đơn vị phối hợp nhận thư nhắc trước hạn"))
    kind_before = BooleanField(_l("Nhắc trước hạn"))
    kind_due = BooleanField(_l("Nhắc đúng ngày đến hạn"))
    kind_overdue = BooleanField(_l("Nhắc quá hạn"))
    kind_coordinating = BooleanField(_l("Nhắc đơn vị phối hợp"))
    kind_ongoing_report = BooleanField(_l("Nhắc báo cáo tiến độ nhiệm vụ thường xuyên"))
    kind_kpi_missing = BooleanField(_l("Nhắc báo cáo số liệu chỉ tiêu"))
    kind_digest = BooleanField(_l("Bản tổng hợp tuần cho Trung tâm CNTT"))


class UnitEditForm(Form):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField(
        _l("Tên đơn vị (đầy đủ, như trong văn bản)"), validators=[DataRequired(REQUIRED), Length(max=255)]
    )
    aliases = TextAreaField(_l("Các tên khác (mỗi dòng một tên)"), validators=[Optional(), Length(max=5000)])
    head_email = StringField(_l("Thư điện tử của Thủ trưởng đơn vị"), validators=[Optional(), Length(max=255)])
    focal_email = StringField(_l("Thư điện tử của cán bộ đầu mối"), validators=[Optional(), Length(max=255)])
    is_active = BooleanField(_l("Đang hoạt động"))
    level = StringField(
        _l("Cấp (ví dụ: Sở, UBND cấp huyện, UBND cấp xã)"),
        validators=[Optional(), Length(max=80)],
        render_kw={"list": "cac-cap", "autocomplete": "off"},
    )


# A pasted plan is read as a text file; a whole national plan is a few hundred thousand characters.
PASTED_TEXT_MAX = 2_000_000


class PlanUploadForm(Form):
    file = FileField(_l("Văn bản kế hoạch (.docx, .doc, .pdf, .html, .txt, .md, .rtf, .odt)"))
    text = DocumentTextField(
        _l("Hoặc dán nội dung văn bản (sao chép từ Word, trang web hoặc PDF)"),
        validators=[Optional(), Length(max=PASTED_TEXT_MAX)],
        render_kw={"rows": 6},
    )
    number = StringField(_l("Số hiệu văn bản (nếu văn bản không ghi rõ)"), validators=[Optional(), Length(max=80)])
    # issue 12: a document that amends a plan already held (its items then apply to that plan).
    amends = SelectField(_l("Văn bản này sửa đổi, bổ sung kế hoạch"), choices=[], validate_choice=False)
    decision_number = StringField(
        _l("Số quyết định sửa đổi (để trống nếu văn bản có ghi)"), validators=[Optional(), Length(max=120)]
    )
    decision_date = DateField(_l("Ngày quyết định sửa đổi (để trống nếu văn bản có ghi)"), validators=[Optional()])
    note = StringField(_l("Ghi chú cho phiên bản này (không bắt buộc)"), validators=[Optional(), Length(max=500)])


class KeptUploadForm(Form):
    """The steps after a preview (confirm, cancel, create units): which kept upload, with the number typed in."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    suffix = HiddenField(validators=[DataRequired(), Length(max=10)])
    filename = HiddenField(validators=[Optional(), Length(max=255)])
    number = HiddenField(validators=[Optional(), Length(max=80)])
    amends = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{1,9}$")])
    decision_number = HiddenField(validators=[Optional(), Length(max=120)])
    decision_date = HiddenField(validators=[Optional(), Regexp(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")])
    note = HiddenField(validators=[Optional(), Length(max=500)])


class DueDateForm(Form):
    due_on = DateField(_l("Hạn hoàn thành"), validators=[DataRequired(REQUIRED)])


class MapNameForm(Form):
    written = HiddenField(validators=[DataRequired()])
    unit = SelectField(_l("Đơn vị"), choices=[], validate_choice=False)


class AccountsFileForm(Form):
    """A list of people to create accounts for."""

    file = FileField(_l("Danh sách tài khoản (.xlsx hoặc .csv)"))


class UnitFileForm(Form):
    """The unit directory as a file to load (previewed first)."""

    file = FileField(_l("Tệp danh mục đơn vị (.xlsx hoặc .csv)"))


class KeptUnitFileForm(Form):
    """Confirming or cancelling a previewed unit file: which kept upload."""

    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    suffix = HiddenField(validators=[DataRequired(), Regexp(r"^\.(xlsx|csv)$")])


class TokenForm(Form):
    """A name for a new personal API token."""

    name = StringField(
        _l("Tên gợi nhớ (ví dụ: bảng tổng hợp của đơn vị)"),
        validators=[
            DataRequired(_l("Hãy đặt tên cho mã truy cập để phân biệt các mã với nhau.")),
            Length(max=NAME_MAX_LENGTH, message=_l("Tên dài tối đa %(max)d ký tự.")),
        ],
    )


class ForgotPasswordForm(Form):
    """ "Quên mật khẩu?": the address to send a one-time link to."""

    email = EmailField(_l("Thư điện tử"), validators=[DataRequired(REQUIRED), EMAIL])


class ResetPasswordForm(Form):
    """The one-time link's page: the new password, twice."""

    new = PasswordField(
        _l("Mật khẩu mới (ít nhất 10 ký tự)"),
        validators=[DataRequired(REQUIRED), Length(min=10, message=_l("Mật khẩu mới phải có ít nhất 10 ký tự."))],
    )
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[DataRequired(REQUIRED)])
