"""Demo data for a first look: demo accounts (random passwords, printed) and a little life in the seed
plan — a few assignments in each state, with their history — made through the same operations as the pages."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import select

from .accounts import create_user, find_unit
from .assignments import change_assignment
from .extensions import db
from .figures import record_figures
from .models import ActionItem, Assignment, AssignmentEvent, Plan, Unit, User
from .rules.kpi import Counts, Period
from .rules.lifecycle import BLOCKED, DONE, IN_PROGRESS, Change, Evidence
from .rules.workdays import WorkCalendar
from .snapshots import take_snapshot

# Appendix 1's notes, examples 1 to 3: Cục Bản quyền tác giả as of 15/5/2023.
EXAMPLE_COUNTS = {
    "procedures_total": 12,
    "full_online_eligible": 6,
    "full_online_provided": 6,
    "partial_online_accepting": 6,
    "procedures_with_dossiers": 10,
    "procedures_with_online_dossiers": 8,
    "dossiers_total": 1458,
    "dossiers_online": 134,
}

# email, role, unit code, name
DEMO_ACCOUNTS = (
    ("quantri@example.org", "admin", None, "Quản trị hệ thống"),
    ("cntt@example.org", "monitor", None, "Chuyên viên Trung tâm CNTT (theo dõi)"),
    ("lanhdao@example.org", "viewer", None, "Lãnh đạo Bộ"),
    ("lanhdao.vpc@example.org", "unit_head", "VPC", "Vụ trưởng Vụ Pháp chế"),
    ("lanhdao.cda@example.org", "unit_head", "CDA", "Cục trưởng Cục Điện ảnh"),
    ("daumoi.cda@example.org", "unit_staff", "CDA", "Cán bộ đầu mối Cục Điện ảnh"),
    ("lanhdao.cbqtg@example.org", "unit_head", "CBQTG", "Cục trưởng Cục Bản quyền tác giả"),
    ("lanhdao.cdsvh@example.org", "unit_head", "CDSVH", "Cục trưởng Cục Di sản văn hóa"),
    ("lanhdao.ttcntt@example.org", "unit_head", "TTCNTT", "Giám đốc Trung tâm CNTT"),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    password: str
    role: str
    unit: str | None
    is_new: bool


def _at(day: date, hour: int = 9) -> datetime:
    """A demo moment: that day at `hour` o'clock in Vietnam (UTC+7), stored in UTC."""
    return datetime.combine(day, time(hour - 7), tzinfo=UTC)


def make_accounts(password_file: Path, now: datetime) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; passwords are random, kept in password_file (0600)."""
    known: dict[str, str] = {}
    if password_file.exists():
        for line in password_file.read_text(encoding="utf-8").splitlines():
            email, _, password = line.partition(" ")
            known[email] = password
    accounts = []
    for email, role, code, name in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password = secrets.token_urlsafe(12)
            create_user(
                email=email, role=role, password=password, now=now, name=name, unit=find_unit(code) if code else None
            )
            known[email] = password
            accounts.append(DemoAccount(email, password, role, code, True))
        else:
            accounts.append(DemoAccount(email, known.get(email, "(đã đặt trước đây)"), role, code, False))
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text("".join(f"{e} {p}\n" for e, p in known.items()), encoding="utf-8")
    password_file.chmod(0o600)
    return accounts


def add_life(plan_number: str) -> int:
    """Give the seed plan's assignments a plausible history up to mid-September 2023, and Cục Bản quyền
    tác giả the plan's example figures; once only. Returns the number of changes made (0 when the plan
    already has history)."""
    plan = db.session.scalar(select(Plan).where(Plan.number == plan_number))
    if plan is None:
        return 0
    has_history = db.session.scalar(
        select(AssignmentEvent.id).join(Assignment).join(ActionItem).where(ActionItem.plan_id == plan.id).limit(1)
    )
    if has_history:
        return 0

    def assignment(reference: str, code: str) -> Assignment:
        return next(
            a
            for i in plan.items
            if i.reference == reference
            for a in i.assignments
            if a.unit.code == code and a.is_active
        )

    def head(code: str) -> User:
        user = db.session.scalar(select(User).join(Unit).where(Unit.code == code, User.role == "unit_head"))
        assert user is not None  # the seed gives each unit of the plan its head
        return user

    steps = [
        (
            "I.1",
            "VPC",
            date(2023, 7, 24),
            Change(IN_PROGRESS, comment="Đã giao Phòng Pháp luật dự thảo Thông tư sửa đổi; đang lấy ý kiến các Cục."),
        ),
        (
            "I.1",
            "VPC",
            date(2023, 8, 28),
            Change(
                IN_PROGRESS, comment="Dự thảo đã gửi Bộ Tư pháp thẩm định; dự kiến trình Lãnh đạo Bộ trong tháng 9."
            ),
        ),
        (
            "I.2",
            "CDA",
            date(2023, 8, 15),
            Change(IN_PROGRESS, comment="Đã rà soát 9 thủ tục; đang đề xuất danh mục chỉ tiếp nhận trực tuyến."),
        ),
        ("I.2", "CBQTG", date(2023, 8, 1), Change(IN_PROGRESS, comment="Rà soát 12 thủ tục của Cục.")),
        (
            "I.2",
            "CBQTG",
            date(2023, 9, 5),
            Change(
                DONE,
                comment="Đã ban hành quyết định.",
                evidence=Evidence(
                    document_number="45/QĐ-BQTG",
                    document_date=date(2023, 9, 5),
                    document_title="Quyết định ban hành danh mục dịch vụ công trực tuyến chỉ tiếp nhận hồ sơ trực tuyến",
                    completed_on=date(2023, 9, 5),
                ),
            ),
        ),
        (
            "I.2",
            "CDSVH",
            date(2023, 9, 8),
            Change(
                BLOCKED,
                difficulty="Phần mềm Một cửa điện tử chưa hỗ trợ ký số hồ sơ cấp phép khai quật.",
                proposal="Đề nghị Trung tâm CNTT nâng cấp chức năng ký số trước 30/9/2023.",
            ),
        ),
        (
            "I.3",
            "TTCNTT",
            date(2023, 7, 20),
            Change(IN_PROGRESS, comment="Đã trình Lãnh đạo Bộ giao chỉ tiêu năm 2023 (Phụ lục 1)."),
        ),
    ]
    for reference, code, day, change in steps:
        target = assignment(reference, code)
        change_assignment(target, change, actor=head(code), expected_version=target.version, today=day, now=_at(day))
    # The plan's own worked example (Cục Bản quyền tác giả, as of 15/5/2023), and a later report.
    copyright_office = next(a.unit for i in plan.items for a in i.assignments if a.unit.code == "CBQTG")
    for day, counts in (
        (date(2023, 5, 15), EXAMPLE_COUNTS),
        (
            date(2023, 8, 31),
            {**EXAMPLE_COUNTS, "procedures_with_online_dossiers": 9, "dossiers_total": 2110, "dossiers_online": 312},
        ),
    ):
        record_figures(
            copyright_office,
            Counts.from_mapping(counts),
            as_of=day,
            today=day,
            now=_at(day, 16),
            reporter=head("CBQTG"),
            source="demo",
        )
    add_snapshots(plan)
    return len(steps) + 2


def add_snapshots(plan: Plan) -> list[int]:
    """July and August 2023 frozen as the scheduler would have on the first working day after each, so the
    league table shows the change since last month."""
    calendar = WorkCalendar()
    created = []
    for month in (Period(2023, 7), Period(2023, 8)):
        taken_on = calendar.next_workday(month.next().first_day)
        created += take_snapshot(month, now=_at(taken_on, 8), plan_ids=[plan.id])
    return created
