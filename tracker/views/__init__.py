"""HTTP only: one blueprint per audience, plus the filters every template uses."""

from __future__ import annotations

import re

from flask import Flask, got_request_exception

from ..clock import today
from ..extensions import db
from ..form_base import text_limit
from ..formatting import (
    format_date,
    format_datetime,
    format_percent,
    format_percent_fraction,
    format_points,
    format_ratio,
    format_size,
)
from ..labels import gettext, ngettext
from ..links import external_url
from ..rules.kpi import STATUS_LABELS as KPI_STATUS_LABELS
from ..rules.reminders import task_excerpt
from .labels import EMAIL_KIND_LABELS, label, say
from .menu import main_menu, site_links


def format_relative_days(days: int | None) -> str:
    """tracker.status.relative_days in the interface language: "còn 56 ngày", "đến hạn hôm nay", "quá hạn 5 ngày"."""
    if days is None:
        return ""
    if days > 0:
        return ngettext("còn %(num)d ngày", "còn %(num)d ngày", days)
    if days == 0:
        return gettext("đến hạn hôm nay")
    return ngettext("quá hạn %(num)d ngày", "quá hạn %(num)d ngày", -days)


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
    from .dashboard import bp as dashboard_bp  # issue 17: the leadership's and the IT Centre's home

    app.register_blueprint(dashboard_bp)
    from .league import bp as league_bp  # issue 17: the league table of units' scores

    app.register_blueprint(league_bp)
    app.add_template_filter(format_date, "dmy")
    app.add_template_filter(format_datetime, "dmyhm")
    app.add_template_filter(format_percent, "percent")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(task_excerpt, "excerpt")
    app.add_template_global(external_url, "external_url")
    app.add_template_global(text_limit, "text_limit")
    app.add_template_global(main_menu, "main_menu")
    app.add_template_global(site_links, "site_links")
    app.add_template_filter(format_relative_days, "relative_days")
    app.add_template_filter(label, "label")
    app.add_template_filter(say, "say")
    app.add_template_filter(format_ratio, "ratio")
    app.add_template_filter(format_points, "points")
    app.add_template_filter(format_percent_fraction, "ratio_percent")
    app.add_template_filter(lambda status: gettext(EMAIL_STATUS_LABELS[status]), "email_status")
    app.add_template_filter(lambda kind: gettext(EMAIL_KIND_LABELS.get(kind) or kind), "email_kind")
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
