"""Side by side with Redmine 5.0.4 (issue 16): the same data shape, the same cases, both servers up, requests
alternating between them, then wrk back to back; one command.

    python -m tools.bench.peer                        # N = 1,000 and 20,000, on SQLite and PostgreSQL
    python -m tools.bench.peer --n 1000 --database sqlite --no-peer   # our side only (no Redmine needed)

For each N and database: builds (or reuses) this app's dataset in Redmine's shape (tools/synth/redmine_shape.py),
starts gunicorn with the project's settings (gunicorn.conf.py, wsgi:app, TRACKER_WORKERS=2) and
TRACKER_TODAY=2024-01-01, checks the Redmine instance nN is up on 127.0.0.1 (or starts it with
redmine-peer.sh), signs in on both through their login forms, then per case: warm-up requests, then pairs of
sequential requests alternating Redmine / ours (a new connection each, as the peer's curl does), then
`wrk -t2 -c4 -d10s` on Redmine and right after on ours (Connection: close for both, as the peer's measure.sh).
Then the day's reminder sweep: ours `sweep(day)` in process on the first working day from 2024-01-01 (New
Year's Day itself sends nothing), Redmine's `Mailer.reminders(days: 7)` in one booted `rails runner` (the
peer's reminders_inprocess.rb, once per N). Writes bench/results/<date>-redmine-N<n>-<db>.md and a .tsv of
every timed request, and says how long the run took.

Environment: TRACKER_BENCH_POSTGRESQL_URL (a server and a role with CREATEDB, as for `python -m tools.bench`;
our databases are tracker_bench_redmine_n<N>), REDMINE_PEER_DIR (the peer's folder, default
../shared/peers/redmine). Redmine's instances n1000 and n20000 listen on ports 3001 and 3002.

The cases (the peer's README gives Redmine's exact requests):

- overdue_list_25 / _100: Redmine's issue list (open, due before today, per_page=25/100) as monitor;
  ours /monitoring (overdue, most late first, per_page=25/100) as the IT Centre.
- unit_head_home: Redmine's /my/page as unit01.head; ours /units/DV01 as its head.
- api_open_100: Redmine's /issues.json?status_id=o&limit=100 with monitor's key;
  ours /api/v1/assignments?status=open&per_page=100 (every state but done) with the IT Centre's bearer token.
"""

from __future__ import annotations

import argparse
import html
import http.client
import json
import os
import re
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import func, select

from . import (
    ROOT,
    BenchError,
    _free_port,
    _recreate_database,
    machine,
    make_app,
    page_cache_env,
    percentile,
    postgresql_url,
    settle,
    stop_process_group,
)

TODAY = "2024-01-01"
SEED = 20230713
PEER_PASSWORD = "peer-pass-2024"  # the Redmine peer's accounts (seed.rb)
CASES = ("overdue_list_25", "overdue_list_100", "unit_head_home", "api_open_100")
REDMINE_PORTS = {1000: 3001, 20000: 3002}  # redmine-peer.sh start nN PORT (both can run at once)
RECIPE_VERSION = 1  # bump when tools/synth/redmine_shape.py changes: the next run rebuilds
MARKER = "bench_redmine_shape"

_COLS = (
    "".join(
        f"&c%5B%5D={c}" for c in ("project", "tracker", "status", "priority", "subject", "assigned_to", "updated_on")
    )
    + "&c%5B%5D=due_date"
)
_OVERDUE = (
    "/issues?set_filter=1&f%5B%5D=status_id&op%5Bstatus_id%5D=o&f%5B%5D=due_date&op%5Bdue_date%5D=%3Ct-"
    "&v%5Bdue_date%5D%5B%5D=1&sort=due_date%2Cid" + _COLS
)
REDMINE_PATHS = {
    "overdue_list_25": _OVERDUE + "&per_page=25",
    "overdue_list_100": _OVERDUE + "&per_page=100",
    "unit_head_home": "/my/page",
    "api_open_100": "/issues.json?status_id=o&limit=100",
}
OUR_PATHS = {
    "overdue_list_25": "/monitoring?class=overdue&sort=days&per_page=25",
    "overdue_list_100": "/monitoring?class=overdue&sort=days&per_page=100",
    "unit_head_home": "/units/DV01",
    "api_open_100": "/api/v1/assignments?status=open&per_page=100",
}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
AUTHENTICITY = re.compile(r'name="authenticity_token" value="([^"]*)"')


def default_peer_dir() -> Path:
    """The Redmine peer's folder: $REDMINE_PEER_DIR, else ../shared/peers/redmine beside the project (or the
    main checkout's, from a worktree)."""
    if os.environ.get("REDMINE_PEER_DIR"):
        return Path(os.environ["REDMINE_PEER_DIR"])
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "peers" / "redmine" / "redmine-peer.sh").exists():
            return base / "shared" / "peers" / "redmine"
    return ROOT.parent / "shared" / "peers" / "redmine"


# --- HTTP: one new connection per request ------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    cookies: dict[str, str]
    location: str
    seconds: float


def fetch(port: int, path: str, headers: dict[str, str] | None = None, *, form: dict[str, str] | None = None) -> Answer:
    """One request on a new connection to 127.0.0.1:port, timed from connecting to the last byte read."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        body = None
        sent = dict(headers or {})
        if form is not None:
            body = "&".join(f"{quote(k)}={quote(v)}" for k, v in form.items())
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if form is not None else "GET", path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        seconds = time.perf_counter() - started
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                cookies[key.strip()] = val.strip()
        return Answer(response.status, data, cookies, response.getheader("Location") or "", seconds)
    finally:
        connection.close()


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def sign_in_ours(port: int, email: str, password: str) -> dict[str, str]:
    """The login form with its CSRF token; returns the Cookie header of the signed-in session."""
    page = fetch(port, "/login")
    match = CSRF.search(page.body.decode())
    if match is None:
        raise BenchError("no CSRF token on our sign-in page")
    token = html.unescape(match.group(1) or match.group(2))
    answer = fetch(
        port,
        "/login",
        {"Cookie": _cookie_header(page.cookies)},
        form={"csrf_token": token, "email": email, "password": password},
    )
    if answer.status != 302 or "/login" in answer.location:
        raise BenchError(f"{email} could not sign in on our side (HTTP {answer.status})")
    cookies = {**page.cookies, **answer.cookies}
    # As a browser: the page it lands on (after the home page's redirect) shows the greeting once, and the session
    # cookie then no longer holds it.
    location = answer.location
    for _hop in range(3):
        landing = fetch(port, urlsplit(location).path or "/", {"Cookie": _cookie_header(cookies)})
        cookies.update(landing.cookies)
        if landing.status not in (301, 302, 303):
            break
        location = landing.location
    return {"Cookie": _cookie_header(cookies)}


def sign_in_redmine(port: int, login: str, password: str = PEER_PASSWORD) -> dict[str, str]:
    """Redmine's login form with its authenticity_token, as the peer's measure.sh; returns the Cookie header."""
    page = fetch(port, "/login")
    match = AUTHENTICITY.search(page.body.decode())
    if match is None:
        raise BenchError("no authenticity_token on Redmine's login page")
    answer = fetch(
        port,
        "/login",
        {"Cookie": _cookie_header(page.cookies)},
        form={"authenticity_token": html.unescape(match.group(1)), "username": login, "password": password},
    )
    if answer.status != 302 or "Redmine" not in answer.cookies:
        raise BenchError(f"{login} could not sign in on Redmine (HTTP {answer.status})")
    return {"Cookie": f"Redmine={answer.cookies['Redmine']}"}


# --- our dataset and server --------------------------------------------------------------------------------


def our_database_url(n: int, database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{ROOT / 'instance' / 'bench' / f'redmine-n{n}.sqlite3'}"
    if database == "postgresql":
        return postgresql_url(f"redmine_n{n}")
    raise BenchError(f"Unknown database {database!r}: sqlite or postgresql.")


def ensure_shape(
    n: int, database: str, *, rebuild: bool, log: Callable[[str], object], url: str | None = None
) -> dict[str, Any]:
    """Build this app's dataset in Redmine's shape unless its database holds it already; returns its marker."""
    from flask_migrate import upgrade

    from tools.synth.redmine_shape import build_redmine_shape
    from tracker.accounts import hash_password
    from tracker.extensions import db
    from tracker.models import Setting

    url = url or our_database_url(n, database)
    recipe = {"n": n, "seed": SEED, "today": TODAY, "version": RECIPE_VERSION}
    if not rebuild:
        try:
            app = make_app(url, TODAY)
            with app.app_context():
                setting = db.session.get(Setting, MARKER)
                marker = dict(setting.value) if setting else None
                db.engine.dispose()
        except Exception:
            marker = None
        if marker and marker.get("recipe") == recipe:
            settle(app)
            return marker
    log(f"Building the Redmine-shaped dataset N={n:,} on {database} …")
    started = time.perf_counter()
    _recreate_database(url)
    app = make_app(url, TODAY)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        report = build_redmine_shape(
            n=n, today=date.fromisoformat(TODAY), password_hash=hash_password(secrets.token_urlsafe(16)), seed=SEED
        )
        seconds = round(time.perf_counter() - started, 1)
        marker = {"recipe": recipe, "report": report.as_dict(), "build_seconds": seconds}
        db.session.merge(Setting(key=MARKER, value=marker, updated_at=datetime.now(UTC)))
        db.session.commit()
        db.engine.dispose()
    settle(app)
    log(f"Built in {seconds} s: {report.by_status}, {report.overdue:,} overdue.")
    return marker


def prepare_accounts(url: str) -> tuple[str, str]:
    """A password made for this run on the two accounts signed in with, and an API token for the monitor:
    (password, token)."""
    from tools.synth.redmine_shape import MONITOR_EMAIL, head_email
    from tracker.accounts import hash_password
    from tracker.api_tokens import create_token
    from tracker.extensions import db
    from tracker.models import LoginAttempt, User

    password = secrets.token_urlsafe(16)
    hashed = hash_password(password)
    app = make_app(url, TODAY)
    with app.app_context():
        users = {
            u.email: u for u in db.session.scalars(select(User).where(User.email.in_((MONITOR_EMAIL, head_email(1)))))
        }
        for user in users.values():
            user.password_hash = hashed
        db.session.execute(LoginAttempt.__table__.delete())  # earlier runs' sign-ins count against the limit
        token, _row = create_token(users[MONITOR_EMAIL], "bench peer", datetime.now(UTC))
        db.session.commit()
        db.engine.dispose()
    return password, token


def dataset_figures(url: str) -> dict[str, int]:
    """What our side holds, counted by the database: assignments, done, open, open and overdue."""
    from tracker.extensions import db
    from tracker.models import Assignment

    app = make_app(url, TODAY)
    today = date.fromisoformat(TODAY)
    with app.app_context():
        count = func.count()
        total = db.session.scalar(select(count).select_from(Assignment)) or 0
        done = db.session.scalar(select(count).select_from(Assignment).where(Assignment.status == "done")) or 0
        overdue = (
            db.session.scalar(
                select(count).select_from(Assignment).where(Assignment.status != "done", Assignment.due_on < today)
            )
            or 0
        )
        db.engine.dispose()
    return {"assignments": total, "done": done, "open": total - done, "overdue": overdue}


@contextmanager
def our_server(url: str, *, workers: int = 2, page_cache: bool = True) -> Iterator[int]:
    """gunicorn with the project's settings (gunicorn.conf.py, wsgi:app), `workers` workers, today pinned;
    page_cache False: every page rendered for every request (TRACKER_PAGE_CACHE_MB=0)."""
    port = _free_port()
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_TODAY": TODAY,
        "TRACKER_SECRET_KEY": secrets.token_hex(32),
        "TRACKER_OUTBOX_DIR": tempfile.mkdtemp(prefix="tracker-peer-outbox-"),
        "TRACKER_UPLOAD_DIR": tempfile.mkdtemp(prefix="tracker-peer-uploads-"),
        "TRACKER_WORKERS": str(workers),
        **page_cache_env(page_cache),
        "TRACKER_BIND": f"127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    log_path = ROOT / "instance" / "bench" / "gunicorn-peer.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_file = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=log_file,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(port, "/login").status == 200:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise BenchError("gunicorn did not start: " + log_path.read_text(encoding="utf-8")[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        stop_process_group(process)
        log_file.close()


# --- Redmine -------------------------------------------------------------------------------------------


@dataclass
class Redmine:
    """One running instance of the peer (nN on 127.0.0.1:port)."""

    instance: str
    port: int
    peer_dir: Path

    @property
    def database(self) -> Path:
        return Path(f"/var/lib/redmine/{self.instance}/db/redmine.sqlite3")

    def is_up(self) -> bool:
        try:
            return fetch(self.port, "/login").status == 200
        except OSError:
            return False

    def ensure_up(self, log: Callable[[str], object]) -> None:
        if self.is_up():
            return
        if not self.database.exists():
            raise BenchError(
                f"Redmine instance {self.instance} is not installed ({self.database} missing): see "
                f"{self.peer_dir}/README.md (install, create, seed), or run with --no-peer."
            )
        log(f"Starting Redmine {self.instance} on port {self.port} …")
        subprocess.run([str(self.peer_dir / "redmine-peer.sh"), "start", self.instance, str(self.port)], check=True)
        if not self.is_up():
            raise BenchError(f"Redmine {self.instance} did not answer on port {self.port}")

    def api_key(self) -> str:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "select t.value from tokens t join users u on u.id = t.user_id "
                "where u.login = 'monitor' and t.action = 'api'"
            ).fetchone()
        if row is None:
            raise BenchError(f"no API key for monitor in {self.database}")
        return row[0]

    def figures(self) -> dict[str, int]:
        with sqlite3.connect(f"file:{self.database}?mode=ro", uri=True) as conn:
            total, closed, overdue = conn.execute(
                "select count(*), sum(s.is_closed), sum(case when not s.is_closed and i.due_date < ? then 1 else 0 end) "
                "from issues i join issue_statuses s on s.id = i.status_id",
                (TODAY,),
            ).fetchone()
        return {"assignments": total, "done": closed, "open": total - closed, "overdue": overdue}

    def sweep_seconds(self, repeats: int) -> dict[str, Any]:
        """Mailer.reminders(days: 7) in one booted process (the peer's reminders_inprocess.rb)."""
        script = self.peer_dir / "reminders_inprocess.rb"
        output = subprocess.run(
            [str(self.peer_dir / "redmine-peer.sh"), "runner", self.instance, str(script)],
            env={**os.environ, "REPEATS": str(repeats)},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("{"))
        return json.loads(line)


# --- measuring ---------------------------------------------------------------------------------------------


@dataclass
class Side:
    name: str  # "redmine" or "ours"
    port: int
    paths: dict[str, str]
    headers: dict[str, dict[str, str]]
    times: dict[str, list[float]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def interleave(sides: list[Side], *, pairs: int, warmup: int, raw: list[tuple], log: Callable[[str], object]) -> None:
    """Per case: `warmup` requests on each side, then `pairs` rounds of one request on each side, the first
    side alternating from round to round; every answer must be 200."""
    for case in CASES:
        for side in sides:
            for _ in range(warmup):
                _timed(side, case)
        for side in sides:
            side.times[case] = []
        for i in range(pairs):
            for side in sides if i % 2 == 0 else reversed(sides):
                answer = _timed(side, case)
                side.times[case].append(answer.seconds * 1000)
                side.sizes[case] = len(answer.body)
                side.rows[case] = rows_shown(case, answer.body)
                raw.append((case, side.name, i + 1, round(answer.seconds * 1000, 2), answer.status, len(answer.body)))
        log(f"  {case}: " + ", ".join(f"{s.name} {statistics.median(s.times[case]):.1f} ms" for s in sides))


def rows_shown(case: str, body: bytes) -> int:
    """What the answer lists: rows of the list's table, or the API's items (Redmine: issues); 0 for a home."""
    if case.startswith("api"):
        data = json.loads(body)
        return len(data.get("items", data.get("issues", [])))
    if case.startswith("overdue_list"):
        table = body.split(b"<tbody", 1)[-1].split(b"</tbody>", 1)[0]
        return table.count(b"<tr")
    return 0


def _timed(side: Side, case: str) -> Answer:
    answer = fetch(side.port, side.paths[case], side.headers[case])
    if answer.status != 200:
        raise BenchError(f"{side.name} {side.paths[case]} answered {answer.status}")
    return answer


WRK_RATE = re.compile(r"Requests/sec:\s+([0-9.]+)")
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$", re.M)


def run_wrk(port: int, path: str, headers: dict[str, str], *, seconds: int) -> dict[str, Any]:
    """wrk -t2 -c4 with Connection: close (the peer's measure.sh): req/s, p50 and p99 in ms, failed answers."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed: apt-get install wrk (or run with --wrk-seconds 0).")
    command = [wrk, "-t2", "-c4", f"-d{seconds}s", "--timeout", "30s", "--latency", "-H", "Connection: close"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], check=True, capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    rate = WRK_RATE.search(output)
    if rate is None:
        raise BenchError(f"Cannot read wrk's output:\n{output}")
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {p: float(v) * scale[u] for p, v, u in WRK_LATENCY.findall(output)}
    failed = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": float(rate.group(1)),
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "failed": int(failed.group(1)) if failed else 0,
    }


def sweep_day() -> date:
    """The first working day on or after TODAY: 2024-01-01 is New Year's Day, when our sweep sends nothing
    (Redmine's rake task has no calendar and runs whatever the day)."""
    from datetime import timedelta

    from tracker.rules.workdays import WorkCalendar

    calendar, day = WorkCalendar(), date.fromisoformat(TODAY)
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return day


def our_sweep(url: str, repeats: int = 3) -> dict[str, Any]:
    from . import time_sweep

    app = make_app(url, TODAY)
    try:
        return {**time_sweep(app, sweep_day(), repeats=repeats), "day": sweep_day().isoformat()}
    finally:
        from tracker.extensions import db

        with app.app_context():
            db.engine.dispose()


@dataclass
class Options:
    pairs: int = 30  # alternating pairs per case
    warmup: int = 10  # warm-up requests per side and case
    wrk_seconds: int = 10  # 0: no wrk
    redmine_sweep_repeats: int = 1  # 0: Redmine's sweep not timed
    rebuild: bool = False  # build our dataset again even if its database holds it
    page_cache: bool = True  # False: ours renders every page for every request (the cold path)


def run_case(
    n: int,
    database: str,
    options: Options,
    *,
    peer: Redmine | None,
    log: Callable[[str], object],
    redmine_sweep: dict[str, Any] | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    """One N on one database (url: our database, default the benchmark's own for that N): returns the results,
    with every timed request in results["raw"]. redmine_sweep: Redmine's sweep as measured already for that N."""
    started = time.perf_counter()
    pairs, warmup, wrk_seconds = options.pairs, options.warmup, options.wrk_seconds
    redmine_sweep_repeats, rebuild = options.redmine_sweep_repeats, options.rebuild
    url = url or our_database_url(n, database)
    marker = ensure_shape(n, database, rebuild=rebuild, log=log, url=url)
    password, token = prepare_accounts(url)
    from tools.synth.redmine_shape import MONITOR_EMAIL, head_email

    results: dict[str, Any] = {
        "n": n,
        "database": database,
        "today": TODAY,
        "pairs": pairs,
        "warmup": warmup,
        "wrk_seconds": wrk_seconds,
        "build_seconds": marker.get("build_seconds"),
        "ours_data": dataset_figures(url),
        "machine": machine(),
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_before": round(os.getloadavg()[0], 2),
        "page_cache": options.page_cache,
    }
    raw: list[tuple] = []
    if peer is not None:
        peer.ensure_up(log)
        results["redmine_data"] = peer.figures()
        results["redmine_instance"] = f"{peer.instance} on port {peer.port}"
    with our_server(url, page_cache=options.page_cache) as port:
        monitor = sign_in_ours(port, MONITOR_EMAIL, password)
        head = sign_in_ours(port, head_email(1), password)
        bearer = {"Authorization": f"Bearer {token}"}
        ours = Side(
            "ours",
            port,
            OUR_PATHS,
            {"overdue_list_25": monitor, "overdue_list_100": monitor, "unit_head_home": head, "api_open_100": bearer},
        )
        sides = [ours]
        if peer is not None:
            r_monitor = sign_in_redmine(peer.port, "monitor")
            r_head = sign_in_redmine(peer.port, "unit01.head")
            key = {"X-Redmine-API-Key": peer.api_key()}
            sides.insert(
                0,
                Side(
                    "redmine",
                    peer.port,
                    REDMINE_PATHS,
                    {
                        "overdue_list_25": r_monitor,
                        "overdue_list_100": r_monitor,
                        "unit_head_home": r_head,
                        "api_open_100": key,
                    },
                ),
            )
        log(f"N={n:,} {database}: {pairs} alternating pairs per case after {warmup} warm-up requests …")
        interleave(sides, pairs=pairs, warmup=warmup, raw=raw, log=log)
        results["sequential"] = {
            side.name: {
                case: {
                    "median_ms": round(statistics.median(side.times[case]), 1),
                    "p95_ms": round(percentile(side.times[case], 0.95), 1),
                    "bytes": side.sizes[case],
                    "rows": side.rows[case],
                    "requests": len(side.times[case]),
                }
                for case in CASES
            }
            for side in sides
        }
        if wrk_seconds:
            log(f"wrk -t2 -c4 -d{wrk_seconds}s, back to back …")
            results["wrk"] = {side.name: {} for side in sides}
            for case in CASES:
                for side in sides:
                    results["wrk"][side.name][case] = run_wrk(
                        side.port, side.paths[case], side.headers[case], seconds=wrk_seconds
                    )
                log(
                    f"  {case}: "
                    + ", ".join(f"{s.name} {results['wrk'][s.name][case]['rps']:.1f} req/s" for s in sides)
                )
    log("The day's reminder sweep, in process …")
    results["sweep"] = {"ours": our_sweep(url)}
    if peer is not None and redmine_sweep is not None:
        results["sweep"]["redmine"] = redmine_sweep
    elif peer is not None and redmine_sweep_repeats:
        log(f"Redmine's sweep on {peer.instance} ({redmine_sweep_repeats} run(s) in one rails runner) …")
        results["sweep"]["redmine"] = peer.sweep_seconds(redmine_sweep_repeats)
    results["raw"] = raw
    results["load_after"] = round(os.getloadavg()[0], 2)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


# --- writing -------------------------------------------------------------------------------------------


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}" if a and b else "–"


CASE_TEXT = {
    "overdue_list_25": "overdue list, 25 a page",
    "overdue_list_100": "overdue list, 100 a page",
    "unit_head_home": "unit head's home",
    "api_open_100": "API, 100 open assignments",
}


def markdown(results: dict[str, Any], command: str) -> str:
    r, m = results, results["machine"]
    seq = r["sequential"]
    has_peer = "redmine" in seq
    lines = [
        f"# Side by side with Redmine: N = {r['n']:,}, ours on {r['database']}",
        "",
        f"- Date: {r['started']}; machine: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), Python {m['python']}; "
        f"the run took {r['seconds']:.0f} s; load average (1 min) {r.get('load_before', '?')} at the start, "
        f"{r.get('load_after', '?')} at the end (other work on the machine slows both sides alike: compare the "
        "ratios, measured at the same moments)",
        f"- Command: `{command}`",
        f"- Ours: gunicorn with gunicorn.conf.py (2 sync workers), TRACKER_TODAY={r['today']}, "
        f"{r['database']}; data {_figures(r['ours_data'])}; "
        + (
            "page cache on (the default: a page is rendered again when the data changes; a warm-up request "
            "renders it once per worker)"
            if r.get("page_cache", True)
            else "page cache off (TRACKER_PAGE_CACHE_MB=0: every request renders its page, the cold path)"
        ),
    ]
    if has_peer:
        lines.append(
            f"- Redmine 5.0.4 (puma 2×5, SQLite, today {r['today']} by libfaketime), instance "
            f"{r['redmine_instance']}; data {_figures(r['redmine_data'])}"
        )
    lines += [
        f"- Sequential: {r['warmup']} warm-up requests per side and case, then {r['pairs']} pairs alternating "
        "Redmine / ours (which goes first alternates too), a new connection per request; median and p95 "
        "(nearest rank) of the time to the last byte, ms",
        "",
    ]
    if has_peer:
        lines += [
            "| case | Redmine median / p95 | ours median / p95 | Redmine ÷ ours (medians) | rows Redmine / ours "
            "| bytes Redmine / ours |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for case in CASES:
            a, b = seq["redmine"][case], seq["ours"][case]
            lines.append(
                f"| {CASE_TEXT[case]} | {a['median_ms']:.1f} / {a['p95_ms']:.1f} | {b['median_ms']:.1f} / "
                f"{b['p95_ms']:.1f} | {_ratio(a['median_ms'], b['median_ms'])} | {_rows(a)} / {_rows(b)} | "
                f"{a['bytes']:,} / {b['bytes']:,} |"
            )
    else:
        lines += ["| case | ours median / p95 | rows | bytes |", "| --- | ---: | ---: | ---: |"]
        for case in CASES:
            b = seq["ours"][case]
            lines.append(
                f"| {CASE_TEXT[case]} | {b['median_ms']:.1f} / {b['p95_ms']:.1f} | {_rows(b)} | {b['bytes']:,} |"
            )
    if "wrk" in r:
        w = r["wrk"]
        lines += [
            "",
            f"wrk -t2 -c4 -d{r['wrk_seconds']}s, Connection: close, Redmine then ours for each case: req/s "
            "(p50 / p99 ms)",
            "",
        ]
        if has_peer:
            lines += ["| case | Redmine | ours | ours ÷ Redmine (req/s) |", "| --- | ---: | ---: | ---: |"]
            for case in CASES:
                a, b = w["redmine"][case], w["ours"][case]
                lines.append(f"| {CASE_TEXT[case]} | {_wrk(a)} | {_wrk(b)} | {_ratio(b['rps'], a['rps'])} |")
        else:
            lines += ["| case | ours |", "| --- | ---: |"]
            lines += [f"| {CASE_TEXT[case]} | {_wrk(w['ours'][case])} |" for case in CASES]
    sweep = r["sweep"]
    ours = sweep["ours"]
    lines += [
        "",
        f"The day's reminder sweep, in process: ours `sweep({ours['day']})` (the first working day from "
        f"{r['today']}) {ours['seconds']:.3f} s (median of 3, rolled back after each), {ours['messages']:,} "
        f"messages, {ours['assignments_read']:,} assignments read.",
    ]
    if "redmine" in sweep:
        s = sweep["redmine"]
        lines.append(
            f"Redmine `Mailer.reminders(days: 7)` in one booted process: {s['median_s']:.2f} s "
            f"(runs {', '.join(f'{x:.2f}' for x in s['runs_s'])}), {s['mails']} mails; Redmine ÷ ours "
            f"{_ratio(s['median_s'], ours['seconds'])}."
        )
    lines += [
        "",
        "Cases: Redmine's requests are the peer's (../shared/peers/redmine/README.md). Ours: the monitoring list "
        "(overdue, most late first) as the IT Centre with per_page=25/100; the page of unit DV01 as its head; "
        "`/api/v1/assignments?status=open&per_page=100` with a bearer token (open: every state but done, like "
        "Redmine's status_id=o). Every timed request is in the .tsv beside this file.",
    ]
    fixed = [
        c
        for c in ("overdue_list_25", "overdue_list_100")
        if has_peer and seq["ours"][c]["rows"] != seq["redmine"][c]["rows"]
    ]
    if fixed:
        lines.append(
            f"Rows differ in {', '.join(CASE_TEXT[c] for c in fixed)}: ours shows "
            f"{seq['ours'][fixed[0]]['rows']} rows, Redmine {seq['redmine'][fixed[0]]['rows']}; timed as they are."
        )
    lines.append("")
    return "\n".join(lines)


def _rows(x: dict[str, Any]) -> str:
    return str(x["rows"]) if x["rows"] else "–"


def _figures(d: dict[str, int]) -> str:
    return f"{d['assignments']:,} assignments, {d['done']:,} done, {d['open']:,} open, {d['overdue']:,} overdue"


def _wrk(x: dict[str, Any]) -> str:
    failed = f", {x['failed']} failed" if x["failed"] else ""
    latency = f" ({x['p50_ms']:.0f} / {x['p99_ms']:.0f})" if x["p50_ms"] is not None and x["p99_ms"] is not None else ""
    return f"{x['rps']:.1f}{latency}{failed}"


def write_results(results: dict[str, Any], command: str, folder: Path | None = None) -> Path:
    folder = folder or ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    cold = "" if results.get("page_cache", True) else "-cold"
    stem = f"{results['machine']['date']}-redmine-N{results['n']}-{results['database']}{cold}"
    path = folder / f"{stem}.md"
    path.write_text(markdown(results, command), encoding="utf-8")
    tsv = ["case\tside\ti\tms\thttp_status\tbytes"] + ["\t".join(str(v) for v in row) for row in results["raw"]]
    (folder / f"{stem}.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.peer", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 20000], help="assignments (Redmine: nN)")
    parser.add_argument("--database", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--no-peer", action="store_true", help="our side only (Redmine not needed)")
    parser.add_argument("--peer-dir", type=Path, default=None, help="the Redmine peer's folder (redmine-peer.sh)")
    parser.add_argument("--pairs", type=int, default=30, help="alternating pairs per case (at least 30)")
    parser.add_argument("--warmup", type=int, default=10, help="warm-up requests per side and case")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="wrk's duration per side and case; 0: no wrk")
    parser.add_argument(
        "--redmine-sweep-repeats",
        type=int,
        default=1,
        help="runs of Redmine's sweep per N (0: skip; ~30 s each at 20,000)",
    )
    parser.add_argument("--rebuild", action="store_true", help="build our datasets again")
    parser.add_argument(
        "--no-page-cache", action="store_true", help="ours renders every page for every request (the cold path)"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if args.pairs < 1:
        parser.error("--pairs must be positive")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    options = Options(
        args.pairs, args.warmup, args.wrk_seconds, args.redmine_sweep_repeats, args.rebuild, not args.no_page_cache
    )
    command = "python -m tools.bench.peer " + " ".join(argv if argv is not None else sys.argv[1:])
    peer_dir = args.peer_dir or default_peer_dir()
    started = time.perf_counter()
    everything = []
    try:
        for n in args.n:
            peer = None if args.no_peer else Redmine(f"n{n}", REDMINE_PORTS.get(n, 3003), peer_dir)
            redmine_sweep: dict[str, Any] | None = None
            for database in args.database:
                results = run_case(n, database, options, peer=peer, log=log, redmine_sweep=redmine_sweep)
                path = write_results(results, command.strip())
                log(f"Results written to {path} ({results['seconds']:.0f} s)")
                everything.append(results)
                redmine_sweep = results["sweep"].get("redmine")  # measured once per N, reported with each database
                if not args.json:
                    print(path.read_text(encoding="utf-8"))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(
            json.dumps([{k: v for k, v in r.items() if k != "raw"} for r in everything], ensure_ascii=False, indent=2)
        )
    log(f"The whole run took {time.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
