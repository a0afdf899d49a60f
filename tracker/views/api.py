"""JSON API, version 1: plans, items, assignments (read, change status) and KPI figures (read, report), with
the same rules and errors as the pages, for a signed-in session or a personal bearer token."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import Select, and_, false, func, not_, select
from sqlalchemy.orm import selectinload

from ..assignments import EditConflict, PermissionDenied, change_assignment
from ..clock import today, utcnow
from ..extensions import db
from ..figures import FiguresRefused, definition_json, kpi_by_unit, plan_definition, record_figures, standing_as_json
from ..models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit
from ..rules.kpi import InconsistentFigures
from ..rules.lifecycle import DONE, STATES, Change, Evidence, TransitionRefused, is_overdue
from ..rules.permissions import REPORT_FIGURES, VIEW_PLAN, VIEW_UNIT
from ..status import item_status, status_of
from .access import allowed, require
from .openapi import openapi_document
from .security import error_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
MAX_PAGE = 100_000
# Ids are 32-bit in the schema; a larger number in a URL names nothing (and SQLite cannot even bind it).
MAX_ID = 2_147_483_647
# The same limits as the update form (tracker.forms.StatusForm) and the columns behind it.
TEXT_LIMITS = {
    "comment": 5000,
    "difficulty": 5000,
    "proposal": 5000,
    "reason": 5000,
    "document_number": 120,
    "document_title": 1000,
}
_DIGITS = re.compile(r"[0-9]{1,12}")

Row = TypeVar("Row")


class BadQuery(Exception):
    """A query parameter the API cannot use; the message (Vietnamese) names it."""


@bp.errorhandler(BadQuery)
def _bad_query(exc: BadQuery):  # type: ignore[no-untyped-def]
    return error_response(400, str(exc), "invalid_query")


@bp.get("/openapi.json")
def openapi():
    """The API's OpenAPI 3.0 description (public)."""
    return jsonify(openapi_document())


# --- reading query parameters ---------------------------------------------------------------


def _arg(name: str) -> str | None:
    """A query parameter, stripped; None when absent or empty. Text no column can hold is refused here."""
    value = request.args.get(name)
    if value is None or not value.strip():
        return None
    if not _is_storable(value):
        raise BadQuery(gettext("Tham số “%(name)s” chứa ký tự không hợp lệ.", name=name))
    return value.strip()


def _is_storable(text: str) -> bool:
    """False for text with NUL or lone surrogates, which neither database accepts."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _whole_number(name: str, default: int, maximum: int) -> int:
    value = _arg(name)
    if value is None:
        return default
    number = int(value) if _DIGITS.fullmatch(value) else 0
    if not 1 <= number <= maximum:
        raise BadQuery(gettext("Tham số “%(name)s” phải là số nguyên từ 1 đến %(max)d.", name=name, max=maximum))
    return number


def _date_arg(name: str) -> date | None:
    value = _arg(name)
    if value is None:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(gettext("“%(field)s” phải là ngày dạng YYYY-MM-DD.", field=name)) from None


def _flag_arg(name: str) -> bool | None:
    value = _arg(name)
    if value is None:
        return None
    if value.lower() in ("1", "true"):
        return True
    if value.lower() in ("0", "false"):
        return False
    raise BadQuery(gettext("Tham số “%(name)s” chỉ nhận 1 hoặc 0.", name=name))


def _plan_arg() -> Plan | None:
    """The plan named by `plan`: its id, or its number as written (“1872/QĐ-BVHTTDL”)."""
    value = _arg("plan")
    if value is None:
        return None
    plan = None
    if _DIGITS.fullmatch(value) and int(value) <= MAX_ID:
        plan = db.session.get(Plan, int(value))
    if plan is None:
        plan = db.session.scalar(select(Plan).where(Plan.number == value))
    if plan is None:
        raise BadQuery(gettext("Không có kế hoạch “%(plan)s” (dùng mã số hoặc số hiệu kế hoạch).", plan=value))
    return plan


def _paginate(query: Select, *, page: int, per_page: int, to_json: Callable[[Any], dict]) -> dict:
    """One page of a query's rows as the API's list: {"items", "total", "page", "per_page"}."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return {"items": [to_json(row) for row in rows], "total": total, "page": page, "per_page": per_page}


def _page_of(rows: list[Row], *, page: int, per_page: int, to_json: Callable[[Row], dict]) -> dict:
    """The same list shape for rows already in memory."""
    chosen = rows[(page - 1) * per_page : page * per_page]
    return {"items": [to_json(row) for row in chosen], "total": len(rows), "page": page, "per_page": per_page}


def _page_args() -> tuple[int, int]:
    return (_whole_number("page", 1, MAX_PAGE), _whole_number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE))


def _get_or_404(model: type[Row], ident: int) -> Row:
    row = db.session.get(model, ident) if ident <= MAX_ID else None
    if row is None:
        abort(404)
    return row


# --- the records as JSON --------------------------------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _instant(value: datetime | None) -> str | None:
    """A stored instant in UTC with its offset (SQLite hands back naive datetimes; they were stored in UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def assignment_json(assignment: Assignment, as_of: date | None = None) -> dict:
    """An assignment with its status as of a day (today unless given)."""
    status = status_of(assignment, today=as_of or today(), due_soon_days=current_app.config["DUE_SOON_DAYS"])
    return {
        "id": assignment.id,
        "item": assignment.item.reference,
        "item_id": assignment.item_id,
        "plan": assignment.item.plan.number,
        "unit": assignment.unit.name,
        "unit_code": assignment.unit.code,
        "occurrence": assignment.occurrence or None,
        "status": assignment.status,
        "status_label": status.label,
        "due": _day(assignment.due_on),
        "days_left": status.days_left,
        "overdue": status.is_overdue,
        "completed_on": _day(assignment.completed_on),
        "document_number": assignment.document_number,
        "document_date": _day(assignment.document_date),
        "document_title": assignment.document_title,
        "difficulty": assignment.difficulty,
        "proposal": assignment.proposal,
        "last_report_on": _day(assignment.last_report_on),
        "version": assignment.version,
        "updated_at": _instant(assignment.updated_at),
    }


def _mentions(item: ActionItem, role: str) -> list[dict]:
    """The names in the item's lead or coordinating cell: each with its kind and the units it stands for."""
    return [
        {
            "name": units[0].name if kind == "unit" and units else written,
            "written": written,
            "kind": kind,
            "units": [{"code": u.code, "name": u.name} for u in units],
        }
        for written, kind, units in item.mentions(role)
    ]


def item_summary_json(item: ActionItem, now: date) -> dict:
    """An item as in the plan's Appendix 2, with its roll-up status; assignments only counted."""
    key, label = item_status(item, today=now)
    return {
        "id": item.id,
        "plan": {"id": item.plan_id, "number": item.plan.number},
        "section": {"number": item.section.number, "title": item.section.title},
        "reference": item.reference,
        "stt": item.stt,
        "task": item.task,
        "lead": _mentions(item, "lead"),
        "coordinating": _mentions(item, "coordinating"),
        "lead_text": item.lead_text,
        "coordinating_text": item.coordinating_text,
        "expected_output": item.expected_output,
        "deadline": {
            "text": item.deadline_text,
            "due": _day(item.due_on),
            "recurrence": item.recurrence,
            "ongoing": item.is_ongoing,
            "parsed": item.is_deadline_parsed,
            "set_by_hand": item.is_due_set_by_hand,
        },
        "status": key,
        "status_label": label,
        "assignment_count": sum(1 for a in item.assignments if a.is_active),
    }


def item_json(item: ActionItem, now: date) -> dict:
    """An item in full: the summary and every active assignment."""
    return {
        **item_summary_json(item, now),
        "assignments": [assignment_json(a) for a in item.assignments if a.is_active],
    }


def _item_options():  # type: ignore[no-untyped-def]
    return (
        selectinload(ActionItem.section),
        selectinload(ActionItem.plan),
        selectinload(ActionItem.units).selectinload(ItemUnit.unit),
        selectinload(ActionItem.assignments).selectinload(Assignment.unit),
    )


def plan_json(plan: Plan, *, sections: int, items: int, assignments: int) -> dict:
    return {
        "id": plan.id,
        "number": plan.number,
        "title": plan.title,
        "issued_on": _day(plan.issued_on),
        "year": plan.year,
        "end_year": plan.end_year,
        "section_count": sections,
        "item_count": items,
        "assignment_count": assignments,
    }


# --- plans and items ------------------------------------------------------------------------


@bp.get("/plans")
def list_plans():
    """The plans held, newest year first."""
    require(VIEW_PLAN)
    page, per_page = _page_args()
    sections = dict(db.session.execute(select(PlanSection.plan_id, func.count()).group_by(PlanSection.plan_id)).all())
    items = dict(db.session.execute(select(ActionItem.plan_id, func.count()).group_by(ActionItem.plan_id)).all())
    assignments = dict(
        db.session.execute(
            select(ActionItem.plan_id, func.count(Assignment.id))
            .select_from(Assignment)
            .join(Assignment.item)
            .where(Assignment.is_active)
            .group_by(ActionItem.plan_id)
        ).all()
    )
    query = select(Plan).order_by(Plan.year.desc().nulls_last(), Plan.number, Plan.id)
    return jsonify(
        _paginate(
            query,
            page=page,
            per_page=per_page,
            to_json=lambda p: plan_json(
                p, sections=sections.get(p.id, 0), items=items.get(p.id, 0), assignments=assignments.get(p.id, 0)
            ),
        )
    )


@bp.get("/plans/<int:plan_id>")
def get_plan(plan_id: int):
    """A plan with its sections, each item's summary, and its assignments counted by status."""
    require(VIEW_PLAN)
    plan = _get_or_404(Plan, plan_id)
    now = today()
    loaded = list(
        db.session.scalars(
            select(ActionItem)
            .where(ActionItem.plan_id == plan.id)
            .order_by(ActionItem.position, ActionItem.id)
            .options(*_item_options())
        )
    )
    by_section: dict[int, list[ActionItem]] = {}
    for item in loaded:
        by_section.setdefault(item.section_id, []).append(item)
    active = [(a, item) for item in loaded for a in item.assignments if a.is_active]
    counts = {state: sum(1 for a, _ in active if a.status == state) for state in STATES}
    overdue = sum(
        1 for a, item in active if is_overdue(state=a.status, due_on=a.due_on, is_ongoing=item.is_ongoing, today=now)
    )
    body = plan_json(plan, sections=len(plan.sections), items=len(loaded), assignments=len(active))
    body.update(
        {
            "as_of": now.isoformat(),
            "assignments_by_status": {**counts, "overdue": overdue},
            "sections": [
                {
                    "number": s.number,
                    "title": s.title,
                    "items": [item_summary_json(i, now) for i in by_section.get(s.id, [])],
                }
                for s in plan.sections
            ],
        }
    )
    return jsonify(body)


@bp.get("/items")
def list_items():
    """Items, in plan order; `plan` (id or number) and `section` (“I”) narrow the list."""
    require(VIEW_PLAN)
    page, per_page = _page_args()
    plan, section = _plan_arg(), _arg("section")
    query = (
        select(ActionItem)
        .join(ActionItem.section)
        .order_by(ActionItem.plan_id, PlanSection.position, ActionItem.position, ActionItem.id)
        .options(*_item_options())
    )
    if plan is not None:
        query = query.where(ActionItem.plan_id == plan.id)
    if section is not None:
        sections = select(PlanSection.id).where(PlanSection.number == section)
        if plan is not None:
            sections = sections.where(PlanSection.plan_id == plan.id)
        if db.session.scalar(sections.limit(1)) is None:
            raise BadQuery(gettext("Không có mục “%(section)s” trong kế hoạch.", section=section))
        query = query.where(PlanSection.number == section)
    now = today()
    return jsonify(_paginate(query, page=page, per_page=per_page, to_json=lambda i: item_summary_json(i, now)))


@bp.get("/items/<int:item_id>")
def get_item(item_id: int):
    """An item in full: units as written and as understood, the deadline as written and parsed, every assignment."""
    require(VIEW_PLAN)
    item = None
    if item_id <= MAX_ID:
        item = db.session.scalar(select(ActionItem).where(ActionItem.id == item_id).options(*_item_options()))
    if item is None:
        abort(404)
    return jsonify(item_json(item, today()))


# --- assignments ----------------------------------------------------------------------------


def _get(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id) if assignment_id <= MAX_ID else None
    if assignment is None or not assignment.is_active:
        abort(404)
    return assignment


@bp.get("/assignments")
def list_assignments():
    """Active assignments, filtered by `unit` (code), `status`, `plan`, and `overdue` as of `as_of` (today)."""
    require(VIEW_PLAN)
    page, per_page = _page_args()
    as_of = _date_arg("as_of") or today()
    code, state, plan, overdue = _arg("unit"), _arg("status"), _plan_arg(), _flag_arg("overdue")
    query = (
        select(Assignment)
        .join(Assignment.item)
        .join(ActionItem.section)
        .where(Assignment.is_active)
        .order_by(ActionItem.plan_id, PlanSection.position, ActionItem.position, ActionItem.id, Assignment.id)
        .options(
            selectinload(Assignment.unit),
            selectinload(Assignment.item).options(selectinload(ActionItem.section), selectinload(ActionItem.plan)),
        )
    )
    if code is not None:
        unit = db.session.scalar(select(Unit).where(func.upper(Unit.code) == code.upper()))
        if unit is None:
            raise BadQuery(gettext("Không có đơn vị mã “%(code)s”.", code=code))
        query = query.where(Assignment.unit_id == unit.id)
    if state is not None:
        if state not in STATES:
            raise BadQuery(gettext("“status” phải là một trong %(states)s.", states=", ".join(STATES)))
        query = query.where(Assignment.status == state)
    if plan is not None:
        query = query.where(ActionItem.plan_id == plan.id)
    if overdue is not None:
        # The rule of lifecycle.is_overdue, as SQL: not done, past due, and not an ongoing item.
        late = and_(
            Assignment.due_on.is_not(None),
            Assignment.due_on < as_of,
            Assignment.status != DONE,
            ActionItem.is_ongoing == false(),
        )
        query = query.where(late if overdue else not_(late))
    return jsonify(_paginate(query, page=page, per_page=per_page, to_json=lambda a: assignment_json(a, as_of)))


@bp.get("/assignments/<int:assignment_id>")
def get_assignment(assignment_id: int):
    require(VIEW_PLAN)
    return jsonify(assignment_json(_get(assignment_id)))


def _date(payload: dict, key: str) -> date | None:
    value = payload.get(key)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(key) from None


def _texts(payload: dict) -> dict[str, str] | str:
    """The change's free-text fields, or the name of the first one that cannot be saved as given."""
    texts = {}
    for key, limit in TEXT_LIMITS.items():
        value = payload.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str) or len(value) > limit or not _is_storable(value):
            return key
        texts[key] = value
    return texts


@bp.post("/assignments/<int:assignment_id>/status")
def set_status(assignment_id: int):
    """Body: {"status", "version", "comment", "difficulty", "proposal", "reason",
    "document_number", "document_date", "document_title", "completed_on"} (dates YYYY-MM-DD)."""
    assignment = _get(assignment_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error_response(400, gettext("Nội dung yêu cầu phải là một đối tượng JSON."), "invalid_json")
    version = payload.get("version")
    if payload.get("status") not in STATES or not isinstance(version, int) or isinstance(version, bool):
        return error_response(
            400,
            gettext("Cần “status” (một trong %(states)s) và “version” (số nguyên).", states=", ".join(STATES)),
            "invalid_request",
        )
    texts = _texts(payload)
    if isinstance(texts, str):
        return error_response(
            400,
            gettext(
                "“%(field)s” phải là một chuỗi văn bản dài tối đa %(max)d ký tự.", field=texts, max=TEXT_LIMITS[texts]
            ),
            "invalid_request",
        )
    try:
        evidence = Evidence(
            document_number=texts["document_number"],
            document_date=_date(payload, "document_date"),
            document_title=texts["document_title"],
            completed_on=_date(payload, "completed_on"),
        )
    except ValueError as exc:
        return error_response(400, gettext("“%(field)s” phải là ngày dạng YYYY-MM-DD.", field=str(exc)), "invalid_date")
    change = Change(
        to_state=payload["status"],
        comment=texts["comment"],
        difficulty=texts["difficulty"],
        proposal=texts["proposal"],
        reason=texts["reason"],
        evidence=evidence,
    )
    try:
        change_assignment(assignment, change, actor=current_user, expected_version=version, today=today(), now=utcnow())
    except PermissionDenied as exc:
        db.session.rollback()
        return error_response(403, str(exc), "forbidden")
    except EditConflict as exc:
        db.session.rollback()
        return error_response(409, str(exc), "conflict")
    except TransitionRefused as exc:
        db.session.rollback()
        response, status = error_response(422, str(exc), "invalid_transition")
        return _with_error_details(response, problems=exc.problems), status
    db.session.commit()
    return jsonify(assignment_json(assignment))


def _with_error_details(response, **details: Any):  # type: ignore[no-untyped-def]
    """An error_response body with what the client needs to fix added under "error" (problems, conflicts)."""
    body = response.get_json()
    body["error"].update(details)
    return jsonify(body)


# --- KPI figures ----------------------------------------------------------------------------


def _unit_for(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code)) if _is_storable(code) else None
    if unit is None:
        abort(404)
    return unit


@bp.get("/kpi")
def kpi():
    """Every unit's standing against its group's targets (latest figures on or before `as_of`), in plan and group order."""
    require(VIEW_PLAN)  # the plan page shows the same figures to every role
    page, per_page = _page_args()
    plan, as_of = _plan_arg(), _date_arg("as_of")
    standings = kpi_by_unit(plan_id=plan.id if plan else None, as_of=as_of)
    return jsonify(_page_of(standings, page=page, per_page=per_page, to_json=standing_as_json))


@bp.get("/units/<code>/kpi")
def unit_kpi(code: str):
    """The unit's latest ratios and attainment in each plan that sets it targets."""
    unit = _unit_for(code)
    require(VIEW_UNIT, unit=unit.id)
    return jsonify({"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]})


@bp.get("/plans/<int:plan_id>/indicators")
def plan_indicators(plan_id: int):
    """A plan's indicator definition: its scheme, its indicators and the figures a unit reports for them."""
    require(VIEW_PLAN)
    plan = _get_or_404(Plan, plan_id)
    return jsonify(definition_json(plan, plan_definition(plan)))


@bp.post("/units/<code>/figures")
def report_figures(code: str):
    """Body: {"as_of": "YYYY-MM-DD", "procedures_total": …, …} — Decision 1872's eight counts; or, with
    "plan": <id> of a plan with its own indicators, the figures its definition asks for (by key)."""
    unit = _unit_for(code)
    if not allowed(REPORT_FIGURES, unit=unit.id):
        return error_response(403, gettext("Bạn chỉ báo cáo được số liệu của đơn vị mình."), "forbidden")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error_response(400, gettext("Nội dung yêu cầu phải là một đối tượng JSON."), "invalid_json")
    try:
        as_of = date.fromisoformat(str(payload.get("as_of")))
    except ValueError:
        return error_response(400, gettext("“as_of” phải là ngày dạng YYYY-MM-DD."), "invalid_date")
    plan = None
    if payload.get("plan") is not None:
        plan_ref = payload["plan"]
        if isinstance(plan_ref, bool) or not isinstance(plan_ref, int) or not 1 <= plan_ref <= 2_147_483_647:
            return error_response(400, gettext("“plan” phải là mã số (id) của một kế hoạch."), "invalid_plan")
        plan = _get_or_404(Plan, plan_ref)
    try:
        figures = {key: value for key, value in payload.items() if key not in ("as_of", "plan")}
        record_figures(
            unit, figures, plan=plan, as_of=as_of, today=today(), now=utcnow(), reporter=current_user, source="api"
        )
    except InconsistentFigures as exc:
        db.session.rollback()
        conflicts = [{"figures": list(c.figures), "message": c.message} for c in exc.conflicts]
        response, status = error_response(422, str(exc), "inconsistent_figures")
        return _with_error_details(response, conflicts=conflicts), status
    except FiguresRefused as exc:
        db.session.rollback()
        return error_response(422, str(exc), "invalid_figures")
    db.session.commit()
    return jsonify({"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]}), 201
