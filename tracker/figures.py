"""KPI figures: recording a unit's counts (a correction supersedes the earlier report for the same date),
and working out each unit's ratios and attainment against its group's targets."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Indicator, KpiReport, Plan, Target, Unit, UnitGroup, UnitGroupMember, User
from .rules.kpi import (
    FIELDS, Attainment, Counts, Milestone, Ratio, TargetRule, attainment, check_counts, ratios, round_percent,
)

SOURCES = ("form", "api", "file", "cli", "demo")


class FiguresRefused(Exception):
    """Figures that cannot be recorded for a reason other than their consistency (e.g. a future date)."""


def counts_of(report: KpiReport) -> Counts:
    return Counts(**{name: getattr(report, name) for name in FIELDS})


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
                       source=source, **{name: getattr(counts, name) for name in FIELDS})
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


def kpi_by_unit(*, unit_ids: list[int] | None = None, plan_id: int | None = None, as_of: date | None = None,
                with_history: bool = False) -> list[UnitKpi]:
    """Every (unit, plan) standing, in plan and group order: a fixed number of queries for any number of units.

    With as_of, the latest current report on or before that date counts."""
    groups_query = (
        select(UnitGroup).order_by(UnitGroup.plan_id, UnitGroup.number)
        .options(selectinload(UnitGroup.members).selectinload(UnitGroupMember.unit),
                 selectinload(UnitGroup.targets).selectinload(Target.milestones))
    )
    if plan_id is not None:
        groups_query = groups_query.where(UnitGroup.plan_id == plan_id)
    if unit_ids is not None:
        groups_query = groups_query.where(
            UnitGroup.id.in_(select(UnitGroupMember.group_id).where(UnitGroupMember.unit_id.in_(unit_ids))))
    groups = list(db.session.scalars(groups_query))
    plan_ids = {g.plan_id for g in groups}
    plans = {p.id: p for p in db.session.scalars(select(Plan).where(Plan.id.in_(plan_ids)))} if plan_ids else {}
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    if plan_ids:
        for indicator in db.session.scalars(
                select(Indicator).where(Indicator.plan_id.in_(plan_ids)).order_by(Indicator.number)):
            indicators[indicator.plan_id].append(indicator)
    member_ids = {m.unit_id for g in groups for m in g.members if m.unit_id is not None}
    if unit_ids is not None:
        member_ids &= set(unit_ids)
    reports: dict[int, list[KpiReport]] = defaultdict(list)
    if member_ids:
        query = select(KpiReport).where(KpiReport.unit_id.in_(member_ids), KpiReport.is_current)
        if as_of is not None:
            query = query.where(KpiReport.as_of <= as_of)
        for report in db.session.scalars(query.order_by(KpiReport.as_of, KpiReport.id)):
            reports[report.unit_id].append(report)
    standings = []
    for group in groups:
        targets = {t.indicator_id: t for t in group.targets}
        for member in group.members:
            if member.unit is None or member.unit_id not in member_ids:
                continue
            history = reports.get(member.unit_id, [])
            latest = history[-1] if history else None
            standings.append(UnitKpi(
                unit=member.unit, plan=plans[group.plan_id], group=group, latest=latest,
                results=results_for(latest, targets, indicators[group.plan_id]),
                history=list(history) if with_history else [],
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
