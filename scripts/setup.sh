# Sourced by run.sh and test.sh: creates .venv with Python 3.11 and installs a requirements file once (again
# only when that file, or one it includes with -r, changes), then activates it. The caller names the file in
# `requirements` before sourcing: run.sh the runtime set (requirements.txt), test.sh requirements-dev.txt
# (the runtime set, the tests and the gates' tools).
requirements="${requirements:-requirements.txt}"
python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$python_bin" -c "import venv, ensurepip" 2>/dev/null && [ "$(id -u)" = 0 ]; then
    # Debian ships venv separately from python3.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  "$python_bin" -m venv .venv
fi
# The stamp covers the file and those it includes (`-r other.txt`), one stamp per file installed.
covered=("$requirements")
while read -r included; do covered+=("$included"); done < <(sed -n 's/^-r[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$requirements")
stamp=".venv/.${requirements}.sha256"
wanted="$(cat "${covered[@]}" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install -qq --disable-pip-version-check -r "$requirements"
  echo "$wanted" > "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
