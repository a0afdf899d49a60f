"""The unit page: a unit head's home — the unit's assignments as lead and as coordinator, and its KPI
ratios against its group's targets, with the form to report figures."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from operator import itemgetter
from types import SimpleNamespace
from urllib.parse import parse_qsl, quote, urlencode

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, select

from ..calendar_feed import new_calendar_token, unit_calendar, unit_for_token
from ..clock import today, utcnow
from ..extensions import db
from ..figures import FiguresRefused, UnitStanding, kpi_by_unit, plan_kpi_frame, record_figures, unit_standings
from ..forms import EmptyForm, FiguresForm, PlanFiguresForm, StatusForm, add_error, plan_figures_form
from ..kpi_history import kpi_history
from ..labels import gettext, label, per_language
from ..models import Plan, Unit
from ..page_cache import cached_page, kept_per_stamp
from ..rules.indicators import SCHEME_1872, SCHEME_PLAN
from ..rules.kpi import FIELDS, Counts, InconsistentFigures, last_due_period
from ..rules.lifecycle import (
    BLOCKED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    ROLL_UP_LABELS,
    STATE_LABELS,
    STATES,
    next_states,
)
from ..rules.permissions import CALENDAR_LINK, REPORT_FIGURES, UPDATE_ASSIGNMENT, VIEW_UNIT
from ..unit_page import DUE_SOON, UnitView, assignment_row, unit_work
from .access import allowed, require
from .figure_boxes import FIGURES_1872, FiguresBoxes, fresh_boxes, refused_boxes
from .labels import say
from .menu import site_links
from .paths import link_pattern

bp = Blueprint("units", __name__)
_UNIT_BY_CODE = select(Unit).where(Unit.code == bindparam("code"))  # built once: every unit page runs it


def _unit(code: str) -> Unit:
    own = current_user.unit if current_user.is_authenticated else None
    # A unit head's own page, the one opened most: the unit came with the sign-in (tracker.accounts).
    unit = own if own is not None and own.code == code else db.session.scalar(_UNIT_BY_CODE, {"code": code})
    if unit is None:
        abort(404)
    require(VIEW_UNIT, unit=unit.id)
    return unit


@bp.get("/units/<code>")
@cached_page
def show(code: str):
    return render_unit(_unit(code))


def _figures_boxes(
    standings: list[UnitStanding],
    *,
    today_: date,
    figures_form: FiguresForm | None,
    refused_plan_form: tuple[int, PlanFiguresForm] | None,
) -> list[FiguresBoxes]:
    """The unit's figures forms, Decision 1872's first (when a plan it reports for uses it), then each plan's with
    its own indicators: a refused one as it was submitted, the others fresh, from the unit's last report."""
    forms: list[FiguresBoxes] = []
    reports_1872 = [s.latest for s in standings if s.plan.kpi_scheme == SCHEME_1872]
    if figures_form is not None:
        forms.append(refused_boxes(figures_form, FIGURES_1872, plan_id=None, plan_number=None))
    elif reports_1872:
        latest = max((r for r in reports_1872 if r is not None), key=lambda r: (r.as_of, r.id), default=None)
        last = (latest.as_of, latest.figures) if latest is not None else None
        forms.append(fresh_boxes(FIGURES_1872, plan_id=None, plan_number=None, today=today_, last=last))
    seen = set()
    for standing in standings:
        plan, definition = standing.plan, standing.definition
        if plan.kpi_scheme != SCHEME_PLAN or plan.id in seen or definition is None or not definition.indicators:
            continue
        seen.add(plan.id)
        if refused_plan_form is not None and refused_plan_form[0] == plan.id:
            forms.append(
                refused_boxes(refused_plan_form[1], definition.fields, plan_id=plan.id, plan_number=plan.number)
            )
            continue
        report = standing.latest
        last = (report.as_of, report.figures) if report is not None else None
        forms.append(fresh_boxes(definition.fields, plan_id=plan.id, plan_number=plan.number, today=today_, last=last))
    return forms


# A plan's indicators and targets, the same on the page of every unit in the plan: kept while the data is unchanged.
_kept_plan_frame = kept_per_stamp(plan_kpi_frame)


def render_unit(
    unit: Unit,
    *,
    figures_form: FiguresForm | None = None,
    refused_update: tuple[int, StatusForm] | None = None,
    refused_plan_form: tuple[int, PlanFiguresForm] | None = None,
    status: int = 200,
):
    """The unit page; a submitted figures form (the 1872 counts, or a plan's own figures: plan id, form), or a
    refused quick update (assignment id, the form as submitted), comes back with its errors and what was typed."""
    now = today()
    due_soon_days = current_app.config["DUE_SOON_DAYS"]
    view = UnitView.from_args(
        request.args if request.method == "GET" else dict(parse_qsl(request.form.get("view", "")))
    )
    work = unit_work(unit.id, today=now, due_soon_days=due_soon_days, view=view)
    rows = work.rows
    refused_quick = None
    if refused_update is not None and allowed(UPDATE_ASSIGNMENT, unit=unit.id):
        assignment_id, submitted = refused_update
        if not any(a.id == assignment_id for a, _s, _g in rows):  # the row shows with its errors, wherever it was
            rows = [assignment_row(assignment_id, today=now, due_soon_days=due_soon_days), *rows]
        assignment = next(a for a, _s, _g in rows if a.id == assignment_id)
        if assignment.status != DONE:
            refused_quick = StatusForm(prefix=f"a{assignment.id}", formdata=None)
            _carry_refused(refused_quick, submitted, reference=assignment.item.reference)
    standings = unit_standings(unit.id, _kept_plan_frame)
    period = last_due_period(now, current_app.config["KPI_DUE_DAY"])
    latest_as_of = max((s.latest.as_of for s in standings if s.latest), default=None)
    can_report = allowed(REPORT_FIGURES, unit=unit.id)
    figure_forms = (
        _figures_boxes(standings, today_=now, figures_form=figures_form, refused_plan_form=refused_plan_form)
        if can_report
        else []
    )
    refused_form, refused_anchor = None, "loi-bieu-mau"
    if refused_quick is not None:
        refused_form = refused_quick
    elif figures_form is not None and (figures_form.form_errors or any(f.errors for f in figures_form)):
        refused_form, refused_anchor = figures_form, "bao-cao-so-lieu"
    elif refused_plan_form is not None:
        refused_form, refused_anchor = refused_plan_form[1], f"bao-cao-so-lieu-{refused_plan_form[0]}"
    here = site_links().unit(unit.code)  # the page's own address, routed once per process
    return render_template(
        "units/show.html",
        unit=unit,
        # The page's links to itself (filters, pages) and its figures forms' address, routed once.
        unit_href=lambda **args: f"{here}?{urlencode(args)}" if args else here,
        figures_action=link_pattern("units.report_figures", "code")(quote(unit.code, safe=""))
        if figure_forms
        else None,
        rows=rows,
        work=work,
        view=view,
        view_query=urlencode(view.args()),
        coordinating_rows=work.coordinating_rows,
        row_groups=[(group, list(group_rows)) for group, group_rows in groupby(rows, key=itemgetter(2))],
        texts=_texts(),
        links=SimpleNamespace(
            item=link_pattern("items.show", "item_id"), status=link_pattern("items.update_status", "assignment_id")
        ),
        csrf=generate_csrf(),
        quick=_quick_choices() if allowed(UPDATE_ASSIGNMENT, unit=unit.id) else None,
        refused_quick=refused_quick,
        refused_id=refused_update[0] if refused_quick is not None and refused_update is not None else None,
        refused_form=refused_form,
        refused_anchor=refused_anchor,
        counts=work.counts,
        standings=standings,
        standings_shown=[(s, kpi_history(s) if s.history else None) for s in standings],
        figure_forms=figure_forms,
        period=period,
        latest_as_of=latest_as_of,
        due_day=current_app.config["KPI_DUE_DAY"],
        may_link_calendar=allowed(CALENDAR_LINK, unit=unit.id),
    ), status


@per_language
def _texts() -> SimpleNamespace:
    """The words every row of the lists repeats, translated once (not once a row) for the page's language; those
    with a %(name)s are filled in the template with `format`. A namespace, not a dict: the template reads
    `texts.due` a dozen times a row, and Jinja looks an attribute up on the object before its keys."""
    return SimpleNamespace(
        states={state: label(STATE_LABELS[state]) for state in STATES},
        groups={
            OVERDUE: gettext("Quá hạn"),
            DUE_SOON: gettext("Sắp đến hạn"),
            BLOCKED: label(STATE_LABELS[BLOCKED]),
            IN_PROGRESS: label(STATE_LABELS[IN_PROGRESS]),
            NOT_STARTED: label(STATE_LABELS[NOT_STARTED]),
            DONE: label(STATE_LABELS[DONE]),
        },
        roll_up={text: label(text) for text in ROLL_UP_LABELS.values()},
        due_filters=[
            ("overdue", gettext("Quá hạn")),
            ("soon", gettext("Sắp đến hạn")),
            ("later", gettext("Còn hạn")),
            ("none", gettext("Không có hạn cụ thể")),
        ],
        ref=gettext("Nhiệm vụ %(ref)s"),
        ref_year=gettext("Nhiệm vụ %(ref)s (năm %(year)s)"),
        overdue=gettext("quá hạn"),
        done_late=gettext("quá hạn khi hoàn thành"),
        needs_report=gettext("thiếu báo cáo tiến độ"),
        due=gettext("Thời hạn"),
        ongoing=gettext("Thường xuyên"),
        undetermined=gettext("Chưa xác định (%(text)s)"),
        updated=gettext("Cập nhật lần cuối"),
        never_updated=gettext("chưa cập nhật"),
        plan=gettext("Kế hoạch"),
        difficulty=gettext("Vướng mắc:"),
        quick_legend=gettext("Cập nhật nhanh nhiệm vụ %(ref)s"),
        move_to=gettext("Chuyển sang"),
        comment=gettext("Nội dung (tiến độ, hoặc khó khăn nếu chuyển sang “Gặp vướng mắc”)"),
        save=gettext("Lưu cập nhật"),
        report_done=gettext("Báo hoàn thành (kèm minh chứng)…"),
    )


@per_language
def _quick_choices() -> dict[str, list[tuple[str, str]]]:
    """The quick update's choices from each open state, labels translated for the page's language: keep the
    state (a progress report), or move to a next one (done goes through the item page, with its evidence)."""
    labels = {state: label(STATE_LABELS[state]) for state in STATES}
    return {
        state: [(state, gettext("Giữ “%(state)s” (báo cáo tiến độ)", state=labels[state]))]
        + [(to, labels[to]) for to in next_states(state) if to != DONE]
        for state in STATES
        if state != DONE
    }


def unit_page_url(code: str, view_query: str = "") -> str:
    """The unit page as the quick form's hidden `view` (its query string) asked for: only the filters and pages
    the page knows are kept."""
    return url_for("units.show", code=code, **UnitView.from_args(dict(parse_qsl(view_query))).args())


def _carry_refused(quick: StatusForm, submitted: StatusForm, *, reference: str) -> None:
    """Put what was typed into the quick form, and its errors on the quick form's two fields: the one text
    box stands for the comment and the difficulty; anything else (a hidden field, a choice) is about the
    status. The fields are named with the item for the summary at the top, as the page has many cards."""
    quick.to_state.label.text = gettext("Nhiệm vụ %(ref)s, trạng thái", ref=reference)
    quick.comment.label.text = gettext("Nhiệm vụ %(ref)s, nội dung cập nhật", ref=reference)
    quick.to_state.data = submitted.to_state.data
    quick.comment.data = submitted.comment.data or submitted.difficulty.data
    quick.version.data = submitted.version.data
    text_errors: list[str] = []
    state_errors: list[str] = []
    for field in submitted:
        (text_errors if field.short_name in ("comment", "difficulty", "proposal") else state_errors).extend(
            field.errors
        )
    state_errors.extend(submitted.form_errors)
    quick.comment.errors = text_errors
    quick.to_state.errors = state_errors


def _report_plan_figures(unit: Unit, plan_id: int):
    """A plan's own figures from its form (plan id in the form); refused figures come back named by their labels."""
    plan = db.session.get(Plan, plan_id)
    standing = next((s for s in kpi_by_unit(unit_ids=[unit.id], plan_id=plan_id)), None) if plan else None
    if plan is None or standing is None or plan.kpi_scheme != SCHEME_PLAN:
        abort(404)
    definition = standing.definition
    if definition is None or not definition.indicators:
        abort(404)
    form = plan_figures_form(plan.id, definition.fields)
    if not form.validate_on_submit():
        return render_unit(unit, refused_plan_form=(plan.id, form), status=422)
    as_of = form.as_of.data
    assert as_of is not None  # DataRequired
    fields_by_key = {key: name for name, key in form.keys.items()}
    try:
        record_figures(
            unit,
            {key: form[name].data for name, key in form.keys.items()},
            plan=plan,
            as_of=as_of,
            today=today(),
            now=utcnow(),
            reporter=current_user,
            source="form",
        )
    except InconsistentFigures as exc:
        db.session.rollback()
        for conflict in exc.conflicts:
            for key in conflict.figures:
                add_error(form[fields_by_key[key]], conflict.message)
        form.form_errors.extend(c.message for c in exc.conflicts)
        return render_unit(unit, refused_plan_form=(plan.id, form), status=422)
    except FiguresRefused as exc:
        db.session.rollback()
        add_error(form.as_of, say(exc))
        return render_unit(unit, refused_plan_form=(plan.id, form), status=422)
    db.session.commit()
    flash(
        gettext(
            "Đã ghi nhận số liệu kế hoạch %(plan)s của %(unit)s tính đến ngày %(day)s.",
            plan=plan.number,
            unit=unit.name,
            day=as_of.strftime("%d/%m/%Y"),
        ),
        "success",
    )
    return redirect(url_for("units.show", code=unit.code) + f"#kpi-{plan.id}")


@bp.post("/units/<code>/figures")
def report_figures(code: str):
    """The unit reports its figures as of a date: Decision 1872's eight counts, or (with `plan`) a plan's own
    figures; inconsistent figures are refused, naming them."""
    unit = _unit(code)
    require(REPORT_FIGURES, unit=unit.id, message=gettext("Bạn chỉ báo cáo được số liệu của đơn vị mình."))
    plan_id = request.form.get("plan", type=int)
    if plan_id is not None:
        return _report_plan_figures(unit, plan_id)
    form = FiguresForm()
    if not form.validate_on_submit():
        return render_unit(unit, figures_form=form, status=422)
    as_of = form.as_of.data
    assert as_of is not None  # DataRequired
    try:
        counts = Counts.from_mapping({name: getattr(form, name).data for name in FIELDS})
        record_figures(unit, counts, as_of=as_of, today=today(), now=utcnow(), reporter=current_user, source="form")
    except InconsistentFigures as exc:
        db.session.rollback()
        for conflict in exc.conflicts:
            for name in conflict.figures:
                add_error(getattr(form, name), conflict.message)
        form.form_errors.extend(c.message for c in exc.conflicts)
        return render_unit(unit, figures_form=form, status=422)
    except FiguresRefused as exc:
        db.session.rollback()
        add_error(form.as_of, say(exc))
        return render_unit(unit, figures_form=form, status=422)
    db.session.commit()
    flash(
        gettext(
            "Đã ghi nhận số liệu của %(unit)s tính đến ngày %(day)s.",
            unit=unit.name,
            day=as_of.strftime("%d/%m/%Y"),
        ),
        "success",
    )
    return redirect(url_for("units.show", code=unit.code) + "#chi-tieu")


@bp.get("/units/<code>/calendar.ics")
def calendar(code: str):
    """The unit's due dates for a calendar program; the secret token in the link stands in for a sign-in."""
    unit = unit_for_token(code, request.args.get("token", ""))
    if unit is None:
        abort(404)
    body = unit_calendar(unit, now=utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="han-nhiem-vu-{unit.code.lower()}.ics"'
    return response


@bp.post("/units/<code>/calendar/token")
def calendar_token(code: str):
    """Make (or replace, which revokes the old) the unit's secret calendar link."""
    unit = _unit(code)
    require(CALENDAR_LINK, unit=unit.id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    had_one = unit.calendar_token is not None
    new_calendar_token(unit)
    db.session.commit()
    flash(
        gettext("Đã tạo liên kết lịch mới; liên kết cũ không còn dùng được.")
        if had_one
        else gettext("Đã tạo liên kết lịch cho đơn vị."),
        "success",
    )
    return redirect(url_for("units.show", code=unit.code) + "#lich")
