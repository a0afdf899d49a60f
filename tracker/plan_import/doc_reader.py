"""Reader for old Word documents (.doc, Word 97-2003), RTF and OpenDocument text: converted to .docx by
LibreOffice, then read as one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .blocks import Block
from .document import PlanImportError
from .docx_reader import read_docx_blocks

CONVERSION_TIMEOUT = 120  # seconds; a long plan converts in a few
_MISSING = (
    "tệp {kind} cần LibreOffice để đọc: hãy cài LibreOffice (gói libreoffice-writer-nogui) "
    "hoặc lưu lại dưới dạng .docx."
)
# What each converted kind is called in messages.
_KINDS = {".doc": ".doc (Word 97-2003)", ".rtf": ".rtf", ".odt": ".odt (OpenDocument)"}


def office_program() -> str | None:
    """The LibreOffice command on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str = ".doc") -> bytes:
    """The .docx LibreOffice makes of a .doc (or .rtf, .odt), in a private temporary folder and profile."""
    kind = _KINDS.get(suffix, suffix)
    program = office_program()
    if program is None:
        raise PlanImportError(_MISSING.format(kind=kind))
    with tempfile.TemporaryDirectory(prefix="plan-doc-") as folder:
        work = Path(folder)
        source = work / f"plan{suffix}"
        source.write_bytes(data)
        # A profile of its own, so that a LibreOffice already running (or another conversion) cannot
        # swallow this one.
        profile = (work / "profile").as_uri()
        command = [
            program,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        # Its own process group: on a timeout the whole of LibreOffice is stopped, not only the launcher.
        with subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        ) as process:
            try:
                process.wait(timeout=CONVERSION_TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise PlanImportError(
                    f"LibreOffice không chuyển được tệp {suffix} trong {CONVERSION_TIMEOUT} giây: "
                    "hãy mở tệp bằng Word và lưu lại dưới dạng .docx."
                ) from exc
        converted = work / "out" / "plan.docx"
        if not converted.is_file():
            raise PlanImportError(
                f"LibreOffice không đọc được tệp {suffix} này (tệp hỏng hoặc không phải văn bản Word): "
                "hãy mở tệp bằng Word và lưu lại dưới dạng .docx."
            )
        return converted.read_bytes()


def read_doc(data: bytes, suffix: str = ".doc") -> list[Block]:
    """The paragraphs and tables of a .doc (or .rtf, .odt) file, as its .docx conversion shows them."""
    return read_docx_blocks(convert_to_docx(data, suffix))
