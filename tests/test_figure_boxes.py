"""The unit page writes its figures forms as light boxes (tracker.views.figure_boxes), not form objects: each box must
be the input the form object would write, with the name the form validates, fresh or refused, in both languages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import render_template_string
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from tracker.forms import FiguresForm, plan_figures_form
from tracker.rules.indicators import COUNT, PERCENT, FigureField
from tracker.views.figure_boxes import FIGURES_1872, fresh_boxes, refused_boxes

BOTH = """{% from "_forms.html" import box_field, field %}
{% for box in boxes %}{{ box_field(box) }}{% endfor %}
=====
{{ field(form.as_of, hint=hint) }}{% for name in names %}{{ field(form[name], hint=hints[name]) }}{% endfor %}"""
PLAN_FIELDS = (
    FigureField("ho_so", "Số hồ sơ giải quyết đúng hạn", COUNT),
    FigureField("ty_le", "Tỷ lệ hài lòng", PERCENT),
)
TODAY = date(2024, 1, 1)


def _same(boxes, form, names, hints):
    """The boxes and the form object's fields, written by their two macros, without the layout's spaces."""
    html = render_template_string(
        BOTH, boxes=boxes.boxes, form=form, names=names, hint=boxes.boxes[0].hint, hints=dict(zip(names, hints))
    )
    light, full = (
        re.sub(r"\s+", " ", part).replace("> <", "><").replace(' class="field "', ' class="field"')
        for part in html.split("=====")
    )
    assert light.strip() == full.strip()
    return light


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fresh_1872_boxes_write_the_form_objects_inputs(app, lang):
    last = (date(2023, 12, 15), {"procedures_total": 49, "dossiers_online": 255})
    with app.test_request_context(), force_locale(lang):
        boxes = fresh_boxes(FIGURES_1872, plan_id=None, plan_number=None, today=TODAY, last=last)
        form = FiguresForm(formdata=None, data={"as_of": TODAY, "procedures_total": 49, "dossiers_online": 255})
        html = _same(boxes, form, [f.key for f in FIGURES_1872], [None] * len(FIGURES_1872))
    assert boxes.started_from == date(2023, 12, 15)
    assert 'name="procedures_total" required type="number" value="49"' in html
    assert 'name="full_online_eligible" required type="number" value=""' in html
    assert 'name="as_of" required type="date" value="2024-01-01"' in html


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_fresh_plan_boxes_write_the_form_objects_inputs(app, lang):
    last = (date(2023, 12, 15), {"ho_so": 12, "ty_le": "72.5"})
    with app.test_request_context(), force_locale(lang):
        boxes = fresh_boxes(PLAN_FIELDS, plan_id=7, plan_number="12/KH-UBND", today=TODAY, last=last)
        form = plan_figures_form(7, PLAN_FIELDS, formdata=None, data={"as_of": TODAY, "v0": "12", "v1": "72,5"})
        html = _same(boxes, form, ["v0", "v1"], [b.hint for b in boxes.boxes[1:]])
    assert 'name="p7-as_of" required type="date" value="2024-01-01"' in html
    assert 'id="p7-v0" inputmode="numeric" maxlength="500" name="p7-v0" type="text" value="12"' in html
    # A percentage kept as "72.5" comes back with the comma people type.
    assert 'id="p7-v1" inputmode="decimal" maxlength="500" name="p7-v1" type="text" value="72,5"' in html


def test_a_form_without_a_last_report_starts_empty(app):
    with app.test_request_context():
        boxes = fresh_boxes(FIGURES_1872, plan_id=None, plan_number=None, today=TODAY, last=None)
    assert boxes.started_from is None
    assert [b.value for b in boxes.boxes] == ["2024-01-01"] + [""] * len(FIGURES_1872)


def test_refused_boxes_keep_what_was_typed_and_its_errors(app):
    typed = {"as_of": "2024-01-01", **{f.key: "5" for f in FIGURES_1872}, "dossiers_total": "-3", "dossiers_online": ""}
    with app.test_request_context(method="POST", data=typed):
        form = FiguresForm(formdata=MultiDict(typed), meta={"csrf": False})
        assert not form.validate()
        boxes = refused_boxes(form, FIGURES_1872, plan_id=None, plan_number=None)
        html = _same(boxes, form, [f.key for f in FIGURES_1872], [None] * len(FIGURES_1872))
    online = next(b for b in boxes.boxes if b.id == "dossiers_online")
    assert online.errors and online.value == ""
    assert 'aria-describedby="dossiers_online-error" aria-invalid="true"' in html
    assert 'name="dossiers_total" required type="number" value="-3"' in html


def test_refused_plan_boxes_keep_what_was_typed(app):
    typed = {"p7-as_of": "", "p7-v0": "mười hai", "p7-v1": "72,5"}
    with app.test_request_context(method="POST", data=typed):
        form = plan_figures_form(7, PLAN_FIELDS, formdata=MultiDict(typed), meta={"csrf": False})
        assert not form.validate()
        boxes = refused_boxes(form, PLAN_FIELDS, plan_id=7, plan_number="12/KH-UBND")
        html = _same(boxes, form, ["v0", "v1"], [b.hint for b in boxes.boxes[1:]])
    assert [b.value for b in boxes.boxes[1:]] == ["mười hai", "72,5"]
    assert boxes.boxes[0].errors
    assert 'id="p7-as_of-error"' in html
