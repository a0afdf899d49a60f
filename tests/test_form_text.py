"""Every form's text fields: Word's line break and U+2028 become line breaks, control characters are refused
with a message naming the field and the character, and each field has a limit the page shows."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from tracker.form_base import LINE_MAX, TEXT_MAX, Form, text_limit


class _Example(Form):
    title = StringField("Tiêu đề", validators=[Optional()])
    note = TextAreaField("Khó khăn, vướng mắc", validators=[Optional()])
    code = StringField("Mã", validators=[Optional(), Length(max=40)])
    password = PasswordField("Mật khẩu", validators=[Optional()])


def _form(app, **data):
    with app.test_request_context(method="POST"):
        app.config["WTF_CSRF_ENABLED"] = False
        form = _Example(formdata=MultiDict(data))
        valid = form.validate()
        return form, valid


def test_line_breaks_of_every_kind_are_kept_as_newlines(app):
    form, valid = _form(app, note="Dòng 1\x0bDòng 2\u2028Dòng 3\r\nDòng 4")
    assert valid
    assert form.note.data == "Dòng 1\nDòng 2\nDòng 3\nDòng 4"


def test_a_control_character_is_refused_naming_field_and_character(app):
    form, valid = _form(app, note="Thiếu\x01kinh phí")
    assert not valid
    assert form.note.errors == [
        "“Khó khăn, vướng mắc” chứa ký tự điều khiển không hiển thị được (U+0001): hãy xóa ký tự đó rồi gửi lại."
    ]


def test_each_text_field_has_a_limit_its_input_shows(app):
    with app.test_request_context():
        form = _Example(formdata=None)
        assert (text_limit(form.title), text_limit(form.note), text_limit(form.code)) == (LINE_MAX, TEXT_MAX, 40)
        assert text_limit(form.password) is None
        assert f'maxlength="{TEXT_MAX}"' in form.note() and 'maxlength="40"' in form.code()
    form, valid = _form(app, note="x" * (TEXT_MAX + 1))
    assert not valid and form.note.errors == [f"Dài tối đa {TEXT_MAX} ký tự."]
