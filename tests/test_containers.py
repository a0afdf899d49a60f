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
        check_container(path.read_bytes(), path.name)


def test_text_and_pdf_are_not_containers():
    check_container(b"Ke hoach so 1", "plan.txt")
    check_container(b"%PDF-1.7\n", "plan.pdf")


def test_an_entry_that_unpacks_past_the_limit_is_refused():
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": MAX_ENTRY_BYTES + MB})
    assert len(bomb) < 1 * MB  # a small file …
    with pytest.raises(ContainerRefused, match=r"“word/document\.xml” giải nén ra 101 MB, vượt mức 100 MB") as refused:
        check_container(bomb, "ke-hoach.docx")
    assert "ke-hoach.docx" in refused.value.message


def test_an_entry_compressed_implausibly_well_is_refused():
    with pytest.raises(ContainerRefused, match="nén bất thường"):
        check_container(_zip({"xl/worksheets/sheet1.xml": 20 * MB}), "so-lieu.xlsx")


def test_a_container_that_unpacks_past_the_total_is_refused():
    parts = {f"xl/media/image{i}.bin": 90 * MB for i in range(3)}
    with pytest.raises(ContainerRefused, match="giải nén ra 270 MB, vượt mức 200 MB"):
        check_container(_zip(parts), "anh.xlsx")


def test_too_many_entries_are_refused():
    with pytest.raises(ContainerRefused, match=f"nhiều hơn mức {MAX_ENTRIES}"):
        check_container(_zip({f"part{i}.xml": b"" for i in range(MAX_ENTRIES + 1)}), "nhieu.xlsx")


def test_containers_nested_too_deep_are_refused_and_one_level_is_checked():
    inner = _zip({"word/document.xml": b"<w:document/>"})
    check_container(_zip({"word/embeddings/chart.xlsx": inner}), "bieu-do.docx")  # an embedded chart
    with pytest.raises(ContainerRefused, match="quá nhiều tầng"):
        check_container(_zip({"a.zip": _zip({"b.zip": inner})}), "long-nhau.docx")
    with pytest.raises(ContainerRefused, match="nén bất thường"):
        check_container(_zip({"word/embeddings/chart.xlsx": _zip({"x.xml": 20 * MB})}), "bieu-do.docx")
