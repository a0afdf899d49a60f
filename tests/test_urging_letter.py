"""The urging letter (công văn đôn đốc, issue 17 item 4): from the monitoring pages the IT Centre chooses units
(or every unit with overdue items) and gets a .docx laid out per Nghị định 30/2020/NĐ-CP listing each unit's
overdue items with their deadlines and days overdue; the letter is noted once on each item's history. With
LibreOffice, the letter prints to PDF and the PDF names the items."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, ItemComment, Unit
from tracker.reports import Issuer
from tracker.reports.letter_docx import DEFAULT_LETTER_TEMPLATE, letter_template_document
from tracker.urging_letter import Letter, OverdueItem, UnitOverdue, history_note

from .conftest import csrf_token
from .test_reports import libreoffice, pdf_text, to_pdf

# On 15/11/2023 in the seed plan: Vụ Pháp chế's I.1 (due 31/08) is 76 days overdue, and the 11 units given
# I.2 (due 31/10) are 15 days overdue; the IT Centre's own items are not yet due.
I2_UNITS = 11


@pytest.fixture
def today():
    return "2023-11-15"


def unit_ids(app, *codes: str) -> list[int]:
    with app.app_context():
        found = dict(db.session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(codes))).all())
    return [found[code] for code in codes]


def unit_name(app, code: str) -> str:
    with app.app_context():
        return db.session.scalar(select(Unit.name).where(Unit.code == code))


def comments(app) -> list[tuple[str, str]]:
    """(item reference, body) of every remark on the items' histories."""
    with app.app_context():
        rows = db.session.execute(
            select(ActionItem, ItemComment.body).join(ItemComment, ItemComment.item_id == ActionItem.id)
        ).all()
        return sorted((item.reference, body) for item, body in rows)


def post_letter(client, data: dict, path: str = "/monitoring/units"):
    return client.post("/monitoring/letter", data={"csrf_token": csrf_token(client, path), **data})


def text_of(data: bytes) -> str:
    """Every paragraph of the letter, in its tables' cells too (python-docx)."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def header(document) -> tuple[str, str]:
    """The header block's two columns (issuer, number and subject; nation and dateline), each as one line."""
    rows = document.tables[0].rows
    return tuple(" ".join(" ".join(row.cells[column].text for row in rows).split()) for column in (0, 1))


def test_the_letter_names_the_selected_units_overdue_items_and_no_one_elses(seeded, login_as, client):
    login_as("monitor")
    response = post_letter(client, {"unit": unit_ids(seeded, "VPC", "CDA")})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == 'attachment; filename="cong-van-don-doc-2023-11-15.docx"'
    document = Document(io.BytesIO(response.data))
    left, right = header(document)
    assert left == (
        "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH TRUNG TÂM CÔNG NGHỆ THÔNG TIN Số: …/TTCNTT "
        "V/v đôn đốc thực hiện các nhiệm vụ đã quá hạn"
    )
    assert right == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc Hà Nội, ngày 15 tháng 11 năm 2023"
    text = text_of(response.data)
    assert "Kính gửi:\n- Vụ Pháp chế;\n- Cục Điện ảnh." in text  # the most overdue first
    assert "tính đến ngày 15/11/2023, 2 nhiệm vụ được giao cho các đơn vị đã quá thời hạn" in text
    assert "Kế hoạch ban hành kèm theo Quyết định số 1872/QĐ-BVHTTDL" in text
    assert "1. Vụ Pháp chế: 1 nhiệm vụ quá hạn" in text and "2. Cục Điện ảnh: 1 nhiệm vụ quá hạn" in text
    pc, da = document.tables[1], document.tables[2]
    assert [c.text for c in pc.rows[0].cells] == ["STT", "Nhiệm vụ", "Thời hạn", "Số ngày quá hạn"]
    assert [c.text for c in pc.rows[1].cells][2:] == ["31/08/2023", "76"]
    assert pc.rows[1].cells[1].text.startswith("I.1. ") and len(pc.rows) == 2
    assert [c.text for c in da.rows[1].cells][2:] == ["31/10/2023", "15"]
    assert da.rows[1].cells[1].text.startswith("I.2. ") and len(da.rows) == 2
    for other in ("Cục Di sản văn hóa", "Cục Bản quyền tác giả", "Tổng cục Du lịch"):
        assert other not in text
    signature = document.tables[-1].rows[0].cells
    assert [p.text for p in signature[0].paragraphs] == [
        "Nơi nhận:",
        "- Vụ Pháp chế;",
        "- Cục Điện ảnh;",
        "- Lãnh đạo Bộ (để báo cáo);",
        "- Lưu: VT, TTCNTT.",
    ]
    assert [p.text for p in signature[1].paragraphs if p.text] == ["GIÁM ĐỐC"]
    assert "Trân trọng./." in text


def test_one_unit_is_addressed_on_the_kinh_gui_line(seeded, login_as, client):
    login_as("monitor")
    text = text_of(post_letter(client, {"unit": unit_ids(seeded, "CDA")}).data)
    assert "Kính gửi: Cục Điện ảnh." in text
    assert "1 nhiệm vụ được giao cho Quý đơn vị" in text and "đề nghị Quý đơn vị khẩn trương" in text


def test_all_overdue_addresses_every_unit_with_overdue_items(seeded, login_as, client):
    login_as("monitor")
    response = post_letter(client, {"all": "1", "unit": unit_ids(seeded, "CDA")}, path="/monitoring")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    assert len(document.tables) == 1 + 1 + I2_UNITS + 1  # header, one table per unit, signature
    text = text_of(response.data)
    assert "tính đến ngày 15/11/2023, 12 nhiệm vụ được giao cho các đơn vị" in text
    with seeded.app_context():
        names = list(db.session.scalars(select(Unit.name).where(Unit.code != "TTCNTT")))
    listed = re.findall(r"^\d+\. (.+): 1 nhiệm vụ quá hạn$", text, re.M)
    assert listed[0] == "Vụ Pháp chế" and len(listed) == 1 + I2_UNITS
    assert set(listed) <= set(names)
    assert unit_name(seeded, "TTCNTT") not in listed


def test_a_unit_without_overdue_items_is_refused_in_vietnamese(seeded, login_as, client):
    login_as("monitor")
    response = post_letter(client, {"unit": unit_ids(seeded, "CDA", "TTCNTT"), "back": "/monitoring/units"})
    assert response.status_code == 302 and response.headers["Location"] == "/monitoring/units"
    page = client.get("/monitoring/units").get_data(as_text=True)
    assert (
        f"Không lập công văn: {unit_name(seeded, 'TTCNTT')} không có nhiệm vụ quá hạn tính đến ngày 15/11/2023. "
        "Hãy bỏ chọn đơn vị này."
    ) in page
    assert comments(seeded) == []  # nothing noted: no letter was made


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Chưa chọn đơn vị nào để lập công văn đôn đốc."),
        ({"unit": "999999"}, "Không tìm thấy một số đơn vị đã chọn; hãy tải lại trang và chọn lại."),
    ],
    ids=["nothing", "unknown"],
)
def test_an_empty_or_unknown_choice_is_refused(seeded, login_as, client, data, message):
    login_as("monitor")
    response = post_letter(client, data)
    assert response.status_code == 302
    assert message in client.get("/monitoring").get_data(as_text=True)
    assert comments(seeded) == []


def test_a_malformed_unit_is_a_400(seeded, login_as, client):
    login_as("monitor")
    assert post_letter(client, {"unit": "abc"}).status_code == 400


def test_each_item_gets_one_history_entry_per_letter(seeded, login_as, client):
    login_as("admin")
    post_letter(client, {"unit": unit_ids(seeded, "VPC", "CDA", "CDSVH")})
    cda, cdsvh = unit_name(seeded, "CDA"), unit_name(seeded, "CDSVH")
    assert comments(seeded) == [
        ("I.1", "Đôn đốc Vụ Pháp chế bằng công văn đôn đốc ngày 15/11/2023."),
        ("I.2", f"Đôn đốc {cdsvh}, {cda} bằng công văn đôn đốc ngày 15/11/2023."),
    ]
    with seeded.app_context():
        i1 = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.1").id
    history = client.get(f"/items/{i1}").get_data(as_text=True)
    assert "Đôn đốc Vụ Pháp chế bằng công văn đôn đốc ngày 15/11/2023." in history
    post_letter(client, {"all": "1"})
    noted = comments(seeded)
    assert len(noted) == 4  # the second letter: one more entry on I.1 and one on I.2, naming its 11 units
    with seeded.app_context():
        item = next(i for i in db.session.scalars(select(ActionItem)) if i.reference == "I.2")
        i2_units = list(db.session.scalars(select(Unit.name).join(Assignment).where(Assignment.item_id == item.id)))
    assert len(i2_units) == I2_UNITS
    i2 = [body for ref, body in noted if ref == "I.2"]
    assert len(i2) == 2 and sum(all(name in body for name in i2_units) for body in i2) == 1
    with seeded.app_context():
        authors = set(db.session.scalars(select(ItemComment.author_id)))
        assert len(authors) == 1


@pytest.mark.parametrize("who", ["viewer", "head_cda", "staff_cda"])
def test_leadership_and_units_cannot_make_a_letter(seeded, login_as, client, who):
    login_as(who)
    response = client.post("/monitoring/letter", data={"csrf_token": csrf_token(client, "/account"), "all": "1"})
    assert response.status_code == 403
    assert comments(seeded) == []


def test_the_letter_needs_the_csrf_token(seeded, login_as, client):
    login_as("monitor")
    response = client.post("/monitoring/letter", data={"all": "1"})
    assert response.status_code == 400
    with seeded.app_context():
        assert db.session.scalar(select(func.count()).select_from(ItemComment)) == 0


def test_the_pages_offer_the_choice_to_the_it_centre_only(seeded, login_as, client):
    login_as("monitor")
    overdue = client.get("/monitoring").get_data(as_text=True)
    assert 'action="/monitoring/letter"' in overdue
    assert "Lập công văn gửi mọi đơn vị có nhiệm vụ quá hạn (12 đơn vị)" in overdue
    assert overdue.count('name="unit" value=') == 1 + I2_UNITS
    assert "Vụ Pháp chế (1 nhiệm vụ quá hạn)" in overdue
    units = client.get("/monitoring/units").get_data(as_text=True)
    assert units.count('type="checkbox"') == 1 + I2_UNITS  # not the IT Centre: nothing overdue
    assert "Chọn Vụ Pháp chế để lập công văn đôn đốc" in units
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    login_as("viewer")
    for path in ("/monitoring", "/monitoring/units"):
        assert "/monitoring/letter" not in client.get(path).get_data(as_text=True)


def test_the_issuer_signer_and_template_come_from_the_settings(seeded, login_as, client, tmp_path):
    template = Document(str(DEFAULT_LETTER_TEMPLATE))
    closing = next(p for p in template.paragraphs if p.text == "Trân trọng./.")
    closing.runs[0].text = "Trân trọng cảm ơn./."
    path = tmp_path / "mau-cong-van.docx"
    template.save(str(path))
    seeded.config.update(
        REPORT_ISSUER_PARENT="ỦY BAN NHÂN DÂN|TỈNH LÀO CAI",
        REPORT_ISSUER="SỞ KHOA HỌC|VÀ CÔNG NGHỆ",
        REPORT_ISSUER_NAME="Sở Khoa học và Công nghệ",
        REPORT_PLACE="Lào Cai",
        REPORT_SIGNER_TITLE="KT. GIÁM ĐỐC|PHÓ GIÁM ĐỐC",
        REPORT_SIGNER_NAME="Nguyễn Văn An",
        LETTER_NUMBER_SUFFIX="/SKHCN-VP",
        LETTER_RECIPIENTS="Lưu: VT, VP.",
        LETTER_TEMPLATE=str(path),
    )
    login_as("monitor")
    data = post_letter(client, {"unit": unit_ids(seeded, "VPC")}).data
    document = Document(io.BytesIO(data))
    left, right = header(document)
    assert left.startswith("ỦY BAN NHÂN DÂN TỈNH LÀO CAI SỞ KHOA HỌC VÀ CÔNG NGHỆ Số: …/SKHCN-VP")
    assert right.endswith("Lào Cai, ngày 15 tháng 11 năm 2023")
    text = text_of(data)
    assert "Sở Khoa học và Công nghệ thông báo" in text and "Trân trọng cảm ơn./." in text
    signature = document.tables[-1].rows[0].cells
    assert [p.text for p in signature[0].paragraphs] == ["Nơi nhận:", "- Vụ Pháp chế;", "- Lưu: VT, VP."]
    assert [p.text for p in signature[1].paragraphs if p.text] == ["KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Nguyễn Văn An"]


def test_the_shipped_template_is_what_the_code_builds(tmp_path):
    """tracker/report_templates/cong-van-don-doc.docx is regenerated by tools/make_report_template.py."""
    built = tmp_path / "cong-van-don-doc.docx"
    letter_template_document().save(str(built))
    with zipfile.ZipFile(built) as ours, zipfile.ZipFile(DEFAULT_LETTER_TEMPLATE) as shipped:
        for part in ("word/document.xml", "word/styles.xml", "word/settings.xml"):
            assert ours.read(part) == shipped.read(part), part


# --- The letter's words, from plain data (no database) ----------------------------------------------


def _letter(*units: tuple[str, int], plans: tuple[str, ...] = ("Kế hoạch số 1/KH-TTCNTT",)) -> Letter:
    issuer = Issuer.from_settings(
        {
            "REPORT_ISSUER_PARENT": "BỘ X",
            "REPORT_ISSUER": "TRUNG TÂM Y",
            "REPORT_ISSUER_NAME": "Trung tâm Y",
            "REPORT_NUMBER_SUFFIX": "/TTY",
            "REPORT_PLACE": "Hà Nội",
            "REPORT_RECIPIENTS": "Lưu: VT.",
            "REPORT_SIGNER_TITLE": "GIÁM ĐỐC",
            "REPORT_SIGNER_NAME": "",
        }
    )
    made_on = date(2024, 2, 5)
    return Letter(
        issuer=issuer,
        made_on=made_on,
        units=tuple(
            UnitOverdue(
                unit_id=n,
                code=f"U{n}",
                name=name,
                items=tuple(
                    OverdueItem(k, f"I.{k}", "Việc", "1/KH", date(2024, 1, 1), (made_on - date(2024, 1, 1)).days)
                    for k in range(count)
                ),
            )
            for n, (name, count) in enumerate(units)
        ),
        plans=plans,
    )


@pytest.mark.parametrize(
    "units, to_one, addressees, you",
    [
        ((("Cục A", 2),), "Cục A", (), "Quý đơn vị"),
        ((("Cục A", 1), ("Vụ B", 3)), "", ("- Cục A;", "- Vụ B."), "các đơn vị"),
        ((("Cục A", 1), ("Vụ B", 1), ("Sở C", 1)), "", ("- Cục A;", "- Vụ B;", "- Sở C."), "các đơn vị"),
    ],
)
def test_kinh_gui_names_one_unit_on_its_line_or_several_one_a_line(units, to_one, addressees, you):
    letter = _letter(*units)
    assert (letter.addressed_to_one, letter.addressees, letter.you) == (to_one, addressees, you)
    assert letter.recipients == (*(f"{name};" for name, _ in units), "Lưu: VT.")
    assert letter.item_count == sum(count for _, count in units)


@pytest.mark.parametrize(
    "plans, text",
    [
        (("Kế hoạch số 1/KH",), "Kế hoạch số 1/KH"),
        (("Kế hoạch số 1/KH", "Kế hoạch số 2/KH"), "Kế hoạch số 1/KH và Kế hoạch số 2/KH"),
        (("KH 1", "KH 2", "KH 3"), "KH 1, KH 2 và KH 3"),
    ],
)
def test_the_plans_are_named_in_one_phrase(plans, text):
    assert _letter(("Cục A", 1), plans=plans).plans_text == text


@pytest.mark.parametrize(
    "units, made_on, note",
    [
        (["Vụ Pháp chế"], date(2023, 11, 15), "Đôn đốc Vụ Pháp chế bằng công văn đôn đốc ngày 15/11/2023."),
        (["Cục A", "Cục B"], date(2024, 2, 5), "Đôn đốc Cục A, Cục B bằng công văn đôn đốc ngày 05/02/2024."),
    ],
)
def test_the_history_note_names_the_units_and_the_day(units, made_on, note):
    assert history_note(units, made_on) == note


def test_the_dateline_is_written_as_decree_30_writes_it():
    assert _letter(("Cục A", 1)).dateline == "Hà Nội, ngày 05 tháng 02 năm 2024"


# --- LibreOffice: the letter opens and prints ---------------------------------------------------------


def test_libreoffice_prints_the_letter_and_the_pdf_names_the_items(seeded, login_as, client, tmp_path):
    program = libreoffice()
    login_as("monitor")
    response = post_letter(client, {"unit": unit_ids(seeded, "VPC", "CDA")})
    source = tmp_path / "cong-van-don-doc.docx"
    source.write_bytes(response.data)
    pdf = to_pdf(program, source, tmp_path)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page[^s]", data)) >= 1, "the PDF has no page"
    text = pdf_text(pdf)
    if text is not None:
        flat = " ".join(text.split())
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "V/v đôn đốc thực hiện các nhiệm vụ đã quá hạn" in flat
        assert "1. Vụ Pháp chế: 1 nhiệm vụ quá hạn" in flat and "2. Cục Điện ảnh: 1 nhiệm vụ quá hạn" in flat
        assert "I.1." in flat and "31/08/2023" in flat and "I.2." in flat and "31/10/2023" in flat
        assert "Cục Di sản văn hóa" not in flat
    if shutil.which("pdftoppm"):  # page 1 as an image, to look at (tests keep it under tmp_path)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "trang")],
            check=True,
            timeout=60,
        )
        assert list(tmp_path.glob("trang*.png"))


def test_all_overdue_is_refused_when_nothing_is_overdue(seeded):
    from tracker.reports import DEFAULT_ISSUER
    from tracker.urging_letter import LetterRefused, letter_content, units_with_overdue

    with seeded.app_context():
        early = date(2023, 8, 1)  # before the seed plan's first deadline
        assert units_with_overdue(early).units == []
        with pytest.raises(LetterRefused) as refused:
            letter_content(None, today=early, issuer=DEFAULT_ISSUER)
        assert str(refused.value) == (
            "Tính đến ngày 01/08/2023 không đơn vị nào có nhiệm vụ quá hạn; không có gì để đôn đốc."
        )
        assert [(unit.code, count) for unit, count in units_with_overdue(date(2023, 9, 1)).units] == [("VPC", 1)]


def test_a_long_list_of_units_is_counted_past_the_limit_not_read(seeded):
    from tracker.urging_letter import units_with_overdue

    with seeded.app_context():
        day = date(2023, 11, 15)  # I.1 (Vụ Pháp chế) and I.2 (eleven lead units) are overdue
        every = units_with_overdue(day)
        assert len(every.units) == 12 and every.count == 12
        assert every.total == sum(count for _unit, count in every.units)
        first = units_with_overdue(day, limit=3)
        assert first.units == every.units[:3]  # by name, as the page lists them
        assert (first.count, first.total) == (every.count, every.total)  # counted over all, not over the 3 read
