#!/usr/bin/env bash
# Sets up the virtual environment (and, as root, Debian's Chromium for the browser tests and LibreOffice
# for converting the reports to PDF) if needed, then runs the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
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
