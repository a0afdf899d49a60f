"""The league table's figures worked out live: each unit of a plan with its Quy chế 42 classes, the parts of its
766-style score (tracker.rules.score), its score and band, as of a day; the score settings an admin keeps; and
the table's sorting. Monthly snapshots (tracker.snapshots) freeze these lines as of a month's last day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, select

from .extensions import db
from .figures import kpi_by_unit, report_key
from .models import ActionItem, Assignment, KpiReport, Plan, Setting, Unit
from .reminders import load_rules
from .rules import lifecycle
from .rules.kpi import NOT_APPLICABLE, Period, attainment, last_due_period, period_of
from .rules.score import (
    ALL_CLASSES,
    BANDS,
    DEFAULTS,
    PARTS,
    SETTING_FIELDS,
    IndicatorStanding,
    ScoreSettings,
    UnitFacts,
    round_score,
    score,
)

SETTINGS_KEY = "score_rules"


def load_settings() -> ScoreSettings:
    """The score settings an admin set, or the defaults (tracker.rules.score.DEFAULTS)."""
    setting = db.session.get(Setting, SETTINGS_KEY)
    if setting is None:
        return DEFAULTS
    stored = {name: value for name, value in setting.value.items() if name in SETTING_FIELDS}
    return ScoreSettings(**{**asdict(DEFAULTS), **stored})


def save_settings(new: ScoreSettings, *, actor_id: int | None, now: datetime) -> None:
    """Keep the score settings (after rules.score.settings_problems found nothing); flushes, the caller commits."""
    value = asdict(new)
    setting = db.session.get(Setting, SETTINGS_KEY)
    if setting is None:
        db.session.add(Setting(key=SETTINGS_KEY, value=value, updated_at=now, updated_by_id=actor_id))
    else:
        setting.value, setting.updated_at, setting.updated_by_id = value, now, actor_id
    db.session.flush()


@dataclass
class Line:
    """A unit's line of the league table as of a day, live or from a snapshot."""

    unit_id: int | None
    unit_name: str
    unit_code: str
    classes: dict[str, int]  # Quy chế 42 class → count
    parts: dict[str, Decimal | None]  # each part rounded to one decimal; None when left out
    score: Decimal | None
    band: str | None
    kpi_attainment: list[dict[str, Any]] = field(default_factory=list)
    reporting: dict[str, int] = field(default_factory=dict)
    previous: Decimal | None = None  # the score of the month before, when known
    change: Decimal | None = None  # score − previous


def _local_day(moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()


def _assignment_rows(plan_id: int, as_of: date) -> list[tuple[Assignment, ActionItem]]:
    """The plan's active lead assignments, of items not cancelled by as_of. An assignment counts from the plan's
    decision, whenever it was entered (a plan imported late still has the deadlines it was given)."""
    rows = db.session.execute(
        select(Assignment, ActionItem)
        .join(ActionItem, ActionItem.id == Assignment.item_id)
        .where(
            ActionItem.plan_id == plan_id,
            Assignment.is_active,
            or_(ActionItem.cancelled_on.is_(None), ActionItem.cancelled_on > as_of),
        )
        .order_by(Assignment.id)
    ).all()
    return [(a, item) for a, item in rows]


def _figure_months(plan: Plan, as_of: date) -> list[Period]:
    """The months whose figures were due before as_of, from the plan's start (its decision's month, else January
    of its year) or January of the last due month's year, whichever is later."""
    last = last_due_period(as_of, current_app.config["KPI_DUE_DAY"])
    if last is None:
        return []
    start = Period(last.year, 1)
    if plan.issued_on is not None:
        start = max(start, period_of(plan.issued_on))
    elif plan.year is not None:
        start = max(start, Period(plan.year, 1))
    months = []
    month = start
    while month <= last:
        months.append(month)
        month = month.next()
    return months


def _on_time_months(unit_ids: set[int], plan: Plan, months: list[Period]) -> dict[int, int]:
    """Per unit, how many of the months had figures reported (as of a day in the month or later) by the
    month's deadline; every report counts, a later correction does not undo a report made in time."""
    if not unit_ids or not months:
        return {}
    key = report_key(plan)
    due_day = current_app.config["KPI_DUE_DAY"]
    reports = db.session.execute(
        select(KpiReport.unit_id, KpiReport.as_of, KpiReport.reported_at).where(
            KpiReport.unit_id.in_(unit_ids),
            KpiReport.plan_id.is_(None) if key is None else KpiReport.plan_id == key,
            KpiReport.as_of >= months[0].first_day,
        )
    ).all()
    by_unit: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for unit_id, as_of, reported_at in reports:
        by_unit[unit_id].append((as_of, _local_day(reported_at)))
    return {
        unit_id: sum(
            1
            for month in months
            if any(as_of >= month.first_day and on <= month.deadline(due_day) for as_of, on in by_unit[unit_id])
        )
        for unit_id in unit_ids
    }


def _achieved(ratio) -> Fraction | None:
    """An indicator's figure in its target's unit: a percentage, or a count as it is."""
    if ratio is None or ratio.value is None:
        return None
    return ratio.value if ratio.kind == "count" else ratio.value * 100


def _number(value: Fraction | Decimal | None) -> float | None:
    return None if value is None else float(round_score(Fraction(value)))


def unit_lines(plan: Plan, as_of: date, settings: ScoreSettings | None = None) -> list[Line]:
    """Every unit of the plan (leading an assignment or in an Appendix 1 group) with its classes, parts, score and
    band as of the day; ordered by score (best first), units without a score last, then by name. A fixed number
    of queries for any number of units."""
    settings = settings or load_settings()
    classes: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ALL_CLASSES, 0))
    ongoing_due: dict[int, int] = defaultdict(int)
    ongoing_reported: dict[int, int] = defaultdict(int)
    period_days = load_rules().progress_period_days  # as the reminders ask for progress reports
    for assignment, item in _assignment_rows(plan.id, as_of):
        kind = lifecycle.classify(
            state=assignment.status,
            due_on=assignment.due_on,
            completed_on=assignment.completed_on,
            is_ongoing=item.is_ongoing,
            as_of=as_of,
        )
        classes[assignment.unit_id][kind] += 1
        if item.is_ongoing and kind == lifecycle.NOT_DONE_IN_TIME:
            ongoing_due[assignment.unit_id] += 1
            missing = lifecycle.progress_report_missing(
                is_ongoing=True,
                state=assignment.status,
                last_report_on=assignment.last_report_on,
                started_on=_local_day(assignment.created_at),
                today=as_of,
                period_days=period_days,
            )
            ongoing_reported[assignment.unit_id] += 0 if missing else 1
    indicators: dict[int, list[IndicatorStanding]] = defaultdict(list)
    attained: dict[int, list[dict[str, Any]]] = defaultdict(list)
    with_targets: set[int] = set()
    for standing in kpi_by_unit(plan_id=plan.id, unit_ids=None, as_of=as_of):
        unit_id = standing.unit.id
        classes.setdefault(unit_id, dict.fromkeys(ALL_CLASSES, 0))
        for result in standing.results:
            reached = attainment(result.ratio, result.rule, as_of)
            achieved = _achieved(result.ratio)
            if reached.required is not None and reached.status != NOT_APPLICABLE:
                with_targets.add(unit_id)
            indicators[unit_id].append(IndicatorStanding(reached.required, achieved))
            attained[unit_id].append(
                {
                    "number": result.indicator.number,
                    "required": _number(reached.required),
                    "achieved": _number(achieved),
                    "status": reached.status,
                }
            )
    months = _figure_months(plan, as_of)
    on_time = _on_time_months(with_targets, plan, months)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(classes)))}
    lines = []
    for unit_id, counts in classes.items():
        unit = units[unit_id]
        due = len(months) if unit_id in with_targets else 0
        facts = UnitFacts(
            classes=counts,
            indicators=indicators[unit_id],
            figures_due=due,
            figures_on_time=on_time.get(unit_id, 0) if due else 0,
            ongoing_due=ongoing_due[unit_id],
            ongoing_reported=ongoing_reported[unit_id],
        )
        outcome = score(facts, settings)
        lines.append(
            Line(
                unit_id=unit_id,
                unit_name=unit.name,
                unit_code=unit.code,
                classes=dict(counts),
                parts={part: None if value is None else round_score(value) for part, value in outcome.parts.items()},
                score=outcome.score,
                band=outcome.band,
                kpi_attainment=attained[unit_id],
                reporting={
                    "figures_due": facts.figures_due,
                    "figures_on_time": facts.figures_on_time,
                    "ongoing_due": facts.ongoing_due,
                    "ongoing_reported": facts.ongoing_reported,
                },
            )
        )
    return sort_lines(lines, "score")


def rank_of(line: Line, lines: list[Line]) -> int | None:
    """A line's rank by score: 1 + the number of lines scoring higher (equal scores share a rank); None without
    a score."""
    if line.score is None:
        return None
    return 1 + sum(1 for other in lines if other.score is not None and other.score > line.score)


SORT_KEYS = ("score", "unit", "band", "change", *PARTS)


def sort_lines(lines: list[Line], key: str, *, descending: bool | None = None) -> list[Line]:
    """The lines sorted by a column: numbers best first by default, names A→Z; lines without a value last."""
    if key not in SORT_KEYS:
        key = "score"
    if descending is None:
        descending = key != "unit"
    if key == "unit":
        ordered = sorted(lines, key=lambda line: line.unit_name.casefold(), reverse=descending)
        return ordered

    def value(line: Line) -> Decimal | int | None:
        if key == "score":
            return line.score
        if key == "change":
            return line.change
        if key == "band":
            return None if line.band is None else len(BANDS) - BANDS.index(line.band)
        return line.parts.get(key)

    present = [line for line in lines if value(line) is not None]
    absent = sorted((line for line in lines if value(line) is None), key=lambda line: line.unit_name.casefold())
    present.sort(key=lambda line: line.unit_name.casefold())
    present.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    return present + absent
