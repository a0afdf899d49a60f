"""Issue 15 finding 3: a cell of a pipe-table .txt holding Word's line break (\\x0b) or U+2028 does not end the
row. Three items in, three items imported, through the web upload and through `flask plan import`: never one
silently."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ActionItem, Plan

from .conftest import csrf_token
from .test_import_preview import admin  # noqa: F401 (the fixture: units loaded, an admin signed in)
from .test_plan_import import _load_units

NUMBER = "315/KH-BVHTTDL"


def plan_text(breaker: str) -> str:
    return "\n".join(
        [
            "BỘ VĂN HÓA, THỂ THAO VÀ DU LỊCH",
            f"Số: {NUMBER}",
            "Hà Nội, ngày 10 tháng 3 năm 2026",
            "",
            "KẾ HOẠCH",
            "",
            "| STT | Nội dung nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn |",
            "| --- | --- | --- | --- | --- |",
            "| 1 | Rà soát quy chế | Vụ Pháp chế | Văn phòng Bộ | Tháng 9/2026 |",
            f"| 2 | Số hóa hồ sơ{breaker}di sản | Vụ Pháp chế | Văn phòng Bộ | Quý II/2026 |",
            "| 3 | Công bố danh mục | Văn phòng Bộ | Vụ Pháp chế | Tháng 12/2026 |",
            "",
        ]
    )


def _items() -> list[ActionItem]:
    plan = db.session.scalar(select(Plan).where(Plan.number == NUMBER))
    assert plan is not None
    return list(db.session.scalars(select(ActionItem).where(ActionItem.plan_id == plan.id).order_by(ActionItem.id)))


BREAKERS = [pytest.param("\x0b", id="word-line-break"), pytest.param("\u2028", id="line-separator")]


@pytest.mark.parametrize("breaker", BREAKERS)
def test_flask_plan_import_keeps_all_three_rows(app, runner, tmp_path, breaker):
    _load_units(runner)
    path = tmp_path / "ke-hoach.txt"
    path.write_bytes(plan_text(breaker).encode("utf-8"))
    result = runner.invoke(args=["plan", "import", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 3
    with app.app_context():
        items = _items()
        assert [i.stt for i in items] == ["1", "2", "3"]
        # The break inside the cell is kept as a line break of the task, not the end of the row.
        assert items[1].task.replace("\n", " ") == "Số hóa hồ sơ di sản"


@pytest.mark.parametrize("breaker", BREAKERS)
def test_the_web_upload_previews_and_imports_all_three_rows(app, admin, breaker):  # noqa: F811 (the fixture)
    data = plan_text(breaker).encode("utf-8")
    preview = admin.post(
        "/admin/import",
        data={"csrf_token": csrf_token(admin, "/admin/import"), "number": "", "file": (io.BytesIO(data), "kh.txt")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Rà soát quy chế" in page and "Công bố danh mục" in page
    kept = {key: re.search(rf'name="{key}" value="([^"]*)"', page).group(1) for key in ("token", "suffix", "filename")}
    confirmed = admin.post(
        "/admin/import/confirm", data={"csrf_token": csrf_token(admin, "/admin/import"), "number": "", **kept}
    )
    assert confirmed.status_code == 302, confirmed.get_data(as_text=True)[:500]
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3
        assert [i.stt for i in _items()] == ["1", "2", "3"]
