"""Hostile input answered without a server error: file names with control and direction characters, and the
HTTP details a scanner checks (405 with Allow)."""

from __future__ import annotations

import io
import stat
from pathlib import Path

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import EvidenceFile

from .conftest import assignment_of, post_status

PDF = b"%PDF-1.7\n% bien ban nghiem thu\n"


def test_an_evidence_file_named_with_nul_and_bidi_characters_is_kept_under_a_clean_name(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(
        client,
        assignment,
        version,
        to_state="done",
        completed_on="2023-09-04",
        evidence=(io.BytesIO(PDF), "bien\x00ban\u202efdp.exe.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with seeded.app_context():
        record = db.session.scalar(select(EvidenceFile))
        assert record.filename == "bienbanfdp.exe.pdf"
        file_id = record.id
        stored = Path(seeded.config["UPLOAD_DIR"]) / record.stored_name
    # Readable by the account that runs the app only, and so is the folder.
    assert stat.S_IMODE(stored.stat().st_mode) & 0o077 == 0
    assert stat.S_IMODE(stored.parent.stat().st_mode) & 0o077 == 0
    download = client.get(f"/evidence/{file_id}")
    assert download.status_code == 200 and download.data == PDF
    assert "\x00" not in download.headers["Content-Disposition"]
    download.close()


def test_a_method_not_allowed_says_which_methods_are(seeded, client, login_as):
    login_as("head_cda")
    page = client.delete("/account")
    assert page.status_code == 405
    assert set(page.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    api = client.delete("/api/v1/plans")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]
