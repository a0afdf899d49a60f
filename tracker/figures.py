"""KPI figures: recording a unit's figures under its plan's indicator definition (a correction supersedes the
earlier report for the same date), and working out each indicator and its attainment against the unit's own
target or else its group's."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, or_, select, tuple_, update
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ColumnElement

from .extensions import chunks, db, read_rows
from .models import Indicator, KpiReport, Plan, Target, TargetMilestone, Unit, UnitGroup, UnitGroupMember, User
from .rules.indicators import SCHEME_1872, Definition, IndicatorSpec, check_figures, readings, spec_1872
from .rules.kpi import (
    FIELDS,
    Attainment,
    Counts,
    Milestone,
    Ratio,
    TargetRule,
    attainment,
    report_day_refusal,
    round_percent,
)
from .rules.texts import t

SOURCES = ("form", "api", "file", "cli", "demo")


class FiguresRefused(Exception):
    """Figures that cannot be recorded for a reason other than their consistency (e.g. a future date)."""


def indicator_spec(indicator: Indicator | IndicatorFacts, scheme: str) -> IndicatorSpec:
    """The rules' view of a stored indicator; under the 1872 definition its counts are Decision 1872's."""
    if scheme == SCHEME_1872:
        return spec_1872(indicator.number, indicator.name)
    return IndicatorSpec(
        indicator.number,
        indicator.name,
        indicator.kind,
        indicator.numerator_key,
        indicator.denominator_key,
        indicator.numerator_label,
        indicator.denominator_label,
        indicator.unit_of_measure,
    )


def scheme_definition(scheme: str, indicators: Sequence[Indicator | IndicatorFacts]) -> Definition:
    """The indicator definition of a plan of that KPI scheme with these indicators (in number order)."""
    return Definition(scheme, tuple(indicator_spec(i, scheme) for i in indicators))


def definition_of(plan: Plan, indicators: Sequence[Indicator]) -> Definition:
    """A plan's indicator definition from its scheme and its Indicator rows (in number order)."""
    return scheme_definition(plan.kpi_scheme, indicators)


def plan_definition(plan: Plan) -> Definition:
    """A plan's indicator definition, read from the database (one query)."""
    indicators = list(
        db.session.scalars(select(Indicator).where(Indicator.plan_id == plan.id).order_by(Indicator.number))
    )
    return definition_of(plan, indicators)


def report_key(plan: Plan | PlanFacts | None) -> int | None:
    """The plan_id a plan's figures are kept under: None for the shared 1872 definition."""
    return None if plan is None or plan.kpi_scheme == SCHEME_1872 else plan.id


def counts_of(report: KpiReport) -> Counts:
    """A report's figures as Decision 1872's eight counts."""
    return Counts(**{name: int(report.figures[name]) for name in FIELDS})


def refuse_report_day(as_of: date, today: date) -> None:
    """Raise FiguresRefused for figures dated after today or before 2000 (rules.kpi.report_day_refusal)."""
    refusal = report_day_refusal(as_of, today)
    if refusal is not None:
        raise FiguresRefused(refusal)


def figures_definition(plan: Plan | None) -> tuple[int | None, Definition]:
    """The plan_id figures are kept under and the definition they answer (one query for a plan of its own);
    raises FiguresRefused for a plan of its own that has no indicator yet."""
    plan_id = report_key(plan)
    if plan is None or plan_id is None:
        return None, Definition(SCHEME_1872, ())
    definition = plan_definition(plan)
    if not definition.indicators:
        raise FiguresRefused(t("Kế hoạch %(plan)s chưa có chỉ tiêu nào để báo cáo.", plan=plan.number))
    return plan_id, definition


def record_figures(
    unit: Unit,
    figures: Counts | Mapping[str, object],
    *,
    as_of: date,
    today: date,
    now: datetime,
    reporter: User | None,
    source: str,
    plan: Plan | None = None,
) -> KpiReport:
    """Check and keep a unit's figures as of a date; flushes, the caller commits.

    Without a plan (or for a plan using Decision 1872's definition) the figures are the eight counts (a Counts
    or a mapping), kept once for every 1872 plan; for a plan with its own indicators they answer that plan's
    definition. Raises rules.kpi.InconsistentFigures (naming the figures in conflict by their labels) or
    FiguresRefused; nothing is written then. Permission is the caller's to check."""
    refuse_report_day(as_of, today)
    plan_id, definition = figures_definition(plan)
    if isinstance(figures, Counts):
        figures = {name: getattr(figures, name) for name in FIELDS}
    values = check_figures(definition, figures)
    same_plan = KpiReport.plan_id.is_(None) if plan_id is None else KpiReport.plan_id == plan_id
    db.session.execute(
        update(KpiReport)
        .where(KpiReport.unit_id == unit.id, same_plan, KpiReport.as_of == as_of, KpiReport.is_current)
        .values(is_current=False)
    )
    report = KpiReport(
        unit_id=unit.id,
        plan_id=plan_id,
        as_of=as_of,
        is_current=True,
        reported_by=reporter,
        reported_at=now,
        source=source,
        figures=values,
    )
    db.session.add(report)
    db.session.flush()
    return report


def keep_reports(
    reports: Sequence[tuple[int, date, Mapping[str, int | str]]],
    *,
    plan_id: int | None,
    now: datetime,
    reporter: User | None,
    source: str,
) -> None:
    """Keep many checked reports (unit id, as_of, figures) at once, as record_figures would one after another:
    each supersedes the current report of its unit and date, a later one of the same file included. A fixed
    number of statements per CHUNK reports (tracker.extensions), whatever their number; the caller has checked every one."""
    if not reports:
        return
    db.session.flush()
    same_plan = KpiReport.plan_id.is_(None) if plan_id is None else KpiReport.plan_id == plan_id
    keys = list(dict.fromkeys((unit_id, as_of) for unit_id, as_of, _figures in reports))
    for some_keys in chunks(keys):
        db.session.execute(
            update(KpiReport)
            .where(
                same_plan,
                KpiReport.is_current,
                tuple_(KpiReport.unit_id, KpiReport.as_of).in_(some_keys),
            )
            .values(is_current=False),
            execution_options={"synchronize_session": False},
        )
    last = {(unit_id, as_of): index for index, (unit_id, as_of, _figures) in enumerate(reports)}
    rows = [
        {
            "unit_id": unit_id,
            "plan_id": plan_id,
            "as_of": as_of,
            "is_current": last[(unit_id, as_of)] == index,
            "reported_by_id": reporter.id if reporter is not None else None,
            "reported_at": now,
            "source": source,
            "figures": dict(figures),
        }
        for index, (unit_id, as_of, figures) in enumerate(reports)
    ]
    table = db.metadata.tables[KpiReport.__tablename__]
    for some_rows in chunks(rows):
        db.session.execute(insert(table), some_rows)


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator | IndicatorFacts
    target: Target | TargetFacts | None
    rule: TargetRule | None
    ratio: Ratio | None
    attainment: Attainment


@dataclass
class UnitKpi:
    """One unit's standing in one plan: its group, latest figures, and each indicator's result."""

    unit: Unit
    plan: Plan
    group: UnitGroup
    latest: KpiReport | None
    results: list[IndicatorResult]
    definition: Definition | None = None


# A unit's page reads its standings as plain rows (unit_standings): what it shows of each plan, group, target and
# report, without a mapped object for each (the page is the one a unit head opens every morning).


@dataclass(frozen=True)
class PlanFacts:
    id: int
    number: str
    kpi_scheme: str


@dataclass(frozen=True)
class GroupFacts:
    id: int
    name: str


@dataclass(frozen=True)
class IndicatorFacts:
    """An indicator as the rules and the unit page read it (Indicator's columns of the same names)."""

    id: int
    plan_id: int
    number: int
    name: str
    kind: str
    numerator_key: str
    denominator_key: str
    numerator_label: str
    denominator_label: str
    unit_of_measure: str


@dataclass(frozen=True)
class TargetFacts:
    """A group's target or the unit's own (Target's columns of the same names), with its milestones in date order."""

    id: int
    group_id: int | None
    unit_id: int | None
    indicator_id: int
    kind: str
    value_min: Decimal | None
    value_max: Decimal | None
    note: str
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class ReportFacts:
    """A current report: its figures, when and by whom (the reporter's display name; None from the command line)."""

    id: int
    plan_id: int | None
    as_of: date
    figures: dict[str, int | str]
    reported_at: datetime
    reporter: str | None


@dataclass(frozen=True)
class PlanKpiFrame:
    """What the standings of every unit in a plan share: its indicators (in number order), their definition, and
    the targets of its groups and of the units that have their own (by group or unit id, then indicator id). The
    same for everyone until the data changes: the unit page keeps it per data stamp (read only)."""

    indicators: tuple[IndicatorFacts, ...]
    definition: Definition
    group_targets: Mapping[int, Mapping[int, TargetFacts]]
    unit_targets: Mapping[int, Mapping[int, TargetFacts]]


@dataclass
class UnitStanding:
    """One unit's standing in one plan as its page shows it: its group, each indicator's result from the latest
    figures, and every current report (oldest first)."""

    plan: PlanFacts
    group: GroupFacts
    latest: ReportFacts | None
    results: list[IndicatorResult]
    history: list[ReportFacts]
    definition: Definition

    _trends: dict[int, list[tuple[date, Fraction | None]]] | None = field(default=None, repr=False, compare=False)

    def trend(self, number: int) -> list[tuple[date, Fraction | None]]:
        """(as_of, value) of one indicator over the history, oldest first: a ratio or percentage as the share it
        reads (9,2% is 23/250), a count as it is. Every indicator's series is worked out in one pass over the
        reports, the first time one is asked for."""
        if self._trends is None:
            self._trends = {}
            for report in self.history:
                read = readings(self.definition, report.figures)
                for indicator in self.definition.indicators:
                    reading = read.get(indicator.number)
                    value = None if reading is None else reading.value
                    self._trends.setdefault(indicator.number, []).append((report.as_of, value))
        return self._trends.get(number) or [(report.as_of, None) for report in self.history]


def target_rule(target: Target | TargetFacts) -> TargetRule:
    """The rules' view of a stored target."""
    return TargetRule(
        kind=target.kind,
        low=target.value_min,
        high=target.value_max,
        note=target.note,
        milestones=target.milestones
        if isinstance(target, TargetFacts)
        else tuple(Milestone(m.due_on, m.value) for m in target.milestones),
    )


def results_for(
    report: KpiReport | ReportFacts | None,
    targets: Mapping[int, Target | TargetFacts],
    indicators: Sequence[Indicator | IndicatorFacts],
    as_of: date | None = None,
    *,
    definition: Definition | None = None,
    unit_targets: Mapping[int, Target | TargetFacts] | None = None,
) -> list[IndicatorResult]:
    """Each indicator's reading (from the report) and attainment against the unit's own target, or else its
    group's, in force at the figures' date."""
    if definition is None:
        definition = Definition(SCHEME_1872, tuple(spec_1872(i.number, i.name) for i in indicators))
    computed = readings(definition, report.figures) if report else {}
    unit_targets = unit_targets or {}
    results = []
    for indicator in indicators:
        target = unit_targets.get(indicator.id) or targets.get(indicator.id)
        rule = target_rule(target) if target else None
        ratio = computed.get(indicator.number)
        when = as_of or (report.as_of if report else None)
        results.append(IndicatorResult(indicator, target, rule, ratio, attainment(ratio, rule, when)))
    return results


def load_groups(*, plan_id: int | None = None) -> list[UnitGroup]:
    """Unit groups (with their plan, targets, indicators and milestones loaded) in plan and group order, of one
    plan or of every plan. Members are loaded by kpi_by_unit. Two queries."""
    groups = list(db.session.scalars(_groups_statement(plan_id is not None), {"plan_id": plan_id}))
    _load_targets(groups)
    return groups


def _load_targets(groups: list[UnitGroup]) -> None:
    """Set each group's targets, and its plan's per-unit targets, in one query."""
    targets: dict[int, list[Target]] = defaultdict(list)
    # A unit's own targets come in the same query: plan id → (unit id, indicator id) → target.
    unit_targets: dict[int, dict[tuple[int | None, int], Target]] = defaultdict(dict)
    if groups:
        group_ids = [g.id for g in groups]
        for target in db.session.scalars(
            _targets_statement(), {"group_ids": group_ids, "of_groups": group_ids}
        ).unique():
            if target.group_id is not None:
                targets[target.group_id].append(target)
            else:
                unit_targets[target.indicator.plan_id][(target.unit_id, target.indicator_id)] = target
    for group in groups:
        set_committed_value(group, "targets", targets[group.id])
        # Not a column: the plan's per-unit targets, carried on the group to unit_standings.
        group.unit_targets = unit_targets[group.plan_id]  # type: ignore[attr-defined]


# The statements of load_groups, latest_reports and kpi_by_unit, built once per process for each shape (which
# conditions apply), their values bound when they run: the pages that show standings (the unit page first) run
# them on every request, and building a statement anew costs more than running it.


@cache
def _groups_statement(by_plan: bool) -> Select[UnitGroup]:
    query = (
        select(UnitGroup)
        .join(UnitGroup.plan)
        .options(contains_eager(UnitGroup.plan))
        .order_by(UnitGroup.plan_id, UnitGroup.number)
    )
    if by_plan:
        query = query.where(UnitGroup.plan_id == bindparam("plan_id"))
    return query


@cache
def _targets_statement() -> Select[Target]:
    """The groups' targets and their members' own targets, with their indicators and milestones."""
    members = select(UnitGroupMember.unit_id).where(
        UnitGroupMember.group_id.in_(bindparam("of_groups", expanding=True))
    )
    return (
        select(Target)
        .where(or_(Target.group_id.in_(bindparam("group_ids", expanding=True)), Target.unit_id.in_(members)))
        .options(joinedload(Target.indicator), joinedload(Target.milestones))
        .order_by(Target.indicator_id)
    )


@cache
def _members_statement(by_units: bool) -> Select[UnitGroupMember]:
    query = (
        select(UnitGroupMember)
        .outerjoin(UnitGroupMember.unit)
        .options(contains_eager(UnitGroupMember.unit))
        .where(UnitGroupMember.group_id.in_(bindparam("group_ids", expanding=True)))
        .order_by(UnitGroupMember.group_id, UnitGroupMember.position)
    )
    if by_units:
        query = query.where(UnitGroupMember.unit_id.in_(bindparam("unit_ids", expanding=True)))
    return query


@cache
def _memberships_statement(by_plan: bool) -> Select[UnitGroupMember]:
    """The bound units' memberships with their groups and plans, in plan and group order (a unit's page reads its
    groups through its memberships)."""
    query = (
        select(UnitGroupMember)
        .join(UnitGroupMember.group)
        .join(UnitGroup.plan)
        .join(UnitGroupMember.unit)
        .options(
            contains_eager(UnitGroupMember.group).contains_eager(UnitGroup.plan),
            contains_eager(UnitGroupMember.unit),
        )
        .where(UnitGroupMember.unit_id.in_(bindparam("unit_ids", expanding=True)))
        .order_by(UnitGroup.plan_id, UnitGroup.number, UnitGroupMember.position)
    )
    if by_plan:
        query = query.where(UnitGroup.plan_id == bindparam("plan_id"))
    return query


@cache
def _indicators_statement() -> Select[Indicator]:
    return (
        select(Indicator).where(Indicator.plan_id.in_(bindparam("plan_ids", expanding=True))).order_by(Indicator.number)
    )


@cache
def _latest_statement(until: bool) -> Select[KpiReport]:
    """Each unit's latest current report (on or before `as_of`, when `until`) per definition."""
    ranked = (
        select(
            KpiReport.id,
            func.row_number()
            .over(
                partition_by=(KpiReport.unit_id, KpiReport.plan_id),
                order_by=(KpiReport.as_of.desc(), KpiReport.id.desc()),
            )
            .label("n"),
        )
        .where(*_reports_of_units(until))
        .subquery()
    )
    return select(KpiReport).join(ranked, ranked.c.id == KpiReport.id).where(ranked.c.n == 1)


def _reports_of_units(until: bool) -> list[ColumnElement[bool]]:
    """The current reports of the bound units (`unit_ids`) under the 1872 definition and the bound plans' own
    (`plan_ids`), on or before the bound `as_of` when `until`. "Current" is said so that SQLite without planner
    statistics looks them up by unit: with a plain `is_current` it picks the index on the flag alone and reads
    every current report of every unit. For the same reason the plan is read as `plan_id + 0`, which no index
    answers (the same values, NULL included): with the plain column, for a hundred units SQLite looked up the
    1872 reports by plan, every unit's (the KPI overview of a plan on L: 52 ms for that statement, 3 ms by unit)."""
    plan = KpiReport.plan_id + 0
    conditions = [
        KpiReport.unit_id.in_(bindparam("unit_ids", expanding=True)),
        KpiReport.is_current.is_not(False),
        or_(plan.is_(None), plan.in_(bindparam("plan_ids", expanding=True))),
    ]
    if until:
        conditions.append(KpiReport.as_of <= bindparam("as_of"))
    return conditions


def latest_reports(
    unit_ids: set[int], *, as_of: date | None = None, plan_ids: set[int] | None = None
) -> dict[tuple[int, int | None], KpiReport]:
    """Each unit's latest current report (on or before as_of) per definition, keyed (unit id, plan id or None
    for 1872): one query, one row per unit and definition. Without plan_ids, only 1872 reports."""
    if not unit_ids:
        return {}
    query = _latest_statement(as_of is not None)
    values = {"unit_ids": list(unit_ids), "plan_ids": list(plan_ids or ()), "as_of": as_of}
    return {(report.unit_id, report.plan_id): report for report in db.session.scalars(query, values)}


def kpi_by_unit(
    *,
    unit_ids: list[int] | None = None,
    plan_id: int | None = None,
    as_of: date | None = None,
    groups: list[UnitGroup] | None = None,
) -> list[UnitKpi]:
    """Every (unit, plan) standing, in plan and group order: a fixed number of queries for any number of units.
    With as_of, the latest current report on or before that date counts. With unit_ids, only those units'
    memberships are loaded; otherwise each group's members are set on it (for pages that list them).
    `groups` may pass what load_groups already returned for the same plan_id."""
    members: dict[int, list[UnitGroupMember]] = defaultdict(list)
    if groups is None and unit_ids is not None:
        # Some units' standings: their memberships bring their groups, in one statement.
        of_units = {"unit_ids": unit_ids, "plan_id": plan_id}
        for member in db.session.scalars(_memberships_statement(plan_id is not None), of_units):
            members[member.group_id].append(member)
        groups = list({m.group_id: m.group for ms in members.values() for m in ms}.values())
        _load_targets(groups)
    else:
        if groups is None:
            groups = load_groups(plan_id=plan_id)
        group_ids = [g.id for g in groups]
        for member in db.session.scalars(
            _members_statement(unit_ids is not None), {"group_ids": group_ids, "unit_ids": unit_ids}
        ):
            members[member.group_id].append(member)
    if not groups:
        return []
    if unit_ids is None:
        for group in groups:
            set_committed_value(group, "members", members[group.id])
    plan_ids = {g.plan_id for g in groups}
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in db.session.scalars(_indicators_statement(), {"plan_ids": list(plan_ids)}):
        indicators[indicator.plan_id].append(indicator)
    member_ids = {m.unit_id for ms in members.values() for m in ms if m.unit_id is not None}
    latest = latest_reports(member_ids, as_of=as_of, plan_ids=plan_ids)
    definitions = {g.plan_id: definition_of(g.plan, indicators[g.plan_id]) for g in groups}
    standings = []
    for group in groups:
        targets = {t.indicator_id: t for t in group.targets}
        own_targets = getattr(group, "unit_targets", {})
        definition = definitions[group.plan_id]
        for member in members[group.id]:
            if member.unit is None:
                continue
            key = (member.unit.id, report_key(group.plan))
            report = latest.get(key)
            unit_targets = {
                indicator_id: t for (unit_id, indicator_id), t in own_targets.items() if unit_id == member.unit_id
            }
            standings.append(
                UnitKpi(
                    unit=member.unit,
                    plan=group.plan,
                    group=group,
                    latest=report,
                    results=results_for(
                        report, targets, indicators[group.plan_id], definition=definition, unit_targets=unit_targets
                    ),
                    definition=definition,
                )
            )
    return standings


@cache
def _unit_groups_statement() -> Select[int, str, int, str, str]:
    """The bound unit's groups (id, name, plan id, plan number, plan scheme) in plan and group order."""
    return (
        select(UnitGroup.id, UnitGroup.name, UnitGroup.plan_id, Plan.number, Plan.kpi_scheme)
        .select_from(UnitGroupMember)
        .join(UnitGroup, UnitGroupMember.group_id == UnitGroup.id)
        .join(Plan, UnitGroup.plan_id == Plan.id)
        .where(UnitGroupMember.unit_id == bindparam("unit_id"))
        .order_by(UnitGroup.plan_id, UnitGroup.number, UnitGroupMember.position)
    )


_INDICATOR_COLUMNS = tuple(f.name for f in fields(IndicatorFacts))  # Indicator's, in order
_TARGET_COLUMNS = tuple(f.name for f in fields(TargetFacts) if f.name != "milestones")  # Target's, in order


@cache
def _plan_frame_statement() -> Select:
    """The bound plan's indicators in number order, each with its targets (its groups' and its units' own) in
    target order, a row for each milestone in date order: an indicator without targets is one row with the
    target's columns empty, a target without milestones one row with the milestone's empty."""
    return (
        select(
            *(getattr(Indicator, name) for name in _INDICATOR_COLUMNS),
            *(getattr(Target, name) for name in _TARGET_COLUMNS),
            TargetMilestone.due_on,
            TargetMilestone.value,
        )
        .outerjoin(Target, Target.indicator_id == Indicator.id)
        .outerjoin(TargetMilestone, TargetMilestone.target_id == Target.id)
        .where(Indicator.plan_id == bindparam("plan_id"))
        .order_by(Indicator.number, Target.id, TargetMilestone.due_on)
    )


@cache
def _unit_history_statement() -> Select:
    """Every current report of the bound units under the 1872 definition and the bound plans' own, oldest first,
    with its reporter's name and address."""
    return (
        select(
            KpiReport.id,
            KpiReport.plan_id,
            KpiReport.as_of,
            KpiReport.figures,
            KpiReport.reported_at,
            User.name,
            User.email,
        )
        .outerjoin(User, KpiReport.reported_by_id == User.id)
        .where(*_reports_of_units(False))
        .order_by(KpiReport.as_of, KpiReport.id)
    )


def plan_kpi_frame(plan_id: int, scheme: str) -> PlanKpiFrame:
    """What every unit's standing in the plan (of that KPI scheme) shares: one statement."""
    indicators: dict[int, IndicatorFacts] = {}
    targets: dict[int, tuple[Any, ...]] = {}  # each target's columns, by id
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    first_target, first_milestone = len(_INDICATOR_COLUMNS), len(_INDICATOR_COLUMNS) + len(_TARGET_COLUMNS)
    for row in read_rows(_plan_frame_statement(), {"plan_id": plan_id}):
        if row[0] not in indicators:
            indicators[row[0]] = IndicatorFacts(*row[:first_target])
        target_id = row[first_target]
        if target_id is None:
            continue
        targets.setdefault(target_id, row[first_target:first_milestone])
        if row[first_milestone] is not None:
            milestones[target_id].append(Milestone(*row[first_milestone:]))
    group_targets: dict[int, dict[int, TargetFacts]] = defaultdict(dict)
    unit_targets: dict[int, dict[int, TargetFacts]] = defaultdict(dict)
    for target_id, columns in targets.items():
        target = TargetFacts(*(*columns, tuple(milestones.get(target_id, ()))))  # milestones: its last field
        if target.group_id is not None:
            group_targets[target.group_id][target.indicator_id] = target
        elif target.unit_id is not None:
            unit_targets[target.unit_id][target.indicator_id] = target
    facts = tuple(indicators.values())
    return PlanKpiFrame(facts, scheme_definition(scheme, facts), dict(group_targets), dict(unit_targets))


def unit_standings(unit_id: int, frame_of: Callable[[int, str], PlanKpiFrame] = plan_kpi_frame) -> list[UnitStanding]:
    """The unit's standing in each plan whose Appendix 1 groups it belongs to (in plan and group order), with every
    current report: two statements, read as plain rows, and each plan's frame from `frame_of` (plan_kpi_frame, one
    statement, or the same kept while the data is unchanged)."""
    groups = read_rows(_unit_groups_statement(), {"unit_id": unit_id})
    if not groups:
        return []
    frames = {plan_id: frame_of(plan_id, scheme) for plan_id, scheme in dict.fromkeys((r[2], r[4]) for r in groups)}
    history: dict[int | None, list[ReportFacts]] = defaultdict(list)
    values = {"unit_ids": [unit_id], "plan_ids": list(frames)}
    for report_id, plan_id, as_of, figures, reported_at, name, email in read_rows(_unit_history_statement(), values):
        reporter = (name or email) if email is not None else None  # as User.display_name
        history[plan_id].append(ReportFacts(report_id, plan_id, as_of, figures, reported_at, reporter))
    standings = []
    for group_id, group_name, plan_id, number, scheme in groups:
        plan, frame = PlanFacts(plan_id, number, scheme), frames[plan_id]
        reports = history.get(report_key(plan), [])
        latest = reports[-1] if reports else None
        results = results_for(
            latest,
            frame.group_targets.get(group_id, {}),
            frame.indicators,
            definition=frame.definition,
            unit_targets=frame.unit_targets.get(unit_id, {}),
        )
        standings.append(
            UnitStanding(plan, GroupFacts(group_id, group_name), latest, results, reports, frame.definition)
        )
    return standings


def definition_json(plan: Plan, definition: Definition) -> dict:
    """A plan's indicator definition as the API gives it."""
    return {
        "plan_id": plan.id,
        "plan": plan.number,
        "kpi_scheme": definition.scheme,
        "indicators": [
            {
                "number": spec.number,
                "name": spec.name,
                "kind": spec.kind,
                "numerator_key": spec.numerator_key,
                "denominator_key": spec.denominator_key or None,
                "numerator_label": spec.numerator_label,
                "denominator_label": spec.denominator_label or None,
                "unit_of_measure": spec.unit_of_measure,
            }
            for spec in definition.indicators
        ],
        "fields": [{"key": f.key, "label": f.label, "kind": f.kind} for f in definition.fields],
    }


def _rounded(percent: Fraction | None) -> float | None:
    """A percentage (or percentage points) rounded to one decimal, as a JSON number."""
    return None if percent is None else float(round_percent(percent / 100))


def standing_as_json(standing: UnitKpi) -> dict:
    """A unit's standing as the CLI and the API print it."""
    indicators = []
    for result in standing.results:
        rule, ratio, reached = result.rule, result.ratio, result.attainment
        count = ratio.value if ratio is not None and ratio.kind == "count" else None
        indicators.append(
            {
                "number": result.indicator.number,
                "name": result.indicator.name,
                "kind": result.indicator.kind if standing.plan.kpi_scheme != SCHEME_1872 else "ratio",
                "unit_of_measure": result.indicator.unit_of_measure,
                "numerator": ratio.numerator if ratio else None,
                "denominator": ratio.denominator if ratio else None,
                "percent": _rounded(ratio.percent) if ratio else None,
                "count": int(count) if count is not None else None,
                "target": None
                if rule is None
                else {
                    "kind": rule.kind,
                    "low": float(rule.low) if rule.low is not None else None,
                    "high": float(rule.high) if rule.high is not None else None,
                    "note": rule.note,
                },
                "required": float(reached.required) if reached.required is not None else None,
                "status": reached.status,
                "gap_points": _rounded(reached.gap_points) if count is None else None,
                "gap_count": float(reached.gap_points)
                if count is not None and reached.gap_points is not None
                else None,
            }
        )
    return {
        "unit": standing.unit.name,
        "unit_code": standing.unit.code,
        "plan": standing.plan.number,
        "kpi_scheme": standing.plan.kpi_scheme,
        "group": standing.group.name,
        "as_of": standing.latest.as_of.isoformat() if standing.latest else None,
        "indicators": indicators,
    }
