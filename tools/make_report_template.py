"""Regenerate the report's default Word template, tracker/report_templates/bao-cao.docx, from
tracker.reports.docx.template_document() (run from the repository root):

    python tools/make_report_template.py [path]

The customer's own edits belong in a copy named by TRACKER_REPORT_TEMPLATE, not in this file."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.reports.docx import DEFAULT_TEMPLATE, template_document


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else DEFAULT_TEMPLATE
    template_document().save(str(path))
    print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
