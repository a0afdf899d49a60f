# Sourced by run.sh and test.sh: creates .venv with Python 3.11 and installs requirements.txt once
# (again only when requirements.txt changes), then activates it.
python_bin="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  if ! "$python_bin" -c "import venv, ensurepip" 2>/dev/null && [ "$(id -u)" = 0 ]; then
    # Debian ships venv separately from python3.
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  "$python_bin" -m venv .venv
fi
stamp=.venv/.requirements.sha256
wanted="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  .venv/bin/python -m pip install -qq --disable-pip-version-check -r requirements.txt
  echo "$wanted" > "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
