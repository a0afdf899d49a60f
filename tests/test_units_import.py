"""Loading the unit directory from .xlsx and .csv: Vietnamese or English headings, every error named by row
and column with nothing saved, re-loading updates by code or name; the admin page previews then saves."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Unit
from tracker.units_import import (
    UnitFileError,
    load_unit_file,
    plan_unit_file,
    read_unit_file,
)

from .conftest import csrf_token, make_user

HEADINGS = ["Mã đơn vị", "Tên đơn vị", "Tên khác", "Email trưởng đơn vị", "Email cán bộ đầu mối", "Cấp"]
GOOD = [
    [
        "SVHTTDL",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở VHTTDL; Sở VH-TT-DL",
        "giamdoc.svh@example.org",
        "daumoi.svh@example.org",
        "Sở",
    ],
    ["STTTT", "Sở Thông tin và Truyền thông", "", "giamdoc.stttt@example.org", "", "Sở"],
    ["UBNDCD", "UBND huyện Châu Đức", "", "chutich.cd@example.org", "", "UBND cấp huyện"],
    ["", "UBND huyện Đất Đỏ", "", "", "", "UBND cấp huyện"],
]


TONES = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Text as Excel saves "CSV" on Vietnamese Windows: letters with â ê ô ơ ư ă đ whole, tones as marks."""
    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in TONES)
        out.append(unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES)) + tones)
    return "".join(out).encode("cp1258")


def csv_bytes(rows, *, bom=True, delimiter=",", encoding="utf-8") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    if encoding == "cp1258":
        return windows_1258(out.getvalue())
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def units_by_code() -> dict[str, Unit]:
    return {u.code: u for u in db.session.scalars(select(Unit))}


@pytest.mark.parametrize(
    "make, filename",
    [
        (xlsx_bytes, "don-vi.xlsx"),
        (csv_bytes, "don-vi.csv"),
        (lambda rows: csv_bytes(rows, bom=False), "khong-bom.csv"),
        (lambda rows: csv_bytes(rows, bom=False, delimiter=";"), "excel-dau-cham-phay.csv"),
        (lambda rows: csv_bytes(rows, bom=False, delimiter=";", encoding="cp1258"), "excel-windows-1258.csv"),
    ],
)
def test_a_good_file_creates_every_unit_whatever_the_file_kind(app, make, filename):
    with app.app_context():
        changes = load_unit_file(read_unit_file(make([HEADINGS, *GOOD]), filename))
        db.session.commit()
        assert [c.action for c in changes] == ["create"] * 4
        units = units_by_code()
        svh = units["SVHTTDL"]
        assert svh.name == "Sở Văn hóa, Thể thao và Du lịch" and svh.level == "Sở"
        assert sorted(a.alias for a in svh.aliases) == ["Sở VH-TT-DL", "Sở VHTTDL"]
        assert svh.head_email == "giamdoc.svh@example.org" and units["STTTT"].focal_email is None
        generated = next(u for u in units.values() if u.name == "UBND huyện Đất Đỏ")
        assert generated.code and generated.level == "UBND cấp huyện"


def test_english_field_names_are_headings_too(app):
    rows = [["code", "name", "aliases", "head_email", "focal_email", "level"], GOOD[0]]
    with app.app_context():
        load_unit_file(read_unit_file(csv_bytes(rows), "en.csv"))
        assert units_by_code()["SVHTTDL"].head_email == "giamdoc.svh@example.org"


@pytest.mark.parametrize(
    "row, message",
    [
        (
            ["SVHTTDL", "Sở Văn hóa", "", "khong-phai-email", "", "Sở"],
            "Dòng 3, cột “Email trưởng đơn vị”: “khong-phai-email” không phải địa chỉ email.",
        ),
        (
            ["SVHTTDL", "Sở Văn hóa", "", "", "a@b", "Sở"],
            "Dòng 3, cột “Email cán bộ đầu mối”: “a@b” không phải địa chỉ email.",
        ),
        (["SỞ VH", "Sở Văn hóa", "", "", "", ""], "Dòng 3, cột “Mã đơn vị”: “SỞ VH” không phải mã đơn vị"),
        (["SVH2", "", "", "", "", ""], "Dòng 3, cột “Tên đơn vị”: hãy ghi tên đơn vị."),
        (
            ["SVH2", "Sở Thông tin và Truyền thông", "", "", "", ""],
            "Dòng 3, cột “Tên đơn vị”: tên “Sở Thông tin và Truyền thông” đã có ở dòng 2.",
        ),
        (["STTTT", "Sở Khác", "", "", "", ""], "Dòng 3, cột “Mã đơn vị”: mã STTTT đã dùng ở dòng 2."),
        (["SVH2", "Sở Văn hóa", "Sở TT&TT", "", "", ""], "Dòng 3, cột “Tên khác”: tên “Sở TT&TT” đã có ở dòng 2."),
        (["SVH2", "Sở Văn hóa", "", "", "", "x" * 81], "Dòng 3, cột “Cấp”: cấp dài quá 80 ký tự."),
    ],
)
@pytest.mark.parametrize("filename", ["loi.csv", "loi.xlsx"])
def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_saved(app, row, message, filename):
    rows = [HEADINGS, ["STTTT", "Sở Thông tin và Truyền thông", "Sở TT&TT", "", "", "Sở"], row]
    data = csv_bytes(rows) if filename.endswith(".csv") else xlsx_bytes(rows)
    with app.app_context():
        with pytest.raises(UnitFileError) as caught:
            load_unit_file(read_unit_file(data, filename))
        assert any(e.startswith(message) for e in caught.value.errors), caught.value.errors
        db.session.rollback()
        assert db.session.scalar(select(func.count(Unit.id))) == 0


def test_every_bad_row_is_told_at_once(app):
    rows = [HEADINGS, ["A", "Sở A", "", "x", "", ""], GOOD[1], ["", "", "", "", "y", ""]]
    with app.app_context(), pytest.raises(UnitFileError) as caught:
        read_unit_file(csv_bytes(rows), "f.csv")
    assert [e.split(":")[0] for e in caught.value.errors] == [
        "Dòng 2, cột “Mã đơn vị”",
        "Dòng 2, cột “Email trưởng đơn vị”",
        "Dòng 4, cột “Tên đơn vị”",
        "Dòng 4, cột “Email cán bộ đầu mối”",
    ]


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (csv_bytes([["Mã đơn vị", "Email"], ["A", "a@example.org"]]), "f.csv", "Dòng 1: thiếu cột “Tên đơn vị”"),
        (csv_bytes([HEADINGS]), "f.csv", "Tệp chỉ có dòng tiêu đề (dòng 1)"),
        (b"", "f.csv", "Tệp không có dòng nào"),
        (b"PK not a workbook", "f.xlsx", "Không đọc được tệp .xlsx"),
        (b"name\nA", "f.txt", "Chỉ nhận tệp .xlsx hoặc .csv"),
    ],
)
def test_a_file_that_is_not_a_unit_list_is_refused_with_what_to_fix(app, data, filename, message):
    with app.app_context(), pytest.raises(UnitFileError) as caught:
        read_unit_file(data, filename)
    assert caught.value.errors[0].startswith(message)


def test_reloading_updates_units_by_code_or_name_keeps_what_a_cell_leaves_empty(app):
    with app.app_context():
        load_unit_file(read_unit_file(csv_bytes([HEADINGS, *GOOD]), "f.csv"))
        db.session.commit()
        before = db.session.scalar(select(func.count(Unit.id)))
        again = [
            HEADINGS,
            ["SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Sở VHTTDL tỉnh", "moi.svh@example.org", "", ""],
            ["", "Sở Thông tin và Truyền thông", "", "", "daumoi.stttt@example.org", "Sở"],
            ["UBNDCD", "UBND huyện Châu Đức", "", "chutich.cd@example.org", "", "UBND cấp huyện"],
        ]
        changes = plan_unit_file(read_unit_file(csv_bytes(again), "f.csv"))
        assert [(c.code, c.action) for c in changes] == [("SVHTTDL", "update"), ("STTTT", "update"), ("UBNDCD", "same")]
        assert changes[0].changes == [
            "email trưởng đơn vị “giamdoc.svh@example.org” → “moi.svh@example.org”",
            "thêm tên khác “Sở VHTTDL tỉnh”",
        ]
        assert units_by_code()["SVHTTDL"].head_email == "giamdoc.svh@example.org"  # a preview writes nothing
        load_unit_file(read_unit_file(csv_bytes(again), "f.csv"))
        db.session.commit()
        units = units_by_code()
        assert db.session.scalar(select(func.count(Unit.id))) == before
        assert units["SVHTTDL"].head_email == "moi.svh@example.org"
        assert units["SVHTTDL"].focal_email == "daumoi.svh@example.org"  # empty cell: kept
        assert len(units["SVHTTDL"].aliases) == 3 and units["SVHTTDL"].level == "Sở"
        assert units["STTTT"].focal_email == "daumoi.stttt@example.org"


def test_a_name_that_belongs_to_another_unit_is_refused_on_reload(app):
    with app.app_context():
        load_unit_file(read_unit_file(csv_bytes([HEADINGS, *GOOD]), "f.csv"))
        db.session.commit()
        with pytest.raises(UnitFileError) as caught:
            plan_unit_file(read_unit_file(csv_bytes([HEADINGS, ["STTTT", "Sở VHTTDL", "", "", "", ""]]), "f.csv"))
    assert caught.value.errors == [
        "Dòng 2, cột “Tên đơn vị”: tên “Sở VHTTDL” là tên của đơn vị SVHTTDL, không phải của đơn vị mã STTTT."
    ]


def test_the_cli_loads_a_csv_and_refuses_a_bad_one_saving_nothing(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADINGS, GOOD[0], ["X1", "Sở X", "", "sai", "", ""]]))
    result = runner.invoke(args=["units", "load", str(bad)])
    assert result.exit_code == 1
    assert "Dòng 3, cột “Email trưởng đơn vị”: “sai” không phải địa chỉ email." in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == 0
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes([HEADINGS, *GOOD]))
    result = runner.invoke(args=["units", "load", str(good)])
    assert result.exit_code == 0 and "tạo mới 4, cập nhật 0" in result.output


def test_an_admin_uploads_previews_and_confirms_a_unit_file(app, client, login_as):
    with app.app_context():
        make_user("admin", "admin")
        db.session.commit()
    login_as("admin")
    token = csrf_token(client, "/admin/units/import")
    bad = client.post(
        "/admin/units/import",
        data={
            "csrf_token": token,
            "file": (io.BytesIO(csv_bytes([HEADINGS, ["A1", "Sở A", "", "sai", "", ""]])), "dv.csv"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    assert "Dòng 2, cột “Email trưởng đơn vị”: “sai” không phải địa chỉ email." in bad.get_data(as_text=True)
    preview = client.post(
        "/admin/units/import",
        data={"csrf_token": token, "file": (io.BytesIO(xlsx_bytes([HEADINGS, *GOOD])), "dv.xlsx")},
        content_type="multipart/form-data",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Sở Thông tin và Truyền thông" in page and "Tạo mới" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == 0
    kept = re.search(r'name="token"[^>]*value="([0-9a-f]{32})"', page).group(1)
    done = client.post("/admin/units/import/confirm", data={"csrf_token": token, "token": kept, "suffix": ".xlsx"})
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count(Unit.id))) == 4
    listing = client.get("/admin/units?level=UBND cấp huyện").get_data(as_text=True)
    assert "UBND huyện Châu Đức" in listing and "Sở Thông tin và Truyền thông" not in listing


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_template_downloads_with_the_directory_and_loads_back_unchanged(seeded, login_as, client, suffix):
    login_as("admin")
    response = client.get(f"/admin/units/template.{suffix}")
    assert response.status_code == 200
    if suffix == "xlsx":
        headings = [c.value for c in next(load_workbook(io.BytesIO(response.data)).active.iter_rows(max_row=1))]
    else:
        headings = response.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert headings == HEADINGS
    with seeded.app_context():
        changes = plan_unit_file(read_unit_file(response.data, f"mau.{suffix}"))
    assert changes and all(c.action == "same" for c in changes)


def test_an_admin_sets_a_units_level_on_its_page_and_the_directory_filters_by_it(seeded, login_as, client):
    login_as("admin")
    with seeded.app_context():
        vpc = db.session.scalar(select(Unit).where(Unit.code == "VPC"))
    token = csrf_token(client, f"/admin/units/{vpc.id}")
    saved = client.post(
        f"/admin/units/{vpc.id}",
        data={
            "csrf_token": token,
            "code": "VPC",
            "name": "Vụ Pháp chế",
            "aliases": "",
            "head_email": "",
            "focal_email": "",
            "is_active": "y",
            "level": "Vụ",
        },
    )
    assert saved.status_code == 302
    with seeded.app_context():
        assert db.session.get(Unit, vpc.id).level == "Vụ"
    listing = client.get("/admin/units?level=Vụ").get_data(as_text=True)
    assert "Vụ Pháp chế" in listing and "Cục Điện ảnh" not in listing and "Đơn vị cấp Vụ: 1" in listing
