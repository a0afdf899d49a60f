"""Who may do what: one function answers for every view, API route and command."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

ADMIN, MONITOR, VIEWER, UNIT_HEAD, UNIT_STAFF = "admin", "monitor", "viewer", "unit_head", "unit_staff"
ROLES = (ADMIN, MONITOR, VIEWER, UNIT_HEAD, UNIT_STAFF)
UNIT_ROLES = (UNIT_HEAD, UNIT_STAFF)
ROLE_LABELS = {
    ADMIN: "Quản trị hệ thống",
    MONITOR: "Trung tâm CNTT (theo dõi, đôn đốc)",
    VIEWER: "Lãnh đạo Bộ (xem)",
    UNIT_HEAD: "Thủ trưởng đơn vị",
    UNIT_STAFF: "Cán bộ đầu mối",
}

# Actions. Each takes the unit(s) the record belongs to, where that matters.
VIEW_PLAN = "view_plan"  # plan page, item pages
VIEW_UNIT = "view_unit"  # a unit's page (unit=…)
VIEW_MONITORING = "view_monitoring"  # the IT Centre's lists across units
UPDATE_ASSIGNMENT = "update_assignment"  # status, progress, evidence (unit=assignment's unit)
REOPEN_ASSIGNMENT = "reopen_assignment"  # done -> in progress, with a reason
VIEW_EVIDENCE = "view_evidence"  # download an evidence file (unit=assignment's unit)
COMMENT_ITEM = "comment_item"  # units=the item's lead and coordinating units
MANAGE_USERS = "manage_users"  # create, disable, re-bind any user
REPORT_FIGURES = "report_figures"  # a unit's KPI counts (unit=the unit)
IMPORT_FIGURES = "import_figures"  # many units' counts at once from a file
MANAGE_SETTINGS = "manage_settings"  # reminder rules; resending a failed email
VIEW_EMAIL_LOG = "view_email_log"  # every email the app made, with its text and status
URGE_UNIT = "urge_unit"  # đôn đốc: an email to a unit about its assignment, now
CALENDAR_LINK = "calendar_link"  # make or replace a unit's secret calendar-feed link (unit=…)
ACTIONS = (
    URGE_UNIT,
    CALENDAR_LINK,
    VIEW_PLAN,
    VIEW_UNIT,
    VIEW_MONITORING,
    UPDATE_ASSIGNMENT,
    REOPEN_ASSIGNMENT,
    VIEW_EVIDENCE,
    COMMENT_ITEM,
    MANAGE_USERS,
    REPORT_FIGURES,
    IMPORT_FIGURES,
    MANAGE_SETTINGS,
    VIEW_EMAIL_LOG,
)


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them."""

    role: str
    unit_id: int | None = None
    is_active: bool = True


def can(actor: Actor | None, action: str, *, unit: int | None = None, units: Collection[int] = ()) -> bool:  # noqa: PLR0911 (one return per rule of the table)
    """Whether actor may perform action on a record of `unit` (or involving `units`)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if actor is None or not actor.is_active or actor.role not in ROLES:
        return False
    own = actor.role in UNIT_ROLES and actor.unit_id is not None
    if action == VIEW_PLAN:
        return True
    if action == VIEW_UNIT:
        return actor.role in (ADMIN, MONITOR, VIEWER) or (own and unit == actor.unit_id)
    if action == VIEW_MONITORING:
        return actor.role in (ADMIN, MONITOR, VIEWER)
    if action == UPDATE_ASSIGNMENT:
        # The IT Centre urges and comments but never changes a unit's status for it.
        return own and unit == actor.unit_id
    if action == REOPEN_ASSIGNMENT:
        return actor.role in (ADMIN, MONITOR)
    if action == VIEW_EVIDENCE:
        return actor.role in (ADMIN, MONITOR, VIEWER) or (own and unit == actor.unit_id)
    if action == COMMENT_ITEM:
        return actor.role in (ADMIN, MONITOR) or (own and actor.unit_id in units)
    if action == MANAGE_USERS:
        return actor.role == ADMIN
    if action == REPORT_FIGURES:
        return own and unit == actor.unit_id
    if action == MANAGE_SETTINGS:
        return actor.role == ADMIN
    if action == CALENDAR_LINK:
        return actor.role == ADMIN or (own and unit == actor.unit_id)
    if action == URGE_UNIT:
        return actor.role in (ADMIN, MONITOR)
    if action == VIEW_EMAIL_LOG:
        return actor.role in (ADMIN, MONITOR)
    if action == IMPORT_FIGURES:
        # The IT Centre collects the figures from the one-stop-shop system for all units.
        return actor.role in (ADMIN, MONITOR)
    return False  # pragma: no cover — every action is handled above
