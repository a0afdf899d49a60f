"""A synthetic, national-scale dataset for benchmarks (python -m tools.synth).

Units across a ministry and the 63 provinces (departments, districts, communes), plans with sections and
items whose deadlines are written in every form the parser reads, item units and assignments made the way
the importer makes them, a history for every assignment made by walking the lifecycle rules (history.py),
each plan's Appendix 1 (groups, indicators, targets), monthly KPI reports that pass the consistency checks,
and accounts sharing one password hash.

Rows are built as tuples and written with bulk inserts (COPY on PostgreSQL) with primary keys assigned
here, all in the session's transaction: the caller commits, or rolls back and nothing is left. The same
seed and arguments give the same rows; only secrets (the password hash's salt, session tokens) differ.
"""

from __future__ import annotations

import bisect
import calendar
import json
import math
import random
import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, func, inspect, select, text
from sqlalchemy.engine import Connection

from tracker.extensions import db
from tracker.models import (
    ActionItem,
    Assignment,
    AssignmentEvent,
    Indicator,
    ItemComment,
    ItemUnit,
    KpiReport,
    Plan,
    PlanSection,
    Target,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitGroupMember,
    User,
)
from tracker.plan_import.upsert import _RATIO_WORDS
from tracker.rules.deadlines import YEARLY, parse_deadline
from tracker.rules.kpi import FIELDS, RATIO_KEYS
from tracker.rules.lifecycle import (
    BLOCKED,
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    is_done_late,
    is_overdue,
    occurrence_due,
    occurrence_years,
)
from tracker.rules.names import APPENDIX1, collective_kind, fold_name
from tracker.rules.targets import parse_target

from .history import Histories, progress_texts
from .words import (
    APPENDIX1_NAMES,
    DEADLINE_KINDS,
    DEADLINE_WEIGHTS,
    EXPECTED_OUTPUTS,
    GIVEN_NAMES,
    INDICATOR_NAMES,
    ITEM_COMMENTS,
    MIDDLE_NAMES,
    MINISTRY_UNITS,
    PLACE_SYLLABLES,
    PROVINCE_DEPARTMENTS,
    PROVINCES,
    ROMAN,
    SECTION_TITLES,
    SURNAMES,
    TARGET_CELLS,
    TASK_OBJECTS,
    TASK_TAILS,
    TASK_VERBS,
    UNKNOWN_MINISTRY,
    UNKNOWN_PROVINCE,
    UNPARSED_DEADLINES,
    UNSPECIFIED_MINISTRY,
    UNSPECIFIED_PROVINCE,
)

MIN_UNITS = 12
CHUNK = 20_000
LOCAL_HOURS = 7  # Asia/Ho_Chi_Minh, no daylight saving
# On average an item is led by this many units (a collective lead counting each of its members), counted in
# assignments, so yearly items' occurrences included.
ASSIGNMENTS_PER_ITEM = 10

ADMIN_EMAIL, MONITOR_EMAIL, VIEWER_EMAIL = "quantri@example.org", "cntt@example.org", "lanhdao@example.org"
HEAD_PATTERN, STAFF_PATTERN = "head.<mã đơn vị>@example.org", "staff.<mã đơn vị>@example.org"

# The columns the bulk inserts of action items and their named units fill (tools/synth/redmine_shape.py too).
ITEM_COLUMNS = (
    "id",
    "plan_id",
    "section_id",
    "stt",
    "position",
    "task",
    "lead_text",
    "coordinating_text",
    "expected_output",
    "deadline_text",
    "due_on",
    "recurrence",
    "is_ongoing",
    "is_deadline_parsed",
    "is_due_set_by_hand",
)
ITEM_UNIT_COLUMNS = ("id", "item_id", "role", "position", "written", "kind", "unit_id")
ASSIGNMENT_COLUMNS = (
    "id",
    "item_id",
    "unit_id",
    "occurrence",
    "due_on",
    "status",
    "version",
    "is_active",
    "created_at",
    "updated_at",
    "last_report_on",
    "completed_on",
    "document_number",
    "document_date",
    "document_title",
)


class SynthRefused(Exception):
    """The database cannot take a synthetic dataset; the message says why, in Vietnamese."""


@dataclass
class SynthReport:
    """What was written, for the command's summary."""

    seed: int
    today: date
    units: int = 0
    aliases: int = 0
    plans: int = 0
    sections: int = 0
    items: int = 0
    item_units: int = 0
    unit_groups: int = 0
    targets: int = 0
    assignments: int = 0
    assignments_by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    done_late: int = 0
    events: int = 0
    comments: int = 0
    kpi_reports: int = 0
    users: int = 0
    users_by_role: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (email, role), admin first
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "accounts"}
        data["today"] = self.today.isoformat()
        data["seconds"] = round(self.seconds, 1)
        return data


# --------------------------------------------------------------------------------------------------
# Writing rows


class _Writer:
    """Bulk inserts on the session's connection: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.is_postgres = conn.dialect.name == "postgresql"
        self.written: Counter[str] = Counter()

    def first_id(self, table: Table) -> int:
        return (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1

    def insert(self, table: Table, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
        count = 0
        chunk: list[tuple] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                self._write(table, columns, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            self._write(table, columns, chunk)
            count += len(chunk)
        self.written[table.name] += count
        return count

    def _write(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.is_postgres:
            raw = self.conn.connection.driver_connection
            assert raw is not None  # psycopg's connection, open in this transaction
            with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.conn.dialect.name == "sqlite":
            # The driver's executemany with values converted by each column type's own bind processor
            # (what Core would do row by row, at a third of the cost).
            dialect = self.conn.dialect
            processors = [
                (i, p)
                for i, name in enumerate(columns)
                if (p := table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
            ]
            if processors:
                converted = []
                for row in rows:
                    values = list(row)
                    for i, process in processors:
                        values[i] = process(values[i])
                    converted.append(tuple(values))
                rows = converted
            sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            self.conn.exec_driver_sql(sql, rows)
        else:
            self.conn.execute(table.insert(), [dict(zip(columns, row)) for row in rows])

    def reset_sequences(self) -> None:
        """PostgreSQL: each written table's id sequence past the ids given here, so the app inserts after them;
        never moved back (a sequence is not rolled back with a transaction: moved back below rows another
        transaction keeps, it would hand out their ids again)."""
        if not self.is_postgres:
            return
        for name in self.written:
            self.conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), GREATEST((SELECT max(id) FROM {name}),"
                    f" nextval(pg_get_serial_sequence('{name}', 'id'))))"
                )
            )

    def analyze(self) -> None:
        """PostgreSQL: fresh planner statistics, so the first page views are planned for the real sizes."""
        if self.is_postgres:
            for name in self.written:
                self.conn.execute(text(f"ANALYZE {name}"))


def check_empty(conn: Connection | None = None) -> None:
    """Raise SynthRefused unless the database is migrated and holds no plans and no units."""
    conn = conn or db.session.connection()
    if not inspect(conn).has_table(AssignmentEvent.__tablename__):
        raise SynthRefused("cơ sở dữ liệu chưa có bảng; hãy chạy “flask --app wsgi db upgrade” trước.")
    plans = conn.execute(select(func.count()).select_from(Plan.__table__)).scalar() or 0
    units = conn.execute(select(func.count()).select_from(Unit.__table__)).scalar() or 0
    if plans or units:
        raise SynthRefused(
            f"cơ sở dữ liệu đã có dữ liệu ({plans} kế hoạch, {units} đơn vị). Lệnh tạo dữ liệu tổng hợp cần "
            "một cơ sở dữ liệu trống (đã chạy “flask --app wsgi db upgrade”); không có gì được ghi."
        )


# --------------------------------------------------------------------------------------------------
# The dataset


@dataclass
class _Unit:
    id: int
    code: str
    name: str
    kind: str  # ministry, department, district, commune
    scope: int  # -1 for the ministry, else the province's index
    aliases: list[str] = field(default_factory=list)
    has_staff: bool = False


@dataclass
class _PlanInfo:
    id: int
    number: str
    year: int
    end_year: int | None
    issued: date
    imported: datetime
    scope: int
    scope_label: str
    issuer: str
    members: list[_Unit]
    leads: list[_Unit]
    lead_weights: list[float]


_KIND_WEIGHT = {"ministry": 6.0, "department": 6.0, "district": 2.0, "commune": 0.4}


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"


class _Builder:
    def __init__(
        self,
        *,
        units: int,
        plans: int,
        items_per_plan: int,
        months: int,
        seed: int,
        today: date,
        password_hash: str,
        it_centre_code: str,
    ):
        self.n_units, self.n_plans, self.k_items, self.months = units, plans, items_per_plan, months
        self.seed, self.today, self.password_hash = seed, today, password_hash
        self.it_centre_code = it_centre_code
        self.today_o = today.toordinal()
        self.report = SynthReport(seed=seed, today=today)
        self._days: dict[int, date] = {}
        self._midnights: dict[int, datetime] = {}
        self._minutes = [timedelta(minutes=m) for m in range(24 * 60)]
        self.folded: set[str] = set()
        self.month_ends: list[date] = []  # the last days of the months before today's, oldest first
        year, month = today.year, today.month
        while len(self.month_ends) < months:
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            self.month_ends.insert(0, date(year, month, calendar.monthrange(year, month)[1]))

    def rng(self, stage: str) -> random.Random:
        """A generator per stage, so one stage's draws never shift another's."""
        return random.Random(f"{self.seed}:{stage}")

    def day(self, ordinal: int) -> date:
        found = self._days.get(ordinal)
        if found is None:
            found = self._days[ordinal] = date.fromordinal(ordinal)
        return found

    def at(self, ordinal: int, minute: int) -> datetime:
        """A moment on a day at a local (Vietnam) minute of the day, in UTC."""
        base = self._midnights.get(ordinal)
        if base is None:
            base = self._midnights[ordinal] = datetime(*self.day(ordinal).timetuple()[:3], tzinfo=UTC) - timedelta(
                hours=LOCAL_HOURS
            )
        return base + self._minutes[minute]

    # ---- units, aliases -------------------------------------------------------------------------

    def _claim(self, name: str) -> bool:
        folded = fold_name(name)
        if folded in self.folded:
            return False
        self.folded.add(folded)
        return True

    def make_units(self) -> list[_Unit]:
        rng = self.rng("units")
        n = self.n_units
        ministry_count = min(len(MINISTRY_UNITS), max(10, n // 20))
        units: list[_Unit] = []
        ministry = [entry for entry in MINISTRY_UNITS if entry[0] == "TTCNTT" or entry[0] != self.it_centre_code]
        for code, name, aliases in ministry[:ministry_count]:
            if code == "TTCNTT":  # the IT Centre, under the code the app knows it by
                code = self.it_centre_code
            self._claim(name)
            unit = _Unit(0, code, name, "ministry", -1)
            unit.aliases = [a for a in aliases if self._claim(a)]
            units.append(unit)
        rest = n - ministry_count
        n_provinces = min(len(PROVINCES), max(1, rest // 8))
        for p in range(n_provinces):
            share = rest // n_provinces + (1 if p < rest % n_provinces else 0)
            units.extend(self._province_units(rng, p, share))
        for index, unit in enumerate(units, start=1):
            unit.id = index
        assert len(units) == n and len({u.code for u in units}) == n
        return units

    def _province_units(self, rng: random.Random, p: int, count: int) -> list[_Unit]:
        name, pcode, is_city = PROVINCES[p]
        label = f"{'thành phố' if is_city else 'tỉnh'} {name}"
        departments = min(len(PROVINCE_DEPARTMENTS), math.ceil(0.4 * count))
        remaining = count - departments
        districts = min(15, max(1, round(remaining * 0.12))) if remaining else 0
        communes = remaining - districts
        units: list[_Unit] = []
        for code, dept, short in PROVINCE_DEPARTMENTS[:departments]:
            full = f"{dept} {label}"
            self._claim(full)
            unit = _Unit(0, f"{code}.{pcode}", full, "department", p)
            if short and rng.random() < 0.7 and self._claim(f"{short} {label}"):
                unit.aliases.append(f"{short} {label}")
            units.append(unit)
        district_units: list[tuple[_Unit, str, str]] = []
        for d in range(districts):
            while True:
                place = " ".join(rng.sample(PLACE_SYLLABLES, 2))
                kind = (
                    rng.choice(("quận", "quận", "huyện"))
                    if is_city
                    else rng.choices(("huyện", "thị xã", "thành phố"), (8, 1, 1))[0]
                )
                full = f"UBND {kind} {place}, {label}"
                if self._claim(full):
                    break
            unit = _Unit(0, f"{pcode}.H{d + 1:02d}", full, "district", p)
            long_form = f"Ủy ban nhân dân {kind} {place}, {label}"
            if rng.random() < 0.2 and self._claim(long_form):
                unit.aliases.append(long_form)
            units.append(unit)
            district_units.append((unit, kind, f"{kind} {place}"))
        per_district = [0] * districts
        for c in range(communes):
            per_district[c % districts] += 1
        for d, (district, district_kind, district_label) in enumerate(district_units):
            for x in range(per_district[d]):
                while True:
                    place = " ".join(rng.sample(PLACE_SYLLABLES, 2))
                    kind = (
                        rng.choices(("xã", "thị trấn"), (9, 1))[0]
                        if district_kind == "huyện"
                        else "phường"
                        if district_kind == "quận"
                        else rng.choices(("phường", "xã"), (7, 3))[0]
                    )
                    full = f"UBND {kind} {place}, {district_label}, {label}"
                    if self._claim(full):
                        break
                units.append(_Unit(0, f"{district.code}.X{x + 1:02d}", full, "commune", p))
        return units

    def write_units(self, w: _Writer, units: list[_Unit]) -> None:
        rng = self.rng("unit-addresses")
        first = w.first_id(Unit.__table__)
        for unit in units:
            unit.id += first - 1

        def rows() -> Iterator[tuple]:
            # The head's address is the head's account; the focal officer's, the staff account when there
            # is one. About 1% of units have no address at all, a few more no focal officer's.
            for unit in units:
                local = unit.code.lower()
                unit.has_staff = rng.random() < 0.12
                roll = rng.random()
                head = None if roll < 0.01 else f"head.{local}@example.org"
                focal = None if roll < 0.04 else f"{'staff' if unit.has_staff else 'daumoi'}.{local}@example.org"
                yield (unit.id, unit.code, unit.name, fold_name(unit.name), head, focal, True, None)

        self.report.units = w.insert(
            Unit.__table__,
            ("id", "code", "name", "folded_name", "head_email", "focal_email", "is_active", "calendar_token"),
            rows(),
        )
        first_alias = w.first_id(UnitAlias.__table__)
        aliases = [(u.id, a) for u in units for a in u.aliases]
        self.report.aliases = w.insert(
            UnitAlias.__table__,
            ("id", "unit_id", "alias", "folded_alias"),
            ((first_alias + i, unit_id, alias, fold_name(alias)) for i, (unit_id, alias) in enumerate(aliases)),
        )

    # ---- users ----------------------------------------------------------------------------------

    def write_users(self, w: _Writer, units: list[_Unit], created: datetime) -> None:
        rng = self.rng("users")
        next_id = w.first_id(User.__table__)
        existing = set(w.conn.execute(select(User.__table__.c.email)).scalars())
        rows: list[tuple] = []
        self.actors: dict[int, list[int]] = {}
        roles: Counter[str] = Counter()
        fixed = (
            (ADMIN_EMAIL, "admin", "Quản trị hệ thống"),
            (MONITOR_EMAIL, "monitor", "Chuyên viên Trung tâm CNTT (theo dõi)"),
            (VIEWER_EMAIL, "viewer", "Lãnh đạo Bộ"),
        )
        self.monitor_id: int | None = None
        for email, role, name in fixed:
            if email in existing:  # an account made before (e.g. with users create) is left as it is
                continue
            rows.append(self._user_row(next_id, email, name, role, None, created=created, rng=rng))
            if role == "monitor":
                self.monitor_id = next_id
            self.report.accounts.append((email, role))
            roles[role] += 1
            next_id += 1
        if self.monitor_id is None:
            self.monitor_id = w.conn.execute(
                select(User.__table__.c.id)
                .where(User.__table__.c.role.in_(("monitor", "admin")))
                .order_by(User.__table__.c.id)
                .limit(1)
            ).scalar()
        for unit in units:
            head_id = next_id
            email = f"head.{unit.code.lower()}@example.org"
            rows.append(self._user_row(head_id, email, _person(rng), "unit_head", unit.id, created=created, rng=rng))
            self.report.accounts.append((email, "unit_head"))
            next_id += 1
            roles["unit_head"] += 1
            self.actors[unit.id] = [head_id, head_id]
            if unit.has_staff:
                email = f"staff.{unit.code.lower()}@example.org"
                rows.append(
                    self._user_row(next_id, email, _person(rng), "unit_staff", unit.id, created=created, rng=rng)
                )
                self.report.accounts.append((email, "unit_staff"))
                self.actors[unit.id].append(next_id)  # the head reports twice as often as the staff
                next_id += 1
                roles["unit_staff"] += 1
        self.report.users = w.insert(
            User.__table__,
            (
                "id",
                "email",
                "name",
                "password_hash",
                "role",
                "unit_id",
                "is_active",
                "session_token",
                "created_at",
                "last_login_at",
            ),
            rows,
        )
        self.report.users_by_role = dict(roles)

    def _user_row(
        self,
        user_id: int,
        email: str,
        name: str,
        role: str,
        unit_id: int | None,
        *,
        created: datetime,
        rng: random.Random,
    ) -> tuple:
        last_login = None
        if rng.random() < 0.7:
            last_login = self.at(self.today_o - rng.randint(1, 40), rng.randint(7 * 60, 18 * 60))
        return (
            user_id,
            email,
            name,
            self.password_hash,
            role,
            unit_id,
            True,
            secrets.token_hex(16),
            created,
            last_login,
        )

    # ---- plans, Appendix 1 ----------------------------------------------------------------------

    def plan_infos(self, units: list[_Unit]) -> list[_PlanInfo]:
        rng = self.rng("plans")
        n, p_count = len(units), self.n_plans
        numbers: set[int] = set()
        plans: list[_PlanInfo] = []
        for p in range(p_count):
            start, end = p * n // p_count, (p + 1) * n // p_count
            members = units[start:end]
            wanted = min(n, 30)
            extra = end
            while len(members) < wanted:  # small datasets: a plan's Appendix 1 borrows its neighbours
                members.append(units[extra % n])
                extra += 1
            scope = Counter(u.scope for u in members).most_common(1)[0][0]
            if scope < 0:
                scope_label, issuer, suffix = "Bộ Văn hóa, Thể thao và Du lịch", "Bộ VHTTDL", "QĐ-BVHTTDL"
            else:
                name, _code, is_city = PROVINCES[scope]
                scope_label = f"{'thành phố' if is_city else 'tỉnh'} {name}"
                issuer, suffix = f"UBND {scope_label}", rng.choice(("KH-UBND", "QĐ-UBND"))
            while (number := rng.randint(100, max(9999, 20 * p_count))) in numbers:
                pass
            numbers.add(number)
            issued = self.day(self.today_o - (rng.randint(45, 260) if rng.random() < 0.6 else rng.randint(260, 560)))
            multi_year = p % 4 == 1
            year = issued.year
            if multi_year and issued.month > 6:
                year += 1  # a "giai đoạn" plan adopted late in a year starts with the next one
            imported_o = min(issued.toordinal() + rng.randint(3, 20), self.today_o - 1)
            leads = list(members)
            member_ids = {u.id for u in members}
            # The scope's own departments (or the ministry's) lead items even when they sit in another plan's
            # Appendix 1.
            kind = "department" if scope >= 0 else "ministry"
            leads.extend(u for u in units if u.scope == scope and u.kind == kind and u.id not in member_ids)
            plans.append(
                _PlanInfo(
                    id=0,
                    number=f"{number}/{suffix}",
                    year=year,
                    end_year=year + 2 if multi_year else None,
                    issued=issued,
                    imported=self.at(imported_o, rng.randint(8 * 60, 17 * 60)),
                    scope=scope,
                    scope_label=scope_label,
                    issuer=issuer,
                    members=members,
                    leads=leads,
                    lead_weights=list(_cumulative([_KIND_WEIGHT[u.kind] for u in leads])),
                )
            )
        return plans

    def write_plans(self, w: _Writer, plans: list[_PlanInfo]) -> None:
        rng = self.rng("plan-rows")
        first = w.first_id(Plan.__table__)
        rows = []
        for index, plan in enumerate(plans):
            plan.id = first + index
            if plan.end_year:
                title = rng.choice(
                    (
                        "Kế hoạch chuyển đổi số của {s} giai đoạn {y}-{e}",
                        "Kế hoạch triển khai Đề án 06/CP của {s} giai đoạn {y}-{e}",
                        "Kế hoạch cải cách hành chính của {s} giai đoạn {y}-{e}",
                    )
                )
            elif plan.scope < 0:
                title = rng.choice(
                    (
                        "Kế hoạch hành động nâng cao chất lượng và hiệu quả cung cấp dịch vụ công trực tuyến "
                        "của {s} năm {y}",
                        "Kế hoạch số hóa hồ sơ, kết quả giải quyết TTHC của {s} năm {y}",
                        "Kế hoạch cải cách hành chính của {s} năm {y}",
                    )
                )
            else:
                title = rng.choice(
                    (
                        "Kế hoạch nâng cao chất lượng cung cấp dịch vụ công trực tuyến trên địa bàn {s} năm {y}",
                        "Kế hoạch số hóa hồ sơ, kết quả giải quyết TTHC trên địa bàn {s} năm {y}",
                        "Kế hoạch cải cách hành chính {s} năm {y}",
                    )
                )
            title = title.format(s=plan.scope_label, y=plan.year, e=plan.end_year)
            source = "ke-hoach-" + plan.number.replace("/", "-").replace("Đ", "D").lower() + ".docx"
            rows.append(
                (
                    plan.id,
                    plan.number,
                    title,
                    plan.issued,
                    plan.year,
                    plan.end_year,
                    source,
                    plan.imported,
                    "dvctt_1872",
                )
            )
        self.report.plans = w.insert(
            Plan.__table__,
            ("id", "number", "title", "issued_on", "year", "end_year", "source_name", "imported_at", "kpi_scheme"),
            rows,
        )

    def write_appendix1(self, w: _Writer, plans: list[_PlanInfo]) -> None:
        rng = self.rng("appendix1")
        indicator_id = w.first_id(Indicator.__table__)
        group_id = w.first_id(UnitGroup.__table__)
        member_id = w.first_id(UnitGroupMember.__table__)
        target_id = w.first_id(Target.__table__)
        indicators, groups, members, targets = [], [], [], []
        for plan in plans:
            ids = []
            for number, name in enumerate(INDICATOR_NAMES, start=1):
                folded = name.casefold()
                ratio = next((key for key, words in _RATIO_WORDS if words in folded), None)
                numerator, denominator = RATIO_KEYS[number]
                indicators.append((indicator_id, plan.id, number, name, ratio, "ratio", numerator, denominator))
                ids.append(indicator_id)
                indicator_id += 1
            size = len(plan.members)
            count = min(size, max(2, min(8, round(size / 20))))
            cuts = sorted(rng.sample(range(1, size), count - 1)) if count > 1 else []
            bounds = [0, *cuts, size]
            for g in range(count):
                chunk = plan.members[bounds[g] : bounds[g + 1]]
                groups.append((group_id, plan.id, g + 1, f"Nhóm {g + 1}", len(chunk)))
                for position, unit in enumerate(chunk):
                    written = unit.aliases[0] if unit.aliases and rng.random() < 0.1 else unit.name
                    members.append((member_id, group_id, position, written, unit.id))
                    member_id += 1
                strict = g == 0
                for number, iid in enumerate(ids, start=1):
                    pool = TARGET_CELLS[number - 1]
                    cell = pool[0] if strict and number == 1 else rng.choice(pool)
                    parsed = parse_target(cell)
                    targets.append(
                        (
                            target_id,
                            group_id,
                            iid,
                            parsed.kind,
                            parsed.value_min,
                            parsed.value_max,
                            parsed.note,
                            parsed.text,
                        )
                    )
                    target_id += 1
                group_id += 1
        w.insert(
            Indicator.__table__,
            ("id", "plan_id", "number", "name", "ratio", "kind", "numerator_key", "denominator_key"),
            indicators,
        )
        self.report.unit_groups = w.insert(
            UnitGroup.__table__, ("id", "plan_id", "number", "name", "declared_size"), groups
        )
        w.insert(UnitGroupMember.__table__, ("id", "group_id", "position", "written", "unit_id"), members)
        self.report.targets = w.insert(
            Target.__table__,
            ("id", "group_id", "indicator_id", "kind", "value_min", "value_max", "note", "text"),
            targets,
        )

    # ---- sections, items, item units ------------------------------------------------------------

    def deadline_text(self, rng: random.Random, kind: str, plan: _PlanInfo) -> str:
        years = list(range(plan.year, (plan.end_year or plan.year) + 1))
        year = rng.choice(years) if plan.end_year else (plan.year + 1 if rng.random() < 0.08 else plan.year)
        # Deadlines fall after the plan was issued.
        first_month = min(12, plan.issued.month + 1) if year == plan.issued.year else 1
        month = rng.randint(first_month, 12)
        if kind == "month":
            form = rng.choice(
                ("Tháng {m}/{y}", "tháng {m} năm {y}", "T{m}/{y}", "Trong tháng {m}/{y}", "Tháng {m:02d}/{y}")
            )
            return form.format(m=month, y=year)
        if kind == "quarter":
            quarter = rng.randint((first_month + 2) // 3, 4)
            form = rng.choice(("Quý {r}/{y}", "quý {q}/{y}", "Quý {r} năm {y}", "Trong quý {r}/{y}"))
            return form.format(r=ROMAN[quarter - 1], q=quarter, y=year)
        if kind == "half":
            half = "đầu" if first_month <= 6 and rng.random() < 0.5 else "cuối"
            return f"6 tháng {half} năm {year}"
        if kind == "year":
            return rng.choice(("Năm {y}", "Trong năm {y}", "năm {y}")).format(y=year)
        if kind == "date":
            day = rng.choice((10, 15, 20, 25, 28, 30) if month != 2 else (10, 15, 28))
            form = rng.choice(
                (
                    "Trước ngày {d}/{m}/{y}",
                    "trước {d}/{m}/{y}",
                    "{d:02d}/{m:02d}/{y}",
                    "Trước ngày {d} tháng {m} năm {y}",
                )
            )
            return form.format(d=day, m=month, y=year)
        if kind == "yearly":
            return rng.choice(
                (
                    "Hàng năm",
                    "Hằng năm",
                    "hàng năm",
                    "Định kỳ hằng năm",
                    "Tháng 12 hằng năm",
                    "Quý IV hằng năm",
                    "Trước ngày 15/12 hằng năm",
                )
            )
        if kind == "ongoing":
            return rng.choice(("Thường xuyên", "Thường xuyên, liên tục", "thường xuyên", "Liên tục"))
        if kind == "combined":
            quarter = rng.randint((first_month + 2) // 3, 4)
            return rng.choice(
                ("Quý {r}/{y} và thường xuyên", "Năm {y} và thường xuyên", "Tháng {m}/{y}, thường xuyên")
            ).format(r=ROMAN[quarter - 1], y=year, m=month)
        if kind == "range" and plan.end_year:
            return rng.choice(("Giai đoạn {y}-{e}", "{y}-{e}", "Từ năm {y} đến năm {e}")).format(
                y=plan.year, e=plan.end_year
            )
        if kind == "range":
            return f"Năm {year}"
        return rng.choice(UNPARSED_DEADLINES)

    def write_items(self, w: _Writer, plans: list[_PlanInfo]) -> list[tuple]:
        """Sections, items and item units; returns per item what assignments need."""
        rng = self.rng("items")
        section_id = w.first_id(PlanSection.__table__)
        item_id = w.first_id(ActionItem.__table__)
        item_unit_id = w.first_id(ItemUnit.__table__)
        sections, items, item_units = [], [], []
        work: list[tuple] = []  # (item_id, plan, due, is_ongoing, recurrence, lead unit ids)
        parsed_cache: dict[tuple[str, int], Any] = {}
        for plan in plans:
            k = self.k_items
            n_sections = min(k, rng.randint(3, 6))
            titles = rng.sample(SECTION_TITLES, n_sections)
            cuts = sorted(rng.sample(range(1, k), n_sections - 1)) if n_sections > 1 else []
            bounds = [0, *cuts, k]
            kinds = list(DEADLINE_KINDS)
            rng.shuffle(kinds)
            plan_items: list[dict[str, Any]] = []
            position = 0
            for s in range(n_sections):
                sections.append((section_id, plan.id, ROMAN[s], titles[s], s))
                for stt in range(1, bounds[s + 1] - bounds[s] + 1):
                    # Every kind early in each plan, then as often as plans write them.
                    kind = (
                        kinds[position] if position < len(kinds) else rng.choices(DEADLINE_KINDS, DEADLINE_WEIGHTS)[0]
                    )
                    position += 1
                    deadline_text = self.deadline_text(rng, kind, plan)
                    key = (deadline_text, plan.year)
                    deadline = parsed_cache.get(key)
                    if deadline is None:
                        deadline = parsed_cache[key] = parse_deadline(deadline_text, plan.year)
                    plan_items.append(
                        {
                            "id": item_id,
                            "section": section_id,
                            "stt": str(stt),
                            "position": position,
                            "deadline": deadline,
                        }
                    )
                    item_id += 1
                section_id += 1
            self._plan_leads(rng, plan, plan_items)
            for entry in plan_items:
                deadline = entry["deadline"]
                task = self._task(rng, plan)
                lead_rows, coord_rows = entry["lead_rows"], self._coordinating(rng, plan, entry["lead_ids"])
                items.append(
                    (
                        entry["id"],
                        plan.id,
                        entry["section"],
                        entry["stt"],
                        entry["position"],
                        task,
                        _cell(rng, [r[0] for r in _mentions(lead_rows)]),
                        _cell(rng, [r[0] for r in _mentions(coord_rows)]),
                        rng.choice(EXPECTED_OUTPUTS).format(issuer=plan.issuer),
                        deadline.text,
                        deadline.due_on,
                        deadline.recurrence,
                        deadline.is_ongoing,
                        deadline.is_parsed,
                        False,
                    )
                )
                for p, (role, written, kind, unit_id) in enumerate(
                    [("lead", *r) for r in lead_rows] + [("coordinating", *r) for r in coord_rows]
                ):
                    item_units.append((item_unit_id, entry["id"], role, p, written, kind, unit_id))
                    item_unit_id += 1
                work.append(
                    (entry["id"], plan, deadline.due_on, deadline.is_ongoing, deadline.recurrence, entry["lead_ids"])
                )
        self.report.sections = w.insert(
            PlanSection.__table__, ("id", "plan_id", "number", "title", "position"), sections
        )
        self.report.items = w.insert(
            ActionItem.__table__,
            ITEM_COLUMNS,
            items,
        )
        self.report.item_units = w.insert(ItemUnit.__table__, ITEM_UNIT_COLUMNS, item_units)
        return work

    def _pick_leads(self, rng: random.Random, plan: _PlanInfo, count: int, exclude: set[int]) -> list[_Unit]:
        chosen: list[_Unit] = []
        total = plan.lead_weights[-1]
        for _ in range(count * 4):
            if len(chosen) == count:
                break
            unit = plan.leads[bisect.bisect_right(plan.lead_weights, rng.random() * total)]
            if unit.id not in exclude:
                exclude.add(unit.id)
                chosen.append(unit)
        return chosen

    def _written(self, rng: random.Random, unit: _Unit) -> str:
        return unit.aliases[0] if unit.aliases and rng.random() < 0.3 else unit.name

    def _plan_leads(self, rng: random.Random, plan: _PlanInfo, plan_items: list[dict[str, Any]]) -> None:
        """Each item's lead cell as item-unit rows (written, kind, unit id) and its distinct lead unit ids.

        Most items are led by one to three units; a few by the collective that stands for the plan's
        Appendix 1 units, chosen so that the plan comes out near ASSIGNMENTS_PER_ITEM assignments an item."""
        years = occurrence_years(plan.year, plan.end_year)
        unspecified = UNSPECIFIED_MINISTRY if plan.scope < 0 else UNSPECIFIED_PROVINCE
        total = 0
        for entry in plan_items:
            roll = rng.random()
            rows: list[tuple[str, str, int | None]] = []
            ids: list[int] = []
            if roll < 0.015:  # only a collective with no members: kept as written, nobody assigned
                name = rng.choice(unspecified)
                rows.append((name, collective_kind(name) or "unspecified", None))
            else:
                count = rng.choices((1, 2, 3), (60, 25, 15))[0]
                picked = self._pick_leads(rng, plan, count, set())
                rows.extend((self._written(rng, u), "unit", u.id) for u in picked)
                ids.extend(u.id for u in picked)
                if roll > 0.99:
                    rows.append((self._unknown(rng, plan), "unknown", None))
            entry["lead_rows"], entry["lead_ids"] = rows, ids
            entry["occurrences"] = len(years) if entry["deadline"].recurrence == YEARLY else 1
            total += len(ids) * entry["occurrences"]
        target = ASSIGNMENTS_PER_ITEM * len(plan_items)
        order = list(range(len(plan_items)))
        rng.shuffle(order)
        member_ids = [u.id for u in plan.members]
        collective_items = 0
        for index in order:
            if collective_items >= max(1, len(plan_items) // 2):
                break
            entry = plan_items[index]
            merged = list(dict.fromkeys(member_ids + entry["lead_ids"]))
            gain = (len(merged) - len(entry["lead_ids"])) * entry["occurrences"]
            if collective_items and abs(total + gain - target) >= abs(total - target):
                continue
            total += gain
            collective_items += 1
            name = rng.choice(APPENDIX1_NAMES)
            assert collective_kind(name) == APPENDIX1
            expanded = [(name, "collective", uid) for uid in member_ids]
            keep = entry["lead_rows"][:1] if entry["lead_ids"] and rng.random() < 0.3 else []
            entry["lead_rows"] = keep + expanded
            kept_ids = [r[2] for r in keep]
            entry["lead_ids"] = list(dict.fromkeys(kept_ids + member_ids))

    def _unknown(self, rng: random.Random, plan: _PlanInfo) -> str:
        if plan.scope < 0:
            return rng.choice(UNKNOWN_MINISTRY)
        name = PROVINCES[plan.scope][0]
        return rng.choice(UNKNOWN_PROVINCE).format(p=plan.scope_label, n=name)

    def _coordinating(self, rng: random.Random, plan: _PlanInfo, lead_ids: list[int]) -> list[tuple]:
        roll = rng.random()
        if roll < 0.15:
            return []
        if roll < 0.20 and len(lead_ids) < len(plan.members):
            name = rng.choice(APPENDIX1_NAMES)
            return [(name, "collective", u.id) for u in plan.members]
        rows: list[tuple] = []
        if roll < 0.85:
            picked = self._pick_leads(rng, plan, rng.choices((1, 2, 3), (50, 35, 15))[0], set(lead_ids))
            rows.extend((self._written(rng, u), "unit", u.id) for u in picked)
        if roll >= 0.70:
            name = rng.choice(UNSPECIFIED_MINISTRY if plan.scope < 0 else UNSPECIFIED_PROVINCE)
            rows.append((name, collective_kind(name) or "unspecified", None))
        if rng.random() < 0.04:
            rows.append((self._unknown(rng, plan), "unknown", None))
        return rows

    def _task(self, rng: random.Random, plan: _PlanInfo) -> str:
        """A task as plans write it: one sentence, or a heading and "- " bullets on their own lines."""
        where = " tại các đơn vị thuộc Bộ" if plan.scope < 0 else f" trên địa bàn {plan.scope_label}"

        def phrase() -> str:
            return f"{rng.choice(TASK_VERBS)} {rng.choice(TASK_OBJECTS)}{rng.choice(TASK_TAILS).format(where=where)}"

        head = phrase()
        if rng.random() < 0.3:
            bullets = "\n".join(f"- {phrase()}." for _ in range(rng.randint(2, 4)))
            return f"{head}:\n{bullets}"
        return head + "."

    # ---- assignments and their history ------------------------------------------------------------

    def write_assignments(self, w: _Writer, work: list[tuple]) -> None:
        histories = Histories(
            self.rng("history"),
            today_o=self.today_o,
            day=self.day,
            at=self.at,
            actors=self.actors,
            monitor_id=self.monitor_id,
            progress_pool=progress_texts(self.rng("texts")),
        )
        assignment_id = w.first_id(Assignment.__table__)
        event_id = w.first_id(AssignmentEvent.__table__)
        a_columns = (*ASSIGNMENT_COLUMNS, "difficulty", "proposal")
        e_columns = (
            "id",
            "assignment_id",
            "actor_id",
            "at",
            "kind",
            "from_state",
            "to_state",
            "comment",
            "difficulty",
            "proposal",
            "reason",
            "document_number",
            "document_date",
            "document_title",
            "completed_on",
            "evidence_file_id",
        )
        assignments: list[tuple] = []
        events: list[tuple] = []
        statuses: Counter[str] = Counter()
        overdue = done_late = 0
        codes = self.doc_codes
        for item_id, plan, due, is_ongoing, recurrence, lead_ids in work:
            created = plan.imported
            created_o = (created + timedelta(hours=LOCAL_HOURS)).date().toordinal()
            occurrences = occurrence_years(plan.year, plan.end_year) if recurrence == YEARLY else [0]
            for year in occurrences:
                occ_due = occurrence_due(due, year) if year else due
                due_o = occ_due.toordinal() if occ_due else None
                start_o = created_o + 1
                if year:
                    start_o = max(start_o, date(year, 1, 1).toordinal())
                for unit_id in lead_ids:
                    status, history, fields = histories.make(start_o, due_o, is_ongoing, unit_id, codes[unit_id])
                    for entry in history:
                        events.append((event_id, assignment_id, *entry))
                        event_id += 1
                    last = history[-1] if history else None
                    assignments.append(
                        (
                            assignment_id,
                            item_id,
                            unit_id,
                            year,
                            occ_due,
                            status,
                            1 + len(history),
                            True,
                            created,
                            last[1] if last else None,
                            (last[1] + timedelta(hours=LOCAL_HOURS)).date() if last else None,
                            *fields,
                        )
                    )
                    assignment_id += 1
                    statuses[status] += 1
                    if is_overdue(state=status, due_on=occ_due, is_ongoing=is_ongoing, today=self.today):
                        overdue += 1
                    if is_done_late(state=status, due_on=occ_due, completed_on=fields[0]):
                        done_late += 1
                    if len(events) >= CHUNK * 2:
                        self.report.assignments += w.insert(Assignment.__table__, a_columns, assignments)
                        self.report.events += w.insert(AssignmentEvent.__table__, e_columns, events)
                        assignments, events = [], []
        self.report.assignments += w.insert(Assignment.__table__, a_columns, assignments)
        self.report.events += w.insert(AssignmentEvent.__table__, e_columns, events)
        self.report.assignments_by_status = {s: statuses[s] for s in (NOT_STARTED, IN_PROGRESS, BLOCKED, DONE)}
        self.report.overdue, self.report.done_late = overdue, done_late

    def write_comments(self, w: _Writer, work: list[tuple]) -> None:
        rng = self.rng("comments")
        comment_id = w.first_id(ItemComment.__table__)
        rows = []
        for item_id, plan, _due, _ongoing, _recurrence, lead_ids in work:
            if rng.random() >= 0.06:
                continue
            imported_o = plan.imported.date().toordinal() + 1
            for _ in range(rng.randint(1, 3)):
                if imported_o >= self.today_o - 1:
                    break
                author = self.monitor_id
                if lead_ids and rng.random() < 0.4:
                    author = self.actors[lead_ids[0]][0]
                if author is None:
                    continue
                day_o = rng.randint(imported_o, self.today_o - 1)
                rows.append(
                    (comment_id, item_id, author, self.at(day_o, rng.randint(480, 1020)), rng.choice(ITEM_COMMENTS))
                )
                comment_id += 1
        self.report.comments = w.insert(ItemComment.__table__, ("id", "item_id", "author_id", "at", "body"), rows)

    # ---- KPI reports ------------------------------------------------------------------------------

    def write_kpi(self, w: _Writer, units: list[_Unit]) -> None:
        rng = self.rng("kpi")
        month_ends = self.month_ends
        report_id = w.first_id(KpiReport.__table__)
        columns = ("id", "unit_id", "as_of", "figures", "is_current", "reported_by_id", "reported_at", "source")
        scale = {
            "ministry": (0, 60, 20, 1500),
            "department": (8, 180, 50, 2000),
            "district": (80, 260, 200, 3000),
            "commune": (30, 110, 20, 400),
        }

        def rows() -> Iterator[tuple]:
            nonlocal report_id
            for unit in units:
                low, high, rate_low, rate_high = scale[unit.kind]
                total = 0 if rng.random() < 0.03 else rng.randint(max(1, low), high)
                eligible = round(total * rng.uniform(0.3, 0.8))
                provided_share = rng.uniform(0.4, 1.0)
                partial = round((total - eligible) * rng.uniform(0.4, 1.0))
                rate = rng.randint(rate_low, rate_high) if total else 0
                with_share = rng.uniform(0.2, 0.7)
                online_proc_share = rng.uniform(0.2, 0.9)
                online_share, growth = rng.uniform(0.02, 0.6), rng.uniform(0.0, 0.03)
                dossiers = with_dossiers = 0
                current_year = None
                actors = self.actors[unit.id]
                for as_of in month_ends:
                    if as_of.year != current_year:  # figures are cumulative for the year
                        current_year = as_of.year
                        dossiers = round(rate * (as_of.month - 1) * rng.uniform(0.8, 1.2))
                        with_dossiers = 0
                    provided_share = min(1.0, provided_share + rng.uniform(0.0, 0.04))
                    provided = min(eligible, round(eligible * provided_share))
                    allowing = provided + partial
                    dossiers += round(rate * rng.uniform(0.7, 1.3))
                    with_dossiers = max(
                        with_dossiers, min(allowing, round(allowing * min(1.0, with_share + 0.04 * as_of.month)))
                    )
                    dossiers = max(dossiers, with_dossiers)
                    online_proc_share = min(1.0, online_proc_share + rng.uniform(0.0, 0.03))
                    online_procedures = min(with_dossiers, round(with_dossiers * online_proc_share))
                    online = min(dossiers, max(online_procedures, round(dossiers * min(0.98, online_share))))
                    online_share += growth
                    report_day = min(as_of.toordinal() + rng.randint(1, 6), max(as_of.toordinal(), self.today_o - 1))
                    figures = dict(
                        zip(
                            FIELDS,
                            (total, eligible, provided, partial, with_dossiers, online_procedures, dossiers, online),
                        )
                    )
                    # COPY takes the JSON as text; SQLite's JSON type serialises the dict itself.
                    yield (
                        report_id,
                        unit.id,
                        as_of,
                        json.dumps(figures) if w.is_postgres else figures,
                        True,
                        actors[rng.randrange(len(actors))],
                        self.at(report_day, rng.randint(480, 1050)),
                        "demo",
                    )
                    report_id += 1

        self.report.kpi_reports = w.insert(KpiReport.__table__, columns, rows())

    # ---- all of it --------------------------------------------------------------------------------

    def build(self) -> SynthReport:
        conn = db.session.connection()
        check_empty(conn)
        w = _Writer(conn)
        units = self.make_units()
        self.write_units(w, units)
        self.doc_codes = {u.id: _doc_code(u) for u in units}
        plans = self.plan_infos(units)
        # Accounts exist before the first import and the first figures reported.
        first_report = self.at(self.month_ends[0].toordinal(), 0) if self.month_ends else None
        earliest = min([p.imported for p in plans] + ([first_report] if first_report else [])) - timedelta(days=7)
        self.write_users(w, units, earliest)
        self.write_plans(w, plans)
        self.write_appendix1(w, plans)
        work = self.write_items(w, plans)
        self.write_assignments(w, work)
        self.write_comments(w, work)
        self.write_kpi(w, units)
        w.reset_sequences()
        w.analyze()
        return self.report


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _mentions(rows: list[tuple]) -> list[tuple]:
    """The names a cell writes: an expanded collective is written once."""
    seen: list[tuple] = []
    for row in rows:
        if row[1] == "collective" and seen and seen[-1][0] == row[0] and seen[-1][1] == "collective":
            continue
        seen.append(row)
    return seen


def _cell(rng: random.Random, names: list[str]) -> str:
    """Names joined the way plans write them: by commas when no name has one, else by semicolons or lines."""
    if len(names) <= 1:
        return names[0] if names else ""
    if any("," in name for name in names):
        return rng.choice(("; ", ";\n", "\n")).join(names)
    return rng.choice((", ", "; ", "\n")).join(names)


def _doc_code(unit: _Unit) -> str:
    """The issuing code in a document number: "STTTT" for Sở TT&TT of any province, "UBND" for a district."""
    if unit.kind in ("district", "commune"):
        return "UBND"
    return unit.code.split(".")[0]


def build_synthetic(
    *,
    units: int,
    plans: int,
    items_per_plan: int,
    months: int,
    seed: int,
    today: date,
    password_hash: str,
    it_centre_code: str,
) -> SynthReport:
    """Write the whole dataset in the session's transaction (the caller commits); raises SynthRefused, writing
    nothing, unless the database is migrated and has no plans and no units."""
    if units < MIN_UNITS:
        raise SynthRefused(f"cần ít nhất {MIN_UNITS} đơn vị.")
    builder = _Builder(
        units=units,
        plans=plans,
        items_per_plan=items_per_plan,
        months=months,
        seed=seed,
        today=today,
        password_hash=password_hash,
        it_centre_code=it_centre_code,
    )
    return builder.build()


def write_accounts_file(path: Path, accounts: list[tuple[str, str]], password: str) -> None:
    """The accounts and their one password, one "email password" per line as demo-accounts.txt (mode 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{email} {password}\n" for email, _role in accounts), encoding="utf-8")
    path.chmod(0o600)
