"""Fixtures: the test databases, an app per test, a CLI runner, the seed plan, users of every role, and a login
helper.

The databases: once per test session (per pytest-xdist worker), a database is migrated and the seeded state
(units, the seed plan, PEOPLE) committed into it: SQLite files in a temporary folder by default, or the
PostgreSQL database of TRACKER_TEST_DATABASE_URL (under xdist, one per worker created beside it). A test runs
inside a transaction on one connection, rolled back at its end; every session of its app joins that
transaction through savepoints, so the app's own commits and rollbacks behave as in production and vanish after
the test. `app` alone starts from empty tables (emptied inside the transaction), `seeded` from the seeded state.
A test whose commits must be seen by another connection, thread or process (a live server, a second app or
process, racing transactions, migrations, backups) is marked `@pytest.mark.committed` and gets a database of
its own whose commits are real; on SQLite, a test that commits elsewhere without the mark fails."""

from __future__ import annotations

import functools
import os
import re
import secrets
import shutil
from pathlib import Path
from weakref import WeakKeyDictionary

import pytest
from flask import Flask, current_app, has_app_context
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ProgrammingError

from tracker import create_app
from tracker.accounts import find_unit, hash_password
from tracker.clock import utcnow
from tracker.extensions import db
from tracker.logs import configure_logging
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


def pytest_configure(config: pytest.Config) -> None:
    # Every session of db.session joins the test's open connection when the test runs inside one (see `app`).
    db.session = db._make_scoped_session({"class_": _JoinedSession, "join_transaction_mode": "create_savepoint"})


# The open connection of each app whose test runs inside a transaction rolled back at its end.
_JOINED: WeakKeyDictionary[Flask, Connection] = WeakKeyDictionary()


class _JoinedSession(Session):
    """Flask-SQLAlchemy's session, except in the app of a test that runs inside a transaction: there it uses
    that test's connection, and its own begin/commit/rollback become a savepoint, its release and its rollback
    (SQLAlchemy's "Joining a Session into an External Transaction"). Other apps (a second app on another
    database, a scratch database) get their engine as usual."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_app_context():
            bind = _JOINED.get(current_app._get_current_object())  # type: ignore[attr-defined]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _make_app(url: str, folder: Path, today: str | None = None, **config: str) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "TODAY": today,
            "TESTING": True,
            "UPLOAD_DIR": str(folder / "uploads"),
            "IMPORT_DIR": str(folder / "imports"),
            "OUTBOX_DIR": str(folder / "outbox"),
            **config,
        }
    )


def _close(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables() -> None:
    """Delete every row, children first; inside an app context, not committed."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())


def _seed(app: Flask) -> None:
    """The unit directory loaded and the seed plan imported through the CLI, as a user would, and one account
    per kind of person in PEOPLE; committed."""
    runner = app.test_cli_runner()
    for args in (["units", "load"], ["plan", "import", str(SEED_PLAN)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    with app.app_context():
        for key, (role, code) in PEOPLE.items():
            make_user(key, role, code)
        db.session.commit()


def _is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class Databases:
    """The databases of one test session (of one xdist worker): `url`, migrated and seeded once, which the
    tests share, each inside a transaction rolled back at its end; on SQLite, the migrated and the seeded
    state kept as files to copy for a test marked `committed`; on PostgreSQL such a test empties and seeds the
    shared database itself, which is then seeded again before the next test that shares it."""

    def __init__(self, url: str, folder: Path, templates: dict[bool, Path] | None) -> None:
        self.url = url
        self.folder = folder
        self.templates = templates
        self.dirty = False
        self.apps: dict[tuple, tuple[Flask, dict, tuple]] = {}

    def app(self, folder: Path, today: str) -> Flask:
        """An app on the shared database, made once per set of TRACKER_* variables (making one takes a tenth
        of a second) and given this test's folders, today and otherwise its first configuration again; as new
        for a test that adds a route or a hook (see `release`)."""
        key = tuple(sorted((name, value) for name, value in os.environ.items() if name.startswith("TRACKER_")))
        if key in self.apps:
            app, config, _ = self.apps[key]
            configure_logging(app)  # as making it would: the process's log format is the newest app's
            app._got_first_request = False  # Flask's guard against adding routes to an app that served
        else:
            app = _make_app(self.url, folder)
            config = dict(app.config)
            self.apps[key] = app, config, _setup(app)
            with app.app_context():
                _quiet_savepoints(db.engine.dialect)
                if _is_sqlite(self.url):
                    # pysqlite begins a transaction only before a write, so a savepoint could end it; SQLAlchemy's
                    # recipe: turn pysqlite's BEGIN off and emit BEGIN when SQLAlchemy begins.
                    event.listen(db.engine, "connect", _sqlite_no_autobegin)
                    event.listen(db.engine, "begin", _sqlite_begin)
        app.config.clear()
        app.config.update(
            config,
            TODAY=today,
            UPLOAD_DIR=str(folder / "uploads"),
            IMPORT_DIR=str(folder / "imports"),
            OUTBOX_DIR=str(folder / "outbox"),
        )
        app.extensions["page_cache"].clear()  # no page kept from another test's data
        return app

    def release(self, app: Flask) -> None:
        """After a test: an app the test added a route, hook, handler, template global or extension to is not
        used again."""
        for key, (kept, _, setup) in list(self.apps.items()):
            if kept is app and _setup(app) != setup:
                del self.apps[key]
                _close(app)

    def close(self) -> None:
        for app, _, _ in self.apps.values():
            _close(app)

    @property
    def imports(self) -> Path:
        """The seed plan's source document as the import kept it (its IMPORT_DIR)."""
        return self.folder / "imports"

    def reseed(self) -> None:
        """Put the shared database back in the seeded state, for real."""
        self.close()
        if self.templates is not None:
            shared = Path(make_url(self.url).database or "")
            for leftover in (shared.with_name(shared.name + "-wal"), shared.with_name(shared.name + "-shm")):
                leftover.unlink(missing_ok=True)
            shutil.copyfile(self.templates[True], shared)
            self.dirty = False
            return
        app = _make_app(self.url, self.folder)
        with app.app_context():
            _empty_tables()
            db.session.commit()
        _seed(app)
        _close(app)
        self.dirty = False


def _setup(app: Flask) -> tuple:
    """What a test could add to an app after it is made: routes, request hooks, error handlers, template
    globals and filters, extensions, a WSGI middleware."""
    hooks = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.url_value_preprocessors,
        app.url_default_functions,
        app.template_context_processors,
    )
    return (
        tuple(sorted(app.view_functions)),
        len(list(app.url_map.iter_rules())),
        tuple(tuple(sorted((str(scope), len(funcs)) for scope, funcs in hook.items())) for hook in hooks),
        len(app.teardown_appcontext_funcs),
        sum(len(handlers) for codes in app.error_handler_spec.values() for handlers in codes.values()),
        tuple(sorted(app.jinja_env.globals)),
        tuple(sorted(app.jinja_env.filters)),
        tuple(sorted(app.extensions)),
        tuple(sorted(app.blueprints)),
        id(vars(app).get("wsgi_app")),
    )


def _migrate(url: str, folder: Path) -> None:
    app = _make_app(url, folder)
    with app.app_context():
        upgrade()
    _close(app)


def _server_url(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _admin_engine(url: str):
    return create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory):
    """The session's databases (see Databases): SQLite files in a temporary folder by default; with
    TRACKER_TEST_DATABASE_URL, that PostgreSQL database, or under pytest-xdist one created beside it per worker
    (named after it with the worker's id; the role needs CREATEDB) and dropped at the end."""
    folder = tmp_path_factory.mktemp("db")
    server = os.environ.get("TRACKER_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if server:
        url, created = server, None
        if worker:
            created = f"{make_url(server).database}_{worker}"
            url = _server_url(server, created)
            admin = _admin_engine(server)
            try:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
                    connection.exec_driver_sql(f'CREATE DATABASE "{created}"')
            except ProgrammingError as exc:
                pytest.fail(
                    f"pytest-xdist needs a database per worker: {make_url(server).username} may not create"
                    f" {created} ({exc.orig}). ALTER ROLE … CREATEDB, or run with -n 0.",
                    pytrace=False,
                )
            finally:
                admin.dispose()
        _migrate(url, folder)
        databases = Databases(url, folder, None)
        databases.reseed()
        yield databases
        databases.close()
        if created:
            admin = _admin_engine(server)
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
            admin.dispose()
        return
    empty, seeded, shared = folder / "empty.sqlite3", folder / "seeded.sqlite3", folder / "shared.sqlite3"
    _migrate(f"sqlite:///{empty}", folder)
    shutil.copyfile(empty, seeded)
    seed_app = _make_app(f"sqlite:///{seeded}", folder)
    _seed(seed_app)
    _close(seed_app)
    shutil.copyfile(seeded, shared)
    databases = Databases(f"sqlite:///{shared}", folder, {False: empty, True: seeded})
    yield databases
    databases.close()


def _commits(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("committed") is not None


@pytest.fixture
def database_url(request: pytest.FixtureRequest, _databases: Databases, tmp_path: Path) -> str:
    """The test's database. Shared, and seen inside the test's transaction by its `app` only; for a test marked
    `committed`, one whose commits are real and seen by any connection, thread or process: on SQLite a copy of
    the migrated (or, for a test using `seeded`, the seeded) database in tmp_path."""
    if not _commits(request) or _databases.templates is None:
        return _databases.url
    copy = tmp_path / "test.sqlite3"
    shutil.copyfile(_databases.templates["seeded" in request.fixturenames], copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def today() -> str:
    """The pinned "today" of a test; override in a module or with parametrize."""
    return "2023-09-15"


@pytest.fixture
def app(request: pytest.FixtureRequest, _databases: Databases, database_url: str, tmp_path: Path, today: str):
    """An app on the test database, its tables empty (or, for a test using `seeded`, in the seeded state);
    yielded outside any app context.

    The test runs inside a transaction on one connection that every session of this app joins, rolled back at
    its end: the app's commits are real for the test, and gone after it. A test whose commits must be seen by
    another connection, thread or process (a live server, a second process, two racing transactions, a
    migration) is marked `committed` and gets a database of its own whose commits are real (see database_url)."""
    seeded = "seeded" in request.fixturenames
    if seeded:
        shutil.copytree(_databases.imports, tmp_path / "imports")
    if _commits(request):
        app = _make_app(database_url, tmp_path, today)
        if _databases.templates is None:  # PostgreSQL: the shared database, emptied and seeded for real
            _databases.dirty = True
            with app.app_context():
                _empty_tables()
                db.session.commit()
            if seeded:
                _seed(app)
        yield app
        _close(app)
        return
    if _databases.dirty:
        _databases.reseed()
    app = _databases.app(tmp_path, today)
    with app.app_context():
        connection = db.engine.connect()
    others_commits = _others_commits(connection)
    transaction = connection.begin()
    if not seeded:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    _JOINED[app] = connection
    yield app
    del _JOINED[app]
    with app.app_context():
        db.session.remove()
    transaction.rollback()
    committed_elsewhere = _others_commits(connection) != others_commits
    connection.close()
    _databases.release(app)
    if committed_elsewhere:
        _databases.dirty = True
        pytest.fail(
            "another connection committed to the shared test database during this test: its changes would outlive"
            " the test; mark it @pytest.mark.committed"
        )


def _others_commits(connection: Connection) -> int | None:
    """SQLite's count of the commits other connections made to the database, read outside a transaction
    (inside one it stays at the transaction's snapshot)."""
    if connection.dialect.name != "sqlite":
        return None
    return _raw(connection, "PRAGMA data_version")[0]


def _raw(connection: Connection, sql: str):
    """Run sql on the DBAPI connection itself, not as a statement of the app's (no SQLAlchemy event sees it);
    its first row, if it has rows."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchone() if cursor.description else None
    finally:
        cursor.close()


def _quiet_savepoints(dialect) -> None:
    """The savepoints that stand for the app's transactions in a test, emitted on the DBAPI connection as the
    app's BEGIN and COMMIT are: a test that counts the app's statements (before_cursor_execute) counts what
    production runs."""
    quote = dialect.identifier_preparer.quote
    dialect.do_savepoint = lambda connection, name: _raw(connection, f"SAVEPOINT {quote(name)}")
    dialect.do_release_savepoint = lambda connection, name: _raw(connection, f"RELEASE SAVEPOINT {quote(name)}")
    dialect.do_rollback_to_savepoint = lambda connection, name: _raw(connection, f"ROLLBACK TO SAVEPOINT {quote(name)}")


def _sqlite_no_autobegin(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Connection) -> None:
    _raw(connection, "BEGIN")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def seeded(app):
    """The app with the unit directory loaded, the seed plan imported (through the CLI, as a user would) and
    one account per kind of person in PEOPLE: the state `app` starts from when a test uses this fixture."""
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
