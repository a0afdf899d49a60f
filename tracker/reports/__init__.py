"""The 6-monthly and annual report on a plan's execution: what it says (content: build_report, plain
dataclasses) and the two files it is handed over as (docx: report_docx, from a Word template; xlsx:
report_xlsx)."""

from .content import (
    CLASSES,
    DEFAULT_ISSUER,
    MOTTO,
    NATION,
    UNIT_ORDER,
    Issuer,
    Report,
    ascii_filename,
    build_report,
    period_label,
    vn_long_date,
)
from .docx import report_docx
from .xlsx import report_xlsx

__all__ = [
    "CLASSES",
    "DEFAULT_ISSUER",
    "MOTTO",
    "NATION",
    "UNIT_ORDER",
    "Issuer",
    "Report",
    "ascii_filename",
    "build_report",
    "period_label",
    "report_docx",
    "report_xlsx",
    "vn_long_date",
]
