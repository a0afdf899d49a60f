"""The leadership's and the IT Centre's home: one plan's dashboard (today, or at a past month's end) and the
list of assignments behind each of its figures."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, render_template, request, url_for

from ..clock import today
from ..dashboard import ClassList, Dashboard, class_list, dashboard, default_plan, plan_choices
from ..labels import gettext
from ..page_cache import cached_page
from ..rules.lifecycle import NOT_DONE_OVERDUE
from ..rules.permissions import VIEW_MONITORING
from ..rules.trend import CLASSES, month_end
from .access import require

bp = Blueprint("dashboard", __name__)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _as_of(now: date) -> date:
    """The day the page is computed as of: today, or the end of the ?month=YYYY-MM asked for (today when that
    month is this one); a malformed or future month is a 400 with the reason."""
    text = request.args.get("month", "")
    if not text:
        return now
    match = _MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        abort(400, description=gettext("Tháng phải viết dạng YYYY-MM, ví dụ 2023-08."))
    year, month = int(match.group(1)), int(match.group(2))
    if (year, month) > (now.year, now.month):
        abort(400, description=gettext("Không thể xem tháng chưa đến."))
    return min(month_end(year, month), now)


def _plan_and_day() -> tuple[int | None, date, date]:
    """The plan asked for (else the newest current one, None when there is no plan), the day asked for, today."""
    now = today()
    as_of = _as_of(now)
    return request.args.get("plan", type=int) or default_plan(now), as_of, now


def _board() -> Dashboard | None:
    """The dashboard of the plan asked for as of the day asked for; None when there is no plan at all; 404 for
    a plan that does not exist."""
    plan_id, as_of, now = _plan_and_day()
    if plan_id is None:
        return None
    board = dashboard(plan_id, today=now, as_of=as_of, zone=ZoneInfo(current_app.config["TIMEZONE"]))
    if board is None:
        abort(404)
    return board


def _month_arg(board: Dashboard | ClassList) -> str | None:
    """The ?month value that shows the same day again (None for today)."""
    return None if board.is_today else f"{board.as_of:%Y-%m}"


def _list_url(board: Dashboard | None, month: str | None) -> Callable[..., str]:
    """Where a figure of the dashboard leads: the list of one class's assignments on its day (of one unit)."""

    def url(name: str, unit: str | None = None) -> str:
        assert board is not None  # only called for a dashboard that has a plan
        # Any: url_for's keyword arguments are typed one by one, and "class" can only be passed in a dict.
        args: dict[str, Any] = {"plan": board.plan.id, "month": month, "unit": unit, "class": name}
        return url_for("dashboard.assignments", **args)

    return url


@bp.get("/dashboard")
@cached_page
def show():
    require(VIEW_MONITORING)
    board = _board()
    month = _month_arg(board) if board else None
    return render_template(
        "dashboard/show.html",
        board=board,
        plans=plan_choices(),
        classes=CLASSES,
        month=month,
        list_url=_list_url(board, month),
    )


@bp.get("/dashboard/assignments")
def assignments():
    """The assignments behind one figure of the dashboard: a class on its day (of one unit, when given); without
    a class, the overdue ones, as on the monitoring desk."""
    require(VIEW_MONITORING)
    name = request.args.get("class", NOT_DONE_OVERDUE)
    if name not in CLASSES:
        abort(400, description=gettext("Bộ lọc không hợp lệ."))
    plan_id, as_of, now = _plan_and_day()
    unit = request.args.get("unit") or None
    listing = class_list(plan_id, name, today=now, as_of=as_of, unit=unit) if plan_id else None
    if listing is None:
        abort(404)
    return render_template(
        "dashboard/assignments.html",
        board=listing,
        name=name,
        rows=listing.rows,
        unit=unit,
        unit_name=listing.rows[0].unit_name if unit and listing.rows else unit,
        month=_month_arg(listing),
    )
