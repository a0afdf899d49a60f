"""HTTP only: one blueprint per audience, plus the filters every template uses."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from flask import Flask, current_app, got_request_exception
from flask_babel import get_locale, gettext, ngettext

from ..clock import today
from ..extensions import db
from ..links import external_url
from ..rules.kpi import STATUS_LABELS as KPI_STATUS_LABELS
from ..rules.kpi import round_percent
from ..rules.reminders import task_excerpt
from .labels import EMAIL_KIND_LABELS, label, say


def format_date(value: date | None) -> str:
    """Official Vietnamese date form dd/mm/yyyy (never Babel's two-digit year)."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime | None) -> str:
    """A stored UTC instant shown in Asia/Ho_Chi_Minh as dd/mm/yyyy HH:MM."""
    if value is None:
        return ""
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%d/%m/%Y %H:%M")


def format_percent(value: Decimal | None, sign: bool = True) -> str:
    """A percentage the Vietnamese way: no trailing zeros, decimal comma ("9,5%")."""
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text}%" if sign else text


def format_relative_days(days: int | None) -> str:
    """tracker.status.relative_days in the interface language: "còn 56 ngày", "đến hạn hôm nay", "quá hạn 5 ngày"."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("còn %(num)d ngày", "còn %(num)d ngày", days)
    if days == 0:
        return gettext("đến hạn hôm nay")
    return ngettext("quá hạn %(num)d ngày", "quá hạn %(num)d ngày", -days)


def _decimal_text(value: Decimal) -> str:
    """One decimal, without a trailing zero; the decimal comma in Vietnamese, the point in English."""
    text = f"{value:.1f}".removesuffix(".0")
    return text if get_locale() and get_locale().language == "en" else text.replace(".", ",")


def format_size(size: int | None) -> str:
    """A file's size with the interface's decimal mark: "0,6 KB" under a megabyte, "1,4 MB" from one."""
    if size is None:
        return ""
    unit, scale = ("KB", 1024) if size < 1024 * 1024 else ("MB", 1024 * 1024)
    return f"{_decimal_text((Decimal(size) / scale).quantize(Decimal('0.1')))} {unit}"


def format_ratio(value: Fraction | None) -> str:
    """An exact ratio as a percentage rounded to one decimal for display: "9,2%" (never rounded earlier)."""
    percent = round_percent(value)
    return "" if percent is None else f"{_decimal_text(percent)}%"


def format_points(points: Fraction | None) -> str:
    """A gap in percentage points: "20,8 điểm %"."""
    if points is None:
        return ""
    rounded = round_percent(points / 100)
    return gettext("%(value)s điểm %%", value=_decimal_text(rounded))


def format_percent_fraction(value: Fraction | None) -> str:
    """A percentage already multiplied by 100 (a Ratio's .percent) for display; empty when there is none."""
    return "" if value is None else format_ratio(value / 100)


# The outbox's states as people read them (marked for translation in views.labels).
EMAIL_STATUS_LABELS = {"pending": "Chờ gửi", "sending": "Đang gửi", "sent": "Đã gửi", "failed": "Gửi lỗi"}

# Replies recorded before they were worded in Vietnamese: "written to /srv/…/x.eml", "250 accepted".
_FILE_REPLY_RE = re.compile(r"^written to (?:.*/)?([^/]+)$")


def email_reply(reply: str) -> str:
    """A delivery reply as the email log shows it: in Vietnamese, without the server's folders."""
    match = _FILE_REPLY_RE.match(reply)
    if match:
        return gettext("Đã ghi tệp %(name)s vào thư mục thư.", name=match.group(1))
    if reply == "250 accepted":
        return gettext("Máy chủ thư đã nhận thư (mã 250).")
    return reply


def _roll_back_failed_request(_app: Flask, exception: BaseException | None = None, **_extra: object) -> None:
    """The one place a failed request's transaction ends: an exception a view did not handle rolls back what
    the request wrote and did not commit, before the error page is made (views commit once, on success)."""
    db.session.rollback()


def register_views(app: Flask) -> None:
    got_request_exception.connect(_roll_back_failed_request, app)
    from ..rules.lifecycle import CLASS_LABELS, STATE_LABELS
    from ..rules.permissions import ROLE_LABELS
    from .access import allowed
    from .admin import bp as admin_bp
    from .api import register_api
    from .auth import bp as auth_bp
    from .auth import register_login
    from .health import bp as health_bp
    from .items import bp as items_bp
    from .kpi import bp as kpi_bp
    from .monitoring import bp as monitoring_bp
    from .plan_editor import bp as plan_editor_bp
    from .plans import bp as plans_bp
    from .reports import bp as reports_bp
    from .security import register_security
    from .units import bp as units_bp

    register_login(app)
    register_security(app)
    for blueprint in (
        auth_bp,
        plans_bp,
        units_bp,
        items_bp,
        monitoring_bp,
        kpi_bp,
        admin_bp,
        reports_bp,
        health_bp,
    ):
        app.register_blueprint(blueprint)
    register_api(app)  # through flask-smorest, which makes its OpenAPI document
    app.register_blueprint(plan_editor_bp)
    from .plan_kpi import bp as plan_kpi_bp  # issue 12: indicators, groups and targets by hand

    app.register_blueprint(plan_kpi_bp)
    from .plan_versions import bp as plan_versions_bp  # issue 12: versions and amending decisions

    app.register_blueprint(plan_versions_bp)
    app.add_template_filter(format_date, "dmy")
    app.add_template_filter(format_datetime, "dmyhm")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(task_excerpt, "excerpt")
    app.add_template_global(external_url, "external_url")
    app.add_template_filter(format_relative_days, "relative_days")
    app.add_template_filter(label, "label")
    app.add_template_filter(say, "say")
    app.add_template_filter(format_ratio, "ratio")
    app.add_template_filter(format_points, "points")
    app.add_template_filter(format_percent_fraction, "ratio_percent")
    app.add_template_filter(lambda status: gettext(EMAIL_STATUS_LABELS[status]), "email_status")
    app.add_template_filter(lambda kind: gettext(EMAIL_KIND_LABELS.get(kind, kind)), "email_kind")
    app.add_template_filter(email_reply, "email_reply")
    app.add_template_filter(lambda status: label(KPI_STATUS_LABELS[status]), "kpi_status")

    @app.context_processor
    def _globals() -> dict:
        return {
            "today": today(),
            "is_demo_date": bool(app.config.get("TODAY")),
            "allowed": allowed,
            "STATE_LABELS": STATE_LABELS,
            "CLASS_LABELS": CLASS_LABELS,
            "ROLE_LABELS": ROLE_LABELS,
        }
