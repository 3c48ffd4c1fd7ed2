#!/usr/bin/env bash
# pytest for the Python runtime in its own virtualenv (never the system Python): created on first
# use, provisioned from requirements-dev.txt (pip skips what is already installed), args pass to pytest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  if ! python3 -m venv "$venv"; then
    rm -rf "$venv"
    echo "run-tests.sh: 'python3 -m venv' failed; install Python 3.11+ with venv and pip (Debian/Ubuntu: apt-get install python3-venv)" >&2
    exit 1
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt"
cd "$here"
exec "$venv/bin/python" -m pytest "$@"
