"""The migration history builds the schema the models describe, from empty, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from tracker.extensions import db

from .conftest import ROOT

pytestmark = pytest.mark.committed  # migrations run on a connection of their own


def _drift() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(context, db.metadata)


def test_models_and_migrations_do_not_drift(app):
    with app.app_context():
        upgrade()
        assert _drift() == []


def test_downgrade_to_empty_and_upgrade_again_round_trips(app):
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        assert _drift() == []


def test_the_history_has_a_single_head():
    script = ScriptDirectory(str(ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_upgrading_from_0007_keeps_every_kpi_report_with_its_eight_counts_under_the_1872_definition(app):
    """Reports written with the eight count columns (0007) come through 0008 as figures under Decision 1872's
    definition (plan_id NULL), the plan with indicators now uses it with its indicators' keys set, and the
    unit's standing computes the same three ratios as the counts did before."""
    from datetime import date

    from sqlalchemy import select, text

    from tracker.figures import kpi_by_unit
    from tracker.models import Indicator, KpiReport, Plan
    from tracker.rules.kpi import FIELDS, RATIO_KEYS, Counts, ratios

    old = [  # (report id, as_of, is_current, the eight counts)
        (1, "2023-05-15", True, (12, 6, 6, 6, 10, 8, 1458, 134)),
        (2, "2023-04-30", True, (10, 4, 3, 5, 6, 2, 100, 7)),
        (3, "2023-05-15", False, (12, 6, 5, 6, 10, 8, 1458, 100)),  # superseded by report 1
    ]
    with app.app_context():
        downgrade(revision="0007")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO plans (id, number, title, issued_on, year, source_name, issuer) "
                    "VALUES (1, '1872/QĐ-BVHTTDL', 'KH', '2023-05-01', 2023, 's.txt', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO plans (id, number, title, year, source_name, issuer) "
                    "VALUES (2, '5/KH-UBND', 'Không có Phụ lục 1', 2023, 't.txt', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO units (id, code, name, folded_name, is_active) "
                    "VALUES (1, 'CBQTG', 'Cục Bản quyền tác giả', 'cuc ban quyen tac gia', TRUE)"
                )
            )
            for number, ratio in ((1, "full_online"), (2, "procedures_online"), (3, "dossiers_online")):
                connection.execute(
                    text(
                        "INSERT INTO indicators (id, plan_id, number, name, ratio) VALUES (:id, 1, :n, :name, :ratio)"
                    ),
                    {"id": number, "n": number, "name": f"Tỷ lệ ({number})", "ratio": ratio},
                )
            connection.execute(text("INSERT INTO unit_groups (id, plan_id, number, name) VALUES (1, 1, 3, 'Nhóm 3')"))
            connection.execute(
                text(
                    "INSERT INTO unit_group_members (id, group_id, position, written, unit_id) "
                    "VALUES (1, 1, 0, 'Cục Bản quyền tác giả', 1)"
                )
            )
            for number, low in ((1, 80), (2, 50), (3, 30)):
                connection.execute(
                    text(
                        "INSERT INTO targets (id, group_id, indicator_id, kind, value_min, note, "
                        "text) VALUES (:id, 1, :id, 'value', :low, '', '')"
                    ),
                    {"id": number, "low": low},
                )
            for report_id, as_of, current, counts in old:
                connection.execute(
                    text(
                        f"INSERT INTO kpi_reports (id, unit_id, as_of, {', '.join(FIELDS)}, is_current, reported_at, "
                        f"source) VALUES (:id, 1, :as_of, {', '.join(':' + f for f in FIELDS)}, :current, "
                        f"'2023-05-16 09:00:00+00', 'form')"
                    ),
                    {"id": report_id, "as_of": as_of, "current": current, **dict(zip(FIELDS, counts))},
                )
        upgrade()
        reports = {r.id: r for r in db.session.scalars(select(KpiReport))}
        assert set(reports) == {1, 2, 3}
        for report_id, as_of, current, counts in old:
            report = reports[report_id]
            assert report.figures == dict(zip(FIELDS, counts))
            assert (report.plan_id, report.as_of, report.is_current) == (None, date.fromisoformat(as_of), current)
        assert db.session.get(Plan, 1).kpi_scheme == "dvctt_1872"
        assert db.session.get(Plan, 2).kpi_scheme == "plan"
        keys = {i.number: (i.kind, i.numerator_key, i.denominator_key) for i in db.session.scalars(select(Indicator))}
        assert keys == {number: ("ratio", *pair) for number, pair in RATIO_KEYS.items()}
        [standing] = kpi_by_unit(unit_ids=[1])
        before = ratios(Counts(*old[0][3]))
        assert standing.latest.id == 1
        assert [r.ratio for r in standing.results] == list(before)
        assert db.session.scalar(text("SELECT count(*) FROM targets")) == 3
        assert db.session.scalar(text("SELECT count(*) FROM unit_group_members")) == 1
        assert [r.attainment.status for r in standing.results] == ["met", "met", "not_met"]
        db.session.rollback()
