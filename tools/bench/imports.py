"""Import timings: a plan of N items and a KPI file of N rows, imported in process on a fresh SQLite database.

`python -m tools.bench.imports --plan-rows 10000 --kpi-rows 100000 [--units 300] [--runs 3] [--database URL]`

It builds its own inputs: a unit directory (JSON) it loads first, a pipe-table .txt plan whose items name those
units (lead and coordinating cells, one-off and yearly deadlines), and a KPI .csv of Decision 1872's eight counts
over many units and dates (some dates reported twice: the later row supersedes). Each run uses a new database
(migrated to head) and does what `flask plan import` and the site's KPI upload do: read, save, commit. Prints
the seconds of each run (wall clock, and CPU: the machine may be shared) and their medians.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from tracker import create_app
from tracker.extensions import db
from tracker.figures_files import import_rows, read_figures_file
from tracker.models import Unit
from tracker.plan_import import import_document
from tracker.rules.kpi import FIELDS
from tracker.units import UnitDirectory, load_units

TODAY = date(2026, 6, 30)
NOW = datetime(2026, 6, 30, 8, 0, tzinfo=UTC)
_DEADLINES = ("Quý II/2026", "Tháng 9/2026", "Hàng năm", "Thường xuyên", "31/12/2026", "Theo lộ trình")


def unit_directory(count: int) -> dict:
    """`count` units: "Sở Thử nghiệm 1" … with codes "S1" …"""
    return {
        "about": "Đơn vị cho phép đo nhập liệu",
        "units": [{"code": f"S{n}", "name": f"Sở Thử nghiệm {n}", "aliases": []} for n in range(1, count + 1)],
    }


def plan_text(rows: int, units: int, seed: int = 1) -> str:
    """A plan whose Appendix 2 is one pipe table of `rows` items in sections of 100."""
    rng = random.Random(seed)
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
        "Số: 99/KH-UBND",
        "Thử Nghiệm, ngày 10 tháng 3 năm 2026",
        "",
        "KẾ HOẠCH",
        "",
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |",
        "| --- | --- | --- | --- | --- |",
    ]
    for n in range(1, rows + 1):
        lead = f"Sở Thử nghiệm {rng.randint(1, units)}"
        coordinating = "; ".join(f"Sở Thử nghiệm {rng.randint(1, units)}" for _ in range(rng.randint(0, 2)))
        deadline = rng.choice(_DEADLINES)
        lines.append(f"| {n} | Nhiệm vụ thử nghiệm số {n} về dịch vụ công | {lead} | {coordinating} | {deadline} |")
    return "\n".join(lines) + "\n"


def kpi_csv(rows: int, units: int, seed: int = 2) -> bytes:
    """Decision 1872's eight counts for `rows` (unit, date) rows; about one row in twenty repeats an earlier
    (unit, date), as a correction does."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["unit", "as_of", *FIELDS])
    keys: list[tuple[int, date]] = []
    for n in range(rows):
        if keys and rng.random() < 0.05:
            unit, as_of = rng.choice(keys)
        else:
            unit, as_of = n % units + 1, TODAY - timedelta(days=n // units)
            keys.append((unit, as_of))
        total = rng.randint(10, 500)
        eligible = rng.randint(0, total)
        provided = rng.randint(0, eligible)
        partial = rng.randint(0, total - eligible)
        with_dossiers = rng.randint(0, provided + partial)
        with_online = rng.randint(0, with_dossiers)
        dossiers = with_dossiers + rng.randint(0, 5000)
        dossiers_online = rng.randint(with_online, dossiers)
        counts = (total, eligible, provided, partial, with_dossiers, with_online, dossiers, dossiers_online)
        writer.writerow([f"S{unit}", as_of.isoformat(), *counts])
    return out.getvalue().encode("utf-8")


# The CPU seconds of each run, beside its wall-clock seconds (the machine may be shared).
_cpu: list[float] = []


def _app(url: str):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY.isoformat()})
    with app.app_context():
        upgrade()
    return app


def time_plan(url: str, folder: Path, text: str) -> float:
    """Seconds to read, save and commit the plan (the directory is loaded first, untimed)."""
    app = _app(url)
    with app.app_context():
        directory = folder / "units.json"
        load_units(directory)
        db.session.commit()
        data = text.encode("utf-8")
        started, cpu = time.perf_counter(), time.process_time()
        report = import_document(data, "ke-hoach.txt", now=NOW)
        db.session.commit()
        seconds = time.perf_counter() - started
        _cpu.append(time.process_time() - cpu)
        if report.items == 0:
            raise SystemExit("the plan imported no item")
        db.session.remove()
        db.engine.dispose()
    return seconds


def time_kpi(url: str, folder: Path, data: bytes) -> float:
    """Seconds to read, record and commit the KPI file, as the site's upload does."""
    app = _app(url)
    with app.app_context():
        load_units(folder / "units.json")
        db.session.commit()
        started, cpu = time.perf_counter(), time.process_time()
        units = {u.code.upper(): u for u in db.session.scalars(select(Unit))}
        rows = read_figures_file(data, "so-lieu.csv", UnitDirectory.from_database(), units)
        count = import_rows(rows, today=TODAY, now=NOW, reporter=None, plan=None)  # type: ignore[arg-type]
        db.session.commit()
        seconds = time.perf_counter() - started
        _cpu.append(time.process_time() - cpu)
        if count == 0:
            raise SystemExit("the KPI file recorded no row")
        db.session.remove()
        db.engine.dispose()
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench.imports", description=__doc__.split("\n")[0])
    parser.add_argument("--plan-rows", type=int, default=10_000, help="items in the plan (0: skip)")
    parser.add_argument("--kpi-rows", type=int, default=100_000, help="rows in the KPI .csv (0: skip)")
    parser.add_argument("--units", type=int, default=300, help="units in the directory")
    parser.add_argument("--runs", type=int, default=3, help="runs of each import (the median is printed)")
    parser.add_argument("--database", help="a PostgreSQL URL to an empty database (default: a new SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        folder = Path(tmp)
        (folder / "units.json").write_text(json.dumps(unit_directory(args.units), ensure_ascii=False), "utf-8")
        jobs = []
        if args.plan_rows:
            text = plan_text(args.plan_rows, args.units)
            jobs.append((f"plan, {args.plan_rows} items", lambda url: time_plan(url, folder, text)))
        if args.kpi_rows:
            data = kpi_csv(args.kpi_rows, args.units)
            jobs.append((f"KPI .csv, {args.kpi_rows} rows", lambda url: time_kpi(url, folder, data)))
        for label, job in jobs:
            times = []
            for run in range(args.runs):
                url = args.database or f"sqlite:///{folder / f'run-{label[:4]}-{run}.sqlite3'}"
                if args.database:
                    _empty(url)
                times.append(job(url))
                print(f"{label}: run {run + 1}: {times[-1]:.2f} s ({_cpu[-1]:.2f} s CPU)", file=sys.stderr, flush=True)
            cpu = _cpu[-args.runs :]
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(
                f"{label}: median {statistics.median(times):.2f} s of {args.runs} ({runs}); "
                f"CPU median {statistics.median(cpu):.2f} s"
            )
    return 0


def _empty(url: str) -> None:
    """Drop every table of the PostgreSQL database so the run starts from a fresh migration."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.session.execute(db.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.session.commit()
        db.engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
