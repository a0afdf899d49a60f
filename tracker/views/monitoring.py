"""The IT Centre's desk: assignments across units by class (overdue by default), filtered, sorted and
paginated; the units × class matrix; units missing KPI figures; and the urge (đôn đốc) action."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy import Select, select

from ..assignments import PermissionDenied
from ..clock import today, utcnow
from ..extensions import db
from ..forms import URGE_TEXT_MAX, EmptyForm, UrgeForm
from ..labels import get_locale, gettext
from ..mailer import backend_from_config
from ..models import Assignment, Plan, PlanSection, Unit, UnitGroup
from ..monitoring import (
    CLASS_LABELS,
    CLASSES,
    SORTS,
    Filters,
    all_assignments,
    assignments_xlsx,
    groups_of_units,
    matrix,
    matrix_totals,
    page_rows,
    units_missing_figures,
)
from ..outbox import dispatch
from ..page_cache import cached_page, kept_per_stamp
from ..reports.letter_docx import letter_docx
from ..rules.kpi import last_due_period
from ..rules.lifecycle import OVERDUE, STATE_LABELS
from ..rules.permissions import URGE_UNIT, VIEW_MONITORING
from ..urging import AlreadyUrged, NoAddress, urge, urged_today
from ..urging_letter import (
    LetterRefused,
    OverdueUnits,
    letter_content,
    letter_issuer,
    record_letter,
    units_with_overdue,
)
from .access import allowed, require
from .files import DOCX, attachment
from .labels import label, say
from .menu import site_links
from .paths import link_pattern

bp = Blueprint("monitoring", __name__)
PER_PAGE = 50
PER_PAGE_CHOICES = (25, 50, 100)  # the overdue list's page sizes (the page offers these; others are a 400)
UNIT_LIST_LIMIT = 200  # more active units than this: the unit filter is a text box, not a list
GROUP_LIST_LIMIT = 200  # more groups than this across the plans: the group filter lists the chosen plan's
MISSING_SHOWN = 200  # units missing figures named on the page (the KPI overview has them by group)


def _filters() -> Filters:
    """The list's filters from the query string; anything malformed is a 400 with the reason."""
    args = request.args
    cls = args.get("class", OVERDUE)
    sort = args.get("sort", "days")
    if cls not in CLASSES or sort not in SORTS:
        abort(400, description=gettext("Bộ lọc không hợp lệ."))
    try:
        min_days = int(args["min_days"]) if args.get("min_days") else None
        page = int(args.get("page", 1))
    except ValueError:
        abort(400, description=gettext("Số ngày quá hạn và số trang phải là số nguyên."))
    per_page = args.get("per_page") or str(PER_PAGE)
    if per_page not in {str(choice) for choice in PER_PAGE_CHOICES}:
        abort(400, description=gettext("Số dòng mỗi trang phải là 25, 50 hoặc 100."))
    return Filters(
        cls=cls,
        unit=args.get("unit") or None,
        group=args.get("group", type=int),
        plan=args.get("plan", type=int),
        section=args.get("section") or None,
        min_days=min_days,
        sort=sort,
        page=max(page, 1),
        per_page=int(per_page),
    )


@bp.get("/monitoring")
@cached_page
def overdue():
    require(VIEW_MONITORING)
    now = today()
    filters = _filters()
    may_urge = allowed(URGE_UNIT)
    # The whole overdue list is what the letter counts unit by unit: its total without counting again.
    counted = _overdue_units(now) if filters.cls == OVERDUE and (may_urge or not filters.narrowed()) else None
    letter_units = counted if may_urge else None
    known = counted.total if counted is not None and not filters.narrowed() else None
    listing = page_rows(filters, today=now, per_page=filters.per_page, total=known)
    site = site_links()
    return render_template(
        "monitoring/overdue.html",
        listing=listing,
        filters=filters,
        filter_form=_filter_form(filters),
        as_of=now,
        per_page=filters.per_page,
        class_labels=CLASS_LABELS,
        # Each unit's groups as the cell writes them ("Nhóm 1, Nhóm 3"), joined once per unit, not per row.
        group_names={
            unit_id: ", ".join(g.name for g in groups)
            for unit_id, groups in groups_of_units({a.unit_id for a in listing.rows}).items()
        },
        # The urge forms' one CSRF token (no form object: every row's form and the letter's carry the same).
        csrf=generate_csrf() if may_urge else None,
        urge_label=gettext("Ý kiến đôn đốc %(unit)s về nhiệm vụ %(item)s", unit="%(unit)s", item="%(item)s"),
        URGE_TEXT_MAX=URGE_TEXT_MAX,
        sorts=SORTS,
        filter_url=_filter_url,
        urged=urged_today({a.unit_id for a in listing.rows}, now),
        letter_units=letter_units,
        unit_list_limit=UNIT_LIST_LIMIT,
        # Worked out once a page, not once a row: link prefixes, status texts, the time zone.
        unit_links={r.unit_code: site.unit(r.unit_code) for r in listing.rows},
        links=SimpleNamespace(
            item=link_pattern("items.show", "item_id"), urge=link_pattern("monitoring.urge_unit", "assignment_id")
        ),
        state_labels={state: label(text) for state, text in STATE_LABELS.items()},
        zone=ZoneInfo(current_app.config["TIMEZONE"]),
    )


@bp.get("/monitoring/export.xlsx")
def export():
    """The list as filtered on the page, every row of it (not one page), as a workbook."""
    require(VIEW_MONITORING)
    now = today()
    filters = _filters()
    rows = all_assignments(filters, today=now)
    described = [(gettext("Loại"), gettext(CLASS_LABELS[filters.cls]))]
    if filters.plan:
        plan = db.session.get(Plan, filters.plan)
        described.append((gettext("Kế hoạch"), plan.number if plan else str(filters.plan)))
    if filters.unit:
        described.append((gettext("Đơn vị"), filters.unit))
    if filters.group:
        group = db.session.get(UnitGroup, filters.group)
        described.append((gettext("Nhóm"), group.name if group else str(filters.group)))
    if filters.section:
        described.append((gettext("Mục"), filters.section))
    if filters.min_days:
        described.append((gettext("Quá hạn ít nhất (ngày)"), str(filters.min_days)))
    body = assignments_xlsx(rows, filters_text=described, today=now)
    name = f"phan-cong-{filters.cls}-{now:%Y-%m-%d}.xlsx"
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/monitoring/units")
@cached_page
def units():
    """Each unit's assignments by class (most overdue units first, a page at a time), and the units that
    have not reported the figures due."""
    require(VIEW_MONITORING)
    now = today()
    plan = request.args.get("plan", type=int)
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(400, description=gettext("Số trang phải là số nguyên dương."))
    rows, total = matrix(today=now, plan=plan, page=page, per_page=PER_PAGE)
    totals = matrix_totals(today=now, plan=plan)
    period = last_due_period(now, current_app.config["KPI_DUE_DAY"])
    missing = units_missing_figures(period, plan=plan)
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    return render_template(
        "monitoring/units.html",
        matrix=rows,
        totals=totals,
        total=total,
        page=page,
        per_page=PER_PAGE,
        plan=plan,
        plans=plans,
        classes=CLASSES,
        class_labels=CLASS_LABELS,
        missing=missing[:MISSING_SHOWN],
        missing_total=len(missing),
        period=period,
        as_of=now,
        letter_form=EmptyForm() if allowed(URGE_UNIT) else None,
    )


def _filter_form(filters: Filters) -> Markup:
    """The list's filter form as these filters fill it (the page aside), in the page's language: written once while
    the data is the same (kept_per_stamp), since paging through the list, or anyone filtering it the same way,
    shows the same form with its hundred-odd choices."""
    return _kept_filter_form(str(get_locale()), replace(filters, page=1))


@kept_per_stamp
def _kept_filter_form(_language: str, filters: Filters) -> Markup:
    plans, units, sections = _filter_choices()
    groups, group_hint = _group_choices(filters)
    return Markup(
        render_template(
            "monitoring/_filters.html",
            filters=filters,
            per_page=filters.per_page,
            per_page_choices=PER_PAGE_CHOICES,
            classes=CLASSES,
            class_labels=CLASS_LABELS,
            plans=plans,
            units=units,
            groups=groups,
            group_hint=group_hint,
            plan_numbers=dict(plans),
            sections=sections,
        )
    )


@kept_per_stamp
def _filter_choices() -> tuple[list[Any], list[Any] | None, list[str]]:
    """The filters' choices, the same for everyone, as plain rows (a national directory has hundreds of groups and
    thousands of units: no object for each), kept while the data is the same (kept_per_stamp): the plans (id,
    number); the units (code, name) to pick from while there are at most UNIT_LIST_LIMIT, else None for a box
    that takes a code or a piece of a name (one query: the first UNIT_LIST_LIMIT + 1 say which); the sections'
    numbers."""
    plans = list(db.session.execute(select(Plan.id, Plan.number).order_by(Plan.year.desc(), Plan.number)).all())
    choices = db.session.execute(
        select(Unit.code, Unit.name).where(Unit.is_active).order_by(Unit.name).limit(UNIT_LIST_LIMIT + 1)
    ).all()
    units = list(choices) if len(choices) <= UNIT_LIST_LIMIT else None
    sections = list(db.session.scalars(select(PlanSection.number).distinct().order_by(PlanSection.number)))
    return plans, units, sections


@kept_per_stamp
def _groups_listed(plan: int | None) -> list[Any]:
    """The first GROUP_LIST_LIMIT + 1 groups (of the plan, or of every plan) as (id, name, plan id) rows, kept
    while the data is the same (kept_per_stamp)."""
    return list(db.session.execute(_groups_query(plan).limit(GROUP_LIST_LIMIT + 1)).all())


def _groups_query(plan: int | None) -> Select[int, str, int]:
    query = select(UnitGroup.id, UnitGroup.name, UnitGroup.plan_id).order_by(UnitGroup.plan_id, UnitGroup.number)
    return query if plan is None else query.where(UnitGroup.plan_id == plan)


def _group_choices(filters: Filters) -> tuple[list[Any], bool]:
    """The groups the group filter offers, as (id, name, plan id) rows, and whether to say a plan must be chosen
    first: every group while there are at most GROUP_LIST_LIMIT; past that (a national directory's plans have
    hundreds), the chosen plan's, or none but the group already chosen."""
    groups = _groups_listed(filters.plan)
    if filters.plan is not None or len(groups) <= GROUP_LIST_LIMIT:
        return groups, False
    if filters.group is None:
        return [], True
    return list(db.session.execute(_groups_query(None).where(UnitGroup.id == filters.group))), True


def _filter_url(**changes: object) -> str:
    """This page's address with some filters changed (`cls` stands for the "class" parameter)."""
    args: dict[str, Any] = request.args.to_dict()  # Any: url_for's keyword arguments are typed one by one
    if "cls" in changes:
        changes["class"] = changes.pop("cls")
    args.update({k: str(v) for k, v in changes.items()})
    return url_for("monitoring.overdue", **args)


@bp.post("/monitoring/urge/<int:assignment_id>")
def urge_unit(assignment_id: int):
    """Send the unit an urge about this assignment now (and note it on the item)."""
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    require(URGE_UNIT, unit=assignment.unit_id)
    form = UrgeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        for error in form.text.errors:  # too long, or characters an email cannot carry: nothing is sent
            flash(gettext("Chưa đôn đốc: %(reason)s", reason=say(error)), "error")
        return redirect(_back())
    try:
        urged = urge(assignment, form.text.data or "", actor=current_user, today=today(), now=utcnow())
    except (AlreadyUrged, NoAddress) as exc:
        db.session.rollback()
        flash(say(exc), "error")
    except PermissionDenied as exc:
        db.session.rollback()
        abort(403, description=say(exc))
    else:
        db.session.commit()
        names = {"unit": assignment.unit.name, "item": assignment.item.reference}
        if not urged.send_now:
            flash(
                gettext(
                    "Đã ghi đôn đốc %(unit)s về nhiệm vụ %(item)s; lời đôn đốc đi cùng thư của đơn vị ngày "
                    "%(day)s (mỗi đơn vị nhận tối đa một thư mỗi ngày).",
                    day=urged.goes_on.strftime("%d/%m/%Y"),
                    **names,
                ),
                "success",
            )
        elif dispatch(
            backend_from_config(current_app.config),
            now=utcnow(),
            sender=current_app.config["MAIL_FROM"],
            only_ids=[urged.message_id],
        ).sent:
            flash(gettext("Đã gửi thư đôn đốc %(unit)s về nhiệm vụ %(item)s.", **names), "success")
        else:
            flash(
                gettext(
                    "Thư đôn đốc %(unit)s đã vào hàng đợi; máy chủ thư chưa nhận, hệ thống sẽ gửi lại.",
                    unit=assignment.unit.name,
                ),
                "info",
            )
    return redirect(_back())


def _back() -> str:
    """The overdue list the urge was sent from (its filters and page), else its first page."""
    back = request.form.get("back") or ""
    return back if back.startswith("/monitoring") else url_for("monitoring.overdue")


# --- The urging letter (công văn đôn đốc) ------------------------------------------------------------


@kept_per_stamp
def _overdue_units(now: date) -> OverdueUnits:
    """The units an urging letter may be addressed to (those with overdue items): listed while there are at most
    UNIT_LIST_LIMIT of them, counted past that. The same for everyone and every filter of the list: counting a
    national directory's overdue assignments takes tens of milliseconds, so the count is kept while the data and
    the day are the same (tracker.page_cache.kept_per_stamp)."""
    return units_with_overdue(now, limit=UNIT_LIST_LIMIT + 1)


@bp.post("/monitoring/letter")
def urging_letter():
    """The công văn đôn đốc to the units chosen (or every unit with overdue items, with "all"), as a .docx;
    the letter is noted on the history of each item it lists. Refused choices go back with the reason."""
    require(URGE_UNIT)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("all"):
        unit_ids = None
    else:
        try:
            unit_ids = [int(value) for value in request.form.getlist("unit")]
        except ValueError:
            abort(400, description=gettext("Đơn vị được chọn không hợp lệ."))
    now = today()
    try:
        letter = letter_content(unit_ids, today=now, issuer=letter_issuer(current_app.config))
        record_letter(letter, actor=current_user, now=utcnow())
    except LetterRefused as exc:
        db.session.rollback()
        flash(say(exc), "error")
        return redirect(_back())
    except PermissionDenied as exc:
        db.session.rollback()
        abort(403, description=say(exc))
    document = letter_docx(letter, current_app.config["LETTER_TEMPLATE"])
    db.session.commit()
    return attachment(document, DOCX, letter.filename)
