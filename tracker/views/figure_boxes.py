"""The unit page's figures forms as plain boxes: what each input shows (its name, label, value, hint, errors), so
the page writes a fresh form without building a form object for it, and a refused one from the form that was
submitted. The names are those tracker.forms validates: Decision 1872's counts by their own names, a plan's own
figures as p<plan>-v0, p<plan>-v1 … (tests/test_figure_boxes.py holds the two ways to each other)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ..form_base import LINE_MAX
from ..forms import FiguresForm, PlanFiguresForm
from ..labels import gettext, label
from ..rules.indicators import PERCENT, SCHEME_1872, Definition, FigureField

AS_OF = "as_of"
FIGURES_1872 = Definition(SCHEME_1872, ()).fields  # Decision 1872's eight counts, in the form's order


@dataclass(frozen=True)
class Box:
    """One input of a figures form as the page writes it (its id is also its name)."""

    id: str
    label: str
    value: str
    input_type: str  # "date", "number" (Decision 1872's counts) or "text" (a plan's figures, typed as written)
    required: bool = False
    inputmode: str | None = None  # a text box's keyboard on a phone: "numeric" or "decimal"
    maxlength: int | None = None  # a text box's limit (every text field of the forms has one)
    hint: str | None = None
    errors: tuple[object, ...] = ()  # messages (texts said by the template)


@dataclass(frozen=True)
class FiguresBoxes:
    """One figures form: Decision 1872's counts (plan_id None) or a plan's own figures; the as-of date first."""

    plan_id: int | None
    plan_number: str | None
    boxes: list[Box]
    errors: list[object]  # the form's own errors (messages naming several figures), said by the template
    started_from: date | None  # the report whose figures fill a fresh form


def _as_of_id(plan_id: int | None) -> str:
    return AS_OF if plan_id is None else f"p{plan_id}-{AS_OF}"


def _as_of_hint(plan_id: int | None) -> str:
    if plan_id is None:
        return gettext("Số liệu cộng dồn từ đầu năm đến ngày này. Báo cáo lại cùng ngày sẽ thay số liệu trước.")
    return gettext("Số liệu cộng dồn đến ngày này. Báo cáo lại cùng ngày sẽ thay số liệu trước.")


def _figure_hint(figure: FigureField, plan_id: int | None) -> str | None:
    if plan_id is None:
        return None  # a count box says what it counts in its label
    if figure.kind == PERCENT:
        return gettext("Tỷ lệ phần trăm từ 0 đến 100, ví dụ 72,5")
    return gettext("Số nguyên không âm")


def _figure_box(
    figure: FigureField, index: int, plan_id: int | None, value: str, errors: tuple[object, ...] = ()
) -> Box:
    hint = _figure_hint(figure, plan_id)
    if plan_id is None:
        return Box(figure.key, label(figure.label), value, "number", required=True, errors=errors)
    inputmode = "decimal" if figure.kind == PERCENT else "numeric"
    return Box(
        f"p{plan_id}-v{index}",
        figure.label,
        value,
        "text",
        inputmode=inputmode,
        maxlength=LINE_MAX,
        hint=hint,
        errors=errors,
    )


def _written(value: object) -> str:
    """A stored figure as the box shows it: a plan's percentage with the decimal comma people type."""
    if value is None:
        return ""
    return value.replace(".", ",") if isinstance(value, str) else str(value)


def fresh_boxes(
    fields: Iterable[FigureField],
    *,
    plan_id: int | None,
    plan_number: str | None,
    today: date,
    last: tuple[date, Mapping[str, object]] | None,
) -> FiguresBoxes:
    """A form nobody has submitted yet: dated today, each box filled with the unit's last report's figure (`last`:
    its date and figures; cumulative counts change little from one month to the next, so the unit corrects
    rather than retypes)."""
    figures = last[1] if last is not None else {}
    as_of = Box(
        _as_of_id(plan_id), gettext("Số liệu tính đến ngày"), today.isoformat(), "date", True, hint=_as_of_hint(plan_id)
    )
    boxes = [_figure_box(f, i, plan_id, _written(figures.get(f.key))) for i, f in enumerate(fields)]
    return FiguresBoxes(plan_id, plan_number, [as_of, *boxes], [], last[0] if last is not None else None)


def refused_boxes(
    form: FiguresForm | PlanFiguresForm, fields: Iterable[FigureField], *, plan_id: int | None, plan_number: str | None
) -> FiguresBoxes:
    """A submitted form the rules refused: what was typed in each box, with its errors."""
    as_of = form[AS_OF]
    boxes = [
        Box(
            _as_of_id(plan_id),
            gettext("Số liệu tính đến ngày"),
            as_of._value(),
            "date",
            True,
            hint=_as_of_hint(plan_id),
            errors=tuple(as_of.errors),
        )
    ]
    for index, figure in enumerate(fields):
        field = form[figure.key if plan_id is None else f"v{index}"]
        boxes.append(_figure_box(figure, index, plan_id, field._value(), tuple(field.errors)))
    return FiguresBoxes(plan_id, plan_number, boxes, list(form.form_errors), None)
