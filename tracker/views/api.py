"""JSON API, version 1: plans, items, assignments (read, change status) and KPI figures (read, report), with
the same rules and errors as the pages, for a signed-in session or a personal bearer token.

Each request and response is declared once in tracker.views.api_schemas; flask-smorest reads the requests with
them, writes the responses with them, and makes the OpenAPI document (GET /api/v1/openapi.json) from them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import wraps
from http import HTTPStatus
from typing import Any, NoReturn, TypeVar

from apispec.ext.marshmallow import MarshmallowPlugin, OpenAPIConverter
from flask import Flask, abort, g, jsonify
from flask_login import current_user
from flask_smorest import Api, Blueprint, current_api
from flask_smorest.spec.plugins import FlaskPlugin
from flask_smorest.utils import prepare_response
from sqlalchemy import ColumnElement, func, not_, select
from sqlalchemy.orm import contains_eager, defer, selectinload
from webargs.flaskparser import FlaskParser

from .. import status_sql
from ..assignments import EditConflict, PermissionDenied, change_assignment
from ..clock import today, utcnow
from ..extensions import db
from ..figures import FiguresRefused, definition_json, kpi_by_unit, plan_definition, record_figures, standing_as_json
from ..labels import gettext
from ..league import Line, load_settings, rank_of, sort_lines  # issue 17
from ..models import ActionItem, Assignment, ItemUnit, MonthlySnapshot, Plan, PlanSection, SnapshotUnit, Unit
from ..page_cache import cached_page
from ..rules.kpi import InconsistentFigures, Period, period_of
from ..rules.lifecycle import DONE, STATES, Change, Evidence, TransitionRefused, is_overdue
from ..rules.permissions import REPORT_FIGURES, VIEW_PLAN, VIEW_UNIT
from ..snapshots import league_for, snapshot_for, snapshot_lines  # issue 17
from .access import allowed, require
from .api_schemas import (
    MAX_ID,
    OPEN,
    AssignmentPageSchema,
    AssignmentSchema,
    AssignmentsQuery,
    ErrorSchema,
    FiguresSchema,
    IndicatorsSchema,
    ItemPageSchema,
    ItemSchema,
    ItemsQuery,
    KpiQuery,
    LeagueQuery,
    LeagueSchema,
    PageQuery,
    PlanDetailSchema,
    PlanPageSchema,
    Request,
    SnapshotPageSchema,
    SnapshotSchema,
    SnapshotsQuery,
    StandingPageSchema,
    StatusChangeSchema,
    UnitKpiSchema,
    is_storable,
)
from .security import error_response

Row = TypeVar("Row")

DESCRIPTION = """Read the plans, their items and every unit's assignments and KPI standing; change an assignment's
status and report a unit's KPI counts, under the same rules as the pages.

Authenticate with a personal token (`Authorization: Bearer <token>`, made on the account page or with
`flask --app wsgi users token`); the token acts with its account's role. A signed-in browser session works too,
and then every POST needs the page's CSRF token in an `X-CSRFToken` header. Messages are in Vietnamese.
Lists come as `{"items", "total", "page", "per_page"}`."""

# The errors every operation may answer, as the document describes them.
ERRORS = {
    400: "A query parameter or the request body cannot be used (the message names it, in Vietnamese).",
    401: "No valid session or bearer token (revoked, unknown, or its account disabled).",
    403: "The signed-in user may not do this.",
    404: "No such record.",
    405: "This path does not take that method.",
    409: "Someone changed the assignment since `version`; nothing was saved.",
    422: "The request breaks a rule; the message says which.",
}


class Refused(Exception):
    """A request the API will not carry out: the HTTP status, the error code and the message (Vietnamese)."""

    def __init__(self, message: str, code: str = "invalid_query", status: int = 400) -> None:
        super().__init__(message)
        self.message, self.code, self.status = message, code, status


class _Parser(FlaskParser):
    """webargs as the API has always answered: a body that is not a JSON object, or the first field at fault, is a
    400 with one Vietnamese message."""

    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req: Any, schema: Any) -> Any:
        try:
            payload = req.get_json(silent=True)
        except RecursionError as exc:  # arrays or objects nested thousands deep: Python's parser gives up
            raise Refused(
                gettext("Nội dung JSON lồng nhau quá nhiều tầng; hãy gửi một đối tượng JSON phẳng."), "invalid_json"
            ) from exc
        if not isinstance(payload, dict):
            raise Refused(gettext("Nội dung yêu cầu phải là một đối tượng JSON."), "invalid_json")
        return payload

    def handle_error(self, error: Any, req: Any, schema: Any, **kwargs: Any) -> NoReturn:
        messages: Mapping[str, Any] = error.messages
        if len(messages) == 1:  # webargs files them under the location ("json", "query")
            inner = next(iter(messages.values()))
            messages = inner if isinstance(inner, Mapping) else messages
        code, message = schema.refusal(messages) if isinstance(schema, Request) else ("invalid_request", str(error))
        raise Refused(message, code)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _Parser()


class _Converter(OpenAPIConverter):
    """Also writes a schema's `Meta.additional_properties` (what else a body may hold) into the document."""

    def schema2jsonschema(self, schema: Any) -> dict:
        jsonschema = super().schema2jsonschema(schema)
        extra = getattr(getattr(schema, "Meta", None), "additional_properties", None)
        if extra is not None:
            jsonschema["additionalProperties"] = extra
        return jsonschema


class _Plugin(MarshmallowPlugin):
    Converter = _Converter


class _FlaskPlugin(FlaskPlugin):
    """The path's parameters written into each of its operations (a path then holds only operations)."""

    def path_helper(self, rule: Any, operations: dict, parameters: list, **kwargs: Any) -> str:
        path = super().path_helper(rule, operations, parameters, **kwargs)
        for operation in operations.values():
            operation["parameters"] = [*parameters, *operation.get("parameters", [])]
        parameters.clear()
        return path


class _Api(Api):
    """flask-smorest for the document only: the app's own error pages and JSON errors stay (tracker.views.security),
    no catch-all "default" response, and the error responses described as this API gives them."""

    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self) -> None:
        """None: every error is already answered by tracker.views.security.error_response."""

    def _register_pagination_header(self) -> None:
        """None: lists say their page in the body, not in smorest's X-Pagination header."""

    def _register_responses(self) -> None:
        for status, description in ERRORS.items():
            response = {"description": description, "schema": ErrorSchema}
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(HTTPStatus(status).name, response, lazy=True)


bp = _Blueprint("api", __name__, url_prefix="/api/v1", description="Plan Tracker API, version 1.")


def register_api(app: Flask) -> None:
    """The API blueprint on the app, and its OpenAPI document made from the schemas."""
    api = _Api(
        app,
        spec_kwargs={
            "title": "Plan Tracker API",
            "version": "1",
            "openapi_version": "3.0.3",
            "flask_plugin": _FlaskPlugin(),
            "marshmallow_plugin": _Plugin(),
            "info": {"description": DESCRIPTION},
            "security": [{"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A personal API token."}
    )
    api.register_blueprint(bp)


@bp.errorhandler(Refused)
def _refused(exc: Refused):
    return error_response(exc.status, exc.message, exc.code)


def _errors(*statuses: int) -> Callable[[Callable], Callable]:
    """Document that an operation may answer these errors (400, 401, 404 and 405 it always may)."""

    def decorate(view: Callable) -> Callable:
        for status in sorted({400, 401, 404, 405, *statuses}, reverse=True):
            view = bp.alt_response(status, HTTPStatus(status).name)(view)
        return view

    return decorate


def _checked_first(check: Callable[..., object]) -> Callable[[Callable], Callable]:
    """Run `check` on the URL's values before the body is read: a missing record (404) or a refusal (403) is
    answered before anything about the body, as it always was."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            check(**kwargs)
            return view(*args, **kwargs)

        return checked

    return decorate


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "in": "path",
        "name": name,
        "description": description,
        "schema": schema or {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID},
    }


_CODE = {"type": "string", "minLength": 1, "maxLength": 40}


@bp.route("/openapi.json", endpoint="openapi")
@bp.doc(operationId="openapi", security=[], tags=["meta"])
@bp.response(200, {"type": "object"}, description="The OpenAPI document.")
def openapi():
    """This description."""
    return jsonify(current_api.spec.to_dict())


# --- lookups --------------------------------------------------------------------------------


def _plan_named(value: str | None) -> Plan | None:
    """The plan named by `plan`: its id, or its number as written (“1872/QĐ-BVHTTDL”)."""
    if value is None:
        return None
    plan = None
    if re.fullmatch(r"[0-9]{1,12}", value) and int(value) <= MAX_ID:
        plan = db.session.get(Plan, int(value))
    if plan is None:
        plan = db.session.scalar(select(Plan).where(Plan.number == value))
    if plan is None:
        raise Refused(gettext("Không có kế hoạch “%(plan)s” (dùng mã số hoặc số hiệu kế hoạch).", plan=value))
    return plan


def _get_or_404(model: type[Row], ident: int) -> Row:
    row = db.session.get(model, ident) if ident <= MAX_ID else None
    if row is None:
        abort(404)
    return row


@dataclass
class _Slice:
    """A page of rows already in memory, shaped like db.paginate's Pagination."""

    items: list
    total: int
    page: int
    per_page: int


def _item_options():
    return (
        selectinload(ActionItem.section),
        selectinload(ActionItem.plan),
        selectinload(ActionItem.units).selectinload(ItemUnit.unit),
        selectinload(ActionItem.assignments).selectinload(Assignment.unit),
    )


# --- plans and items ------------------------------------------------------------------------


@bp.route("/plans")
@cached_page
@bp.doc(operationId="listPlans", tags=["plans"])
@bp.arguments(PageQuery, location="query")
@bp.response(200, PlanPageSchema, description="A page of plans.")
@_errors()
def list_plans(args: dict):
    """The plans held."""
    require(VIEW_PLAN)
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
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    page.items = [
        {
            "plan": p,
            "section_count": sections.get(p.id, 0),
            "item_count": items.get(p.id, 0),
            "assignment_count": assignments.get(p.id, 0),
        }
        for p in page.items
    ]
    return page


@bp.route("/plans/<int:plan_id>", parameters=[_path("plan_id", "The plan's id.")])
@cached_page
@bp.doc(operationId="getPlan", tags=["plans"])
@bp.response(200, PlanDetailSchema, description="The plan.")
@_errors()
def get_plan(plan_id: int):
    """A plan with its sections, item summaries and assignment counts."""
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
    return {
        "plan": plan,
        "section_count": len(plan.sections),
        "item_count": len(loaded),
        "assignment_count": len(active),
        "as_of": now,
        "assignments_by_status": {**counts, "overdue": overdue},
        "sections": [{"section": s, "items": by_section.get(s.id, [])} for s in plan.sections],
    }


@bp.route("/items")
@cached_page
@bp.doc(operationId="listItems", tags=["items"])
@bp.arguments(ItemsQuery, location="query")
@bp.response(200, ItemPageSchema, description="A page of items.")
@_errors()
def list_items(args: dict):
    """Action items in plan order.

    `plan` (id or number) and `section` (“I”) narrow the list."""
    require(VIEW_PLAN)
    plan, section = _plan_named(args.get("plan")), args.get("section")
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
            raise Refused(gettext("Không có mục “%(section)s” trong kế hoạch.", section=section))
        query = query.where(PlanSection.number == section)
    return db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)


@bp.route("/items/<int:item_id>", parameters=[_path("item_id", "The item's id.")])
@cached_page
@bp.doc(operationId="getItem", tags=["items"])
@bp.response(200, ItemSchema, description="The item.")
@_errors()
def get_item(item_id: int):
    """An item in full, with its assignments.

    Its units as written and as understood, its deadline as written and as read, every active assignment."""
    require(VIEW_PLAN)
    item = None
    if item_id <= MAX_ID:
        item = db.session.scalar(select(ActionItem).where(ActionItem.id == item_id).options(*_item_options()))
    if item is None:
        abort(404)
    return item


# --- assignments ----------------------------------------------------------------------------


def _active_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id) if assignment_id <= MAX_ID else None
    if assignment is None or not assignment.is_active:
        abort(404)
    return assignment


@bp.route("/assignments")
@cached_page
@bp.doc(operationId="listAssignments", tags=["assignments"])
@bp.arguments(AssignmentsQuery, location="query")
@bp.response(200, AssignmentPageSchema, description="A page of assignments.")
@_errors()
def list_assignments(args: dict):
    """Active assignments, filtered.

    By `unit` (code), `status` (one state, or `open`: every state but done), `plan`, and `overdue` as of
    `as_of` (today unless given)."""
    require(VIEW_PLAN)
    as_of = args.get("as_of") or today()
    g.api_as_of = as_of  # each row's days_left and overdue are judged on that day too
    code, state, plan, overdue = (
        args.get("unit"),
        args.get("status"),
        _plan_named(args.get("plan")),
        args.get("overdue"),
    )
    conditions: list[ColumnElement[bool]] = [Assignment.is_active.expression]
    needs_item = False  # whether the filters read the item (the count joins it only then)
    if code is not None:
        unit = db.session.scalar(select(Unit).where(func.upper(Unit.code) == code.upper()))
        if unit is None:
            raise Refused(gettext("Không có đơn vị mã “%(code)s”.", code=code))
        conditions.append(Assignment.unit_id == unit.id)
    if state == OPEN:
        conditions.append(Assignment.status != DONE)
    elif state is not None:
        conditions.append(Assignment.status == state)
    if plan is not None:
        conditions.append(ActionItem.plan_id == plan.id)
        needs_item = True
    if overdue is not None:
        late = status_sql.is_overdue(as_of)  # lifecycle.is_overdue as SQL (the query joins the item)
        conditions.append(late if overdue else not_(late))
        needs_item = True
    # The total: a plain count of the assignments that pass (every assignment has its item, section and unit).
    counted = select(func.count(Assignment.id))
    if needs_item:
        counted = counted.join(ActionItem, Assignment.item_id == ActionItem.id)
    total = db.session.scalar(counted.where(*conditions)) or 0
    page, per_page = args["page"], args["per_page"]
    if total <= (page - 1) * per_page:
        return _Slice([], total, page, per_page)
    # The page: its ids sorted in narrow rows, then one SELECT joining what each row shows (what it never
    # shows stays in the database).
    ids = list(
        db.session.scalars(
            select(Assignment.id)
            .join(Assignment.item)
            .join(ActionItem.section)
            # Always true (ids start at 1): it steers SQLite to walk the assignments by item, the order sought,
            # rather than by the due-date index of migration 0012 (20 → 7 ms at N = 20,000); PostgreSQL hashes.
            .where(*conditions, Assignment.item_id > 0)
            .order_by(ActionItem.plan_id, PlanSection.position, ActionItem.position, ActionItem.id, Assignment.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    loaded = db.session.scalars(
        select(Assignment)
        .join(Assignment.item)
        .join(ActionItem.section)
        .join(ActionItem.plan)
        .join(Assignment.unit)
        .where(Assignment.id.in_(ids))
        .options(
            contains_eager(Assignment.unit),
            contains_eager(Assignment.item).options(
                contains_eager(ActionItem.section),
                contains_eager(ActionItem.plan),
                *(defer(column, raiseload=True) for column in _ITEM_NOT_IN_ASSIGNMENT),
            ),
        )
    )
    by_id = {assignment.id: assignment for assignment in loaded}
    return _Slice([by_id[i] for i in ids], total, page, per_page)


# An item's columns an assignment's JSON never shows (its notes' JSON cost more to read than the rest).
_ITEM_NOT_IN_ASSIGNMENT = (
    ActionItem.notes,
    ActionItem.lead_text,
    ActionItem.coordinating_text,
    ActionItem.expected_output,
    ActionItem.cancel_reason,
)


@bp.route("/assignments/<int:assignment_id>", parameters=[_path("assignment_id", "The assignment's id.")])
@cached_page
@bp.doc(operationId="getAssignment", tags=["assignments"])
@bp.response(200, AssignmentSchema, description="The assignment.")
@_errors()
def get_assignment(assignment_id: int):
    """One assignment."""
    require(VIEW_PLAN)
    return _active_assignment(assignment_id)


@bp.route(
    "/assignments/<int:assignment_id>/status",
    methods=["POST"],
    parameters=[_path("assignment_id", "The assignment's id.")],
)
@bp.doc(operationId="setAssignmentStatus", tags=["assignments"])
@_checked_first(_active_assignment)
@bp.arguments(StatusChangeSchema)
@bp.response(200, AssignmentSchema, description="The assignment as saved.")
@_errors(403, 409)
@bp.alt_response(
    422, schema=ErrorSchema, description="The change breaks a rule; `problems` says what to fix per field."
)
def set_status(change: dict, assignment_id: int):
    """Change the status (or report progress), as the update form does.

    Only the assignment's own unit (unit_head, unit_staff) moves it; the IT Centre and admins reopen a done one
    with a reason."""
    assignment = _active_assignment(assignment_id)
    evidence = Evidence(
        document_number=change["document_number"],
        document_date=change["document_date"],
        document_title=change["document_title"],
        completed_on=change["completed_on"],
    )
    wanted = Change(
        to_state=change["status"],
        comment=change["comment"],
        difficulty=change["difficulty"],
        proposal=change["proposal"],
        reason=change["reason"],
        evidence=evidence,
    )
    try:
        change_assignment(
            assignment, wanted, actor=current_user, expected_version=change["version"], today=today(), now=utcnow()
        )
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
    return assignment


def _with_error_details(response, **details: Any):
    """An error_response body with what the client needs to fix added under "error" (problems, conflicts)."""
    body = response.get_json()
    body["error"].update(details)
    return jsonify(body)


# --- KPI figures ----------------------------------------------------------------------------


def _unit_for(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code)) if is_storable(code) else None
    if unit is None:
        abort(404)
    return unit


@bp.route("/kpi")
@bp.doc(operationId="listKpi", tags=["kpi"])
@bp.arguments(KpiQuery, location="query")
@bp.response(200, StandingPageSchema, description="A page of standings, one per unit and plan.")
@_errors()
def kpi(args: dict):
    """Every unit's KPI standing against its group's targets.

    The latest figures on or before `as_of`, in plan and group order."""
    require(VIEW_PLAN)  # the plan page shows the same figures to every role
    plan = _plan_named(args.get("plan"))
    standings = kpi_by_unit(plan_id=plan.id if plan else None, as_of=args.get("as_of"))
    page, per_page = args["page"], args["per_page"]
    chosen = standings[(page - 1) * per_page : page * per_page]
    return _Slice([standing_as_json(s) for s in chosen], len(standings), page, per_page)


@bp.route("/units/<code>/kpi", parameters=[_path("code", "The unit's code.", _CODE)])
@bp.doc(operationId="getUnitKpi", tags=["kpi"], description="The unit's own people, and the monitoring roles.")
@bp.response(200, UnitKpiSchema, description="The unit's standing in each plan.")
@_errors(403)
def unit_kpi(code: str):
    """One unit's KPI standing."""
    unit = _unit_for(code)
    require(VIEW_UNIT, unit=unit.id)
    return {"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]}


@bp.route("/plans/<int:plan_id>/indicators", parameters=[_path("plan_id", "The plan's id.")])
@bp.doc(operationId="getPlanIndicators", tags=["plans", "kpi"])
@bp.response(200, IndicatorsSchema, description="The definition.")
@_errors()
def plan_indicators(plan_id: int):
    """A plan's indicator definition (Decision 1872's built-in one, or the plan's own).

    Its scheme, its indicators and the figures a unit reports for them."""
    require(VIEW_PLAN)
    plan = _get_or_404(Plan, plan_id)
    return definition_json(plan, plan_definition(plan))


def _may_report(code: str) -> None:
    if not allowed(REPORT_FIGURES, unit=_unit_for(code).id):
        raise Refused(gettext("Bạn chỉ báo cáo được số liệu của đơn vị mình."), "forbidden", 403)


@bp.route("/units/<code>/figures", methods=["POST"], parameters=[_path("code", "The unit's code.", _CODE)])
@bp.doc(
    operationId="reportFigures",
    tags=["kpi"],
    description="The unit's own people only. A second report for the same day supersedes the first.",
)
@_checked_first(_may_report)
@bp.arguments(FiguresSchema)
@bp.response(201, UnitKpiSchema, description="Saved; the unit's standing.")
@_errors(403)
@bp.alt_response(
    422, schema=ErrorSchema, description="The counts contradict each other (`conflicts`) or the date is in the future."
)
def report_figures(payload: dict, code: str):
    """Report a unit's KPI figures as of a day."""
    unit = _unit_for(code)
    plan = _get_or_404(Plan, payload["plan"]) if payload.get("plan") is not None else None
    try:
        figures = {key: value for key, value in payload.items() if key not in ("as_of", "plan")}
        record_figures(
            unit,
            figures,
            plan=plan,
            as_of=payload["as_of"],
            today=today(),
            now=utcnow(),
            reporter=current_user,
            source="api",
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
    return {"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]}


# --- issue 17: the league table and monthly snapshots ------------------------------------------------------


def _month_of(text: str | None) -> Period | None:
    """A month from the query's YYYY-MM (already checked by LeagueQuery); None when not given."""
    if not text:
        return None
    year, month = text.split("-")
    return Period(int(year), int(month))


_REPORTING_KEYS = ("figures_due", "figures_on_time", "ongoing_due", "ongoing_reported")


def _line_json(line: Line, rank: int | None) -> dict:
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return {
        "rank": rank,
        "unit": line.unit_name,
        "unit_code": line.unit_code,
        "band": line.band,
        "score": number(line.score),
        "previous": number(line.previous),
        "change": number(line.change),
        "parts": {part: number(value) for part, value in line.parts.items()},
        "classes": line.classes,
        "kpi_attainment": line.kpi_attainment,
        "reporting": {
            key: line.reporting.get(key, 0)
            for key in ("figures_due", "figures_on_time", "ongoing_due", "ongoing_reported")
        },
    }


def _lines_json(lines: list[Line]) -> list[dict]:
    """The lines in rank order (best score first, units without a score last), each with its rank (equal scores
    share one)."""
    ranked = sort_lines(lines, "score", descending=True)
    return [_line_json(line, rank_of(line, ranked)) for line in ranked]


def _default_plan() -> Plan:
    plan = db.session.scalar(select(Plan).order_by(Plan.year.desc(), Plan.number).limit(1))
    if plan is None:
        abort(404)
    return plan


@bp.route("/league")
@bp.doc(operationId="getLeague", tags=["league"])
@bp.arguments(LeagueQuery, location="query")
@bp.response(200, LeagueSchema, description="The league table.")
@_errors()
def league(args: dict):
    """A plan's league table: each unit's 766-style score, band, parts and change since last month.

    The current month is worked out live as of today; a past month comes from its monthly snapshot."""
    require(VIEW_PLAN)
    plan = _plan_named(args.get("plan")) or _default_plan()
    found = league_for(plan, _month_of(args.get("month")), today=today())
    if found is None:
        abort(404)
    lines, as_of, live = found
    snapshot = None if live else snapshot_for(plan.id, period_of(as_of))
    settings = snapshot.settings if snapshot is not None else asdict(load_settings())
    return {
        "plan_id": plan.id,
        "plan": plan.number,
        "month": f"{as_of.year}-{as_of.month:02d}",
        "as_of": as_of,
        "live": live,
        "settings": settings,
        "units": _lines_json(lines),
    }


def _snapshot_head(snapshot: MonthlySnapshot, plan: Plan) -> dict:
    return {
        "id": snapshot.id,
        "plan_id": plan.id,
        "plan": plan.number,
        "month": f"{snapshot.month.year}-{snapshot.month.month:02d}",
        "as_of": snapshot.as_of,
        "taken_at": snapshot.taken_at,
    }


@bp.route("/snapshots")
@bp.doc(operationId="listSnapshots", tags=["league"])
@bp.arguments(SnapshotsQuery, location="query")
@bp.response(200, SnapshotPageSchema, description="A page of snapshots, newest month first.")
@_errors()
def list_snapshots(args: dict):
    """The monthly snapshots held: each plan's months frozen as of their last day."""
    require(VIEW_PLAN)
    plan = _plan_named(args.get("plan"))
    query = select(MonthlySnapshot, Plan).join(Plan, Plan.id == MonthlySnapshot.plan_id)
    if plan is not None:
        query = query.where(MonthlySnapshot.plan_id == plan.id)
    rows = db.session.execute(query.order_by(MonthlySnapshot.month.desc(), MonthlySnapshot.plan_id)).all()
    counts = dict(
        db.session.execute(select(SnapshotUnit.snapshot_id, func.count()).group_by(SnapshotUnit.snapshot_id)).all()
    )
    page, per_page = args["page"], args["per_page"]
    chosen = rows[(page - 1) * per_page : page * per_page]
    items = [{**_snapshot_head(s, p), "units": counts.get(s.id, 0)} for s, p in chosen]
    return _Slice(items, len(rows), page, per_page)


@bp.route("/snapshots/<int:snapshot_id>", parameters=[_path("snapshot_id", "The snapshot's id.")])
@bp.doc(operationId="getSnapshot", tags=["league"])
@bp.response(200, SnapshotSchema, description="The snapshot with its units' lines.")
@_errors()
def get_snapshot(snapshot_id: int):
    """One monthly snapshot: the settings it was scored with and each unit's frozen line, in rank order."""
    require(VIEW_PLAN)
    snapshot = _get_or_404(MonthlySnapshot, snapshot_id)
    plan = _get_or_404(Plan, snapshot.plan_id)
    return {
        **_snapshot_head(snapshot, plan),
        "settings": snapshot.settings,
        "units": _lines_json(snapshot_lines(snapshot)),
    }
