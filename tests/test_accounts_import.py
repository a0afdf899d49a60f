"""Issue 13 point 14: accounts created from an .xlsx/.csv list — all or none, errors by row and column, each
person emailed a one-time link to set a password."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tracker.accounts_import import read_account_file
from tracker.extensions import db
from tracker.models import OutboxMessage, User
from tracker.table_files import TableFileError

from .conftest import csrf_token

GOOD = (
    "Thư điện tử;Họ và tên;Vai trò;Đơn vị\n"
    "cv.cntt@example.gov.vn;Nguyễn Văn A;Trung tâm CNTT;\n"
    "\n"
    "Daumoi.VPC@example.gov.vn;Trần Thị B;Cán bộ đầu mối;VPC\n"
    "truong.cda@example.gov.vn;Lê Văn C;Thủ trưởng đơn vị;Cục Điện ảnh\n"
)


def _users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str):
    return client.post(
        "/admin/users/import",
        data={"csrf_token": csrf_token(client, "/admin/users"), "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_admin_creates_accounts_from_a_csv_and_each_person_gets_a_link(seeded, login_as, client):
    login_as("admin")
    response = _upload(client, GOOD.encode("utf-8-sig"), "tai-khoan.csv")
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        made = {u.email: u for u in db.session.scalars(select(User).where(User.email.like("%@example.gov.vn")))}
        assert set(made) == {"cv.cntt@example.gov.vn", "daumoi.vpc@example.gov.vn", "truong.cda@example.gov.vn"}
        assert (made["cv.cntt@example.gov.vn"].role, made["cv.cntt@example.gov.vn"].unit) == ("monitor", None)
        assert (made["daumoi.vpc@example.gov.vn"].role, made["daumoi.vpc@example.gov.vn"].unit.code) == (
            "unit_staff",
            "VPC",
        )
        assert made["truong.cda@example.gov.vn"].unit.code == "CDA"
        mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")))
        assert sorted(m.recipients[0] for m in mails) == sorted(made)
        link = re.search(r"http\S+/password/reset/\S+", mails[0].body_text).group(0)
    # The link sets the first password; before it, no password opens the account.
    page = client.get(link[link.index("/password") :])
    assert page.status_code == 200


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            "Thư điện tử;Vai trò;Đơn vị\nkhong-phai-email;Cán bộ đầu mối;VPC\n",
            "Dòng 2, cột “Thư điện tử”: “khong-phai-email” không phải địa chỉ thư điện tử.",
        ),
        (
            "Thư điện tử;Vai trò;Đơn vị\na@example.gov.vn;Thư ký;\n",
            "Dòng 2, cột “Vai trò”: “Thư ký” không phải vai trò",
        ),
        (
            "Thư điện tử;Vai trò;Đơn vị\na@example.gov.vn;Cán bộ đầu mối;\n",
            "Dòng 2, cột “Đơn vị”: vai trò “Cán bộ đầu mối” cần ghi đơn vị (mã hoặc tên).",
        ),
        (
            "Thư điện tử;Vai trò;Đơn vị\na@example.gov.vn;Cán bộ đầu mối;Sở Không Có\n",
            "Dòng 2, cột “Đơn vị”: không tìm thấy đơn vị “Sở Không Có”",
        ),
        (
            "Email;Quyền;Đơn vị\na@example.gov.vn;Lãnh đạo Bộ (xem);VPC\n",
            "Dòng 2, cột “Đơn vị”: vai trò “Lãnh đạo Bộ (xem)” không gắn với đơn vị nào",
        ),
        (
            "Thư điện tử;Vai trò\nadmin@example.org;Quản trị hệ thống\n",
            "Dòng 2, cột “Thư điện tử”: đã có tài khoản admin@example.org.",
        ),
        (
            "Thư điện tử;Vai trò\nx@example.gov.vn;Xem\nX@example.gov.vn;Xem\n",
            "Dòng 3, cột “Thư điện tử”: x@example.gov.vn đã có ở dòng 2.",
        ),
        ("Họ và tên;Đơn vị\nA;VPC\n", "Dòng 1: thiếu cột “Thư điện tử”."),
    ],
)
def test_each_wrong_cell_is_named_by_row_and_column(seeded, content, expected):
    with seeded.app_context():
        with pytest.raises(TableFileError) as caught:
            read_account_file(content.encode(), "tai-khoan.csv")
        assert any(e.startswith(expected) for e in caught.value.errors), caught.value.errors


def test_one_wrong_row_creates_no_account_and_the_page_says_where(seeded, login_as, client):
    login_as("admin")
    with seeded.app_context():
        before = _users()
    data = _xlsx(
        [
            ["Thư điện tử", "Họ và tên", "Vai trò", "Đơn vị"],
            ["ok@example.gov.vn", "Đúng", "Trung tâm CNTT", ""],
            ["sai@example.gov.vn", "Sai", "Cán bộ đầu mối", "XYZ"],
        ]
    )
    response = _upload(client, data, "tai-khoan.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Chưa tạo tài khoản nào." in page and "Dòng 3, cột “Đơn vị”: không tìm thấy đơn vị “XYZ”" in page
    with seeded.app_context():
        assert _users() == before
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_the_template_reads_back_as_a_valid_list(seeded, login_as, client):
    login_as("admin")
    response = client.get("/admin/users/template.xlsx")
    assert response.status_code == 200
    with seeded.app_context():
        rows = read_account_file(response.data, "mau.xlsx")
    assert [(r.role, r.unit.code if r.unit else None) for r in rows] == [("monitor", None), ("unit_staff", "VPC")]
