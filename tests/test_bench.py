"""The benchmark's measuring parts on the seed data: the pages it asks for answer 200 for the people it signs in
as, each page's statements are counted per request, the results have the issue's JSON shape, and the Markdown
says what was measured on what machine. (Timings are reported by `python -m tools.bench`, never asserted.)"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tools import bench
from tracker.reminders import sweep


def test_a_short_run_on_the_seed_data_has_every_page_and_the_issues_json_shape(seeded, tmp_path):
    bench.add_floor(seeded)
    targets = bench.choose_targets(seeded, sample=5)
    assert [t.name for t in targets] == list(bench.PAGES)
    bench.time_pages(seeded, targets, rounds=4, warmup=1)
    pages = bench.summarize(targets)
    assert set(pages) == set(bench.PAGES)
    for page in pages.values():
        assert page["requests"] == 4
        assert page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"]
        assert set(page) >= {"median_ms", "p95_ms", "queries", "x_floor"}
    assert pages["floor"]["x_floor"] == 1.0 and pages["floor"]["queries"] == 0
    for name in ("unit", "item", "plan"):
        assert 0 < pages[name]["queries"] <= 12, (name, pages[name])
    # The unit page is asked as several different unit heads, each on their own unit.
    unit = targets[0]
    assert len(set(unit.paths)) == len(unit.paths) > 1

    swept = bench.time_sweep(seeded, date(2023, 9, 5), repeats=1)
    assert swept["assignments"] == 14 and swept["messages"] >= 1
    assert 0 < swept["assignments_read"] < swept["assignments"]  # the window read only what was due
    with seeded.app_context():  # the timed sweeps were rolled back: the real one still creates its emails
        assert len(sweep(date(2023, 9, 5), now=datetime.now(UTC)).created_ids) >= 1

    results = {
        "dataset": "S",
        "database": "sqlite",
        "pages": pages,
        "sweep": swept,
        "size": {"units": 15, "assignments": 14},
        "today": "2023-09-15",
        "build_seconds": 1.0,
        "machine": bench.machine(),
    }
    json.dumps(results)
    path = bench.write_markdown(results, tmp_path)
    text = path.read_text(encoding="utf-8")
    assert f"{bench.machine()['cores']} cores" in text and bench.machine()["date"] in text
    assert "| unit |" in text and "| floor |" in text and "Reminder sweep" in text


def test_the_floor_route_is_public_and_renders_one_line(seeded):
    bench.add_floor(seeded)
    response = seeded.test_client().get(bench.FLOOR_PATH)
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "<p>floor</p>"


def test_the_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert bench.percentile(values, 0.95) == 95.0
    assert bench.percentile(values, 0.5) == 50.0
    assert bench.percentile([3.0], 0.95) == 3.0
