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


def test_the_redmine_comparison_runs_our_side_alone_on_a_tiny_dataset(tmp_path):
    """`python -m tools.bench.peer --no-peer`'s code path on N = 60: the Redmine-shaped dataset, gunicorn with the
    project's settings, signing in through the login form, every case answering 200 with what it should list,
    the sweep, and the Markdown and TSV written (no Redmine needed)."""
    import shutil

    from tools.bench import peer

    url = f"sqlite:///{tmp_path / 'peer.sqlite3'}"
    results = peer.run_case(
        60,
        "sqlite",
        peer.Options(
            pairs=2, warmup=1, wrk_seconds=1 if shutil.which("wrk") else 0, redmine_sweep_repeats=0, rebuild=True
        ),
        peer=None,
        log=lambda _message: None,
        url=url,
    )
    data = results["ours_data"]
    assert data["assignments"] == 60 and 0 < data["overdue"] < data["open"] and data["done"] > 0
    ours = results["sequential"]["ours"]
    assert set(ours) == set(peer.CASES) and "redmine" not in results["sequential"]
    for case in peer.CASES:
        assert ours[case]["requests"] == 2 and ours[case]["median_ms"] > 0 and ours[case]["bytes"] > 0
    assert ours["overdue_list_25"]["rows"] == data["overdue"]  # 60 assignments: one page lists them all
    assert ours["api_open_100"]["rows"] == data["open"]  # status=open: every assignment not done (fewer than 100)
    assert {row[1] for row in results["raw"]} == {"ours"} and {row[4] for row in results["raw"]} == {200}
    assert results["sweep"]["ours"]["day"] == "2024-01-02" and results["sweep"]["ours"]["messages"] > 0
    if results["wrk_seconds"]:
        assert all(results["wrk"]["ours"][case]["rps"] > 0 for case in peer.CASES)

    path = peer.write_results(results, "python -m tools.bench.peer --no-peer", tmp_path)
    text = path.read_text(encoding="utf-8")
    assert path.name.endswith("-redmine-N60-sqlite.md") and "unit head's home" in text and "sweep(2024-01-02)" in text
    tsv = path.with_suffix(".tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0] == "case\tside\ti\tms\thttp_status\tbytes" and len(tsv) == 1 + 2 * len(peer.CASES)


def test_the_redmine_shaped_dataset_has_the_peers_proportions(tmp_path):
    """N = 2,000: ~35 % done, ~20 % overdue, 20 units of 100 assignments each, due over 2023–2024."""
    from tools.bench import peer

    url = f"sqlite:///{tmp_path / 'shape.sqlite3'}"
    peer.ensure_shape(2000, "sqlite", rebuild=True, log=lambda _message: None, url=url)
    data = peer.dataset_figures(url)
    assert data["assignments"] == 2000
    assert 0.31 < data["done"] / 2000 < 0.39 and 0.17 < data["overdue"] / 2000 < 0.23
    marker = peer.ensure_shape(2000, "sqlite", rebuild=False, log=lambda _message: None, url=url)
    assert marker["recipe"]["n"] == 2000  # reused, not built again


def test_each_signed_in_client_holds_a_settled_session_as_a_browser_after_sign_in(seeded):
    """A page the benchmark times is not the one that finishes a sign-in: its first view of a page rewrites no
    cookie (Flask-Login's mark and the form token are there), for every unit head the unit page's rounds go to."""
    bench.add_floor(seeded)
    targets = {t.name: t for t in bench.choose_targets(seeded, sample=5)}
    for name in ("unit", "item", "monitoring"):
        target = targets[name]
        for client, path in zip(target.clients, target.paths, strict=False):
            response = client.get(path)
            assert response.status_code == 200, (name, path)
            assert "Set-Cookie" not in response.headers, (name, path, response.headers.get("Set-Cookie"))
