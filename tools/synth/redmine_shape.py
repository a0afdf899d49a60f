"""The dataset of the side-by-side benchmark against Redmine (issue 16): the shape the Redmine peer's seed.rb
gives its database (../shared/peers/redmine/seed.rb), in this app's tables.

20 units (codes DV01…DV20), each with a head and a staff account; the IT Centre's monitor account; one
plan of four sections; N items with one lead unit each (round-robin over the units), so N assignments, due
uniformly over 2023-01-01…2024-12-31. Against `today` (2024-01-01): due before it, 60 % done and 40 % open;
due on or after it, 10 % done; open ones half not started, half in progress (Redmine's New / In Progress).
That is ~35 % done and ~20 % overdue. No history rows, comments or figures (Redmine's seed has no journals).

Rows are written with bulk inserts (COPY on PostgreSQL) in the session's transaction: the caller commits.
The same N and seed give the same rows; only the password hash's salt and session tokens differ.
"""

from __future__ import annotations

import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, ItemUnit, Plan, PlanSection, Unit, User
from tracker.rules.names import fold_name

from .build import ASSIGNMENT_COLUMNS, ITEM_COLUMNS, ITEM_UNIT_COLUMNS, _Writer, check_empty
from .words import EXPECTED_OUTPUTS, TASK_OBJECTS, TASK_VERBS

UNITS = 20
FIRST_DUE, LAST_DUE = date(2023, 1, 1), date(2024, 12, 31)
MONITOR_EMAIL = "cntt@example.org"
ADMIN_EMAIL = "quantri@example.org"
SECTIONS = (
    ("I", "Hoàn thiện thể chế, chính sách"),
    ("II", "Phát triển hạ tầng và nền tảng số"),
    ("III", "Cung cấp dịch vụ công trực tuyến"),
    ("IV", "Bảo đảm an toàn thông tin mạng"),
)


def unit_code(n: int) -> str:
    """The code of unit n (1…20): DV01…DV20, Redmine's "Unit 01"…"Unit 20"."""
    return f"DV{n:02d}"


def head_email(n: int) -> str:
    return f"head.{unit_code(n).lower()}@example.org"


@dataclass
class ShapeReport:
    n: int
    today: date
    units: int = 0
    users: int = 0
    items: int = 0
    assignments: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "today": self.today.isoformat()}


def build_redmine_shape(*, n: int, today: date, password_hash: str, seed: int = 20230713) -> ShapeReport:
    """Write the dataset into the session's (empty, migrated) database; the caller commits."""
    conn = db.session.connection()
    check_empty(conn)
    w = _Writer(conn)
    rng = random.Random(seed)
    report = ShapeReport(n=n, today=today)
    created = datetime(2022, 12, 1, 1, 0, tzinfo=UTC)

    unit_ids = list(range(w.first_id(Unit.__table__), w.first_id(Unit.__table__) + UNITS))
    names = [f"Đơn vị số {k:02d}" for k in range(1, UNITS + 1)]
    report.units = w.insert(
        Unit.__table__,
        ("id", "code", "name", "folded_name", "head_email", "focal_email", "is_active", "calendar_token"),
        [
            (
                unit_ids[k - 1],
                unit_code(k),
                names[k - 1],
                fold_name(names[k - 1]),
                head_email(k),
                f"staff.{unit_code(k).lower()}@example.org",
                True,
                None,
            )
            for k in range(1, UNITS + 1)
        ],
    )

    user_id = w.first_id(User.__table__)
    users = [
        (ADMIN_EMAIL, "Quản trị hệ thống", "admin", None),
        (MONITOR_EMAIL, "Chuyên viên Trung tâm CNTT (theo dõi)", "monitor", None),
    ]
    for k in range(1, UNITS + 1):
        users.append((head_email(k), f"Trưởng {names[k - 1]}", "unit_head", unit_ids[k - 1]))
        users.append(
            (f"staff.{unit_code(k).lower()}@example.org", f"Cán bộ {names[k - 1]}", "unit_staff", unit_ids[k - 1])
        )
    report.users = w.insert(
        User.__table__,
        ("id", "email", "name", "password_hash", "role", "unit_id", "is_active", "session_token", "created_at"),
        [
            (user_id + i, email, name, password_hash, role, unit, True, secrets.token_hex(16), created)
            for i, (email, name, role, unit) in enumerate(users)
        ],
    )

    plan_id = w.first_id(Plan.__table__)
    w.insert(
        Plan.__table__,
        ("id", "number", "title", "issued_on", "year", "end_year", "source_name", "imported_at"),
        [
            (
                plan_id,
                "1872/QĐ-BVHTTDL",
                "Kế hoạch chuyển đổi số giai đoạn 2023-2024 (dữ liệu so sánh với Redmine)",
                date(2022, 12, 15),
                2023,
                2024,
                "so-sanh-redmine.docx",
                created,
            )
        ],
    )
    section_id = w.first_id(PlanSection.__table__)
    w.insert(
        PlanSection.__table__,
        ("id", "plan_id", "number", "title", "position"),
        [(section_id + s, plan_id, number, title, s) for s, (number, title) in enumerate(SECTIONS)],
    )

    first_item = w.first_id(ActionItem.__table__)
    first_link = w.first_id(ItemUnit.__table__)
    first_assignment = w.first_id(Assignment.__table__)
    span = (LAST_DUE - FIRST_DUE).days + 1
    per_section = -(-n // len(SECTIONS))
    items, links, assignments = [], [], []
    statuses: Counter[str] = Counter()
    for i in range(n):
        k = i % UNITS
        item_id, unit_id = first_item + i, unit_ids[k]
        due = FIRST_DUE + timedelta(days=rng.randrange(span))
        start = due - timedelta(days=rng.randint(14, 120))
        done = rng.random() < (0.6 if due < today else 0.1)
        status = "done" if done else ("not_started" if rng.random() < 0.5 else "in_progress")
        made = min(start, today - timedelta(days=1)) - timedelta(days=rng.randint(0, 30))
        made_at = datetime(made.year, made.month, made.day, 1 + rng.randrange(10), rng.randrange(60), tzinfo=UTC)
        completed = None
        if done:
            latest = min(due + timedelta(days=30), today - timedelta(days=1))
            earliest = min(start, latest)
            completed = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
            updated = completed
        else:
            updated = min(made + timedelta(days=rng.randint(0, 60)), today - timedelta(days=1))
        updated_at = datetime(updated.year, updated.month, updated.day, 3, rng.randrange(60), tzinfo=UTC)
        verb, obj = rng.choice(TASK_VERBS), rng.choice(TASK_OBJECTS)
        section = i // per_section
        items.append(
            (
                item_id,
                plan_id,
                section_id + section,
                str(i - section * per_section + 1),
                i + 1,
                f"{verb} {obj} ({i + 1:05d})",
                names[k],
                "",
                rng.choice(EXPECTED_OUTPUTS).format(issuer="Bộ"),
                f"Trước ngày {due:%d/%m/%Y}",
                due,
                None,
                False,
                True,
                False,
            )
        )
        links.append((first_link + i, item_id, "lead", 0, names[k], "unit", unit_id))
        assignments.append(
            (
                first_assignment + i,
                item_id,
                unit_id,
                0,
                due,
                status,
                1,
                True,
                made_at,
                updated_at if status != "not_started" else None,
                updated if status != "not_started" else None,
                completed,
                f"{100 + i % 900}/BC-{unit_code(k + 1)}" if done else "",
                completed,
                f"Báo cáo kết quả {obj}" if done else "",
            )
        )
        statuses[status] += 1
        if not done and due < today:
            report.overdue += 1
    report.items = w.insert(
        ActionItem.__table__,
        ITEM_COLUMNS,
        items,
    )
    w.insert(ItemUnit.__table__, ITEM_UNIT_COLUMNS, links)
    report.assignments = w.insert(
        Assignment.__table__,
        ASSIGNMENT_COLUMNS,
        assignments,
    )
    report.by_status = dict(statuses)
    w.reset_sequences()
    w.analyze()
    return report
