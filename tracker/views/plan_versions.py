"""A plan's versions: the list, the plan as it stood at one version, the changes between two, the source file."""

from __future__ import annotations

import mimetypes
from collections import OrderedDict
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Plan, PlanVersion
from ..plan_versions import VERSIONS_FOLDER, compare, kind_label
from ..rules.permissions import ADMIN, MONITOR, VIEW_MONITORING
from .access import require
from .files import attachment

bp = Blueprint("plan_versions", __name__)


def source_folder() -> Path:
    return Path(current_app.config["IMPORT_DIR"]) / VERSIONS_FOLDER


def _plan(plan_id: int) -> Plan:
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    require(VIEW_MONITORING)
    return plan


def _versions(plan: Plan) -> list[PlanVersion]:
    return list(
        db.session.scalars(
            select(PlanVersion)
            .where(PlanVersion.plan_id == plan.id)
            .order_by(PlanVersion.number)
            .options(joinedload(PlanVersion.created_by))
        )
    )


def _version(versions: list[PlanVersion], number: int | None) -> PlanVersion:
    found = next((v for v in versions if v.number == number), None)
    if found is None:
        abort(404)
    return found


def _may_download() -> bool:
    return current_user.is_authenticated and current_user.role in (ADMIN, MONITOR)


@bp.get("/plans/<int:plan_id>/versions")
def index(plan_id: int):
    """Every version of the plan: number, date, kind, decision, who, note; and a form to compare two."""
    plan = _plan(plan_id)
    versions = _versions(plan)
    return render_template(
        "plans/versions.html", plan=plan, versions=versions, kind_label=kind_label, may_download=_may_download()
    )


@bp.get("/plans/<int:plan_id>/versions/<int:number>")
def show(plan_id: int, number: int):
    """The plan as it stood at one version (read from its snapshot), with what changed from the one before."""
    plan = _plan(plan_id)
    versions = _versions(plan)
    version = _version(versions, number)
    previous = next((v for v in reversed(versions) if v.number < version.number), None)
    changes = compare(previous.snapshot, version.snapshot) if previous is not None else None
    sections: OrderedDict[str, dict] = OrderedDict(
        (s["number"], {**s, "items": []}) for s in version.snapshot.get("sections", [])
    )
    for item in version.snapshot.get("items", []):
        sections.setdefault(item["section"], {"number": item["section"], "title": "", "appendix": "", "items": []})
        sections[item["section"]]["items"].append(
            {
                **item,
                "due": date.fromisoformat(item["due_on"]) if item.get("due_on") else None,
                "cancelled": date.fromisoformat(item["cancelled_on"]) if item.get("cancelled_on") else None,
            }
        )
    particulars = version.snapshot.get("plan", {})
    issued_on = particulars.get("issued_on")
    return render_template(
        "plans/version_show.html",
        plan=plan,
        version=version,
        previous=previous,
        changes=changes,
        sections=list(sections.values()),
        particulars=particulars,
        issued_on=date.fromisoformat(issued_on) if issued_on else None,
        latest=versions[-1],
        kind_label=kind_label,
        may_download=_may_download(),
    )


@bp.get("/plans/<int:plan_id>/versions/compare")
def compare_versions(plan_id: int):
    """What changed between any two versions, in words (from the older to the newer, whichever order asked)."""
    plan = _plan(plan_id)
    versions = _versions(plan)
    if not versions:
        abort(404)
    first = request.args.get("from", type=int)
    second = request.args.get("to", type=int)
    if first is None or second is None:
        second = versions[-1].number
        first = versions[-2].number if len(versions) > 1 else second
    older, newer = sorted((_version(versions, first), _version(versions, second)), key=lambda v: v.number)
    return render_template(
        "plans/version_compare.html",
        plan=plan,
        versions=versions,
        older=older,
        newer=newer,
        changes=compare(older.snapshot, newer.snapshot),
        kind_label=kind_label,
    )


@bp.get("/plans/<int:plan_id>/versions/<int:number>/source")
def source(plan_id: int, number: int):
    """The document a version was imported from, as uploaded (admins and the IT Centre)."""
    plan = _plan(plan_id)
    if not _may_download():
        abort(403)
    version = _version(_versions(plan), number)
    path = source_folder() / version.source_file if version.source_file else None
    if path is None or path.name != version.source_file or not path.is_file():
        abort(404)
    suffix = path.suffix.lower()
    mimetype = mimetypes.types_map.get(suffix, "application/octet-stream")
    return attachment(path.read_bytes(), mimetype, f"ke-hoach-{plan.id}-phien-ban-{version.number}{suffix}")
