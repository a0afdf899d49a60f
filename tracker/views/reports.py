"""The 6-monthly and annual report on a plan's execution: choosing plan and period, the print view,
and the .docx and .xlsx downloads (IT Centre, leadership, admins)."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request
from sqlalchemy import select

from .. import reports
from ..clock import today
from ..extensions import db
from ..formatting import format_date
from ..labels import gettext
from ..models import Plan
from ..reports import Issuer, Report, ascii_filename, build_report, period_label, report_docx, report_xlsx
from ..rules.dates import parse_day
from ..rules.permissions import VIEW_MONITORING
from .access import require
from .files import DOCX, XLSX, attachment
from .labels import say

bp = Blueprint("reports", __name__)

PERIODS = ("h1", "year", "range")


class BadPeriod(Exception):
    """A period that cannot be reported on; the message says why in the interface language."""


def _parse_day(text: str | None, name: str) -> date:
    """A date from a form field: YYYY-MM-DD (what a date input sends) or dd/mm/yyyy."""
    text = (text or "").strip()
    if not text:
        raise BadPeriod(gettext("Thiếu %(name)s.", name=name))
    try:
        return parse_day(text)
    except ValueError:
        raise BadPeriod(
            gettext(
                "%(name)s “%(text)s” không phải là một ngày hợp lệ (dd/mm/yyyy).",
                name=name.capitalize(),
                text=text[:30],
            )
        ) from None


def _range(start_text: str | None, end_text: str | None) -> tuple[date, date]:
    start = _parse_day(start_text, gettext("ngày bắt đầu"))
    end = _parse_day(end_text, gettext("ngày kết thúc"))
    if start > end:
        raise BadPeriod(
            gettext(
                "Ngày bắt đầu (%(start)s) phải trước hoặc bằng ngày kết thúc (%(end)s).",
                start=format_date(start),
                end=format_date(end),
            )
        )
    return start, end


def _report(plan_id: int) -> Report:
    """The report named by the URL; 404 for an unknown plan, 400 (in Vietnamese) for bad dates."""
    require(VIEW_MONITORING)
    plan = db.get_or_404(Plan, plan_id)
    try:
        start, end = _range(request.args.get("start"), request.args.get("end"))
    except BadPeriod as exc:
        abort(400, description=gettext("Không lập được báo cáo: %(error)s", error=say(exc)))
    return build_report(
        plan,
        start,
        end,
        today=today(),
        zone=ZoneInfo(current_app.config["TIMEZONE"]),
        issuer=Issuer.from_settings(current_app.config),
    )


@bp.get("/reports")
def index():
    """Choose a plan and a period (first six months, the year, or dates); links to the three outputs."""
    require(VIEW_MONITORING)
    now = today()
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    plan = next((p for p in plans if p.id == request.args.get("plan", type=int)), plans[0] if plans else None)
    first_year = min((p.year for p in plans if p.year), default=now.year)
    last_year = max([now.year, *(p.end_year or p.year or now.year for p in plans)])
    years = list(range(first_year, last_year + 1))
    year = request.args.get("year", type=int)
    if year not in years:
        year = plan.year if plan and plan.year else now.year
    period = request.args.get("period")
    if period not in PERIODS:
        # The six-month report is the one due first; from December on, the year's.
        period = "year" if now >= date(year, 12, 1) else "h1"
    start_text, end_text = request.args.get("start", ""), request.args.get("end", "")
    error, start, end = None, None, None
    if period == "h1":
        start, end = date(year, 1, 1), date(year, 6, 30)
    elif period == "year":
        start, end = date(year, 1, 1), date(year, 12, 31)
    elif "start" in request.args or "end" in request.args:
        try:
            start, end = _range(start_text, end_text)
        except BadPeriod as exc:
            error = say(exc)
    status = 400 if error else 200
    return render_template(
        "reports/index.html",
        plans=plans,
        plan=plan,
        years=years,
        year=year,
        period=period,
        start=start,
        end=end,
        as_of=min(end, now) if end else None,
        start_text=start_text,
        end_text=end_text,
        error=error,
        period_text=period_label(start, end) if start and end else None,
    ), status


@bp.get("/reports/<int:plan_id>/print")
def print_view(plan_id: int):
    """The report as a page laid out for printing on A4."""
    report = _report(plan_id)
    issuer = {
        "parent": report.issuer.parent_lines,
        "name": report.issuer.lines,
        "number": report.issuer.number,
        "nation": reports.NATION,
        "motto": reports.MOTTO,
    }
    return render_template(
        "reports/print.html",
        report=report,
        plan_id=plan_id,
        issuer=issuer,
        classes=reports.CLASSES,
        unit_order=reports.UNIT_ORDER,
    )


@bp.get("/reports/<int:plan_id>.docx")
def docx(plan_id: int):
    report = _report(plan_id)
    document = report_docx(report, current_app.config["REPORT_TEMPLATE"])
    return attachment(document, DOCX, ascii_filename(report, "docx"))


@bp.get("/reports/<int:plan_id>.xlsx")
def xlsx(plan_id: int):
    report = _report(plan_id)
    return attachment(report_xlsx(report), XLSX, ascii_filename(report, "xlsx"))
