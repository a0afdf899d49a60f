"""Plan versions: every import keeps a version with its source document; an amending decision applies to the
plan it amends; items its document no longer holds are cancelled (never deleted) and come back when a later
document holds them; two versions compare in words; reports count cancelled items apart."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, Assignment, Plan, PlanVersion
from tracker.models.versions import ItemEvent
from tracker.plan_versions import compare
from tracker.reports import build_report

from .conftest import SEED_PLAN, assignment_of, csrf_token, login, make_user, post_status

SEED_TEXT = SEED_PLAN.read_text(encoding="utf-8")
ITEM_3 = SEED_TEXT[SEED_TEXT.index("\t3\n\tGiao chỉ tiêu") : SEED_TEXT.index("\t4\n\tNghiên cứu")]
NEW_ITEM = (
    "\t5\n\tXây dựng kho dữ liệu thủ tục hành chính dùng chung\n\tTrung tâm Công nghệ thông tin\n"
    "\tVụ Pháp chế\n\tKho dữ liệu\n\tTháng 11/2023\n\n"
)


def changed_seed() -> str:
    """The seed as an amending decision rewrites it: I.2 due in December, I.3 dropped, a new I.5."""
    assert SEED_TEXT.count("\tTháng 10/2023\n") == 1 and SEED_TEXT.count("\tNăm 2023\n\n\tII\n") == 1
    text = SEED_TEXT.replace("\tTháng 10/2023\n", "\tTháng 12/2023\n").replace(ITEM_3, "")
    return text.replace("\tNăm 2023\n\n\tII\n", "\tNăm 2023\n\n" + NEW_ITEM + "\tII\n")


def words(response) -> str:
    """A page's text as a reader sees it: no tags, one space between words."""
    return " ".join(re.sub(r"<[^>]+>", "", response.get_data(as_text=True)).split())


def item(reference: str) -> ActionItem:
    return next(i for i in db.session.scalars(select(ActionItem)) if i.reference == reference)


@pytest.fixture
def people(app, runner):
    assert runner.invoke(args=["units", "load"]).exit_code == 0
    with app.app_context():
        make_user("admin", "admin")
        make_user("monitor", "monitor")
        make_user("viewer", "viewer")
        make_user("head_cda", "unit_head", "CDA")
        db.session.commit()
    return app


def signed_in(app, who: str):
    """A browser of its own, signed in as `who`."""
    client = app.test_client()
    assert login(client, who).status_code == 302
    return client


def _upload(client, text: str, name: str, **fields):
    data = {
        "csrf_token": csrf_token(client, "/admin/import"),
        "number": "",
        "amends": "",
        "decision_number": "",
        "decision_date": "",
        "note": "",
        **fields,
        "file": (io.BytesIO(text.encode()), name),
    }
    return client.post("/admin/import", data=data, content_type="multipart/form-data")


def _confirm(client, page: str):
    kept = {
        key: re.search(rf'name="{key}" value="([^"]*)"', page).group(1)
        for key in ("token", "suffix", "filename", "number", "amends", "decision_number", "decision_date", "note")
    }
    return client.post("/admin/import/confirm", data={"csrf_token": csrf_token(client, "/admin/import"), **kept})


def test_an_amending_decision_names_its_three_changes_keeps_history_and_reports_the_cancelled_item(app, people):
    client = signed_in(app, "admin")
    first = _upload(client, SEED_TEXT, "qd1872.txt")
    assert first.status_code == 200
    assert _confirm(client, first.get_data(as_text=True)).status_code == 302
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id))
        done_id, version = assignment_of(app, "I.2", "CDA")
    head = signed_in(app, "head_cda")
    assert (
        post_status(
            head,
            done_id,
            version,
            to_state="done",
            completed_on="2023-09-04",
            document_number="12/QĐ-CĐA",
            document_date="2023-09-04",
            document_title="Quyết định công bố danh mục",
        ).status_code
        == 302
    )

    preview = _upload(
        client,
        changed_seed(),
        "qd-sua-doi.txt",
        amends=str(plan_id),
        decision_number="999/QĐ-BVHTTDL",
        decision_date="2023-10-02",
        note="Theo đề nghị của Văn phòng",
    )
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Sẽ bãi bỏ nhiệm vụ I.3:" in page and "Giao chỉ tiêu về cung cấp, sử dụng DVCTT" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(PlanVersion.id))) == 1  # the preview saved nothing
    assert _confirm(client, page).headers["Location"] == f"/plans/{plan_id}"

    with app.app_context():
        versions = list(db.session.scalars(select(PlanVersion).order_by(PlanVersion.number)))
        assert [(v.number, v.kind) for v in versions] == [(1, "import"), (2, "amendment")]
        assert (versions[1].decision_number, versions[1].decision_date) == ("999/QĐ-BVHTTDL", date(2023, 10, 2))
        assert db.session.scalar(select(func.count(Plan.id))) == 1  # applied to plan 1872, not a new plan
        cancelled = item("I.3")
        assert cancelled.cancelled_on == date(2023, 10, 2)
        assert cancelled.cancel_reason == "Không còn trong 999/QĐ-BVHTTDL"
        assert cancelled.assignments and not any(a.is_active for a in cancelled.assignments)
        done = db.session.get(Assignment, done_id)
        assert done.is_active and done.status == "done" and done.due_on == date(2023, 12, 31)
        assert [e.to_state for e in done.events] == ["done"]  # its history intact
        assert (
            db.session.scalar(
                select(ItemEvent.kind).where(ItemEvent.item_id == cancelled.id, ItemEvent.version_id == versions[1].id)
            )
            == "cancelled"
        )
        report = build_report(
            db.session.get(Plan, plan_id), date(2023, 7, 1), date(2023, 12, 31), today=date(2023, 10, 15)
        )
        assert [row.reference for row in report.cancelled] == ["I.3"]
        assert "I.3" not in {row.reference for row in report.blocked}
        assert "1 nhiệm vụ đã bãi bỏ" in report.summary

    text = words(client.get(f"/plans/{plan_id}/versions/2"))
    assert "Thêm nhiệm vụ I.5: Xây dựng kho dữ liệu thủ tục hành chính dùng chung" in text
    assert "Bãi bỏ nhiệm vụ I.3: Giao chỉ tiêu về cung cấp, sử dụng DVCTT" in text
    assert "thời hạn Tháng 10/2023 (hạn 31/10/2023) → Tháng 12/2023 (hạn 31/12/2023)" in text
    assert "Bạn đang xem kế hoạch như ở phiên bản 2" not in text and "Phiên bản 2 (hiện hành)." in text
    old_page = words(client.get(f"/plans/{plan_id}/versions/1"))
    assert "Bạn đang xem kế hoạch như ở phiên bản 1, không phải bản hiện hành." in old_page
    assert "Giao chỉ tiêu về cung cấp, sử dụng DVCTT" in old_page and "Xây dựng kho dữ liệu" not in old_page
    listing = client.get(f"/plans/{plan_id}/versions").get_data(as_text=True)
    assert "999/QĐ-BVHTTDL" in listing and "Quyết định sửa đổi" in listing and "Theo đề nghị của Văn phòng" in listing
    source = client.get(f"/plans/{plan_id}/versions/2/source")
    assert source.status_code == 200 and source.get_data(as_text=True) == changed_seed()
    plan_page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert "Đã bãi bỏ" in plan_page and "Không còn trong 999/QĐ-BVHTTDL" in plan_page


def test_the_source_document_is_for_admins_and_the_it_centre_and_the_versions_for_leadership_too(app, people):
    client = signed_in(app, "admin")
    first = _upload(client, SEED_TEXT, "qd1872.txt")
    _confirm(client, first.get_data(as_text=True))
    with app.app_context():
        plan_id = db.session.scalar(select(Plan.id))
    for who, versions, source in (("monitor", 200, 200), ("viewer", 200, 403), ("head_cda", 403, 403)):
        client = signed_in(app, who)
        assert client.get(f"/plans/{plan_id}/versions").status_code == versions, who
        assert client.get(f"/plans/{plan_id}/versions/1/source").status_code == source, who


def test_an_amendment_reads_its_number_and_date_from_the_document_when_not_typed(app, people):
    client = signed_in(app, "admin")
    _confirm(client, _upload(client, SEED_TEXT, "qd1872.txt").get_data(as_text=True))
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        plan_id, number, issued_on = plan.id, plan.number, plan.issued_on
    page = _upload(client, changed_seed(), "qd-sua-doi.txt", amends=str(plan_id)).get_data(as_text=True)
    assert f'name="decision_number" value="{number}"' in page
    assert f'name="decision_date" value="{issued_on.isoformat()}"' in page
    _confirm(client, page)
    with app.app_context():
        latest = db.session.scalar(select(PlanVersion).order_by(PlanVersion.number.desc()))
        assert (latest.kind, latest.decision_number, latest.decision_date) == ("amendment", number, issued_on)


def test_a_reimport_cancels_a_dropped_item_and_a_later_one_restores_it_with_its_assignments(
    app, runner, people, tmp_path
):
    changed = tmp_path / "changed.txt"
    changed.write_text(changed_seed(), encoding="utf-8")
    for path in (SEED_PLAN, changed, SEED_PLAN):
        result = runner.invoke(args=["plan", "import", str(path)])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert [v.kind for v in db.session.scalars(select(PlanVersion).order_by(PlanVersion.number))] == ["import"] * 3
        back = item("I.3")
        assert back.cancelled_on is None and back.cancel_reason == ""
        assert back.assignments and all(a.is_active for a in back.assignments)
        kinds = list(
            db.session.scalars(select(ItemEvent.kind).where(ItemEvent.item_id == back.id).order_by(ItemEvent.id))
        )
        assert kinds == ["created", "cancelled", "restored"]
        # I.5 is in neither later document: cancelled in the third version.
        assert item("I.5").cancelled_on is not None


def test_an_item_cancelled_by_hand_stays_cancelled_when_its_document_is_imported_again(app, runner, people):
    assert runner.invoke(args=["plan", "import", str(SEED_PLAN)]).exit_code == 0
    with app.app_context():
        by_hand = item("I.1")
        by_hand.cancelled_on, by_hand.cancel_reason = date(2023, 9, 1), "Lãnh đạo Bộ quyết định dừng"
        for assignment in by_hand.assignments:
            assignment.is_active = False
        db.session.commit()
    assert runner.invoke(args=["plan", "import", str(SEED_PLAN)]).exit_code == 0
    with app.app_context():
        kept = item("I.1")
        assert kept.cancel_reason == "Lãnh đạo Bộ quyết định dừng"
        assert not any(a.is_active for a in kept.assignments)


def test_an_identical_reimport_makes_no_new_version(app, runner, people):
    for _ in range(2):
        assert runner.invoke(args=["plan", "import", str(SEED_PLAN)]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(PlanVersion.id))) == 1


def _entry(item_id=1, **values):
    entry = {
        "id": item_id,
        "reference": "I.1",
        "section": "I",
        "stt": "1",
        "task": "Rà soát thủ tục",
        "lead_text": "Vụ Pháp chế",
        "coordinating_text": "",
        "expected_output": "Báo cáo",
        "lead": [{"written": "Vụ Pháp chế", "kind": "unit", "units": ["VPC"]}],
        "coordinating": [],
        "deadline_text": "Tháng 8/2023",
        "due_on": "2023-08-31",
        "cancelled_on": None,
        "cancel_reason": "",
    }
    return {**entry, **values}


LONG = "Nghiên cứu, đề xuất " + "phương án số hoá hồ sơ " * 8


@pytest.mark.parametrize(
    "old, new, said",
    [
        (
            _entry(),
            _entry(deadline_text="Tháng 10/2023", due_on="2023-10-31"),
            "Nhiệm vụ I.1: thời hạn “Tháng 8/2023 (hạn 31/08/2023)” → “Tháng 10/2023 (hạn 31/10/2023)”",
        ),
        (
            _entry(),
            _entry(lead=[{"written": "Văn phòng Bộ", "kind": "unit", "units": ["VP"]}]),
            "Nhiệm vụ I.1: đơn vị chủ trì: thêm “Văn phòng Bộ”; bỏ “Vụ Pháp chế”",
        ),
        (
            _entry(),
            _entry(coordinating=[{"written": "Cục Điện ảnh", "kind": "unit", "units": ["CDA"]}]),
            "Nhiệm vụ I.1: đơn vị phối hợp: thêm “Cục Điện ảnh”",
        ),
        (
            _entry(),
            _entry(task="Rà soát, đơn giản hoá thủ tục"),
            "Nhiệm vụ I.1: nội dung “Rà soát thủ tục” → “Rà soát, đơn giản hoá thủ tục”",
        ),
        (
            _entry(task=LONG + "cũ"),
            _entry(task=LONG + "mới"),
            "Nhiệm vụ I.1: nội dung “…sơ phương án số hoá hồ sơ cũ” → “…sơ phương án số hoá hồ sơ mới”",
        ),
        (_entry(), _entry(stt="2", reference="I.2"), "Nhiệm vụ I.2: số thứ tự “I.1” → “I.2”"),
        (
            _entry(),
            _entry(cancelled_on="2023-10-02", cancel_reason="Không còn trong 9/QĐ"),
            "Bãi bỏ nhiệm vụ I.1: Rà soát thủ tục (Không còn trong 9/QĐ)",
        ),
        (_entry(cancelled_on="2023-10-02"), _entry(), "Khôi phục nhiệm vụ I.1: Rà soát thủ tục"),
    ],
)
def test_two_versions_compare_in_words(old, new, said):
    assert compare({"items": [old]}, {"items": [new]}).sentences() == [said]


def test_an_item_only_in_the_newer_version_is_added_and_one_gone_from_it_cancelled():
    result = compare({"items": [_entry(1)]}, {"items": [_entry(2, reference="I.2", task="Mới")]})
    assert result.sentences() == ["Thêm nhiệm vụ I.2: Mới", "Bãi bỏ nhiệm vụ I.1: Rà soát thủ tục"]
    assert compare({"items": [_entry()]}, {"items": [_entry()]}).is_empty


def test_the_report_in_every_format_lists_the_cancelled_item_apart_and_counts_it_nowhere_else(
    app, runner, people, tmp_path
):
    from docx import Document
    from openpyxl import load_workbook

    from tracker.reports import report_docx, report_xlsx

    changed = tmp_path / "changed.txt"
    changed.write_text(changed_seed(), encoding="utf-8")
    for path in (SEED_PLAN, changed):
        assert runner.invoke(args=["plan", "import", str(path)]).exit_code == 0
    with app.app_context():
        plan = db.session.scalar(select(Plan))
        before_total = len(item("I.3").assignments)
        report = build_report(plan, date(2023, 1, 1), date(2023, 12, 31), today=date(2023, 9, 15))
        assert before_total and all(row.reference != "I.3" for row in [*report.blocked, *report.completed])
        assert report.totals.total == sum(1 for a in db.session.scalars(select(Assignment)) if a.is_active)
        document = Document(io.BytesIO(report_docx(report)))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        assert "3. Nhiệm vụ đã bãi bỏ" in [p.text for p in document.paragraphs]
        assert any(c.startswith("I.3. Giao chỉ tiêu") for c in cells) and "Không còn trong 1872/QĐ-BVHTTDL" in cells
        sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Đã bãi bỏ"]
        assert [c.value for c in sheet[2]][:2] == ["I.3", "Giao chỉ tiêu về cung cấp, sử dụng DVCTT"]
        plan_id = plan.id
    client = signed_in(app, "admin")
    printed = words(client.get(f"/reports/{plan_id}/print?start=2023-01-01&end=2023-12-31"))
    assert "3. Nhiệm vụ đã bãi bỏ" in printed and "Đã bãi bỏ: Không còn trong 1872/QĐ-BVHTTDL" in printed


def test_the_versions_pages_ask_the_database_the_same_number_of_times_whatever_the_plan_size(app, people):
    from tracker.clock import utcnow
    from tracker.plan_import import import_document

    from .test_query_counts import count_statements, synthetic_plan

    plans = {}
    with app.app_context():
        for size, number in ((4, "4/QĐ-THU"), (40, "40/QĐ-THU")):
            for n in (size, size - 1):  # the second import drops the last item: two versions, one cancellation
                import_document(synthetic_plan(n, number), "load.txt", now=utcnow())
                db.session.commit()
            plans[size] = db.session.scalar(select(Plan.id).where(Plan.number == number))
    client = signed_in(app, "admin")
    counts = {}
    for size, plan_id in plans.items():
        counts[size] = []
        for path in ("versions", "versions/2", "versions/compare?from=1&to=2"):
            with app.app_context(), count_statements() as counter:
                assert client.get(f"/plans/{plan_id}/{path}").status_code == 200
            counts[size].append(counter["n"])
    assert counts[4] == counts[40]
