#!/usr/bin/env bash
# Sets everything up on a fresh machine and serves the app on http://127.0.0.1:5000 with the seed plan
# and demo accounts (printed; kept in instance/demo-accounts.txt).
set -euo pipefail
cd "$(dirname "$0")"
requirements=requirements.txt  # the runtime set only: no test or developer tool
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

export TRACKER_TODAY="${TRACKER_TODAY:-2023-09-15}"  # the 2023 plan only makes sense with today in 2023
flask --app wsgi db upgrade
# Unit directory, the seed plan, demo accounts (printed below) and a little progress history.
flask --app wsgi demo setup
export TRACKER_BASE_URL="${TRACKER_BASE_URL:-http://127.0.0.1:${PORT:-5000}}"
# The reminder scheduler runs in its own process beside the web server; emails go to instance/outbox/.
flask --app wsgi scheduler run > instance/scheduler.log 2>&1 &
scheduler=$!
trap 'kill "$scheduler" 2>/dev/null' EXIT
echo "Plan Tracker: http://127.0.0.1:${PORT:-5000}/  (ngày giả lập ${TRACKER_TODAY}; Ctrl+C để dừng)"
echo "Thư nhắc: instance/outbox/*.eml; nhật ký bộ lập lịch: instance/scheduler.log"
flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
