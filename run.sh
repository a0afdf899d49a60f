#!/usr/bin/env bash
# Sets everything up on a fresh machine and serves the app on http://127.0.0.1:5000 with the seed plan
# and demo accounts (printed; kept in instance/demo-accounts.txt).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

export TRACKER_TODAY="${TRACKER_TODAY:-2023-09-15}"  # the 2023 plan only makes sense with today in 2023
flask --app wsgi db upgrade
# Unit directory, the seed plan, demo accounts (printed below) and a little progress history.
flask --app wsgi demo setup
echo "Plan Tracker: http://127.0.0.1:${PORT:-5000}/  (ngày giả lập ${TRACKER_TODAY}; Ctrl+C để dừng)"
exec flask --app wsgi run --host 127.0.0.1 --port "${PORT:-5000}"
