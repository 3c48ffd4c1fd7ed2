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
# What the layer ships beside unum_runtime (jsonata-python) into .layer-deps (pytest.ini puts it on sys.path),
# with the venv's pip: the package's install step, skipped when it already ran.
PYTHON="$venv/bin/python" bash "$here/install-layer-deps.sh"
cd "$here"
exec "$venv/bin/python" -m pytest "$@"
