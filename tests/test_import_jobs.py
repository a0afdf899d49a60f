"""Issue 15 finding 4, the web part: a big plan or KPI file is imported by a worker outside the request (the
scheduler process, or `flask jobs run`), its page shows the progress, then the same preview or result, kept.
Claiming is exactly once; a job whose worker died is queued again. Small files still run in the request."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from tracker import jobs
from tracker.extensions import db
from tracker.models import ActionItem, ImportJob, KpiReport, Plan, User

from .conftest import csrf_token
from .test_import_line_breaks import NUMBER, plan_text
from .test_import_preview import admin  # noqa: F401 (the fixture: units loaded, an admin signed in)
from .test_import_scale import kpi_file


@pytest.fixture
def today() -> str:
    return "2026-06-30"  # the KPI file's dates end on this day


@pytest.fixture
def queued(app):
    """Every import is queued, however small."""
    kept = app.config["IMPORT_IN_REQUEST_BYTES"]
    app.config["IMPORT_IN_REQUEST_BYTES"] = 0
    yield
    app.config["IMPORT_IN_REQUEST_BYTES"] = kept


def _upload(client, data: bytes, name: str = "ke-hoach.txt"):
    return client.post(
        "/admin/import",
        data={"csrf_token": csrf_token(client, "/admin/import"), "number": "", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _job_path(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    location = response.headers["Location"]
    assert re.fullmatch(r"/(admin|kpi)/import/jobs/[0-9]+", location), location
    return location


def _run(runner) -> str:
    result = runner.invoke(args=["jobs", "run", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_big_plan_is_previewed_then_imported_by_the_worker_and_its_pages_are_kept(app, admin, runner, queued):  # noqa: F811
    page_path = _job_path(_upload(admin, plan_text(" ").encode()))
    waiting = admin.get(page_path).get_data(as_text=True)
    assert "<progress" in waiting and "Đang chờ đến lượt xử lý" in waiting
    assert 'http-equiv="refresh"' in waiting and "js/import-job.js" in waiting
    status = admin.get(f"{page_path}/status").get_json()
    assert status == {"state": "queued", "done": 0, "total": 0, "percent": 0, "waiting": False}
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0
    assert _run(runner).strip() == "Đã chạy 1 việc."
    # Done: the job's page is the preview itself, as the request would have shown it, and stays so.
    for _ in range(2):
        preview = admin.get(page_path)
        page = preview.get_data(as_text=True)
        assert preview.status_code == 200 and "Rà soát quy chế" in page and "Công bố danh mục" in page
    assert admin.get(f"{page_path}/status").get_json()["state"] == "done"
    kept = {key: re.search(rf'name="{key}" value="([^"]*)"', page).group(1) for key in ("token", "suffix", "filename")}
    with app.app_context():
        assert db.session.scalar(select(func.count(Plan.id))) == 0  # a preview writes nothing
    # The confirmation is queued too; the worker imports; the page tells what was saved, with a link.
    confirm_path = _job_path(
        admin.post(
            "/admin/import/confirm", data={"csrf_token": csrf_token(admin, "/admin/import"), "number": "", **kept}
        )
    )
    _run(runner)
    done = admin.get(confirm_path).get_data(as_text=True)
    assert f"Đã nhập kế hoạch {NUMBER}: tạo mới" in done and "Mở kế hoạch" in done
    with app.app_context():
        assert db.session.scalar(select(func.count(ActionItem.id))) == 3
        job = db.session.scalar(select(ImportJob).order_by(ImportJob.id.desc()))
        assert (job.kind, job.state, job.done, job.total) == ("plan_import", "done", 3, 3)
        assert not jobs.kept_file(job).exists()  # the upload goes once imported


def test_a_small_plan_is_still_previewed_in_the_request(app, admin):  # noqa: F811
    response = _upload(admin, plan_text(" ").encode())
    assert response.status_code == 200 and "Rà soát quy chế" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(ImportJob.id))) == 0


def test_a_file_that_cannot_be_read_fails_with_its_message(app, admin, runner, queued):  # noqa: F811
    page_path = _job_path(_upload(admin, b"\xff\xfe nothing here", "rong.txt"))
    _run(runner)
    page = admin.get(page_path).get_data(as_text=True)
    assert 'role="alert"' in page and "Quay lại trang nhập" in page
    with app.app_context():
        job = db.session.scalar(select(ImportJob))
        assert job.state == "failed" and job.error and "Traceback" not in job.error


def test_a_big_kpi_file_is_imported_by_the_worker(app, admin, runner, queued):  # noqa: F811
    response = admin.post(
        "/kpi/import",
        data={
            "csrf_token": csrf_token(admin, "/kpi/import"),
            "plan": "",
            "file": (io.BytesIO(kpi_file(40)), "so-lieu.csv"),
        },
        content_type="multipart/form-data",
    )
    page_path = _job_path(response)
    assert "<progress" in admin.get(page_path).get_data(as_text=True)
    _run(runner)
    page = admin.get(page_path).get_data(as_text=True)
    assert "Đã nhập số liệu của 40 đơn vị." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(KpiReport.id))) == 40
    # Someone else's job is not there for them.
    assert admin.get("/kpi/import/jobs/999999").status_code == 404


def _queued_job(kind: str = "plan_preview") -> ImportJob:
    user = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    job = jobs.enqueue(
        kind, user=user, token="a" * 32, suffix=".txt", filename="x.txt", params={}, now=datetime.now(UTC)
    )
    db.session.commit()
    return job


def test_a_job_is_claimed_once_however_many_workers_ask(app, admin):  # noqa: F811
    with app.app_context():
        job_id = _queued_job().id
        now = datetime.now(UTC)
        assert [jobs._claim(job_id, worker, now) for worker in ("a:1", "b:2", "a:1")] == [True, False, False]
        job = db.session.get_one(ImportJob, job_id)
        assert (job.state, job.claimed_by, job.attempts) == ("running", "a:1", 1)


def test_a_job_whose_worker_died_is_queued_again_then_given_up(app, admin):  # noqa: F811
    with app.app_context():
        job_id = _queued_job().id
        now = datetime.now(UTC)
        assert jobs._claim(job_id, "dead:1", now - timedelta(minutes=30))
        # Still moving (its progress file is fresh): left alone.
        progress = jobs._Progress(job_id)
        progress.last = 0.0  # (it writes at most every half second)
        progress(1, 10)
        assert jobs.requeue_stale(now) == []
        assert jobs.progress_of(db.session.get_one(ImportJob, job_id)) == (1, 10)
        jobs._progress_file(job_id).unlink()
        assert jobs.requeue_stale(now) == [job_id]
        assert db.session.get_one(ImportJob, job_id).state == "queued"
        db.session.execute(update(ImportJob).values(attempts=jobs.MAX_ATTEMPTS))
        db.session.commit()
        assert jobs._claim(job_id, "dead:2", now - timedelta(minutes=30))
        assert jobs.requeue_stale(now) == []
        job = db.session.get_one(ImportJob, job_id)
        assert job.state == "failed" and "gián đoạn" in job.error


def test_the_page_says_plainly_when_no_worker_takes_the_job(app, admin):  # noqa: F811
    with app.app_context():
        job = _queued_job()
        assert jobs.status_of(job, job.created_at + timedelta(seconds=5))["waiting"] is False
        assert jobs.status_of(job, job.created_at + timedelta(seconds=20))["waiting"] is True
        job.created_at -= timedelta(minutes=1)
        db.session.commit()
        job_id = job.id
    page = admin.get(f"/admin/import/jobs/{job_id}").get_data(as_text=True)
    assert "Chưa có bộ xử lý nền nào nhận việc này" in page and "flask --app wsgi jobs run" in page
    assert json.loads(admin.get(f"/admin/import/jobs/{job_id}/status").get_data())["waiting"] is True


def test_the_scale_of_a_job_is_judged_on_the_work_not_the_bytes(app):
    with app.app_context():
        assert jobs.runs_in_request(b"x" * 1000, ".txt", "plan")
        assert not jobs.runs_in_request(b"x" * 300_000, ".txt", "plan")
        assert jobs.runs_in_request(b"x" * 300_000, ".pdf", "plan")  # a PDF's text is a fraction of its bytes


def test_finished_jobs_are_forgotten_after_a_week(app, admin):  # noqa: F811
    with app.app_context():
        old, recent = _queued_job(), _queued_job()
        now = datetime.now(UTC)
        old.state, old.finished_at = "done", now - jobs.KEPT_FOR - timedelta(minutes=1)
        recent.state, recent.finished_at = "done", now - timedelta(days=1)
        db.session.commit()
        recent_id = recent.id
        assert jobs.forget_old(now) == 1
        assert list(db.session.scalars(select(ImportJob.id))) == [recent_id]


@pytest.mark.committed  # two workers, each on its own connection
def test_two_workers_racing_run_each_job_once(app, admin):  # noqa: F811
    import threading

    with app.app_context():
        ids = [_queued_job("kpi_import").id for _ in range(8)]  # no file kept: each fails at once, and says so
    ran: dict[str, int] = {}

    def worker(name: str) -> None:
        with app.app_context():
            ran[name] = jobs.run_jobs(worker=name)
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(ran.values()) == len(ids)
    with app.app_context():
        finished = db.session.execute(select(ImportJob.state, ImportJob.attempts, ImportJob.error)).all()
        assert {(state, attempts) for state, attempts, _ in finished} == {("failed", 1)}
        assert {error for *_, error in finished} == {"Tệp tải lên không còn; hãy tải lên lại."}
