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
