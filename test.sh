#!/usr/bin/env bash
# Sets up the virtual environment with requirements-dev.txt, runs the gates (style, formatting, types, import
# contracts: each stops the run on its first failure and says which), then (as root, installing Debian's
# Chromium for the browser tests and LibreOffice for converting the reports to PDF if needed) the whole test
# suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
requirements=requirements-dev.txt
# shellcheck source=scripts/setup.sh
source scripts/setup.sh

gate() {
  local name="$1"
  shift
  echo "== gate: $name ($*)"
  if ! "$@"; then
    echo "test.sh: the gate \"$name\" failed ($*); fix it before the tests run." >&2
    exit 1
  fi
}
gate "ruff check" ruff check .
gate "ruff format" ruff format --check .
gate "mypy" mypy
gate "import contracts" lint-imports --no-logo --no-cache
if ! command -v chromium >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium for the browser tests…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if { ! command -v libreoffice || ! command -v pdftotext; } >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing LibreOffice (Writer and Calc, without GUI) and poppler for the report conversion tests…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils >/dev/null
fi
exec python -m pytest "$@"
