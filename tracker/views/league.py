"""The league table (bảng xếp hạng): each unit of a plan with its 766-style band, score, change since last
month and parts, sortable, for the current month live or any month frozen by a snapshot; and its .xlsx."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from openpyxl import Workbook
from sqlalchemy import select
from wtforms import IntegerField
from wtforms.validators import InputRequired

from ..clock import today
from ..extensions import db
from ..form_base import Form
from ..forms import REQUIRED
from ..labels import gettext
from ..labels import lazy_gettext as _l
from ..league import SORT_KEYS, load_settings, rank_of, sort_lines
from ..models import Plan
from ..page_cache import cached_page
from ..rules.kpi import Period, decimal_comma, period_of
from ..rules.lifecycle import CLASS_LABELS, DONE_LATE, DONE_ON_TIME, NOT_DONE_IN_TIME, NOT_DONE_OVERDUE
from ..rules.permissions import VIEW_PLAN
from ..rules.score import BAND_LABELS, PART_LABELS, PARTS, ScoreSettings
from ..snapshots import league_for, months, snapshot_for
from ..spreadsheets import add_sheet, saved
from .access import require
from .files import XLSX, attachment
from .labels import label

bp = Blueprint("league", __name__)

# tracker.rules.score's labels, marked for pybabel (the rules cannot import Flask).
_LABELS = (
    _l("Xuất sắc"),
    _l("Tốt"),
    _l("Khá"),
    _l("Trung bình"),
    _l("Yếu"),
    _l("Thực hiện nhiệm vụ"),
    _l("Đạt chỉ tiêu"),
    _l("Chấp hành chế độ báo cáo"),
)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
CLASSES = (DONE_ON_TIME, DONE_LATE, NOT_DONE_OVERDUE, NOT_DONE_IN_TIME)


class ScoreSettingsForm(Form):
    """The score settings an admin may change (tracker.rules.score.ScoreSettings): whole numbers, checked
    together by rules.score.settings_problems."""

    delivery_weight = IntegerField(_l("Trọng số phần Thực hiện nhiệm vụ"), validators=[InputRequired(REQUIRED)])
    kpi_weight = IntegerField(_l("Trọng số phần Đạt chỉ tiêu"), validators=[InputRequired(REQUIRED)])
    discipline_weight = IntegerField(_l("Trọng số phần Chấp hành chế độ báo cáo"), validators=[InputRequired(REQUIRED)])
    late_credit = IntegerField(
        _l("Điểm của một phân công hoàn thành quá hạn (0–100)"), validators=[InputRequired(REQUIRED)]
    )
    excellent = IntegerField(_l("Xuất sắc: từ (điểm)"), validators=[InputRequired(REQUIRED)])
    good = IntegerField(_l("Tốt: từ (điểm)"), validators=[InputRequired(REQUIRED)])
    fair = IntegerField(_l("Khá: từ (điểm)"), validators=[InputRequired(REQUIRED)])
    average = IntegerField(_l("Trung bình: từ (điểm); dưới mức này là Yếu"), validators=[InputRequired(REQUIRED)])


def format_score(value: Decimal | None) -> str:
    """A score or part the Vietnamese way ("88,3"), "—" without one."""
    return "—" if value is None else decimal_comma(value)


def format_change(value: Decimal | None) -> str:
    """A change in score with its sign ("+36,4", "−2,0", "0"), "—" when unknown."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    sign = "+" if value > 0 else "−"
    return sign + decimal_comma(abs(value))


bp.add_app_template_filter(format_score, "score")
bp.add_app_template_filter(format_change, "score_change")


def _plan() -> tuple[Plan, list[Plan]]:
    plans = list(db.session.scalars(select(Plan).order_by(Plan.year.desc(), Plan.number)))
    plan_id = request.args.get("plan", type=int)
    plan = next((p for p in plans if p.id == plan_id), None) if plan_id else (plans[0] if plans else None)
    if plan is None:
        abort(404, description=gettext("Không có kế hoạch này."))
    return plan, plans


def _month() -> Period | None:
    """The month asked for (?month=YYYY-MM), None for the current month."""
    text = request.args.get("month", "")
    if not text:
        return None
    match = _MONTH_RE.match(text)
    try:
        return Period(int(match.group(1)), int(match.group(2))) if match else Period(0, 0)
    except ValueError:
        abort(400, description=gettext("Tháng phải có dạng YYYY-MM, ví dụ 2023-08."))


def _table() -> dict[str, Any]:
    """What the page and the workbook show: the plan, the month's lines sorted as asked, the settings used."""
    require(VIEW_PLAN)
    plan, plans = _plan()
    month = _month()
    now = today()
    found = league_for(plan, month, today=now)
    if found is None:
        abort(404, description=gettext("Tháng này chưa có số liệu chốt."))
    lines, as_of, live = found
    sort = request.args.get("sort", "score")
    if sort not in SORT_KEYS:
        sort = "score"
    direction = request.args.get("dir", "asc" if sort == "unit" else "desc")
    if direction not in ("asc", "desc"):
        direction = "desc"
    lines = sort_lines(lines, sort, descending=direction == "desc")
    ranks = [rank_of(line, lines) for line in lines]  # parallel to lines: None without a score
    if live:
        settings = load_settings()
    else:
        snapshot = snapshot_for(plan.id, period_of(as_of))
        settings = ScoreSettings(**snapshot.settings) if snapshot else load_settings()
    return {
        "plan": plan,
        "plans": plans,
        "lines": lines,
        "ranks": ranks,
        "as_of": as_of,
        "live": live,
        "month": period_of(as_of),
        "current_month": period_of(now),
        "months": [m for m in months(plan.id) if m < period_of(now)],
        "sort": sort,
        "direction": direction,
        "settings": settings,
    }


def _sort_url(table: dict[str, Any], column: str) -> str:
    """The link of a column header: sort by it, or reverse the order when it is already the sort."""
    default = "asc" if column == "unit" else "desc"
    reversed_order = "asc" if table["direction"] == "desc" else "desc"
    direction = reversed_order if table["sort"] == column else default
    month = None if table["live"] else f"{table['month'].year}-{table['month'].month:02d}"
    return url_for("league.show", plan=table["plan"].id, month=month, sort=column, dir=direction)


@bp.get("/league")
@cached_page
def show():
    table = _table()
    columns = [
        ("unit", gettext("Đơn vị")),
        ("band", gettext("Xếp loại")),
        ("score", gettext("Điểm")),
        ("change", gettext("Thay đổi so với tháng trước")),
        *[(part, label(PART_LABELS[part])) for part in PARTS],
    ]
    return render_template(
        "league/show.html",
        **table,
        columns=columns,
        sort_url=lambda column: _sort_url(table, column),
        band_labels=BAND_LABELS,
        class_labels=CLASS_LABELS,
        classes=CLASSES,
        due_day=current_app.config["KPI_DUE_DAY"],
    )


@bp.get("/league/export.xlsx")
def export():
    """The league table as shown (same month and order) as a workbook: every text cell text."""
    table = _table()
    headers = [
        gettext("Hạng"),
        gettext("Đơn vị"),
        gettext("Xếp loại"),
        gettext("Điểm"),
        gettext("Thay đổi so với tháng trước"),
        *[label(PART_LABELS[part]) for part in PARTS],
        *[label(CLASS_LABELS[c]) for c in CLASSES],
    ]
    rows = [
        [
            rank,
            line.unit_name,
            label(BAND_LABELS[line.band]) if line.band else "",
            _cell(line.score),
            _cell(line.change),
            *[_cell(line.parts[part]) for part in PARTS],
            *[line.classes[c] for c in CLASSES],
        ]
        for rank, line in zip(table["ranks"], table["lines"])
    ]
    book = Workbook()
    for sheet in list(book.worksheets):  # the default empty sheet: add_sheet makes the one shown
        book.remove(sheet)
    formats = dict.fromkeys(range(4, 9), "0.0")
    add_sheet(
        book, gettext("Bảng xếp hạng"), headers, rows, [7, 40, 12, 8, 12, 14, 14, 14, 12, 12, 12, 12], formats=formats
    )
    month = table["month"]
    name = f"bang-xep-hang-{table['plan'].id}-{month.year}-{month.month:02d}.xlsx"
    return attachment(saved(book), XLSX, name)


def _cell(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
