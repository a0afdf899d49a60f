"""Creating many accounts from an .xlsx or .csv list: every cell checked first (an error names its row and
column, and then nothing is created); each new person gets an email with a one-time link to set a password."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from .accounts import create_user
from .extensions import db
from .models import Unit, User
from .outbox import Draft, enqueue
from .password_resets import issue_link, reset_url
from .rules.names import fold_name, normalize_text
from .rules.permissions import ROLE_LABELS, ROLES, UNIT_ROLES
from .rules.texts import joined, known, t
from .spreadsheets import saved
from .table_files import CellError, TableFileError, headings_for, read_table
from .units import UnitDirectory

COLUMNS = {"email": "Thư điện tử", "name": "Họ và tên", "role": "Vai trò", "unit": "Đơn vị"}
_OTHER_HEADINGS = {
    "email": ("Email", "Địa chỉ email", "Địa chỉ thư điện tử", "Tài khoản"),
    "name": ("Họ tên", "Tên", "Người dùng"),
    "role": ("Quyền", "Chức năng"),
    "unit": ("Mã đơn vị", "Tên đơn vị", "Cơ quan, đơn vị"),
}
HEADINGS = headings_for(COLUMNS, _OTHER_HEADINGS)
# A role as people write it: its label, the role's own name, or the words offices use for it.
_ROLE_WORDS = {
    **{fold_name(text): role for role, text in ROLE_LABELS.items()},
    **{role: role for role in ROLES},
    **{
        fold_name(text): role
        for role, texts in {
            "admin": ("Quản trị", "Quản trị viên"),
            "monitor": ("Trung tâm CNTT", "Theo dõi", "Theo dõi, đôn đốc"),
            "viewer": ("Lãnh đạo", "Lãnh đạo Bộ", "Xem"),
            "unit_head": ("Thủ trưởng", "Trưởng đơn vị", "Lãnh đạo đơn vị"),
            "unit_staff": ("Đầu mối", "Cán bộ", "Chuyên viên"),
        }.items()
        for text in texts
    },
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WELCOME_LINK_LIFETIME = timedelta(days=7)
_ROWS_AT_MOST = 5_000


@dataclass(frozen=True)
class AccountRow:
    row: int
    email: str
    name: str
    role: str
    unit: Unit | None


def read_account_file(data: bytes, filename: str) -> list[AccountRow]:
    """The accounts a file lists, every cell checked; TableFileError naming each row and column at fault."""
    table = read_table(
        data,
        filename,
        headings=HEADINGS,
        max_rows=_ROWS_AT_MOST,
        what=t("tài khoản"),
        required={
            "email": t("thiếu cột “%(column)s”.", column=COLUMNS["email"]),
            "role": t("thiếu cột “%(column)s”.", column=COLUMNS["role"]),
        },
    )
    directory = UnitDirectory.from_database()
    by_code = {
        code.upper(): unit
        for code, unit in ((u.code, u) for u in db.session.scalars(select(Unit).where(Unit.is_active)))
    }
    taken = set(db.session.scalars(select(func.lower(User.email))))
    seen: dict[str, int] = {}
    errors: list[CellError | str] = []
    rows: list[AccountRow] = []
    for number, raw in table.rows:
        problems = len(errors)
        email = normalize_text(table.cell(raw, "email")).lower()
        if not email:
            errors.append(table.error(number, "email", t("hãy ghi địa chỉ thư điện tử.")))
        elif not EMAIL_RE.match(email) or len(email) > 255:
            errors.append(table.error(number, "email", t("“%(email)s” không phải địa chỉ thư điện tử.", email=email)))
        elif email in taken:
            errors.append(table.error(number, "email", t("đã có tài khoản %(email)s.", email=email)))
        elif email in seen:
            errors.append(
                table.error(number, "email", t("%(email)s đã có ở dòng %(row)s.", email=email, row=seen[email]))
            )
        seen.setdefault(email, number)
        written_role = normalize_text(table.cell(raw, "role"))
        role = _ROLE_WORDS.get(fold_name(written_role)) or _ROLE_WORDS.get(written_role.lower())
        if role is None:
            choices = joined(*(t("“%(role)s”", role=known(text)) for text in ROLE_LABELS.values()), sep=", ")
            errors.append(
                table.error(
                    number,
                    "role",
                    t(
                        "“%(written)s” không phải vai trò; hãy ghi một trong: %(choices)s.",
                        written=written_role,
                        choices=choices,
                    )
                    if written_role
                    else t("hãy ghi vai trò, một trong: %(choices)s.", choices=choices),
                )
            )
        written_unit = normalize_text(table.cell(raw, "unit"))
        unit = by_code.get(written_unit.upper()) or (directory.find(written_unit) if written_unit else None)
        if role in UNIT_ROLES and unit is None:
            errors.append(
                table.error(
                    number,
                    "unit",
                    t(
                        "không tìm thấy đơn vị “%(unit)s” (ghi mã hoặc tên đơn vị như trong danh mục).",
                        unit=written_unit,
                    )
                    if written_unit
                    else t("vai trò “%(role)s” cần ghi đơn vị (mã hoặc tên).", role=known(ROLE_LABELS[role])),
                )
            )
        elif role is not None and role not in UNIT_ROLES and written_unit:
            errors.append(
                table.error(
                    number,
                    "unit",
                    t(
                        "vai trò “%(role)s” không gắn với đơn vị nào; hãy để trống ô này.",
                        role=known(ROLE_LABELS[role]),
                    ),
                )
            )
        if len(errors) == problems and role is not None:
            name = normalize_text(table.cell(raw, "name"))[:255]
            rows.append(AccountRow(number, email, name, role, unit if role in UNIT_ROLES else None))
    if errors:
        raise TableFileError(errors)
    return rows


def create_accounts(rows: list[AccountRow], *, now: datetime, today: date, created_by: User) -> list[int]:
    """Create the accounts and queue each person's welcome email with a link to set a password (nobody,
    the admin included, knows a password until then). Returns the messages' ids; flushes, the caller commits."""
    drafts = []
    for row in rows:
        user = create_user(
            email=row.email, role=row.role, unit=row.unit, name=row.name, now=now, password=secrets.token_urlsafe(32)
        )
        token = issue_link(user, now=now, lifetime=WELCOME_LINK_LIFETIME, created_by=created_by)
        context = {
            "user": user,
            "link": reset_url(token),
            "days": WELCOME_LINK_LIFETIME.days,
            "role": ROLE_LABELS[user.role],
        }
        drafts.append(
            Draft(
                unit_id=None,
                kind="password_reset",
                reference_on=today,
                recipients=[user.email],
                cc=[],
                subject="Tài khoản mới — Hệ thống theo dõi thực hiện kế hoạch",
                body_text=render_template("emails/new_account.txt", **context),
                body_html=render_template("emails/new_account.html", **context),
                entries=[{"user_id": user.id}],
            )
        )
    return enqueue(drafts, now=now)


def template_xlsx() -> bytes:
    """The list's headings and two example rows: an IT Centre officer, a unit's focal officer."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one sheet, active
    sheet.title = "Tai khoan"
    sheet.append(list(COLUMNS.values()))
    sheet.append(["cv.cntt@example.gov.vn", "Nguyễn Văn A", ROLE_LABELS["monitor"], ""])
    sheet.append(["daumoi.vpc@example.gov.vn", "Trần Thị B", ROLE_LABELS["unit_staff"], "VPC"])
    for column, width in zip("ABCD", (34, 28, 36, 30)):
        sheet.column_dimensions[column].width = width
    return saved(book)
