"""A unit's page reads its KPI standings as plain rows (tracker.figures.unit_standings): the same plans, groups,
targets (a unit's own first, milestones in force), figures and judgements as kpi_by_unit gives, with every current
report and who sent it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from tracker.extensions import db
from tracker.figures import kpi_by_unit, record_figures, unit_standings
from tracker.models import Indicator, Plan, Target, Unit, UnitGroupMember, User

from .rules.test_kpi import COPYRIGHT_OFFICE
from .test_indicators import make_plan

NOW = datetime(2022, 11, 15, 9, tzinfo=UTC)


def _shape(standing) -> tuple:
    """What the page shows of a standing, whichever way it was read."""
    latest = standing.latest
    return (
        standing.plan.id,
        standing.plan.number,
        standing.plan.kpi_scheme,
        standing.group.id,
        standing.group.name,
        None if latest is None else (latest.id, latest.as_of, latest.figures),
        [
            (
                r.indicator.id,
                None if r.target is None else (r.target.id, r.target.unit_id),
                r.rule,
                r.ratio,
                r.attainment,
            )
            for r in standing.results
        ],
    )


def _record(unit: Unit, figures, *, plan: Plan | None, as_of: date, reporter: User | None) -> None:
    record_figures(
        unit, figures, plan=plan, as_of=as_of, today=date(2022, 11, 15), now=NOW, reporter=reporter, source="form"
    )


def test_a_units_standings_read_as_rows_are_those_kpi_by_unit_works_out(seeded):
    plan_id = make_plan(seeded)  # CDA and CBQTG: a rising target, CDA's own target, a count
    with seeded.app_context():
        plan = db.session.get(Plan, plan_id)
        cda, cbqtg = (db.session.scalar(select(Unit).where(Unit.code == code)) for code in ("CDA", "CBQTG"))
        head = db.session.scalar(select(User).where(User.email == "head_cda@example.org"))
        own = {"online": "40", "received": "50", "payment_rate": "31", "meetings": "9"}
        _record(cda, own, plan=plan, as_of=date(2022, 9, 30), reporter=head)
        _record(cda, {**own, "online": "45"}, plan=plan, as_of=date(2022, 10, 31), reporter=head)
        _record(cbqtg, own, plan=plan, as_of=date(2022, 10, 31), reporter=None)
        _record(cda, COPYRIGHT_OFFICE, plan=None, as_of=date(2022, 10, 31), reporter=head)  # Decision 1872's counts
        db.session.commit()

        members = list(db.session.scalars(select(UnitGroupMember.unit_id).distinct()))
        assert cda.id in members and len(members) > 2
        for unit_id in members:
            assert [_shape(s) for s in unit_standings(unit_id)] == [
                _shape(s) for s in kpi_by_unit(unit_ids=[unit_id])
            ], unit_id

        by_plan = {s.plan.id: s for s in unit_standings(cda.id)}
        mine = by_plan[plan_id]
        assert [(r.as_of, r.figures["online"]) for r in mine.history] == [
            (date(2022, 9, 30), 40),
            (date(2022, 10, 31), 45),
        ]
        assert mine.latest is mine.history[-1] and mine.latest.reporter == head.display_name
        assert [r.target.unit_id for r in mine.results] == [None, cda.id, None]  # its own payment target
        assert [m.value for m in mine.results[0].rule.milestones] == [50, 65, 80]
        [theirs] = [s for s in unit_standings(cbqtg.id) if s.plan.id == plan_id]
        assert theirs.latest is not None and theirs.latest.reporter is None  # sent without a person
        assert unit_standings(db.session.scalar(select(Unit.id).where(Unit.id.not_in(members)))) == []

        # An indicator nobody has a target for yet is still on the page, with no target.
        counted = db.session.scalar(select(Indicator).where(Indicator.plan_id == plan_id, Indicator.number == 3))
        db.session.execute(delete(Target).where(Target.indicator_id == counted.id))
        db.session.commit()
        [mine] = [s for s in unit_standings(cda.id) if s.plan.id == plan_id]
        assert [(r.indicator.number, r.target is None) for r in mine.results] == [(1, False), (2, False), (3, True)]
        for unit_id in members:
            assert [_shape(s) for s in unit_standings(unit_id)] == [
                _shape(s) for s in kpi_by_unit(unit_ids=[unit_id])
            ], unit_id
