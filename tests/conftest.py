"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TRACKER_TEST_DATABASE_URL is set),
an app per test with empty tables, a CLI runner, and helpers to import the seed plan."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask_migrate import upgrade

from tracker import create_app
from tracker.extensions import db

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_PLAN = SEEDS / "plan-1872-QD-BVHTTDL-2023.txt"
SEED_APPENDIX1_PIPES = SEEDS / "plan-1872-appendix1-pipe-table.txt"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to head once per session."""
    url = os.environ.get("TRACKER_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url: str, tmp_path: Path):
    """An app on the test database with every table emptied; yielded outside any app context."""
    app = create_app({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "TODAY": "2023-09-15",
        "TESTING": True,
    })
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(app, runner):
    """The app with the unit directory loaded and the seed plan imported (through the CLI, as a user would)."""
    result = runner.invoke(args=["units", "load"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["plan", "import", str(SEED_PLAN)])
    assert result.exit_code == 0, result.output
    return app
