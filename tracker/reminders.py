"""The day's reminder sweep: reads the assignments and figures, asks the rules which reminders are due
today, and puts one email per unit (all that concerns it, overdue first) into the outbox — once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import current_app, render_template
from sqlalchemy import Date, Integer, and_, cast, func, literal, not_, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, contains_eager, selectinload
from sqlalchemy.sql import ColumnElement

from .extensions import chunks, db, rows_changed
from .models import (
    ActionItem,
    Assignment,
    ItemUnit,
    KpiReport,
    OutboxMessage,
    PlanSection,
    Setting,
    SweepRun,
    Unit,
    UnitGroupMember,
    User,
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
    rules.URGE: "Trung tâm Công nghệ thông tin đề nghị đơn vị khẩn trương thực hiện",
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
        units: dict[int | None, Unit] = (
            {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_({d.unit_id for d in self.drafts})))}
            if self.drafts
            else {}
        )
        chosen = self.drafts
        if created_only:
            created = set(self.created_keys)
            chosen = [d for d in self.drafts if (d.unit_id, d.kind, d.reference_on) in created]
        return {
            "date": self.day.isoformat(),
            "messages": [
                {
                    "unit": units[d.unit_id].name,
                    "to": d.recipients,
                    "cc": d.cc,
                    "entries": [{"kind": e["kind"], "item": e["item"], "days": e["days"]} for e in d.entries],
                }
                for d in chosen
            ],
            "units_without_address": [u.name for u in self.units_without_address],
        }

    @property
    def created_keys(self) -> list[tuple[int | None, str, date]]:
        if not self.created_ids:
            return []
        rows = db.session.execute(
            select(OutboxMessage.unit_id, OutboxMessage.kind, OutboxMessage.reference_on).where(
                OutboxMessage.id.in_(self.created_ids)
            )
        )
        return [(unit_id, kind, reference_on) for unit_id, kind, reference_on in rows]


_EPOCH = date(1970, 1, 1)


def _day_number(column: InstrumentedAttribute[date | None]) -> ColumnElement[Any]:
    """A date column as a whole number of days, in the database's own arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column - literal(_EPOCH, Date)  # date - date is an integer there
    return cast(func.julianday(column) - 2440587.5, Integer)  # julianday("1970-01-01") is 2440587.5


def _window_condition(today: date, window: rules.Window) -> ColumnElement[bool]:
    """The SQL form of the window: open assignments that may have an entry today (Assignment joined with ActionItem)."""
    today_number = (today - _EPOCH).days
    since_by_number = (window.ongoing_since_by - _EPOCH).days
    ongoing = ActionItem.is_ongoing
    return or_(
        Assignment.due_on.in_(sorted(window.due_dates)),
        and_(
            not_(ongoing),
            Assignment.due_on < today,
            ((today_number - 1 - _day_number(Assignment.due_on)) % window.overdue_every).in_(
                sorted(window.overdue_residues)
            ),
        ),
        and_(
            ongoing,
            Assignment.last_report_on <= window.ongoing_since_by,
            ((since_by_number - _day_number(Assignment.last_report_on)) % window.ongoing_every).in_(
                sorted(window.ongoing_residues)
            ),
        ),
        # Without a report the start date counts; it is a timestamp, so this side is not narrowed further.
        and_(
            ongoing,
            Assignment.last_report_on.is_(None),
            Assignment.created_at < datetime.combine(window.ongoing_since_by + timedelta(days=2), time(), tzinfo=UTC),
        ),
    )


def _facts(
    today: date, window: rules.Window | None = None
) -> tuple[list[rules.AssignmentFacts], dict[int, Assignment]]:
    """The open assignments (only those in today's window, when given) as the rules read them."""
    query = (
        select(Assignment)
        .join(Assignment.item)
        .join(ActionItem.section)
        .join(PlanSection.plan)
        .where(Assignment.is_active, Assignment.status != "done")
        .options(
            contains_eager(Assignment.item).contains_eager(ActionItem.section).contains_eager(PlanSection.plan),
            selectinload(Assignment.unit),
        )
    )
    if window is not None:
        query = query.where(_window_condition(today, window))
    assignments = list(db.session.scalars(query))
    item_ids = {a.item_id for a in assignments}
    coordinating: dict[int, set[int]] = defaultdict(set)
    if item_ids:
        for item_id, unit_id in db.session.execute(
            select(ItemUnit.item_id, ItemUnit.unit_id).where(
                ItemUnit.role == "coordinating", ItemUnit.unit_id.is_not(None), ItemUnit.item_id.in_(item_ids)
            )
        ):
            if unit_id is not None:  # as the query says: typed as the nullable column
                coordinating[item_id].add(unit_id)
    facts = [
        rules.AssignmentFacts(
            assignment_id=a.id,
            item_ref=a.item.reference,
            item_id=a.item_id,
            unit_id=a.unit_id,
            state=a.status,
            due_on=a.due_on,
            is_ongoing=a.item.is_ongoing,
            last_report_on=a.last_report_on,
            started_on=a.created_at.date(),
            coordinating_unit_ids=tuple(sorted(coordinating[a.item_id])),
        )
        for a in assignments
    ]
    return facts, {a.id: a for a in assignments}


def _figures() -> list[rules.UnitFigures]:
    """Every unit that some plan's Appendix 1 asks for figures, with its latest report date."""
    latest = dict(
        db.session.execute(
            select(KpiReport.unit_id, func.max(KpiReport.as_of)).where(KpiReport.is_current).group_by(KpiReport.unit_id)
        ).all()
    )
    members = db.session.scalars(select(UnitGroupMember.unit_id).where(UnitGroupMember.unit_id.is_not(None)))
    unit_ids = {unit_id for unit_id in members if unit_id is not None}
    return [rules.UnitFigures(unit_id, latest.get(unit_id)) for unit_id in sorted(unit_ids)]


DIGEST_ROWS = 30  # the digest names this many of each list; the monitoring page has the rest


def _digest(today: date) -> dict[str, Any]:
    """What the IT Centre's weekly digest lists: how many assignments are overdue and blocked and how many
    units miss figures, with the most overdue, the blocked and the missing units up to DIGEST_ROWS each."""
    overdue = list_assignments(Filters(cls="overdue", sort="days"), today=today, per_page=DIGEST_ROWS)
    blocked = list_assignments(Filters(cls="blocked", sort="unit"), today=today, per_page=DIGEST_ROWS)
    period = last_due_period(today, current_app.config["KPI_DUE_DAY"])
    missing = [unit for unit, _latest in units_missing_figures(period)]
    return {
        "overdue": overdue.rows,
        "overdue_total": overdue.total,
        "blocked": blocked.rows,
        "blocked_total": blocked.total,
        "missing": missing[:DIGEST_ROWS],
        "missing_total": len(missing),
        "period": period,
    }


def recipients_of(units: list[Unit]) -> dict[int, list[str]]:
    """Whom each unit's email goes to: its people with accounts (the head and the focal officers, active,
    who chose to receive reminders), or the addresses typed on the unit when it has no such person."""
    people: dict[int | None, set[str]] = defaultdict(set)
    if units:
        for unit_id, address in db.session.execute(
            select(User.unit_id, User.email).where(
                User.unit_id.in_([u.id for u in units]),
                User.role.in_(("unit_head", "unit_staff")),
                User.is_active,
                User.receives_reminders,
            )
        ):
            people[unit_id].add(address.lower())
    return {unit.id: sorted(people[unit.id] or {e for e in (unit.head_email, unit.focal_email) if e}) for unit in units}


def it_centre_addresses(centre: Unit | None) -> list[str]:
    """The copies' addresses: the IT Centre's recipients, chosen as for any unit (the same everywhere)."""
    return recipients_of([centre])[centre.id] if centre is not None else []


def entry_record(entry: rules.Entry) -> dict[str, Any]:
    """An entry as the outbox keeps it: enough to show it in the log and to write the email again."""
    return {
        "kind": entry.kind,
        "item": entry.item_ref,
        "days": entry.days,
        "item_id": entry.item_id,
        "assignment_id": entry.assignment_id,
    }


_OWN_KINDS = frozenset({rules.OVERDUE, rules.DUE, rules.BEFORE, rules.ONGOING_REPORT})


def _row_order(record: dict[str, Any]) -> tuple:
    return (
        rules.KIND_ORDER.index(record["kind"]) if record["kind"] in rules.KIND_ORDER else -1,
        rules._ref_key(record.get("item")),
    )


@dataclass(frozen=True)
class Quoted:
    """What emails quote, read once for all of them: each assignment (with its item, the item's plan and its unit)
    and each coordinated item's lead units, by id."""

    assignments: dict[int, Assignment]
    leads: dict[int, list[str]]


def load_quoted(records: Iterable[dict[str, Any]]) -> Quoted:
    """The assignments and coordinated items the entries name, in a few statements whatever their number (the
    day's sweep reads them once for every unit's email, not once for each; a national one names ten thousand,
    read a CHUNK at a time)."""
    records = list(records)
    assignments: dict[int, Assignment] = {}
    for ids in chunks(sorted({r["assignment_id"] for r in records if r.get("assignment_id")})):
        for assignment in db.session.scalars(
            select(Assignment)
            .where(Assignment.id.in_(ids))
            .options(selectinload(Assignment.item).selectinload(ActionItem.plan), selectinload(Assignment.unit))
        ):
            assignments[assignment.id] = assignment
    # A coordinating unit is told every lead unit of the item (a collective lead can be a dozen units).
    leads: dict[int, list[str]] = defaultdict(list)
    coordinated = {r["item_id"] for r in records if r["kind"] == rules.COORDINATING and r.get("item_id")}
    for ids in chunks(sorted(coordinated)):
        for item_id, name in db.session.execute(
            select(Assignment.item_id, Unit.name)
            .join(Assignment.unit)
            .where(Assignment.item_id.in_(ids), Assignment.is_active)
            .order_by(Assignment.id)
        ):
            leads[item_id].append(name)
    return Quoted(assignments, leads)


def compose(
    unit: Unit,
    day: date,
    records: list[dict[str, Any]],
    *,
    recipients: list[str],
    cc: list[str],
    kind: str = "daily",
    quoted: Quoted | None = None,
) -> Draft:
    """The unit's one email of `day`, written from its entries (reminders and urges alike); `quoted` may hold
    what the entries name, read for several emails at once (else it is read here)."""
    records = sorted(records, key=_row_order)
    if quoted is None:
        quoted = load_quoted(records)
    assignments, leads = quoted.assignments, quoted.leads
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    urged = {r["assignment_id"] for r in records if r["kind"] == rules.URGE}
    for record in records:
        assignment = assignments.get(record.get("assignment_id") or 0)
        if record.get("assignment_id") and assignment is None:
            continue  # the assignment was removed since; nothing to say about it
        if record["kind"] in _OWN_KINDS and record.get("assignment_id") in urged:
            continue  # the urge above already quotes it, with its deadline and state
        entry = dict(record)
        if record["kind"] == rules.URGE:
            entry["days"] = (assignment.due_on - day).days if assignment and assignment.due_on else None
        item = assignment.item if assignment else None
        sections[record["kind"]].append(
            {
                "entry": entry,
                "assignment": assignment,
                "item": item,
                "excerpt": rules.task_excerpt(item.task) if item else "",
                "leads": leads.get(record.get("item_id") or 0, []),
            }
        )
    period = last_due_period(day, current_app.config["KPI_DUE_DAY"])
    context = {
        "unit": unit,
        "today": day,
        "sections": sections,
        "titles": SECTION_TITLES,
        "kind_order": (rules.URGE, *rules.KIND_ORDER),
        "states": STATE_LABELS,
        "period": period,
        "due_day": current_app.config["KPI_DUE_DAY"],
        "digest": _digest(day) if rules.DIGEST in sections else None,
    }
    return Draft(
        unit_id=unit.id,
        kind=kind,
        reference_on=day,
        recipients=recipients,
        cc=sorted(set(cc) - set(recipients)),
        subject=_subject(unit, sections, day),
        body_text=render_template("emails/daily.txt", **context),
        body_html=render_template("emails/daily.html", **context),
        entries=records,
    )


def plan_day(today: date, *, only_unit: int | None = None) -> SweepResult:
    """The day's emails as drafts (every unit's, or `only_unit`'s): which units, to whom, about what. Reads only."""
    result = SweepResult(today)
    calendar = WorkCalendar()
    reminder_rules = load_rules()
    window = rules.todays_window(today, reminder_rules, calendar)
    if window is None:
        return result
    centre = it_centre()
    facts, _assignments = _facts(today, window)
    result.assignments_read = len(facts)
    figures = _figures() if window.kpi_day else []
    entries = rules.entries_due(
        today, facts, figures, reminder_rules, calendar, it_centre_unit_id=centre.id if centre else None
    )
    grouped = rules.group_by_unit(entries)
    if only_unit is not None:
        grouped = {only_unit: grouped[only_unit]} if only_unit in grouped else {}
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(grouped)).order_by(Unit.id))) if grouped else []
    addresses = recipients_of(units)
    copies = it_centre_addresses(centre)
    records = {unit.id: [entry_record(e) for e in grouped[unit.id]] for unit in units if addresses[unit.id]}
    quoted = load_quoted(record for unit_records in records.values() for record in unit_records)
    for unit in units:
        unit_entries = grouped[unit.id]
        if not addresses[unit.id]:
            result.units_without_address.append(unit)
            continue
        wants_copy = centre is not None and unit.id != centre.id and any(e.cc_it_centre for e in unit_entries)
        result.drafts.append(
            compose(
                unit,
                today,
                records[unit.id],
                recipients=addresses[unit.id],
                cc=copies if wants_copy else [],
                quoted=quoted,
            )
        )
    return result


def _subject(unit: Unit, sections: dict[str, list], today: date) -> str:
    urged = [row["entry"]["item"] for row in sections.get(rules.URGE, [])]
    parts = [f"đôn đốc nhiệm vụ {', '.join(urged)}"] if urged else []
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
    if urged and len(parts) == 1:
        return f"[Theo dõi kế hoạch] Đôn đốc thực hiện nhiệm vụ {', '.join(urged)} — {unit.name}"
    return f"[Theo dõi kế hoạch] {unit.name}: {', '.join(parts)} ({today:%d/%m/%Y})"


def merge_into(
    message: OutboxMessage, unit: Unit, records: list[dict[str, Any]], *, recipients: list[str], cc: list[str]
) -> bool:
    """Add entries to a unit's email not sent yet, writing it again; False when it has left the queue
    meanwhile (the caller then finds another day for them). Flushes."""
    merged = list(message.entries) + [r for r in records if r not in message.entries]
    draft = compose(
        unit,
        message.reference_on,
        merged,
        recipients=recipients,
        cc=sorted(set(message.cc) | set(cc)),
        kind=message.kind,
    )
    changed = rows_changed(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending")
        .values(
            recipients=draft.recipients,
            cc=draft.cc,
            subject=draft.subject,
            body_text=draft.body_text,
            body_html=draft.body_html,
            entries=draft.entries,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    if changed:
        db.session.refresh(message)
    return bool(changed)


def sweep(today: date, *, now: datetime, dry_run: bool = False) -> SweepResult:
    """Plan the day's emails and add the ones not in the outbox yet; flushes, the caller commits.

    Running it twice, or in two processes at once, adds each message once (the outbox's unique key)."""
    result = plan_day(today)
    if dry_run:
        return result
    result.created_ids = enqueue(result.drafts, now=now)
    _merge_reminders_into_urges(result)
    # Recorded the same race-free way: a second process only adds its count (zero) to the row.
    db.session.execute(
        insert_ignoring_duplicates(SweepRun)
        .values(run_on=today, started_at=now, messages=0)
        .on_conflict_do_nothing(index_elements=["run_on"])
    )
    db.session.execute(
        update(SweepRun).where(SweepRun.run_on == today).values(messages=SweepRun.messages + len(result.created_ids))
    )
    db.session.flush()
    return result


def _merge_reminders_into_urges(result: SweepResult) -> None:
    """A unit urged before the sweep (its email waiting for the send time) gets the day's reminders in
    that same email: still one email per unit per day."""
    if not result.drafts:
        return
    by_unit = {d.unit_id: d for d in result.drafts}
    waiting = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.unit_id.in_(by_unit),
            OutboxMessage.kind == "daily",
            OutboxMessage.reference_on == result.day,
            OutboxMessage.status == "pending",
            OutboxMessage.id.not_in(result.created_ids or [0]),
        )
    )
    for message in list(waiting):
        if all(e["kind"] == rules.URGE for e in message.entries):
            draft = by_unit[message.unit_id]
            assert message.unit is not None  # a unit's daily email
            if merge_into(message, message.unit, draft.entries, recipients=draft.recipients, cc=draft.cc):
                result.created_ids.append(message.id)


def has_swept(day: date) -> bool:
    """Whether the sweep for `day` has run (so a scheduler starting late knows whether to catch up)."""
    return db.session.get(SweepRun, day) is not None
