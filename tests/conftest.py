"""Fixtures: a migrated database (SQLite by default, PostgreSQL when TRACKER_TEST_DATABASE_URL is set),
an app per test with empty tables, a CLI runner, the seed plan, users of every role, and a login helper."""

from __future__ import annotations

import functools
import os
import re
import secrets
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from tracker import create_app
from tracker.accounts import find_unit, hash_password
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.models import Assignment, Unit, User

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The development corpus of real plans with hand-checked ground truth: shared/corpus beside the clone (CI
# lays shared/ there), found from any folder above this one so a git worktree finds it too.
CORPUS = next(
    (folder / "shared" / "corpus" for folder in ROOT.parents if (folder / "shared" / "corpus").is_dir()),
    ROOT.parent / "shared" / "corpus",
)
SEED_PLAN = SEEDS / "plan-1872-QD-BVHTTDL-2023.txt"
SEED_APPENDIX1_PIPES = SEEDS / "plan-1872-appendix1-pipe-table.txt"
PASSWORD = "mat-khau-thu-nghiem-2023"

# One user of each kind the tests need: role, unit code.
PEOPLE = {
    "admin": ("admin", None),
    "monitor": ("monitor", None),
    "viewer": ("viewer", None),
    "head_vpc": ("unit_head", "VPC"),
    "head_cda": ("unit_head", "CDA"),
    "staff_cda": ("unit_staff", "CDA"),
    "head_cbqtg": ("unit_head", "CBQTG"),
}


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
def today() -> str:
    """The pinned "today" of a test; override in a module or with parametrize."""
    return "2023-09-15"


@pytest.fixture
def app(database_url: str, tmp_path: Path, today: str):
    """An app on the test database with every table emptied; yielded outside any app context."""
    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test",
            "TODAY": today,
            "TESTING": True,
            "UPLOAD_DIR": str(tmp_path / "uploads"),
            "IMPORT_DIR": str(tmp_path / "imports"),
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
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
    """The app with the unit directory loaded, the seed plan imported (through the CLI, as a user
    would) and one account per kind of person in PEOPLE."""
    result = runner.invoke(args=["units", "load"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["plan", "import", str(SEED_PLAN)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for key, (role, code) in PEOPLE.items():
            make_user(key, role, code)
        db.session.commit()
    return app


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per test session (Argon2id is slow on purpose)."""
    return hash_password(PASSWORD)


def make_user(key: str, role: str, code: str | None = None) -> User:
    """A user `key@example.org` with PASSWORD, as create_user would make it; flushes."""
    user = User(
        email=f"{key}@example.org",
        name=key,
        role=role,
        unit=find_unit(code) if code else None,
        password_hash=_password_hash(),
        session_token=secrets.token_hex(16),
        created_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on a page, as a browser would have it."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, who: str, password: str = PASSWORD):
    """Sign in through the login form (with its CSRF token) as one of PEOPLE."""
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": f"{who}@example.org", "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client):
    def _login(who: str):
        response = login(client, who)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


def user_id(app, who: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == f"{who}@example.org"))


def find_assignment(reference: str, code: str) -> Assignment:
    """One unit's assignment of an item ("I.2", "CDA"), inside an app context."""
    for assignment in db.session.scalars(select(Assignment).join(Unit).where(Unit.code == code)):
        if assignment.item.reference == reference:
            return assignment
    raise AssertionError(f"no assignment {reference} for {code}")


def assignment_of(app, reference: str, code: str) -> tuple[int, int]:
    """(assignment id, version) of one unit's assignment of an item."""
    with app.app_context():
        assignment = find_assignment(reference, code)
        return assignment.id, assignment.version


def post_status(client, assignment_id: int, version: int, token: str | None = None, **fields):
    """The item page's update form for one assignment, as a browser posts it."""
    data = {f"a{assignment_id}-{k}": v for k, v in fields.items()}
    data[f"a{assignment_id}-version"] = str(version)
    data["csrf_token"] = token or csrf_token(client, "/account")
    return client.post(f"/assignments/{assignment_id}/status", data=data, content_type="multipart/form-data")
