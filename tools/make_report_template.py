"""Regenerate the default Word templates from the code that describes them (run from the repository root):
tracker/report_templates/bao-cao.docx, the report's, from tracker.reports.docx.template_document(), and
tracker/report_templates/cong-van-don-doc.docx, the urging letter's, from
tracker.reports.letter_docx.letter_template_document().

    python tools/make_report_template.py [report-path [letter-path]]

The customer's own edits belong in copies named by TRACKER_REPORT_TEMPLATE and TRACKER_LETTER_TEMPLATE, not in
these files."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.reports.docx import DEFAULT_TEMPLATE, template_document
from tracker.reports.letter_docx import DEFAULT_LETTER_TEMPLATE, letter_template_document


def main(argv: list[str]) -> None:
    report = Path(argv[0]) if argv else DEFAULT_TEMPLATE
    letter = Path(argv[1]) if len(argv) > 1 else DEFAULT_LETTER_TEMPLATE
    for path, build in ((report, template_document), (letter, letter_template_document)):
        build().save(str(path))
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
