"""The benchmark: the pages a unit head, the IT Centre and the API use most, timed in the server against a
bare route that renders a one-line template (the floor), with the SQL statements each request issues; the
day's reminder sweep; and a wrk load run against gunicorn on 127.0.0.1.

`python -m tools.bench --dataset S|M|L --database sqlite|postgresql [--json]` (see __main__.py). The
datasets are built once (S: the seed plan with the demo's history; M and L: `python -m tools.synth`) into
`instance/bench/` (SQLite) or a database of their own (PostgreSQL) and reused while their recipe is unchanged.
"""

from __future__ import annotations

import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, render_template
from sqlalchemy import event, func, select, text

if TYPE_CHECKING:
    from flask.testing import FlaskClient

    from tracker.models import User

ROOT = Path(__file__).resolve().parents[2]

# How each dataset is made. S is the Ministry's seed plan as `demo setup` loads it; M and L are
# tools.synth with these arguments. Changing a recipe makes the next run rebuild that dataset.
RECIPES: dict[str, dict[str, Any]] = {
    "S": {"today": "2023-09-15"},
    "M": {"units": 1000, "plans": 10, "items_per_plan": 100, "months": 12, "seed": 7, "today": "2025-11-17"},
    "L": {"units": 10000, "plans": 100, "items_per_plan": 100, "months": 12, "seed": 7, "today": "2025-11-17"},
}
PAGES = ("unit", "item", "plan", "monitoring", "kpi", "api", "floor")
FLOOR_PATH = "/bench/floor"
FLOOR_TEMPLATE = "bench/floor.html"  # tools/bench/templates/bench/floor.html, one line: <p>{{ word }}</p>
FLOOR_BLUEPRINT = "bench"
MARKER = "bench_dataset"  # a settings row naming the recipe a database was built with


class BenchError(Exception):
    """Something the person running the benchmark must fix (a missing tool, a database not reachable)."""


# --- datasets --------------------------------------------------------------------------------------------


def postgresql_url(dataset: str) -> str:
    """The PostgreSQL database a dataset lives in: TRACKER_BENCH_POSTGRESQL_URL names the server and a role
    allowed to create databases (default: the local cluster, role tracker); the database is tracker_bench_<s>."""
    base = os.environ.get("TRACKER_BENCH_POSTGRESQL_URL", "postgresql+psycopg://tracker:tracker@127.0.0.1:5432")
    return f"{base.rstrip('/')}/tracker_bench_{dataset.lower()}"


def database_url(dataset: str, database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'instance' / 'bench' / f'{dataset}.sqlite3'}"
    if database == "postgresql":
        return postgresql_url(dataset)
    raise BenchError(f"Unknown database {database!r}: sqlite or postgresql.")


def _recreate_database(url: str) -> None:
    """An empty database at url (dropped first when it exists)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    except Exception as exc:
        raise BenchError(
            f"Cannot create the PostgreSQL database {parsed.database} as {parsed.username}: {exc}. "
            "Start the cluster (pg_ctlcluster 15 main start) and give the role CREATEDB, or set "
            "TRACKER_BENCH_POSTGRESQL_URL."
        ) from exc
    finally:
        admin.dispose()


def make_app(url: str, today: str, **overrides: Any) -> Flask:
    """The real app on the dataset's database, with the floor route added (only in the benchmark's app)."""
    from tracker import create_app

    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    app = create_app(
        {
            "DATABASE_URL": url,
            "TODAY": today,
            "SECRET_KEY": overrides.pop("SECRET_KEY", secrets.token_hex(32)),
            "OUTBOX_DIR": str(workdir / "outbox"),
            "UPLOAD_DIR": str(workdir / "uploads"),
            **overrides,
        }
    )
    add_floor(app)
    return app


def add_floor(app: Flask) -> None:
    """A bare route rendering a one-line template: what any request through this app costs at least. The
    template is the benchmark's own (tools/bench/templates/), found through a blueprint's Jinja loader."""
    from tracker.views.security import PUBLIC_ENDPOINTS

    floor_pages = Blueprint(FLOOR_BLUEPRINT, __name__, template_folder="templates")

    @floor_pages.route(FLOOR_PATH)
    def floor() -> str:
        return render_template(FLOOR_TEMPLATE, word="floor")

    app.register_blueprint(floor_pages)
    # The app sends signed-out visitors to the sign-in page; the floor is public, in this process only.
    PUBLIC_ENDPOINTS.add(f"{FLOOR_BLUEPRINT}.floor")


def _marker(app: Flask) -> dict | None:
    from tracker.extensions import db
    from tracker.models import Setting

    with app.app_context():
        try:
            setting = db.session.get(Setting, MARKER)
        except Exception:
            db.session.rollback()
            return None
        return dict(setting.value) if setting else None


def settle(app: Flask) -> None:
    """The dataset's database as an installation's would be: migrated to the head (a dataset built before a
    migration gets it, with its indexes) and, on PostgreSQL, vacuumed and analysed as autovacuum does soon
    after a load (the planner reads an index alone only where the visibility map says the rows are settled)."""
    from flask_migrate import upgrade

    from tracker.extensions import db

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()


def ensure_dataset(
    dataset: str, database: str, *, rebuild: bool = False, log: Callable[[str], object] = print
) -> dict[str, Any]:
    """Build the dataset unless its database already holds it (same recipe), then settle it; returns the
    marker."""
    recipe = RECIPES[dataset]
    url = database_url(dataset, database)
    if not rebuild:
        try:
            app = make_app(url, recipe["today"])
            marker = _marker(app)
        except Exception:
            marker = None
        if marker and marker.get("recipe") == recipe:
            settle(app)
            return marker
    log(f"Building dataset {dataset} on {database} …")
    _recreate_database(url)
    app = make_app(url, recipe["today"])
    password = secrets.token_urlsafe(12)
    started = time.perf_counter()
    from flask_migrate import upgrade

    from tools.synth.cli import synth_command
    from tracker.extensions import db
    from tracker.models import Setting

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    runner = app.test_cli_runner()
    if dataset == "S":
        result = runner.invoke(args=["demo", "setup"])
    else:
        result = runner.invoke(
            synth_command,
            args=[
                "--units",
                str(recipe["units"]),
                "--plans",
                str(recipe["plans"]),
                "--items-per-plan",
                str(recipe["items_per_plan"]),
                "--months",
                str(recipe["months"]),
                "--seed",
                str(recipe["seed"]),
                "--today",
                recipe["today"],
                "--password",
                password,
                "--accounts-file",
                str(ROOT / "instance" / "bench" / f"{dataset}-{database}-accounts.txt"),
            ],
        )
    if result.exit_code != 0:
        raise BenchError(f"Building {dataset} failed:\n{result.output}\n{result.exception!r}")
    seconds = time.perf_counter() - started
    marker = {"recipe": recipe, "build_seconds": round(seconds, 1), "built_at": datetime.now(UTC).isoformat()}
    with app.app_context():
        db.session.merge(Setting(key=MARKER, value=marker, updated_at=datetime.now(UTC)))
        db.session.commit()
    settle(app)
    log(f"Built {dataset} on {database} in {seconds:.1f} s.")
    return marker


# --- measuring ---------------------------------------------------------------------------------------------


@contextmanager
def counting_statements(app: Flask) -> Iterator[dict[str, int]]:
    from tracker.extensions import db

    counter = {"n": 0}

    def on_execute(*_args: Any) -> None:
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


@dataclass
class Target:
    """One page to time: a path per round (rotating over a sample) and the client to ask with."""

    name: str
    paths: list[str]
    clients: list[Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)


def _signed_in_client(app: Flask, user: User) -> FlaskClient:
    """A test client holding the session cookie a browser holds once the user has signed in and opened a page:
    a sign-in record of its own (the caller commits), Flask-Login's session with its session-protection mark,
    and the form token the first page put in it. A cookie short of any of these is rewritten by the next page,
    a cost a person pays once a sign-in; it would fall on every timed view of a page whose rounds go to a
    different user each time, as the unit page's do."""
    from flask import g, request, session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    from tracker.accounts import start_session

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        start_session(
            user, address=request.remote_addr or "?", user_agent=request.user_agent.string, now=datetime.now(UTC)
        )
        login_user(user)  # what the sign-in form does
        g.pop(app.config["WTF_CSRF_FIELD_NAME"], None)  # the token of the last client (g is the app context's)
        generate_csrf()  # what the first page does: its sign-out form's token
        signed_in = dict(session)
    with client.session_transaction() as cookie:
        cookie.update(signed_in)
    return client


def choose_targets(app: Flask, *, sample: int, seed: int = 1) -> list[Target]:
    """What the rounds ask for: `sample` different units (each as its own head), items and plans, chosen at
    random with a fixed seed among those that have work; the overdue list's first `sample` pages (or every page,
    when it has fewer) for the IT Centre; the KPI overview and the API as the IT Centre."""
    from tracker.api_tokens import create_token
    from tracker.clock import today
    from tracker.extensions import db
    from tracker.models import ActionItem, Assignment, Plan, Unit, User
    from tracker.urging_letter import units_with_overdue
    from tracker.views.monitoring import PER_PAGE as MONITORING_PER_PAGE

    pick = random.Random(seed)
    with app.app_context():
        heads = list(
            db.session.execute(
                select(Unit.code, User)
                .join(User, User.unit_id == Unit.id)
                .where(
                    User.role == "unit_head",
                    User.is_active,
                    Unit.id.in_(select(Assignment.unit_id).where(Assignment.is_active)),
                )
                .order_by(Unit.code)
            ).all()
        )
        viewer = db.session.scalar(select(User).where(User.role == "viewer", User.is_active).order_by(User.id))
        monitor = db.session.scalar(select(User).where(User.role == "monitor", User.is_active).order_by(User.id))
        if not heads or viewer is None or monitor is None:
            raise BenchError("The dataset has no unit heads with work, viewer or monitor account.")
        heads = pick.sample(heads, min(sample, len(heads)))
        item_ids = list(db.session.scalars(select(ActionItem.id).order_by(ActionItem.id)))
        items = pick.sample(item_ids, min(sample, len(item_ids)))
        plan_ids = list(db.session.scalars(select(Plan.id).order_by(Plan.id)))
        plans = pick.sample(plan_ids, min(sample, len(plan_ids)))
        # The overdue list's first pages, as the IT Centre pages through it (each a new address for the cache).
        overdue = units_with_overdue(today(), limit=1).total
        overdue_pages = range(1, min(sample, max(1, math.ceil(overdue / MONITORING_PER_PAGE))) + 1)
        token, _row = create_token(monitor, "bench", datetime.now(UTC))
        head_clients = [_signed_in_client(app, user) for _code, user in heads]
        viewer_client = _signed_in_client(app, viewer)
        monitor_client = _signed_in_client(app, monitor)
        db.session.commit()
    return [
        Target("unit", [f"/units/{code}" for code, _user in heads], head_clients),
        Target("item", [f"/items/{i}" for i in items], [viewer_client]),
        Target("plan", [f"/plans/{p}" for p in plans], [viewer_client]),
        Target("monitoring", [f"/monitoring?page={n}" for n in overdue_pages], [monitor_client]),
        Target("kpi", [f"/kpi?plan={p}" for p in plans], [monitor_client]),
        Target(
            "api", ["/api/v1/assignments?overdue=1"], [app.test_client()], headers={"Authorization": f"Bearer {token}"}
        ),
        Target("floor", [FLOOR_PATH], [app.test_client()]),
    ]


def time_pages(app: Flask, targets: list[Target], *, rounds: int, warmup: int = 3) -> None:
    """Each round asks every page once (so the machine's noise falls on all pages alike); records the time
    the request took in the app (WSGI call through the test client) and the SQL statements it issued."""
    with counting_statements(app) as counter:
        for n in range(warmup + rounds):
            for target in targets:
                path = target.paths[n % len(target.paths)]
                client = target.clients[n % len(target.clients)]
                counter["n"] = 0
                started = time.perf_counter()
                response = client.get(path, headers=target.headers)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise BenchError(f"{path} answered {response.status_code}: {response.get_data(as_text=True)[:300]}")
                if n >= warmup:
                    target.times.append(elapsed * 1000)
                    target.queries.append(counter["n"])


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return ordered[index]


def summarize(targets: list[Target]) -> dict[str, dict[str, float | int]]:
    floor = next(t for t in targets if t.name == "floor")
    floor_median = statistics.median(floor.times)
    pages = {}
    for target in targets:
        median = statistics.median(target.times)
        pages[target.name] = {
            "median_ms": round(median, 2),
            "p95_ms": round(percentile(target.times, 0.95), 2),
            "queries": max(target.queries),  # the most any request of that page issued
            "x_floor": round(median / floor_median, 2),
            "requests": len(target.times),
        }
    return pages


def time_sweep(app: Flask, day: date, *, repeats: int = 3) -> dict[str, float | int]:
    """The day's reminder sweep as the scheduler runs it, rolled back after each run so it can be repeated:
    median seconds, messages made, assignments it read, and all assignments held (active, not done)."""
    from tracker.extensions import db
    from tracker.models import Assignment
    from tracker.reminders import sweep

    seconds, result = [], None
    with app.app_context():
        held = db.session.scalar(select(func.count()).select_from(Assignment).where(Assignment.is_active)) or 0
        for _ in range(repeats):
            started = time.perf_counter()
            result = sweep(day, now=datetime.now(UTC))
            db.session.flush()
            seconds.append(time.perf_counter() - started)
            db.session.rollback()
    assert result is not None
    return {
        "seconds": round(statistics.median(seconds), 3),
        "messages": len(result.drafts),
        "assignments": held,
        "assignments_read": result.assignments_read,
    }


# --- load with wrk against gunicorn --------------------------------------------------------------------------


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a server started in its own process group (TERM, then KILL after 30 s) and reap it."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_wrk() -> str:
    """wrk's path (the Debian package wrk: .ci/run installs it, the benchmark never does)."""
    path = shutil.which("wrk")
    if path is None:
        raise BenchError("wrk is not installed: apt-get install wrk (or run with --no-load).")
    return path


def page_cache_env(page_cache: bool) -> dict[str, str]:
    """The environment a server is started with: the app's own page cache setting, or none kept."""
    return {} if page_cache else {"TRACKER_PAGE_CACHE_MB": "0"}


@contextmanager
def gunicorn_server(
    url: str, today: str, secret_key: str, *, workers: int = 2, page_cache: bool = True
) -> Iterator[str]:
    """gunicorn serving the benchmark's app (the real app plus the floor route) on a free loopback port;
    page_cache False: every page rendered for every request."""
    port = _free_port()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_TODAY": today,
        "TRACKER_SECRET_KEY": secret_key,
        "TRACKER_OUTBOX_DIR": tempfile.mkdtemp(prefix="tracker-bench-outbox-"),
        **page_cache_env(page_cache),
        "PYTHONPATH": str(ROOT),
    }
    log_path = ROOT / "instance" / "bench" / "gunicorn.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w", encoding="utf-8")  # a pipe nobody reads would fill up and stall the workers
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
            "tools.bench.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_file,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        import urllib.request

        while True:
            try:
                with urllib.request.urlopen(base + FLOOR_PATH, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(
                        "gunicorn did not start: " + log_path.read_text(encoding="utf-8")[-2000:]
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        stop_process_group(process)
        log_file.close()


WRK_RATE = re.compile(r"Requests/sec:\s+([0-9.]+)")
WRK_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")


def wrk(wrk_path: str, url: str, *, seconds: int, connections: int, headers: dict[str, str]) -> float:
    """Requests per second wrk sustained on url; any non-2xx answer or socket error fails the run."""
    command = [wrk_path, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    errors = WRK_ERRORS.search(output)
    if errors or "Socket errors" in output:
        raise BenchError(f"wrk saw failed requests on {url}:\n{output}")
    match = WRK_RATE.search(output)
    if match is None:
        raise BenchError(f"Cannot read wrk's output:\n{output}")
    return float(match.group(1))


def load_run(
    app: Flask, url: str, today: str, unit_path: str, unit_client: FlaskClient, *, seconds: int, page_cache: bool = True
) -> dict[str, float]:
    """wrk on the unit page and on the floor route, one after the other against the same gunicorn."""
    wrk_path = ensure_wrk()
    cookie = unit_client.get_cookie("session")
    assert cookie is not None
    with gunicorn_server(url, today, app.config["SECRET_KEY"], page_cache=page_cache) as base:
        headers = {"Cookie": f"session={cookie.value}"}
        floor = wrk(wrk_path, base + FLOOR_PATH, seconds=seconds, connections=8, headers={})
        unit = wrk(wrk_path, base + unit_path, seconds=seconds, connections=8, headers=headers)
    return {
        "unit_rps": round(unit, 1),
        "floor_rps": round(floor, 1),
        "ratio": round(unit / floor, 3),
        "seconds": seconds,
        "workers": 2,
        "connections": 8,
    }


# --- the whole run -------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    with suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "date": date.today().isoformat()}


def run(
    dataset: str,
    database: str,
    *,
    rounds: int = 60,
    sample: int = 50,
    load: bool = True,
    load_seconds: int = 15,
    rebuild: bool = False,
    page_cache: bool = True,
    log: Callable[[str], object] = print,
) -> dict[str, Any]:
    """Build (or reuse) the dataset, time the pages and the sweep, run wrk; returns the results. page_cache
    False: every page rendered for every request (the cold path)."""
    marker = ensure_dataset(dataset, database, rebuild=rebuild, log=log)
    today = RECIPES[dataset]["today"]
    url = database_url(dataset, database)
    app = make_app(url, today, **({} if page_cache else {"PAGE_CACHE_MB": 0}))
    from tracker.extensions import db
    from tracker.models import ActionItem, Assignment, AssignmentEvent, KpiReport, Unit

    with app.app_context():
        size = {
            name: db.session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (
                ("units", Unit),
                ("items", ActionItem),
                ("assignments", Assignment),
                ("history", AssignmentEvent),
                ("kpi_reports", KpiReport),
            )
        }
    log(f"Timing {len(PAGES)} pages × {rounds} requests on {dataset}/{database} …")
    targets = choose_targets(app, sample=sample)
    time_pages(app, targets, rounds=rounds)
    results: dict[str, Any] = {"dataset": dataset, "database": database, "pages": summarize(targets)}
    if page_cache:
        log("The same requests again, the data unchanged …")
        again = [Target(t.name, t.paths, t.clients, t.headers) for t in targets]
        time_pages(app, again, rounds=rounds, warmup=0)
        results["pages_again"] = summarize(again)
    log("Timing the reminder sweep …")
    results["sweep"] = time_sweep(app, date.fromisoformat(today))
    if load:
        log(f"wrk against gunicorn (2 workers), {load_seconds} s per route …")
        unit = next(t for t in targets if t.name == "unit")
        results["load"] = load_run(
            app, url, today, unit.paths[0], unit.clients[0], seconds=load_seconds, page_cache=page_cache
        )
    results["size"] = size
    results["page_cache"] = page_cache
    results["today"] = today
    results["build_seconds"] = marker.get("build_seconds")
    results["machine"] = machine()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return results


TARGETS_TEXT = (
    "Targets (issue 7): unit, item and plan pages within 4× the floor's median and at most 12 statements; "
    "monitoring and KPI overview under 100 ms on L; the sweep under 10 s on L; the unit page at least 30% "
    "of the floor's requests per second with 2 workers."
)


def markdown(results: dict[str, Any]) -> str:
    """The results as the Markdown kept in bench/results/."""
    m = results["machine"]
    lines = [
        f"# Benchmark: dataset {results['dataset']}, {results['database']}",
        "",
        f"- Date: {m['date']}; machine: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), Python {m['python']}",
        f"- Dataset: {', '.join(f'{v:,} {k}' for k, v in results['size'].items())}; today pinned to "
        f"{results['today']}; built in {results['build_seconds']} s",
        "- Command: `python -m tools.bench --dataset {} --database {}{}`".format(
            results["dataset"], results["database"], "" if results.get("page_cache", True) else " --no-page-cache"
        ),
        "- Page cache: "
        + (
            "on (the default; the unit, item, plan, monitoring and KPI pages are asked for many units, items, "
            "plans and pages of the overdue list in turn, so most of their requests render; the API's list is one "
            "address, so most of its requests are served kept)"
            if results.get("page_cache", True)
            else "off (every request renders its page)"
        ),
        "",
        "| page | median ms | p95 ms | SQL statements | × floor | requests |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += _page_rows(results["pages"])
    if "pages_again" in results:
        lines += [
            "",
            "The same requests asked again, the data unchanged (what a person reopening a page gets until somebody "
            "changes something: every page served kept):",
            "",
            "| page | median ms | p95 ms | SQL statements | × floor | requests |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            *_page_rows(results["pages_again"]),
        ]
    sweep = results["sweep"]
    lines += [
        "",
        f"Reminder sweep for {results['today']}: {sweep['seconds']:.3f} s (median of 3), "
        f"{sweep['messages']:,} messages, {sweep['assignments_read']:,} assignments read of "
        f"{sweep['assignments']:,} held.",
    ]
    if "load" in results:
        load = results["load"]
        lines += [
            "",
            f"wrk against gunicorn ({load['workers']} sync workers, {load['connections']} connections, "
            f"{load['seconds']} s each): unit page {load['unit_rps']:.1f} req/s, floor "
            f"{load['floor_rps']:.1f} req/s, ratio {load['ratio']:.2f}.",
        ]
    lines += ["", TARGETS_TEXT, ""]
    return "\n".join(lines)


def _page_rows(pages: dict[str, dict[str, Any]]) -> list[str]:
    return [
        f"| {name} | {page['median_ms']:.2f} | {page['p95_ms']:.2f} | {page['queries']} | "
        f"{page['x_floor']:.2f} | {page['requests']} |"
        for name, page in pages.items()
    ]


def write_markdown(results: dict[str, Any], folder: Path | None = None) -> Path:
    folder = folder or ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    cold = "" if results.get("page_cache", True) else "-cold"
    path = folder / f"{results['machine']['date']}-{results['dataset']}-{results['database']}{cold}.md"
    path.write_text(markdown(results), encoding="utf-8")
    return path
