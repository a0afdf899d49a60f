"""The day's reminder sweep: reads the assignments and figures, asks the rules which reminders are due
today, and puts one email per unit (all that concerns it, overdue first) into the outbox — once."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app, render_template
from sqlalchemy import Date, Integer, and_, cast, func, literal, not_, or_, select, update
from sqlalchemy.orm import contains_eager, selectinload

from .extensions import db
from .models import (
    ActionItem, Assignment, ItemUnit, KpiReport, OutboxMessage, PlanSection, Setting, SweepRun, Unit, UnitGroupMember,
)
from .monitoring import Filters, list_assignments, units_missing_figures
from .outbox import Draft, enqueue, insert_ignoring_duplicates
from .rules import reminders as rules
from .rules.kpi import last_due_period
from .rules.lifecycle import STATE_LABELS
from .rules.workdays import WorkCalendar

RULES_KEY = "reminder_rules"
SECTION_TITLES = {
    rules.OVERDUE: "Nhiệm vụ quá hạn",
    rules.DUE: "Nhiệm vụ đến hạn hôm nay",
    rules.BEFORE: "Nhiệm vụ sắp đến hạn",
    rules.COORDINATING: "Nhiệm vụ đơn vị phối hợp thực hiện",
    rules.ONGOING_REPORT: "Nhiệm vụ thường xuyên cần báo cáo tiến độ",
    rules.KPI_MISSING: "Số liệu chỉ tiêu chưa báo cáo",
    rules.DIGEST: "Tổng hợp tuần của Trung tâm Công nghệ thông tin",
}


def load_rules() -> rules.ReminderRules:
    """The reminder rules an admin set (or the defaults)."""
    setting = db.session.get(Setting, RULES_KEY)
    base = rules.ReminderRules(kpi_due_day=current_app.config["KPI_DUE_DAY"])
    if setting is None:
        return base
    value = dict(setting.value)
    value.pop("send_time", None)
    if "before_days" in value:
        value["before_days"] = tuple(value["before_days"])
    if "enabled" in value:
        value["enabled"] = frozenset(value["enabled"])
    return replace(base, **{k: v for k, v in value.items() if k in rules.ReminderRules.__dataclass_fields__})


def load_send_time() -> str | None:
    """The send time an admin set ("HH:MM"), if any."""
    setting = db.session.get(Setting, RULES_KEY)
    return setting.value.get("send_time") if setting is not None else None


def save_rules(new: rules.ReminderRules, *, send_time: str, actor_id: int | None, now: datetime) -> None:
    """Store the rules and send time (after validate() found nothing); flushes, the caller commits."""
    # The KPI due day is configuration (TRACKER_KPI_DUE_DAY), shared with the pages: not stored here.
    value = {name: getattr(new, name) for name in rules.ReminderRules.__dataclass_fields__ if name != "kpi_due_day"}
    value["send_time"] = send_time
    value["before_days"] = list(new.before_days)
    value["enabled"] = sorted(new.enabled)
    setting = db.session.get(Setting, RULES_KEY)
    if setting is None:
        db.session.add(Setting(key=RULES_KEY, value=value, updated_at=now, updated_by_id=actor_id))
    else:
        setting.value, setting.updated_at, setting.updated_by_id = value, now, actor_id
    db.session.flush()


def it_centre() -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == current_app.config["IT_CENTRE_UNIT"]))


@dataclass
class SweepResult:
    day: date
    drafts: list[Draft] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)
    units_without_address: list[Unit] = field(default_factory=list)
    assignments_read: int = 0  # open assignments in today's window: the sweep's work grows with this

    def as_json(self, created_only: bool) -> dict[str, Any]:
        units = {u.id: u for u in db.session.scalars(select(Unit).where(
            Unit.id.in_({d.unit_id for d in self.drafts})))} if self.drafts else {}
        chosen = self.drafts
        if created_only:
            created = set(self.created_keys)
            chosen = [d for d in self.drafts if (d.unit_id, d.kind, d.reference_on) in created]
        return {
            "date": self.day.isoformat(),
            "messages": [{"unit": units[d.unit_id].name, "to": d.recipients, "cc": d.cc,
                          "entries": [{"kind": e["kind"], "item": e["item"], "days": e["days"]} for e in d.entries]}
                         for d in chosen],
            "units_without_address": [u.name for u in self.units_without_address],
        }

    @property
    def created_keys(self) -> list[tuple[int, str, date]]:
        if not self.created_ids:
            return []
        rows = db.session.execute(select(OutboxMessage.unit_id, OutboxMessage.kind, OutboxMessage.reference_on)
                                  .where(OutboxMessage.id.in_(self.created_ids)))
        return [tuple(r) for r in rows]


_EPOCH = date(1970, 1, 1)


def _day_number(column):  # type: ignore[no-untyped-def]
    """A date column as a whole number of days, in the database's own arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column - literal(_EPOCH, Date)  # date - date is an integer there
    return cast(func.julianday(column) - 2440587.5, Integer)  # julianday("1970-01-01") is 2440587.5


def _window_condition(today: date, window: rules.Window):  # type: ignore[no-untyped-def]
    """The SQL form of the window: open assignments that may have an entry today (Assignment joined with ActionItem)."""
    today_number = (today - _EPOCH).days
    since_by_number = (window.ongoing_since_by - _EPOCH).days
    ongoing = ActionItem.is_ongoing
    return or_(
        Assignment.due_on.in_(sorted(window.due_dates)),
        and_(not_(ongoing), Assignment.due_on < today,
             ((today_number - 1 - _day_number(Assignment.due_on)) % window.overdue_every)
             .in_(sorted(window.overdue_residues))),
        and_(ongoing, Assignment.last_report_on <= window.ongoing_since_by,
             ((since_by_number - _day_number(Assignment.last_report_on)) % window.ongoing_every)
             .in_(sorted(window.ongoing_residues))),
        # Without a report the start date counts; it is a timestamp, so this side is not narrowed further.
        and_(ongoing, Assignment.last_report_on.is_(None),
             Assignment.created_at < datetime.combine(window.ongoing_since_by + timedelta(days=2), time(),
                                                      tzinfo=timezone.utc)),
    )


def _facts(today: date, window: rules.Window | None = None) -> tuple[list[rules.AssignmentFacts], dict[int, Assignment]]:
    """The open assignments (only those in today's window, when given) as the rules read them."""
    query = (select(Assignment).join(Assignment.item).join(ActionItem.section).join(PlanSection.plan)
             .where(Assignment.is_active, Assignment.status != "done")
             .options(contains_eager(Assignment.item).contains_eager(ActionItem.section)
                      .contains_eager(PlanSection.plan), selectinload(Assignment.unit)))
    if window is not None:
        query = query.where(_window_condition(today, window))
    assignments = list(db.session.scalars(query))
    item_ids = {a.item_id for a in assignments}
    coordinating: dict[int, set[int]] = defaultdict(set)
    if item_ids:
        for item_id, unit_id in db.session.execute(
                select(ItemUnit.item_id, ItemUnit.unit_id).where(ItemUnit.role == "coordinating",
                                                                 ItemUnit.unit_id.is_not(None),
                                                                 ItemUnit.item_id.in_(item_ids))):
            coordinating[item_id].add(unit_id)
    facts = [
        rules.AssignmentFacts(
            assignment_id=a.id, item_ref=a.item.reference, item_id=a.item_id, unit_id=a.unit_id, state=a.status,
            due_on=a.due_on, is_ongoing=a.item.is_ongoing, last_report_on=a.last_report_on,
            started_on=a.created_at.date(), coordinating_unit_ids=tuple(sorted(coordinating[a.item_id])),
        )
        for a in assignments
    ]
    return facts, {a.id: a for a in assignments}


def _figures() -> list[rules.UnitFigures]:
    """Every unit that some plan's Appendix 1 asks for figures, with its latest report date."""
    latest = dict(db.session.execute(
        select(KpiReport.unit_id, func.max(KpiReport.as_of)).where(KpiReport.is_current).group_by(KpiReport.unit_id)
    ).all())
    unit_ids = set(db.session.scalars(select(UnitGroupMember.unit_id).where(UnitGroupMember.unit_id.is_not(None))))
    return [rules.UnitFigures(unit_id, latest.get(unit_id)) for unit_id in sorted(unit_ids)]


DIGEST_ROWS = 30  # the digest names this many of each list; the monitoring page has the rest


def _digest(today: date) -> dict[str, Any]:
    """What the IT Centre's weekly digest lists: how many assignments are overdue and blocked and how many
    units miss figures, with the most overdue, the blocked and the missing units up to DIGEST_ROWS each."""
    overdue = list_assignments(Filters(cls="overdue", sort="days"), today=today, per_page=DIGEST_ROWS)
    blocked = list_assignments(Filters(cls="blocked", sort="unit"), today=today, per_page=DIGEST_ROWS)
    period = last_due_period(today, current_app.config["KPI_DUE_DAY"])
    missing = [unit for unit, _latest in units_missing_figures(period)]
    return {"overdue": overdue.rows, "overdue_total": overdue.total, "blocked": blocked.rows,
            "blocked_total": blocked.total, "missing": missing[:DIGEST_ROWS], "missing_total": len(missing),
            "period": period}


def plan_day(today: date) -> SweepResult:
    """The day's emails as drafts: which units, to whom, about what. Reads only."""
    result = SweepResult(today)
    calendar = WorkCalendar()
    reminder_rules = load_rules()
    window = rules.todays_window(today, reminder_rules, calendar)
    if window is None:
        return result
    centre = it_centre()
    facts, assignments = _facts(today, window)
    result.assignments_read = len(facts)
    figures = _figures() if window.kpi_day else []
    entries = rules.entries_due(today, facts, figures, reminder_rules, calendar,
                                it_centre_unit_id=centre.id if centre else None)
    grouped = rules.group_by_unit(entries)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(grouped)))} if grouped else {}
    base_url = current_app.config["BASE_URL"].rstrip("/")
    period = last_due_period(today, current_app.config["KPI_DUE_DAY"])
    for unit_id, unit_entries in grouped.items():
        unit = units[unit_id]
        recipients = sorted({e for e in (unit.head_email, unit.focal_email) if e})
        if not recipients:
            result.units_without_address.append(unit)
            continue
        cc: set[str] = set()
        if centre is not None and unit.id != centre.id and any(e.cc_it_centre for e in unit_entries):
            cc |= {e for e in (centre.head_email, centre.focal_email) if e}
        sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in unit_entries:
            assignment = assignments.get(entry.assignment_id) if entry.assignment_id else None
            sections[entry.kind].append({"entry": entry, "assignment": assignment,
                                         "item": assignment.item if assignment else None})
        context = {
            "unit": unit, "today": today, "base_url": base_url, "sections": sections, "titles": SECTION_TITLES,
            "kind_order": rules.KIND_ORDER, "states": STATE_LABELS, "period": period,
            "due_day": current_app.config["KPI_DUE_DAY"],
            "digest": _digest(today) if rules.DIGEST in sections else None,
        }
        result.drafts.append(Draft(
            unit_id=unit.id, kind="daily", reference_on=today, recipients=recipients, cc=sorted(cc - set(recipients)),
            subject=_subject(unit, sections, today),
            body_text=render_template("emails/daily.txt", **context),
            body_html=render_template("emails/daily.html", **context),
            entries=[{"kind": e.kind, "item": e.item_ref, "days": e.days} for e in unit_entries],
        ))
    return result


def _subject(unit: Unit, sections: dict[str, list], today: date) -> str:
    parts = []
    if sections.get(rules.OVERDUE):
        parts.append(f"{len(sections[rules.OVERDUE])} nhiệm vụ quá hạn")
    soon = len(sections.get(rules.DUE, [])) + len(sections.get(rules.BEFORE, []))
    if soon:
        parts.append(f"{soon} nhiệm vụ sắp đến hạn")
    if sections.get(rules.COORDINATING):
        parts.append(f"{len(sections[rules.COORDINATING])} nhiệm vụ phối hợp")
    if sections.get(rules.ONGOING_REPORT):
        parts.append("cần báo cáo tiến độ")
    if sections.get(rules.KPI_MISSING):
        parts.append("chưa báo cáo số liệu chỉ tiêu")
    if sections.get(rules.DIGEST):
        parts.append("tổng hợp tuần")
    return f"[Theo dõi kế hoạch] {unit.name}: {', '.join(parts)} ({today:%d/%m/%Y})"


def sweep(today: date, *, now: datetime, dry_run: bool = False) -> SweepResult:
    """Plan the day's emails and add the ones not in the outbox yet; flushes, the caller commits.

    Running it twice, or in two processes at once, adds each message once (the outbox's unique key)."""
    result = plan_day(today)
    if dry_run:
        return result
    result.created_ids = enqueue(result.drafts, now=now)
    # Recorded the same race-free way: a second process only adds its count (zero) to the row.
    db.session.execute(insert_ignoring_duplicates(SweepRun).values(run_on=today, started_at=now, messages=0)
                       .on_conflict_do_nothing(index_elements=["run_on"]))
    db.session.execute(update(SweepRun).where(SweepRun.run_on == today)
                       .values(messages=SweepRun.messages + len(result.created_ids)))
    db.session.flush()
    return result


def has_swept(day: date) -> bool:
    """Whether the sweep for `day` has run (so a scheduler starting late knows whether to catch up)."""
    return db.session.get(SweepRun, day) is not None
