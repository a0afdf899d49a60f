"""Reader for old Word documents (.doc, Word 97-2003): converted to .docx by LibreOffice, then read as one."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .blocks import Block
from .docx_reader import read_docx_blocks
from .document import PlanImportError

CONVERSION_TIMEOUT = 120  # seconds; a long plan converts in a few
_MISSING = ("tệp .doc (Word 97-2003) cần LibreOffice để đọc: hãy cài LibreOffice (gói libreoffice-writer-nogui) "
            "hoặc lưu lại dưới dạng .docx.")


def office_program() -> str | None:
    """The LibreOffice command on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes) -> bytes:
    """The .docx LibreOffice makes of a .doc, in a private temporary folder and profile."""
    program = office_program()
    if program is None:
        raise PlanImportError(_MISSING)
    with tempfile.TemporaryDirectory(prefix="plan-doc-") as folder:
        work = Path(folder)
        source = work / "plan.doc"
        source.write_bytes(data)
        # A profile of its own, so that a LibreOffice already running (or another conversion) cannot
        # swallow this one.
        profile = (work / "profile").as_uri()
        command = [program, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(work / "out"), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERSION_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PlanImportError(
                f"LibreOffice không chuyển được tệp .doc trong {CONVERSION_TIMEOUT} giây: "
                "hãy mở tệp bằng Word và lưu lại dưới dạng .docx."
            ) from exc
        converted = work / "out" / "plan.docx"
        if not converted.is_file():
            raise PlanImportError(
                "LibreOffice không đọc được tệp .doc này (tệp hỏng hoặc không phải văn bản Word): "
                "hãy mở tệp bằng Word và lưu lại dưới dạng .docx."
            )
        return converted.read_bytes()


def read_doc(data: bytes) -> list[Block]:
    """The paragraphs and tables of a .doc file, as its .docx conversion shows them."""
    return read_docx_blocks(convert_to_docx(data))
