"""A refused form (the unit page's quick update, the item page's update form, the KPI report form, the KPI
import) answers 422 with a message at the top of the page that says nothing was saved, links to the field at
fault and takes the focus, and with what was typed still in the form."""

from __future__ import annotations

import re

from tracker.extensions import db
from tracker.models import Assignment

from .conftest import assignment_of, csrf_token, post_status


def _summary(html: str) -> str:
    """The page's error summary, which must come before anything else in <main>."""
    main = html.split('<main id="main" tabindex="-1">', 1)[1]
    match = re.match(r'\s*(<div class="error-summary page-error-summary"[^>]*>.*?</div>)', main, re.S)
    assert match, "no error summary at the top of the page: " + main[:600]
    return match.group(1)


def _summary_attributes(summary: str) -> str:
    return summary.split(">", 1)[0]


def test_a_refused_quick_update_comes_back_to_the_unit_page_with_the_summary_on_top(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("staff_cda")
    response = client.post(
        f"/assignments/{assignment}/status",
        data={
            f"a{assignment}-to_state": "blocked",
            f"a{assignment}-comment": "",
            f"a{assignment}-version": str(version),
            "back": "unit",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<h1>Cục Điện ảnh</h1>" in html  # the unit page, where the person was
    summary = _summary(html)
    assert 'role="alert"' in _summary_attributes(summary)
    assert 'tabindex="-1"' in _summary_attributes(summary) and "autofocus" in _summary_attributes(summary)
    assert "không có thay đổi nào được ghi lại" in summary
    assert f'href="#a{assignment}-comment">Nhiệm vụ I.2, nội dung cập nhật: ' in summary
    # The field it links to is there, marked invalid, with the choice kept.
    assert f'id="a{assignment}-comment" name="a{assignment}-comment" rows="2" aria-invalid="true"' in html
    assert '<option value="blocked" selected>' in html
    with seeded.app_context():
        assert db.session.get(Assignment, assignment).status != "blocked"


def test_a_refused_quick_update_keeps_the_typed_text(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("staff_cda")
    response = client.post(
        f"/assignments/{assignment}/status",
        data={
            f"a{assignment}-to_state": "no_such_state",
            f"a{assignment}-comment": "Đã họp rà soát với các Vụ.",
            f"a{assignment}-version": str(version),
            "back": "unit",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#a{assignment}-to_state"' in _summary(html)
    assert ">Đã họp rà soát với các Vụ.</textarea>" in html


def test_a_refused_update_on_the_item_page_links_to_the_difficulty_field(seeded, client, login_as):
    assignment, version = assignment_of(seeded, "I.2", "CDA")
    login_as("head_cda")
    response = post_status(
        client, assignment, version, to_state="blocked", difficulty="", proposal="Đề nghị Văn phòng Bộ hướng dẫn."
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = _summary(html)
    assert f'href="#a{assignment}-difficulty"' in summary
    assert "Đề nghị Văn phòng Bộ hướng dẫn.</textarea>" in html
    # The refused card is the first one under the summary, not another unit's.
    first_card = re.search(r'<li class="card [^"]*" id="pc-(\d+)"', html)
    assert first_card and int(first_card.group(1)) == assignment


def test_a_refused_kpi_report_has_the_summary_on_top_linking_to_the_figure(seeded, client, login_as):
    login_as("head_cbqtg")
    data = {
        "csrf_token": csrf_token(client, "/account"),
        "as_of": "2023-05-15",
        "procedures_total": "12",
        "full_online_eligible": "6",
        "full_online_provided": "6",
        "partial_online_accepting": "6",
        "procedures_with_dossiers": "10",
        "procedures_with_online_dossiers": "8",
        "dossiers_total": "1458",
        "dossiers_online": "1500",
    }
    response = client.post("/units/CBQTG/figures", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = _summary(html)
    assert 'href="#dossiers_total"' in summary or 'href="#dossiers_online"' in summary
    assert "1500" in summary
    assert 'id="dossiers_online" name="dossiers_online" type="number" value="1500"' in html or 'value="1500"' in html


def test_a_kpi_report_missing_a_count_links_to_that_count(seeded, client, login_as):
    login_as("head_cbqtg")
    response = client.post(
        "/units/CBQTG/figures",
        data={"csrf_token": csrf_token(client, "/account"), "as_of": "2023-05-15", "procedures_total": "12"},
    )
    assert response.status_code == 422
    summary = _summary(response.get_data(as_text=True))
    # Each empty count is named and linked, though the message is the same for all of them.
    assert re.search(r'href="#full_online_eligible">[^<]+: Không được để trống', summary)
    assert 'href="#dossiers_online"' in summary
    assert 'href="#procedures_total"' not in summary


def test_a_refused_kpi_import_has_the_summary_on_top_linking_to_the_file(seeded, client, login_as):
    login_as("monitor")
    from io import BytesIO

    response = client.post(
        "/kpi/import",
        data={"csrf_token": csrf_token(client, "/account"), "file": (BytesIO(b"not,a,template\n"), "so-lieu.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert 'href="#file"' in _summary(response.get_data(as_text=True))


def test_a_page_that_saved_nothing_wrong_has_no_summary(seeded, client, login_as):
    login_as("staff_cda")
    assert "page-error-summary" not in client.get("/units/CDA").get_data(as_text=True)
