"""Load and concurrency: simulated unit people signing in and updating statuses and reporting figures through
the real pages and forms, against gunicorn on 127.0.0.1, while two scheduler-like processes sweep and
dispatch the day's reminders at the same time to a real SMTP server (aiosmtpd on 127.0.0.1).

    python -m tools.bench.load --dataset M --database postgresql [--users 50] [--seconds 60] [--json]

Checks, and exits non-zero when one fails: no 5xx answer; no lost update (every update the app accepted is
in the history, and every assignment's version moved by exactly the number of its new history rows); no
email delivered twice (every Message-ID once, as many messages as the outbox marks sent). Two people share
each unit, so they sometimes edit the same assignment at once: the app must refuse the later save (409),
never overwrite it.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP, Envelope, Session
    from flask import Flask

from . import (
    RECIPES,
    ROOT,
    BenchError,
    database_url,
    ensure_dataset,
    gunicorn_server,
    machine,
    make_app,
    percentile,
)

QUICK_FORM = re.compile(
    r'<form method="post" action="/assignments/(\d+)/status" class="quick-update">(.*?)</form>', re.S
)
HIDDEN_INPUT = re.compile(r'<input\b[^>]*\btype="hidden"[^>]*>')
NAME, VALUE = re.compile(r'\bname="([^"]+)"'), re.compile(r'\bvalue="([^"]*)"')
OPTION = re.compile(r'<option value="([a-z_]+)"')
LOGIN_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def hidden_fields(form: str) -> dict[str, str]:
    """A form's hidden inputs by name, whatever the order of their attributes."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(form):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


@dataclass
class Outcome:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    accepted: list[tuple[int, str]] = field(default_factory=list)  # (assignment id, token in the comment)
    conflicts: int = 0
    refused: int = 0
    figures_accepted: int = 0
    figures_refused: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)  # seconds, every request


class Person(threading.Thread):
    """One simulated unit head or focal officer: signs in, then reads the unit page and updates assignments
    (now and then reporting figures) until the deadline."""

    def __init__(self, base: str, email: str, password: str, unit_code: str, deadline: float, seed: int):
        super().__init__(daemon=True)
        self.base, self.email, self.password, self.unit_code = base, email, password, unit_code
        self.deadline, self.pick, self.outcome = deadline, random.Random(seed), Outcome()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.seed = seed

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        self.outcome.requests += 1
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                code, text, final = response.status, response.read().decode(), response.geturl()
        except urllib.error.HTTPError as error:
            code, text, final = error.code, error.read().decode(errors="replace"), error.geturl()
        self.outcome.latencies.append(time.perf_counter() - started)
        self.outcome.statuses[code] += 1
        if code >= 500:
            self.outcome.errors.append(f"{code} on {path}")
        return code, text, final

    def sign_in(self) -> None:
        _code, page, _ = self.request("/login")
        match = LOGIN_CSRF.search(page)
        assert match, "no CSRF token on the sign-in page"
        code, _text, final = self.request(
            "/login",
            {
                "email": self.email,
                "password": self.password,
                "csrf_token": html.unescape(match.group(1) or match.group(2)),
            },
        )
        if code != 200 or "/login" in final:
            raise BenchError(f"{self.email} could not sign in ({code}, {final})")

    def run(self) -> None:
        try:
            self.sign_in()
            n = 0
            while time.monotonic() < self.deadline:
                n += 1
                code, page, _ = self.request(f"/units/{self.unit_code}")
                if code != 200:
                    continue
                if n % 5 == 0:
                    self.report_figures(page)
                else:
                    self.update_one(page, n)
                time.sleep(self.pick.uniform(0.05, 0.3))  # a person reads before clicking again
        except Exception as exc:
            self.outcome.errors.append(f"{self.email}: {exc!r}")

    def update_one(self, page: str, n: int) -> None:
        forms = QUICK_FORM.findall(page)
        if not forms:
            return
        assignment_id, form = self.pick.choice(forms)
        fields = hidden_fields(form)
        prefix = f"a{assignment_id}-"
        options = OPTION.findall(form)
        to_state = self.pick.choice(options) if options else None
        token = f"tai-{self.seed}-{n}-{secrets.token_hex(3)}"
        data = {**fields, f"{prefix}comment": f"Tiến độ thử tải {token}"}
        if to_state:
            data[f"{prefix}to_state"] = to_state
        code, _text, final = self.request(f"/assignments/{assignment_id}/status", data)
        if code == 200 and final.rstrip("/").endswith(f"/units/{self.unit_code}"):
            self.outcome.accepted.append((int(assignment_id), token))
        elif code == 409:
            self.outcome.conflicts += 1
        elif code in (400, 422):
            self.outcome.refused += 1

    def report_figures(self, page: str) -> None:
        # Decision 1872's form (a plan with its own indicators has its own form, "bao-cao-so-lieu-<plan id>").
        match = re.search(
            r'<form method="post" action="/units/[^"]+/figures"[^>]*id="bao-cao-so-lieu".*?</form>', page, re.S
        )
        if not match:
            return
        fields = hidden_fields(match.group(0))
        total = self.pick.randint(20, 60)
        eligible = self.pick.randint(1, total // 2)
        provided = self.pick.randint(0, eligible)
        accepting = self.pick.randint(0, total - eligible)
        with_dossiers = self.pick.randint(0, accepting + provided)
        online_procedures = self.pick.randint(0, with_dossiers)
        dossiers = self.pick.randint(online_procedures * 3 + 10, online_procedures * 3 + 900)
        data = {
            **fields,
            "as_of": self.today,
            "procedures_total": total,
            "full_online_eligible": eligible,
            "full_online_provided": provided,
            "partial_online_accepting": accepting,
            "procedures_with_dossiers": with_dossiers,
            "procedures_with_online_dossiers": online_procedures,
            "dossiers_total": dossiers,
            "dossiers_online": self.pick.randint(online_procedures, dossiers),
        }
        code, _text, _final = self.request(f"/units/{self.unit_code}/figures", {k: str(v) for k, v in data.items()})
        if code == 200:
            self.outcome.figures_accepted += 1
        elif code == 422:
            self.outcome.figures_refused += 1

    today = ""


def _make_people(app: Flask, users: int, password: str, seed: int) -> list[tuple[str, str]]:
    """users/2 units with open work, each with a head and a focal officer made for this run: (email, unit code)."""
    from tracker.accounts import hash_password
    from tracker.clock import utcnow
    from tracker.extensions import db
    from tracker.models import Assignment, Unit, User

    pick = random.Random(seed)
    hashed = hash_password(password)
    run_id = secrets.token_hex(3)
    with app.app_context():
        codes = list(
            db.session.execute(
                select(Unit.id, Unit.code)
                .where(Unit.id.in_(select(Assignment.unit_id).where(Assignment.is_active, Assignment.status != "done")))
                .order_by(Unit.code)
            ).all()
        )
        chosen = pick.sample(codes, max(1, users // 2))
        people = []
        for n in range(users):
            unit_id, code = chosen[n % len(chosen)]
            email = f"tai.{run_id}.{n}@example.org"
            db.session.add(
                User(
                    email=email,
                    name=f"Người thử tải {n}",
                    password_hash=hashed,
                    role="unit_head" if n < len(chosen) else "unit_staff",
                    unit_id=unit_id,
                    session_token=secrets.token_hex(16),
                    created_at=utcnow(),
                )
            )
            people.append((email, code))
        db.session.commit()
    return people


class _Mailbox:
    """aiosmtpd's handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        with self.lock:
            self.messages.append(envelope.original_content or b"")
        return "250 OK"


def _smtp_server() -> tuple[Controller, _Mailbox]:
    """aiosmtpd on a free loopback port, keeping every message it receives."""
    from aiosmtpd.controller import Controller

    from . import _free_port

    handler = _Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    return controller, handler


def _unswept_day(app: Flask, today: str) -> str:
    """The first working day from `today` with no sweep yet, so every run has emails of its own to check."""
    from datetime import timedelta

    from tracker.extensions import db
    from tracker.models import SweepRun
    from tracker.rules.workdays import WorkCalendar

    calendar = WorkCalendar()
    with app.app_context():
        swept = set(db.session.scalars(select(SweepRun.run_on)))
    day = date.fromisoformat(today)
    while day in swept or not calendar.is_workday(day):
        day += timedelta(days=1)
    return day.isoformat()


def _scheduler_like(url: str, today: str, smtp_port: int, deadline: float) -> subprocess.Popen:
    """A process that sweeps and dispatches every 5 seconds until the deadline, as two schedulers started by
    mistake would (the outbox's unique key and claim must keep each email single)."""
    script = (
        "import time, sys\n"
        "from datetime import date, datetime, timezone\n"
        "from tracker import create_app\n"
        "from tracker.extensions import db\n"
        "from tracker.reminders import sweep\n"
        "from tracker.outbox import dispatch\n"
        "from tracker.mailer import backend_from_config\n"
        "app = create_app()\n"
        f"deadline = time.time() + {deadline - time.monotonic():.1f}\n"
        "with app.app_context():\n"
        "    while time.time() < deadline:\n"
        f"        sweep(date.fromisoformat('{today}'), now=datetime.now(timezone.utc)); db.session.commit()\n"
        "        dispatch(backend_from_config(app.config), now=datetime.now(timezone.utc),\n"
        "                 sender=app.config['MAIL_FROM']); db.session.commit()\n"
        "        time.sleep(5)\n"
    )
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": url,
        "TRACKER_TODAY": today,
        "TRACKER_MAIL_BACKEND": "smtp",
        "TRACKER_SMTP_HOST": "127.0.0.1",
        "TRACKER_SMTP_PORT": str(smtp_port),
        "TRACKER_SMTP_SECURITY": "none",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env)


def run(
    dataset: str,
    database: str,
    *,
    users: int,
    seconds: int,
    workers: int,
    seed: int = 3,
    log: Callable[[str], object] = print,
) -> dict[str, Any]:
    from tracker.extensions import db
    from tracker.models import Assignment, AssignmentEvent, OutboxMessage

    ensure_dataset(dataset, database, log=log)
    today = RECIPES[dataset]["today"]
    url = database_url(dataset, database)
    app = make_app(url, today)
    password = secrets.token_urlsafe(12)
    people = _make_people(app, users, password, seed)
    sweep_day = _unswept_day(app, today)
    with app.app_context():
        versions_before = dict(db.session.execute(select(Assignment.id, Assignment.version)).all())
        last_event = db.session.scalar(select(func.max(AssignmentEvent.id))) or 0
        outbox_before = (
            db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))
            or 0
        )
    controller, mailbox = _smtp_server()
    started = time.monotonic()
    try:
        with gunicorn_server(url, today, app.config["SECRET_KEY"], workers=workers) as base:
            deadline = time.monotonic() + seconds
            schedulers = [_scheduler_like(url, sweep_day, controller.port, deadline) for _ in range(2)]
            Person.today = today
            crowd = [
                Person(base, email, password, code, deadline, seed * 1000 + n) for n, (email, code) in enumerate(people)
            ]
            log(f"{len(crowd)} people for {seconds} s against {base} ({workers} workers), 2 sweeping processes …")
            for person in crowd:
                person.start()
            for person in crowd:
                person.join(timeout=seconds + 120)
            for process in schedulers:
                process.wait(timeout=120)
    finally:
        time.sleep(1)
        controller.stop()
    elapsed = time.monotonic() - started

    outcome = Outcome()
    for person in crowd:
        o = person.outcome
        outcome.requests += o.requests
        outcome.statuses.update(o.statuses)
        outcome.accepted += o.accepted
        outcome.conflicts += o.conflicts
        outcome.refused += o.refused
        outcome.figures_accepted += o.figures_accepted
        outcome.figures_refused += o.figures_refused
        outcome.errors += o.errors
        outcome.latencies += o.latencies
    with app.app_context():
        new_events = list(
            db.session.execute(
                select(AssignmentEvent.assignment_id, AssignmentEvent.comment, AssignmentEvent.difficulty).where(
                    AssignmentEvent.id > last_event
                )
            ).all()
        )
        versions_after = dict(db.session.execute(select(Assignment.id, Assignment.version)).all())
        sent = (
            db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))
            or 0
        ) - outbox_before
        duplicate_keys = db.session.execute(
            select(OutboxMessage.unit_id, OutboxMessage.kind, OutboxMessage.reference_on)
            .group_by(OutboxMessage.unit_id, OutboxMessage.kind, OutboxMessage.reference_on)
            .having(func.count() > 1)
        ).all()
        db.session.remove()
        db.engine.dispose()
    recorded = " ".join(f"{c} {d}" for _a, c, d in new_events)
    lost = [(a, token) for a, token in outcome.accepted if token not in recorded]
    per_assignment = Counter(a for a, _c, _d in new_events)
    version_mismatch = [a for a, n in per_assignment.items() if versions_after[a] - versions_before.get(a, 1) != n]
    ids = Counter(message_from_bytes(m, policy=policy.default)["Message-ID"] for m in mailbox.messages)
    duplicates = [i for i, n in ids.items() if n > 1]
    five_xx = sum(n for code, n in outcome.statuses.items() if code >= 500)
    results = {
        "dataset": dataset,
        "database": database,
        "users": users,
        "seconds": seconds,
        "workers": workers,
        "elapsed_seconds": round(elapsed, 1),
        "requests": outcome.requests,
        "requests_per_second": round(outcome.requests / seconds, 1),
        "latency_median_ms": round(statistics.median(outcome.latencies) * 1000, 1) if outcome.latencies else None,
        "latency_p95_ms": round(percentile(outcome.latencies, 0.95) * 1000, 1) if outcome.latencies else None,
        "statuses": {str(k): v for k, v in sorted(outcome.statuses.items())},
        "updates_accepted": len(outcome.accepted),
        "conflicts_409": outcome.conflicts,
        "refused_422": outcome.refused,
        "figures_accepted": outcome.figures_accepted,
        "figures_refused_422": outcome.figures_refused,
        "history_rows_added": len(new_events),
        "lost_updates": len(lost),
        "version_mismatches": len(version_mismatch),
        "five_xx": five_xx,
        "emails_received": len(mailbox.messages),
        "emails_sent_by_outbox": sent,
        "duplicate_emails": len(duplicates),
        "duplicate_outbox_keys": len(duplicate_keys),
        "errors": outcome.errors[:20],
        "machine": machine(),
        "today": today,
        "sweep_day": sweep_day,
    }
    results["ok"] = (
        five_xx == 0
        and not lost
        and not version_mismatch
        and not duplicates
        and not duplicate_keys
        and len(mailbox.messages) == sent > 0
        and not outcome.errors
        and len(outcome.accepted) > 0
    )
    return results


def markdown(results: dict[str, Any]) -> str:
    r, m = results, results["machine"]
    return "\n".join(
        [
            f"# Load: {r['users']} people × {r['seconds']} s on {r['dataset']}, {r['database']}",
            "",
            f"- Date: {m['date']}; machine: {m['cores']} cores ({m['cpu'] or 'unknown CPU'}), Python {m['python']}",
            f"- Command: `python -m tools.bench.load --dataset {r['dataset']} --database {r['database']} "
            f"--users {r['users']} --seconds {r['seconds']}`; gunicorn {r['workers']} workers on 127.0.0.1; two "
            "processes sweeping and dispatching to aiosmtpd on 127.0.0.1 all along",
            "",
            "| figure | value |",
            "| --- | ---: |",
            *(f"| {k} | {v} |" for k, v in r.items() if k not in ("machine", "errors", "statuses")),
            f"| HTTP statuses | {', '.join(f'{k}: {v}' for k, v in r['statuses'].items())} |",
            "",
            "Verdict: "
            + (
                "no 5xx, no lost update, no duplicate email."
                if r["ok"]
                else "FAILED — see the figures and errors: " + "; ".join(r["errors"])
            ),
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dataset", choices=sorted(RECIPES), default="M")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    try:
        results = run(
            args.dataset, args.database, users=args.users, seconds=args.seconds, workers=args.workers, log=log
        )
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{results['machine']['date']}-load-{args.dataset}-{args.database}.md"
    path.write_text(markdown(results), encoding="utf-8")
    log(f"Results written to {path}")
    print(json.dumps(results, ensure_ascii=False, indent=2) if args.json else markdown(results))
    return 0 if results["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
