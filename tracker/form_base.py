"""The base of every web form: its text fields take line breaks of every kind as "\\n", refuse characters no
document can carry (naming them), and have a length limit the page shows (maxlength, and a hint under a
text area)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from .labels import lazy_gettext as _l
from .rules.text_input import normalise_text, unwanted_characters, unwanted_message

# The limit of a text field that names none of its own: a line of text, or a text area.
LINE_MAX = 500
TEXT_MAX = 5000
TEXT_FIELDS = (StringField, TextAreaField, EmailField)  # not passwords, not hidden fields
TOO_LONG = _l("Dài tối đa %(max)d ký tự.")
TOO_SHORT = _l("Cần ít nhất %(min)d ký tự.")


def _normalise(value: Any) -> Any:
    return normalise_text(value) if isinstance(value, str) else value


def _printable_only(_form: Any, field: Field) -> None:
    if isinstance(field.data, str):
        found = unwanted_characters(field.data)
        if found:
            raise ValidationError(unwanted_message(str(field.label.text), found))


def text_limit(field: Field) -> int | None:
    """The most characters a text field takes (what its maxlength says), or None for other fields."""
    return (field.render_kw or {}).get("maxlength") if isinstance(field, TEXT_FIELDS) else None


class DocumentTextField(TextAreaField):
    """A whole document pasted into a form (a plan copied from Word): the plan importer reads it as it was sent,
    since its line breaks are the document's rows and paragraphs (Word's \x0b inside a table cell is not a new
    row). Its own Length validator bounds it."""


class Form(FlaskForm):
    """FlaskForm (a CSRF token in every form) whose text fields are cleaned and bounded as above."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if unbound_field.field_class in TEXT_FIELDS:
                kwargs = unbound_field.kwargs
                # WTForms' own "Field cannot be longer than …" is English: a limit says it in the page's words.
                validators = [
                    Length(min=v.min, max=v.max, message=TOO_LONG if v.max >= 0 else TOO_SHORT)
                    if isinstance(v, Length) and v.message is None
                    else v
                    for v in kwargs.get("validators") or ()
                ]
                limits = [v.max for v in validators if isinstance(v, Length) and v.max is not None and v.max >= 0]
                if not limits:
                    limits = [TEXT_MAX if unbound_field.field_class is TextAreaField else LINE_MAX]
                    validators.append(Length(max=limits[0], message=TOO_LONG))
                validators.append(_printable_only)
                options = {
                    **options,
                    "filters": (*kwargs.get("filters", ()), _normalise),
                    "validators": validators,
                    "render_kw": {"maxlength": min(limits), **(kwargs.get("render_kw") or {})},
                }
            return super().bind_field(form, unbound_field, options)  # type: ignore[misc]
