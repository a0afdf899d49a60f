"""JSON API, version 1: assignments (read, change status) and a unit's KPI figures (read, report) —
the same rules and errors as the pages."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from ..assignments import EditConflict, PermissionDenied, change_assignment
from ..clock import today, utcnow
from ..extensions import db
from ..figures import FiguresRefused, kpi_by_unit, record_figures, standing_as_json
from ..models import Assignment, Unit
from ..rules.kpi import Counts, InconsistentFigures
from ..rules.lifecycle import STATES, Change, Evidence, TransitionRefused
from ..rules.permissions import REPORT_FIGURES, VIEW_PLAN, VIEW_UNIT
from ..status import status_of
from .access import allowed, require
from .security import error_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def assignment_json(assignment: Assignment) -> dict:
    status = status_of(assignment, today=today(), due_soon_days=current_app.config["DUE_SOON_DAYS"])
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
        "due": assignment.due_on.isoformat() if assignment.due_on else None,
        "days_left": status.days_left,
        "overdue": status.is_overdue,
        "completed_on": assignment.completed_on.isoformat() if assignment.completed_on else None,
        "version": assignment.version,
        "updated_at": assignment.updated_at.isoformat() if assignment.updated_at else None,
    }


def _get(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or not assignment.is_active:
        abort(404)
    return assignment


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


@bp.post("/assignments/<int:assignment_id>/status")
def set_status(assignment_id: int):
    """Body: {"status", "version", "comment", "difficulty", "proposal", "reason",
    "document_number", "document_date", "document_title", "completed_on"} (dates YYYY-MM-DD)."""
    assignment = _get(assignment_id)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error_response(400, gettext("Nội dung yêu cầu phải là một đối tượng JSON."), "invalid_json")
    if payload.get("status") not in STATES or not isinstance(payload.get("version"), int):
        return error_response(400, gettext("Cần “status” (một trong %(states)s) và “version” (số nguyên).",
                                           states=", ".join(STATES)), "invalid_request")
    try:
        evidence = Evidence(document_number=str(payload.get("document_number") or ""),
                            document_date=_date(payload, "document_date"),
                            document_title=str(payload.get("document_title") or ""),
                            completed_on=_date(payload, "completed_on"))
    except ValueError as exc:
        return error_response(400, gettext("“%(field)s” phải là ngày dạng YYYY-MM-DD.", field=str(exc)), "invalid_date")
    change = Change(to_state=payload["status"], comment=str(payload.get("comment") or ""),
                    difficulty=str(payload.get("difficulty") or ""), proposal=str(payload.get("proposal") or ""),
                    reason=str(payload.get("reason") or ""), evidence=evidence)
    try:
        change_assignment(assignment, change, actor=current_user, expected_version=payload["version"],
                          today=today(), now=utcnow())
    except PermissionDenied as exc:
        db.session.rollback()
        return error_response(403, str(exc), "forbidden")
    except EditConflict as exc:
        db.session.rollback()
        response, status = error_response(409, str(exc), "conflict")
        return response, status
    except TransitionRefused as exc:
        db.session.rollback()
        body = {"error": {"code": "invalid_transition", "message": str(exc), "problems": exc.problems}}
        return jsonify(body), 422
    db.session.commit()
    return jsonify(assignment_json(assignment))


def _unit_for(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    return unit


@bp.get("/units/<code>/kpi")
def unit_kpi(code: str):
    """The unit's latest ratios and attainment in each plan that sets it targets."""
    unit = _unit_for(code)
    require(VIEW_UNIT, unit=unit.id)
    return jsonify({"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]})


@bp.post("/units/<code>/figures")
def report_figures(code: str):
    """Body: {"as_of": "YYYY-MM-DD", "procedures_total": …, …} — the eight counts; the ratios are computed."""
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
    try:
        counts = Counts.from_mapping(payload)
        record_figures(unit, counts, as_of=as_of, today=today(), now=utcnow(), reporter=current_user, source="api")
    except InconsistentFigures as exc:
        db.session.rollback()
        conflicts = [{"figures": list(c.figures), "message": c.message} for c in exc.conflicts]
        return jsonify({"error": {"code": "inconsistent_figures", "message": str(exc), "conflicts": conflicts}}), 422
    except FiguresRefused as exc:
        db.session.rollback()
        return error_response(422, str(exc), "invalid_figures")
    db.session.commit()
    return jsonify({"units": [standing_as_json(s) for s in kpi_by_unit(unit_ids=[unit.id])]}), 201
