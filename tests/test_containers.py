"""Decompression bombs and other zip containers the product refuses before any parser opens them."""

from __future__ import annotations

import io
import zipfile

import pytest

from tracker.containers import MAX_ENTRIES, MAX_ENTRY_BYTES, ContainerRefused, check_container

from .conftest import CORPUS, SEEDS

MB = 1024 * 1024


def _zip(entries: dict[str, bytes | int]) -> bytes:
    """A zip whose entries are given bytes, or that many zero bytes (written in chunks, deflated)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in entries.items():
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with archive.open(name, "w", force_zip64=True) as part:
                for _ in range(content // MB):
                    part.write(bytes(MB))
    return buffer.getvalue()


def test_real_documents_pass():
    for path in [*SEEDS.glob("*.docx"), *CORPUS.glob("*.docx"), *CORPUS.glob("*.xlsx")]:
        check_container(path.read_bytes())


def test_text_and_pdf_are_not_containers():
    check_container(b"Ke hoach so 1")
    check_container(b"%PDF-1.7\n")


def test_an_entry_that_unpacks_past_the_limit_is_refused():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": MAX_ENTRY_BYTES + MB})
    assert len(bomb) < 1 * MB  # a small file …
    with pytest.raises(ContainerRefused, match=r"“word/document\.xml” giải nén ra 101 MB, vượt mức 100 MB") as refused:
        check_container(bomb)
    assert refused.value.message.startswith("Tệp có thành phần")


def test_an_entry_compressed_implausibly_well_is_refused():
    with pytest.raises(ContainerRefused, match="nén bất thường"):
        check_container(_zip({"xl/worksheets/sheet1.xml": 20 * MB}))


def test_a_container_that_unpacks_past_the_total_is_refused():
    parts = {f"xl/media/image{i}.bin": 90 * MB for i in range(3)}
    with pytest.raises(ContainerRefused, match="giải nén ra 270 MB, vượt mức 200 MB"):
        check_container(_zip(parts))


def test_too_many_entries_are_refused():
    with pytest.raises(ContainerRefused, match=f"nhiều hơn mức {MAX_ENTRIES}"):
        check_container(_zip({f"part{i}.xml": b"" for i in range(MAX_ENTRIES + 1)}))


def test_containers_nested_too_deep_are_refused_and_one_level_is_checked():
    inner = _zip({"word/document.xml": b"<w:document/>"})
    check_container(_zip({"word/embeddings/chart.xlsx": inner}))  # an embedded chart
    with pytest.raises(ContainerRefused, match="quá nhiều tầng"):
        check_container(_zip({"a.zip": _zip({"b.zip": inner})}))
    with pytest.raises(ContainerRefused, match="nén bất thường"):
        check_container(_zip({"word/embeddings/chart.xlsx": _zip({"x.xml": 20 * MB})}))


def test_each_importer_refuses_a_bomb_with_its_message_and_saves_nothing(seeded, client, login_as):
    """The plan import, the KPI figures file and the unit directory file: a small .docx or .xlsx that would
    unpack past the limits is refused with a 4xx that says why; nothing changes."""
    from tracker.extensions import db
    from tracker.models import KpiReport, Plan, Unit

    from .conftest import csrf_token

    with seeded.app_context():
        before = (db.session.query(Plan).count(), db.session.query(KpiReport).count(), db.session.query(Unit).count())
    docx_bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": 20 * MB})
    xlsx_bomb = _zip(
        {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": 20 * MB}
    )
    login_as("admin")
    token = csrf_token(client, "/admin/import")
    plan = client.post(
        "/admin/import",
        data={"csrf_token": token, "file": (io.BytesIO(docx_bomb), "ke-hoach.docx")},
        content_type="multipart/form-data",
    )
    assert plan.status_code in (400, 422) and "nén bất thường" in plan.get_data(as_text=True)
    units = client.post(
        "/admin/units/import",
        data={"csrf_token": csrf_token(client, "/admin/units/import"), "file": (io.BytesIO(xlsx_bomb), "don-vi.xlsx")},
        content_type="multipart/form-data",
    )
    assert units.status_code in (400, 422) and "nén bất thường" in units.get_data(as_text=True)
    figures = client.post(
        "/kpi/import",
        data={
            "csrf_token": csrf_token(client, "/kpi/import"),
            "plan": "",
            "file": (io.BytesIO(xlsx_bomb), "so-lieu.xlsx"),
        },
        content_type="multipart/form-data",
    )
    assert figures.status_code in (400, 422) and "nén bất thường" in figures.get_data(as_text=True)
    with seeded.app_context():
        after = (db.session.query(Plan).count(), db.session.query(KpiReport).count(), db.session.query(Unit).count())
    assert after == before


def _flagged(data: bytes, name: str, *, encrypted: bool = False, method: int | None = None) -> bytes:
    """The zip with one entry marked encrypted, or given a compression method no reader knows, in both its
    local and its central header (as a damaged or password-protected file arrives)."""
    changed = bytearray(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    local = archive.getinfo(name).header_offset
    central = data.index(b"PK\x01\x02")  # the central directory's first entry
    for start, flags_at, method_at in [(local, 6, 8)] + [
        (i, 8, 10)
        for i in range(central, len(data) - 46)
        if data[i : i + 4] == b"PK\x01\x02" and data[i + 46 : i + 46 + len(name)] == name.encode()
    ]:
        if encrypted:
            changed[start + flags_at] |= 1
        if method is not None:
            changed[start + method_at : start + method_at + 2] = method.to_bytes(2, "little")
    return bytes(changed)


def _damaged(data: bytes, name: str) -> bytes:
    """The zip with twenty bytes of one entry's compressed data flipped."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10
    changed = bytearray(data)
    for i in range(20):
        changed[start + i] ^= 0xFF
    return bytes(changed)


def _docx() -> bytes:
    return next(iter(sorted(CORPUS.glob("*.docx")))).read_bytes()


def _random_text_node_docx() -> bytes:
    """A .docx whose one text node holds 11 MB of varied letters (no implausible compression ratio)."""
    import random

    letters = "".join(random.Random(7).choices("aăâbcdđeêghiklmnoôơpqrstuưvxy ", k=11 * MB)).encode()
    document = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>" + letters + b"</w:t></w:r></w:p></w:body></w:document>"
    )
    source = zipfile.ZipFile(io.BytesIO(_docx()))
    return _zip({n: (document if n == "word/document.xml" else source.read(n)) for n in source.namelist()})


@pytest.mark.parametrize(
    "make",
    [
        lambda: _flagged(_docx(), "word/document.xml", encrypted=True),
        lambda: _flagged(_docx(), "word/document.xml", method=99),
        lambda: _damaged(_docx(), "word/document.xml"),
        _random_text_node_docx,
    ],
    ids=["encrypted", "unknown-compression", "corrupt", "10MB-text-node"],
)
def test_a_malformed_plan_document_is_refused_with_a_message(make):
    from tracker.plan_import import PlanImportError, read_document

    with pytest.raises(PlanImportError) as refused:
        read_document(make(), "ke-hoach.docx")
    assert "tệp" in str(refused.value).lower()  # a message in words, not a server error


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: _flagged(data, "xl/workbook.xml", encrypted=True),
        lambda data: _flagged(data, "xl/workbook.xml", method=99),
        lambda data: _damaged(data, "xl/worksheets/sheet1.xml"),
        lambda data: _zip(
            {
                n: (b"<worksheet><unclosed" if n.endswith("sheet1.xml") else zipfile.ZipFile(io.BytesIO(data)).read(n))
                for n in zipfile.ZipFile(io.BytesIO(data)).namelist()
            }
        ),
    ],
    ids=["encrypted", "unknown-compression", "corrupt", "bad-xml"],
)
def test_a_malformed_spreadsheet_is_refused_by_every_reader(damage):
    from tracker.figures_files import FiguresFileError, _rows_from_xlsx
    from tracker.table_files import TableFileError, _cells_of_xlsx

    data = damage(_xlsx([["Mã đơn vị", "Tên đơn vị"], ["VPC", "Vụ Pháp chế"]]))
    with pytest.raises(TableFileError):
        _cells_of_xlsx(data)
    with pytest.raises(FiguresFileError):
        _rows_from_xlsx(data)
