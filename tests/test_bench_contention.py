"""The contention bench (tools.bench.contention) on a small plan: gunicorn, a job worker, API clients reading
while the admin's import is queued, run and confirmed through the pages; no answer is a server error. (Its
timings are reported by `python -m tools.bench.contention`, never asserted.)"""

from __future__ import annotations

import json

from tools.bench import contention


def test_a_small_run_imports_through_the_worker_with_no_server_error():
    results = contention.run(plan_rows=60, clients=2, workers=2, units=20, timeout=120, in_request_bytes=0)
    json.dumps(results)
    assert results["server_errors"] == 0, results["errors"]
    assert results["api_requests"] > 0 and set(results["statuses"]) == {"200"}
    assert results["preview_seconds"] > 0 and results["import_seconds"] > 0
    assert results["median_ms"] is not None
