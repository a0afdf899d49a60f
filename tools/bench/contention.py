"""SQLite under a long import: API clients read while an admin imports a big plan through the web.

    python -m tools.bench.contention [--plan-rows 10000] [--clients 12] [--workers 4] [--json]

On a fresh SQLite database (migrated, a directory of units, an admin and one API token per client) it starts
gunicorn on 127.0.0.1 with the project's settings (gunicorn.conf.py) and one job worker (`flask --app wsgi jobs
run`, as the scheduler process would run the jobs). Then an admin signs in and imports a plan of `--plan-rows`
items through the pages: the upload (its preview queued and run by the worker, the page polled as the browser
does), the confirmation (queued as well) — while `--clients` API clients, each with its own bearer token, read
/api/v1/plans, /api/v1/items and /api/v1/assignments as fast as they are answered. Reports the answers by
status and the clients' latency medians; exits non-zero on any 5xx answer or an import that did not finish.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from flask_migrate import upgrade

from . import ROOT, BenchError, gunicorn_server, machine, percentile
from .imports import plan_text, unit_directory

TODAY = "2026-06-30"
PASSWORD = "mat-khau-bench-contention"
API_PATHS = ("/api/v1/plans", "/api/v1/items?per_page=50", "/api/v1/assignments?per_page=50")
_HIDDEN = re.compile(r'name="(token|suffix|filename)" value="([^"]*)"')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, error: str = "") -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(seconds)
            if error and len(self.errors) < 20:
                self.errors.append(error)


def _prepare(url: str, folder: Path, clients: int, units: int) -> list[str]:
    """Migrate, load the units, make the admin and the clients' tokens; the tokens."""
    from tracker import create_app
    from tracker.accounts import create_user
    from tracker.api_tokens import create_token
    from tracker.extensions import db
    from tracker.units import load_units

    app = create_app(
        {"DATABASE_URL": url, "TODAY": TODAY, "SECRET_KEY": "x" * 32, "IMPORT_DIR": str(folder / "imports")}
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        directory = folder / "units.json"
        directory.write_text(json.dumps(unit_directory(units), ensure_ascii=False), encoding="utf-8")
        load_units(directory)
        now = datetime.now(UTC)
        create_user(email="admin@bench.example", role="admin", password=PASSWORD, now=now, name="Admin")
        reader = create_user(email="reader@bench.example", role="monitor", password=PASSWORD, now=now, name="Đọc")
        tokens = [create_token(reader, f"khách {n}", now)[0] for n in range(clients)]
        db.session.commit()
        db.engine.dispose()
    return tokens


class ApiClient(threading.Thread):
    def __init__(self, base: str, token: str, stop: threading.Event, tally: Tally, index: int) -> None:
        super().__init__(daemon=True)
        self.base, self.token, self.stop, self.tally, self.index = base, token, stop, tally, index

    def run(self) -> None:
        n = self.index
        while not self.stop.is_set():
            path = API_PATHS[n % len(API_PATHS)]
            n += 1
            request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    self.tally.add(response.status, time.perf_counter() - started)
            except urllib.error.HTTPError as exc:
                body = exc.read()[:200].decode("utf-8", "replace")
                self.tally.add(exc.code, time.perf_counter() - started, f"{exc.code} {path}: {body}")
            except OSError as exc:
                self.tally.add(0, time.perf_counter() - started, f"{path}: {exc}")


class Admin:
    """A browser: cookies, CSRF tokens from the forms, redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=120) as response:
            return response.geturl(), response.read().decode("utf-8")

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None) -> str:
        if files:
            boundary = secrets.token_hex(12)
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                )
            for name, (filename, data) in files.items():
                head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                parts.append(head.encode() + b"Content-Type: text/plain\r\n\r\n" + data + b"\r\n")
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            kind = f"multipart/form-data; boundary={boundary}"
        else:
            body, kind = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": kind})
        with self.opener.open(request, timeout=120) as response:
            response.read()
            return response.geturl()

    def csrf(self, path: str) -> str:
        match = _CSRF.search(self.get(path)[1])
        if match is None:
            raise BenchError(f"no CSRF token on {path}")
        return match.group(1) or match.group(2)

    def sign_in(self) -> None:
        landed = self.post(
            "/login", {"csrf_token": self.csrf("/login"), "email": "admin@bench.example", "password": PASSWORD}
        )
        if "/login" in urllib.parse.urlparse(landed).path:
            raise BenchError("the admin could not sign in")

    def follow_job(self, job_url: str, deadline: float) -> str:
        """Poll the job's status as its page does, every second, until it is done; its page then."""
        path = urllib.parse.urlparse(job_url).path
        if not re.fullmatch(r"/admin/import/jobs/[0-9]+", path):
            raise BenchError(f"the import was not queued: it landed on {path}")
        while time.monotonic() < deadline:
            state = json.loads(self.get(f"{path}/status")[1])["state"]
            if state in ("done", "failed"):
                page = self.get(path)[1]
                if state == "failed":
                    raise BenchError(f"the import job failed: {page[:500]}")
                return page
            time.sleep(1)
        raise BenchError("the import job did not finish in time")


def _worker(log: IO[str]) -> subprocess.Popen:
    """`flask --app wsgi jobs run` on the environment's database and import folder."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "run"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run(
    *,
    plan_rows: int,
    clients: int,
    workers: int,
    units: int = 300,
    timeout: float = 600,
    in_request_bytes: int | None = None,
) -> dict[str, Any]:
    """The run; `in_request_bytes` (a test's small plan) queues imports from that much work on."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-contention-"))
    url = f"sqlite:///{folder / 'contention.sqlite3'}"
    tokens = _prepare(url, folder, clients, units)
    secret = secrets.token_hex(32)
    names = ("TRACKER_IMPORT_DIR", "TRACKER_DATABASE_URL", "TRACKER_TODAY", "TRACKER_SECRET_KEY")
    saved = {key: os.environ.get(key) for key in (*names, "TRACKER_IMPORT_IN_REQUEST_BYTES")}
    os.environ.update(
        TRACKER_IMPORT_DIR=str(folder / "imports"),
        TRACKER_DATABASE_URL=url,
        TRACKER_TODAY=TODAY,
        TRACKER_SECRET_KEY=secret,
    )
    if in_request_bytes is not None:
        os.environ["TRACKER_IMPORT_IN_REQUEST_BYTES"] = str(in_request_bytes)
    log = (folder / "worker.log").open("w", encoding="utf-8")
    worker = _worker(log)
    tally, stop = Tally(), threading.Event()
    timings: dict[str, float] = {}
    try:
        with gunicorn_server(url, TODAY, secret, workers=workers) as base:
            admin = Admin(base)
            admin.sign_in()
            threads = [ApiClient(base, token, stop, tally, n) for n, token in enumerate(tokens)]
            for thread in threads:
                thread.start()
            time.sleep(1)  # the clients are reading before the import starts
            deadline = time.monotonic() + timeout
            data = plan_text(plan_rows, units).encode("utf-8")
            started = time.perf_counter()
            job = admin.post(
                "/admin/import",
                {"csrf_token": admin.csrf("/admin/import"), "number": ""},
                {"file": ("ke-hoach.txt", data)},
            )
            preview = admin.follow_job(job, deadline)
            timings["preview_seconds"] = round(time.perf_counter() - started, 2)
            kept = dict(_HIDDEN.findall(preview))
            started = time.perf_counter()
            job = admin.post("/admin/import/confirm", {"csrf_token": admin.csrf("/admin/import"), "number": "", **kept})
            result = admin.follow_job(job, deadline)
            timings["import_seconds"] = round(time.perf_counter() - started, 2)
            if "Đã nhập kế hoạch" not in result:
                raise BenchError("the import's page does not say the plan was imported")
            stop.set()
            for thread in threads:
                thread.join(timeout=70)
    finally:
        stop.set()
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    latencies = sorted(tally.latencies)
    return {
        "plan_rows": plan_rows,
        "clients": clients,
        "gunicorn_workers": workers,
        "database": "sqlite",
        **timings,
        "api_requests": sum(tally.statuses.values()),
        "statuses": {str(status): count for status, count in sorted(tally.statuses.items())},
        "server_errors": sum(count for status, count in tally.statuses.items() if status >= 500 or status == 0),
        "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "errors": tally.errors,
        "machine": machine(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan-rows", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    try:
        results = run(plan_rows=args.plan_rows, clients=args.clients, workers=args.workers)
    except BenchError as exc:
        print(f"contention: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        print(
            f"{results['plan_rows']} plan rows imported through the web (preview {results['preview_seconds']} s, "
            f"import {results['import_seconds']} s) while {results['clients']} API clients read: "
            f"{results['api_requests']} requests, by status {results['statuses']}, median {results['median_ms']} ms, "
            f"p95 {results['p95_ms']} ms; server errors: {results['server_errors']}"
        )
        for error in results["errors"]:
            print("  ", error)
    return 1 if results["server_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
