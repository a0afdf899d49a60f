#!/usr/bin/env bash
# Sets up the virtual environment if needed and runs the whole test suite (extra arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
exec python -m pytest "$@"
