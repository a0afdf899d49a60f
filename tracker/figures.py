"""KPI figures: recording a unit's counts (a correction supersedes the earlier report for the same date),
and working out each unit's ratios and attainment against its group's targets."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import func, select, update
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .models import Indicator, KpiReport, Plan, Target, Unit, UnitGroup, UnitGroupMember, User
from .rules.kpi import (
    FIELDS, Attainment, Counts, Milestone, Ratio, TargetRule, attainment, check_counts, ratios, round_percent,
)

SOURCES = ("form", "api", "file", "cli", "demo")


class FiguresRefused(Exception):
    """Figures that cannot be recorded for a reason other than their consistency (e.g. a future date)."""


def counts_of(report: KpiReport) -> Counts:
    return Counts(**{name: report.figures[name] for name in FIELDS})


def record_figures(unit: Unit, counts: Counts, *, as_of: date, today: date, now: datetime,
                   reporter: User | None, source: str) -> KpiReport:
    """Check and keep a unit's counts as of a date; flushes, the caller commits.

    Raises rules.kpi.InconsistentFigures (naming the figures in conflict) or FiguresRefused; nothing is
    written then. Permission is the caller's to check (pages and API with permissions.can)."""
    if as_of > today:
        raise FiguresRefused(f"Ngày số liệu ({as_of:%d/%m/%Y}) không được sau hôm nay ({today:%d/%m/%Y}).")
    check_counts(counts)
    db.session.execute(
        update(KpiReport).where(KpiReport.unit_id == unit.id, KpiReport.as_of == as_of, KpiReport.is_current)
        .values(is_current=False)
    )
    report = KpiReport(unit_id=unit.id, as_of=as_of, is_current=True, reported_by=reporter, reported_at=now,
                       source=source, figures={name: getattr(counts, name) for name in FIELDS})
    db.session.add(report)
    db.session.flush()
    return report


@dataclass(frozen=True)
class IndicatorResult:
    indicator: Indicator
    target: Target | None
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
    history: list[KpiReport] = field(default_factory=list)  # current reports, oldest first


def target_rule(target: Target) -> TargetRule:
    """The rules' view of a stored target."""
    return TargetRule(kind=target.kind, low=target.value_min, high=target.value_max, note=target.note,
                      milestones=tuple(Milestone(m.due_on, m.value) for m in target.milestones))


def results_for(report: KpiReport | None, targets: dict[int, Target], indicators: list[Indicator],
                as_of: date | None = None) -> list[IndicatorResult]:
    """Each indicator's ratio (from the report) and attainment against the group's target."""
    computed = {r.number: r for r in ratios(counts_of(report))} if report else {}
    results = []
    for indicator in indicators:
        target = targets.get(indicator.id)
        rule = target_rule(target) if target else None
        ratio = computed.get(indicator.number)
        when = as_of or (report.as_of if report else None)
        results.append(IndicatorResult(indicator, target, rule, ratio, attainment(ratio, rule, when)))
    return results


def load_groups(*, plan_id: int | None = None, unit_ids: list[int] | None = None) -> list[UnitGroup]:
    """Unit groups (with their plan, targets, indicators and milestones loaded) in plan and group order;
    with unit_ids, only the groups those units belong to. Members are loaded by kpi_by_unit. Two queries."""
    query = (
        select(UnitGroup).join(UnitGroup.plan).options(contains_eager(UnitGroup.plan))
        .order_by(UnitGroup.plan_id, UnitGroup.number)
    )
    if plan_id is not None:
        query = query.where(UnitGroup.plan_id == plan_id)
    if unit_ids is not None:
        query = query.where(
            UnitGroup.id.in_(select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id.in_(unit_ids))))
    groups = list(db.session.scalars(query))
    targets: dict[int, list[Target]] = defaultdict(list)
    if groups:
        for target in db.session.scalars(
                select(Target).where(Target.group_id.in_([g.id for g in groups]))
                .options(joinedload(Target.indicator), joinedload(Target.milestones))
                .order_by(Target.indicator_id)).unique():
            targets[target.group_id].append(target)
    for group in groups:
        set_committed_value(group, "targets", targets[group.id])
    return groups


def latest_reports(unit_ids: set[int], *, as_of: date | None = None) -> dict[int, KpiReport]:
    """Each unit's latest current report (on or before as_of): one query, one row per unit."""
    if not unit_ids:
        return {}
    conditions = [KpiReport.unit_id.in_(unit_ids), KpiReport.is_current]
    if as_of is not None:
        conditions.append(KpiReport.as_of <= as_of)
    ranked = (
        select(KpiReport.id, func.row_number().over(
            partition_by=KpiReport.unit_id, order_by=(KpiReport.as_of.desc(), KpiReport.id.desc())).label("n"))
        .where(*conditions).subquery()
    )
    query = select(KpiReport).join(ranked, ranked.c.id == KpiReport.id).where(ranked.c.n == 1)
    return {report.unit_id: report for report in db.session.scalars(query)}


def kpi_by_unit(*, unit_ids: list[int] | None = None, plan_id: int | None = None, as_of: date | None = None,
                with_history: bool = False, groups: list[UnitGroup] | None = None) -> list[UnitKpi]:
    """Every (unit, plan) standing, in plan and group order: a fixed number of queries for any number of units.
    With as_of, the latest current report on or before that date counts. With unit_ids, only those units'
    memberships are loaded; otherwise each group's members are set on it (for pages that list them).
    `groups` may pass what load_groups already returned for the same plan_id/unit_ids."""
    if groups is None:
        groups = load_groups(plan_id=plan_id, unit_ids=unit_ids)
    if not groups:
        return []
    by_id = {g.id: g for g in groups}
    members_query = (
        select(UnitGroupMember).outerjoin(UnitGroupMember.unit).options(contains_eager(UnitGroupMember.unit))
        .where(UnitGroupMember.group_id.in_(by_id)).order_by(UnitGroupMember.group_id, UnitGroupMember.position)
    )
    if unit_ids is not None:
        members_query = members_query.where(UnitGroupMember.unit_id.in_(unit_ids))
    members: dict[int, list[UnitGroupMember]] = defaultdict(list)
    for member in db.session.scalars(members_query):
        members[member.group_id].append(member)
    if unit_ids is None:
        for group in groups:
            set_committed_value(group, "members", members[group.id])
    plan_ids = {g.plan_id for g in groups}
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in db.session.scalars(
            select(Indicator).where(Indicator.plan_id.in_(plan_ids)).order_by(Indicator.number)):
        indicators[indicator.plan_id].append(indicator)
    member_ids = {m.unit_id for ms in members.values() for m in ms if m.unit_id is not None}
    history: dict[int, list[KpiReport]] = defaultdict(list)
    if with_history and member_ids:
        query = select(KpiReport).where(KpiReport.unit_id.in_(member_ids), KpiReport.is_current)
        if as_of is not None:
            query = query.where(KpiReport.as_of <= as_of)
        for report in db.session.scalars(query.order_by(KpiReport.as_of, KpiReport.id)):
            history[report.unit_id].append(report)
        latest = {unit_id: reports[-1] for unit_id, reports in history.items()}
    else:
        latest = latest_reports(member_ids, as_of=as_of)
    standings = []
    for group in groups:
        targets = {t.indicator_id: t for t in group.targets}
        for member in members[group.id]:
            if member.unit is None:
                continue
            report = latest.get(member.unit_id)
            standings.append(UnitKpi(
                unit=member.unit, plan=group.plan, group=group, latest=report,
                results=results_for(report, targets, indicators[group.plan_id]),
                history=list(history.get(member.unit_id, [])),
            ))
    return standings


def _rounded(percent: Fraction | None) -> float | None:
    """A percentage (or percentage points) rounded to one decimal, as a JSON number."""
    return None if percent is None else float(round_percent(percent / 100))


def standing_as_json(standing: UnitKpi) -> dict:
    """A unit's standing as the CLI and the API print it."""
    indicators = []
    for result in standing.results:
        rule, ratio, reached = result.rule, result.ratio, result.attainment
        indicators.append({
            "number": result.indicator.number,
            "name": result.indicator.name,
            "numerator": ratio.numerator if ratio else None,
            "denominator": ratio.denominator if ratio else None,
            "percent": _rounded(ratio.percent) if ratio else None,
            "target": None if rule is None else {
                "kind": rule.kind,
                "low": float(rule.low) if rule.low is not None else None,
                "high": float(rule.high) if rule.high is not None else None,
                "note": rule.note,
            },
            "required": float(reached.required) if reached.required is not None else None,
            "status": reached.status,
            "gap_points": _rounded(reached.gap_points),
        })
    return {"unit": standing.unit.name, "unit_code": standing.unit.code, "plan": standing.plan.number,
            "group": standing.group.name, "as_of": standing.latest.as_of.isoformat() if standing.latest else None,
            "indicators": indicators}
