"""KPI overview for the IT Centre and leadership (every unit by group, attainment, who has not reported),
the .xlsx export, the template to fill in, and importing a filled-in template."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import groupby

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from ..clock import today, utcnow
from ..extensions import db
from ..figures import kpi_by_unit
from ..figures_files import FiguresFileError, export_xlsx, import_rows, read_figures_file, template_csv, template_xlsx
from ..forms import FiguresFileForm
from ..models import Plan, Unit, UnitGroupMember
from ..rules.kpi import decimal_comma, is_report_missing, last_due_period, round_percent
from ..rules.permissions import IMPORT_FIGURES, UNIT_ROLES, VIEW_MONITORING, VIEW_PLAN
from ..units import UnitDirectory
from .access import require
from .files import XLSX, attachment

bp = Blueprint("kpi", __name__)


@bp.app_template_filter("kpi_count")
def format_count(value: object) -> str:
    """A count (or a count target) for display: whole numbers as they are, others with a decimal comma."""
    if value is None:
        return ""
    number = Fraction(str(value)) if isinstance(value, Decimal) else Fraction(value)  # type: ignore[arg-type]
    if number.denominator == 1:
        return str(number.numerator)
    return decimal_comma(round_percent(number / 100))  # one decimal, rounded half up


@bp.get("/kpi")
def overview():
    require(VIEW_MONITORING)
    now = today()
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    plan_id = request.args.get("plan", type=int) or (plans[0].id if plans else None)
    standings = kpi_by_unit(plan_id=plan_id) if plan_id else []
    period = last_due_period(now, current_app.config["KPI_DUE_DAY"])
    missing = [s for s in standings
               if period is not None and is_report_missing(period, s.latest.as_of if s.latest else None)]
    by_group = [(group, list(rows)) for group, rows in groupby(standings, key=lambda s: s.group)]
    return render_template("kpi/overview.html", plans=plans, plan_id=plan_id, by_group=by_group,
                           missing=missing, period=period, due_day=current_app.config["KPI_DUE_DAY"])





@bp.get("/kpi/export.xlsx")
def export():
    """Figures and attainment of every unit of a plan, as a workbook."""
    require(VIEW_MONITORING)
    plan_id = request.args.get("plan", type=int)
    standings = kpi_by_unit(plan_id=plan_id) if plan_id else kpi_by_unit()
    return attachment(export_xlsx(standings), XLSX, f"so-lieu-chi-tieu-{today():%Y-%m-%d}.xlsx")


def _template_units() -> list[Unit]:
    """The units the template lists: the one of a unit role, or every unit in some plan's Appendix 1."""
    if current_user.unit_id is not None and current_user.role in UNIT_ROLES:
        return [current_user.unit]
    return list(db.session.scalars(
        select(Unit).join(UnitGroupMember, UnitGroupMember.unit_id == Unit.id).distinct().order_by(Unit.name)))


@bp.get("/kpi/template.<any(xlsx, csv):kind>")
def template(kind: str):
    """The file to fill in: column names on the first row, one row per unit."""
    require(VIEW_PLAN)
    units = _template_units()
    if kind == "xlsx":
        return attachment(template_xlsx(units), XLSX, "mau-so-lieu-dvctt.xlsx")
    return attachment(template_csv(units), "text/csv; charset=utf-8", "mau-so-lieu-dvctt.csv")


@bp.route("/kpi/import", methods=["GET", "POST"])
def import_figures():
    """Upload a filled-in template: all its rows are recorded, or — at the first bad row — none."""
    require(IMPORT_FIGURES)
    form = FiguresFileForm()
    error = None
    if form.validate_on_submit():
        upload = request.files.get(form.file.name)
        if upload is None or not upload.filename:
            error = gettext("Hãy chọn tệp số liệu (.xlsx hoặc .csv).")
        else:
            units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
            try:
                rows = read_figures_file(upload.read(), upload.filename, UnitDirectory.from_database(), units)
                count = import_rows(rows, today=today(), now=utcnow(), reporter=current_user)
            except FiguresFileError as exc:
                db.session.rollback()
                error = gettext("Không nhập tệp %(name)s: %(error)s Không có số liệu nào được lưu.",
                                name=upload.filename, error=str(exc))
            else:
                db.session.commit()
                flash(ngettext("Đã nhập số liệu của %(num)d đơn vị.", "Đã nhập số liệu của %(num)d đơn vị.", count),
                      "success")
                return redirect(url_for("kpi.overview"))
    return render_template("kpi/import.html", form=form, error=error), 422 if error else 200
