"""KPI overview for the IT Centre and leadership (every unit by group, attainment, who has not reported),
the .xlsx export, the template to fill in, and importing a filled-in template."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..clock import today, utcnow
from ..extensions import db
from ..figures import kpi_by_unit, plan_definition
from ..figures_files import (
    BUILT_IN,
    FiguresFileError,
    export_xlsx,
    import_rows,
    read_figures_file,
    template_csv,
    template_xlsx,
)
from ..formatting import format_kpi_count
from ..forms import FiguresFileForm
from ..jobs import WORKER_COMMAND, enqueue, import_folder, own_job, runs_in_request, status_of
from ..labels import gettext, ngettext
from ..models import ImportJob, Indicator, Plan, Unit, UnitGroup, UnitGroupMember
from ..page_cache import cached_page
from ..rules.indicators import SCHEME_PLAN, Definition
from ..rules.kpi import is_report_missing, last_due_period
from ..rules.permissions import IMPORT_FIGURES, UNIT_ROLES, VIEW_MONITORING, VIEW_PLAN
from ..units import UnitDirectory
from .access import require
from .files import XLSX, attachment
from .labels import say

bp = Blueprint("kpi", __name__)


bp.add_app_template_filter(format_kpi_count, "kpi_count")


@bp.get("/kpi")
@cached_page
def overview():
    require(VIEW_MONITORING)
    now = today()
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    plan_id = request.args.get("plan", type=int) or (plans[0].id if plans else None)
    standings = kpi_by_unit(plan_id=plan_id) if plan_id else []
    period = last_due_period(now, current_app.config["KPI_DUE_DAY"])
    missing = [
        s for s in standings if period is not None and is_report_missing(period, s.latest.as_of if s.latest else None)
    ]
    by_group = [(group, list(rows)) for group, rows in groupby(standings, key=lambda s: s.group)]
    current = next((p for p in plans if p.id == plan_id), None)
    return render_template(
        "kpi/overview.html",
        plans=plans,
        plan_id=plan_id,
        by_group=by_group,
        current=current,
        missing=missing,
        period=period,
        due_day=current_app.config["KPI_DUE_DAY"],
    )


@bp.get("/kpi/export.xlsx")
def export():
    """Figures and attainment of every unit of a plan, as a workbook."""
    require(VIEW_MONITORING)
    plan_id = request.args.get("plan", type=int)
    standings = kpi_by_unit(plan_id=plan_id) if plan_id else kpi_by_unit()
    return attachment(export_xlsx(standings), XLSX, f"so-lieu-chi-tieu-{today():%Y-%m-%d}.xlsx")


def _template_units(plan: Plan | None) -> list[Unit]:
    """The units the template lists: the one of a unit role, or every unit in the plan's groups (without a
    plan, in some plan's Appendix 1)."""
    if current_user.unit_id is not None and current_user.role in UNIT_ROLES:
        return [current_user.unit]
    query = select(Unit).join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id)
    if plan is not None:
        query = query.join(UnitGroup, UnitGroup.id == UnitGroupMember.group_id).where(UnitGroup.plan_id == plan.id)
    return list(db.session.scalars(query.distinct().order_by(Unit.name)))


def _own_plans() -> list[Plan]:
    """Plans with their own indicators, which have their own template."""
    return list(
        db.session.scalars(
            select(Plan)
            .where(Plan.kpi_scheme == SCHEME_PLAN, Plan.id.in_(select(Indicator.plan_id)))
            .order_by(Plan.year.desc(), Plan.number)
        )
    )


def _chosen_plan(plan_id: int | None) -> tuple[Plan | None, Definition]:
    """The plan whose figures a file holds (None and the built-in definition for Decision 1872's counts)."""
    if plan_id is None:
        return None, BUILT_IN
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        abort(404)
    if plan.kpi_scheme != SCHEME_PLAN:
        return None, BUILT_IN
    return plan, plan_definition(plan)


@bp.get("/kpi/template.<any(xlsx, csv):kind>")
def template(kind: str):
    """The file to fill in: column names on the first row (from the plan's indicators), one row per unit."""
    require(VIEW_PLAN)
    plan, definition = _chosen_plan(request.args.get("plan", type=int))
    units = _template_units(plan)
    name = "mau-so-lieu-dvctt" if plan is None else f"mau-so-lieu-ke-hoach-{plan.id}"
    if kind == "xlsx":
        return attachment(template_xlsx(units, definition), XLSX, f"{name}.xlsx")
    return attachment(template_csv(units, definition), "text/csv; charset=utf-8", f"{name}.csv")


@bp.route("/kpi/import", methods=["GET", "POST"])
def import_figures():
    """Upload a filled-in template: all its rows are recorded, or — at the first bad row — none."""
    require(IMPORT_FIGURES)
    own_plans = _own_plans()
    form = FiguresFileForm()
    form.plan.choices = [("", gettext("DVCTT theo Quyết định 1872 (8 số đếm)"))] + [
        (str(p.id), gettext("Kế hoạch %(number)s", number=p.number)) for p in own_plans
    ]
    error = None
    if form.validate_on_submit():
        chosen = form.plan.data or ""
        if chosen not in {value for value, _label in form.plan.choices}:
            chosen = ""  # a plan without its own indicators (or none at all): Decision 1872's counts
        plan, definition = _chosen_plan(int(chosen) if chosen else None)
        upload = request.files.get(form.file.name)
        if upload is None or not upload.filename:
            error = gettext("Hãy chọn tệp số liệu (.xlsx hoặc .csv).")
        elif not runs_in_request(data := upload.read(), Path(upload.filename).suffix.lower(), "kpi"):
            return _queue_import(data, upload.filename, plan)
        else:
            units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
            try:
                rows = read_figures_file(data, upload.filename, UnitDirectory.from_database(), units, definition)
                count = import_rows(rows, today=today(), now=utcnow(), reporter=current_user, plan=plan)
            except FiguresFileError as exc:
                db.session.rollback()
                error = gettext(
                    "Không nhập tệp %(name)s: %(error)s Không có số liệu nào được lưu.",
                    name=upload.filename,
                    error=say(exc),
                )
            else:
                db.session.commit()
                flash(_imported(count), "success")
                return redirect(url_for("kpi.overview"))
    if form.errors and error is None:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    return render_template("kpi/import.html", form=form, error=error, own_plans=own_plans), 422 if error else 200


def _imported(count: int) -> str:
    return ngettext("Đã nhập số liệu của %(num)d đơn vị.", "Đã nhập số liệu của %(num)d đơn vị.", count)


def _queue_import(data: bytes, filename: str, plan: Plan | None):
    """A big file is imported by a worker outside the request: kept under the import folder, and the job's page
    follows it."""
    suffix = Path(filename).suffix.lower()[:10]
    folder = import_folder("kpi_import")
    folder.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}{suffix}").write_bytes(data)
    job = enqueue(
        "kpi_import",
        user=current_user,
        token=token,
        suffix=suffix,
        filename=filename,
        params={"plan": plan.id if plan is not None else None, "today": today().isoformat()},
        now=datetime.now(UTC),
    )
    db.session.commit()
    return redirect(url_for("kpi.import_job", job_id=job.id))


def _own_job(job_id: int) -> ImportJob:
    """A KPI import job the signed-in person queued (404 for anyone else's)."""
    job = own_job(job_id, ("kpi_import",), current_user.id)
    if job is None:
        abort(404)
    return job


@bp.get("/kpi/import/jobs/<int:job_id>")
def import_job(job_id: int):
    """A KPI file imported by a worker: its progress, then how many units' figures were recorded (or why none)."""
    require(IMPORT_FIGURES)
    job = _own_job(job_id)
    return render_template(
        "admin/import_job.html",
        job=job,
        title=gettext("Nhập số liệu từ tệp"),
        status=status_of(job, datetime.now(UTC)),
        status_url=url_for("kpi.import_job_status", job_id=job.id),
        worker_command=WORKER_COMMAND,
        back_url=url_for("kpi.import_figures"),
        done_message=_imported((job.result or {}).get("count", 0)),
        result_url=url_for("kpi.overview"),
        result_label=gettext("Xem chỉ tiêu DVCTT"),
    )


@bp.get("/kpi/import/jobs/<int:job_id>/status")
def import_job_status(job_id: int):
    """A KPI import job's state and progress, as JSON, for its page to poll."""
    require(IMPORT_FIGURES)
    return status_of(_own_job(job_id), datetime.now(UTC))
