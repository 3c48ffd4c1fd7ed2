#!/usr/bin/env bash
# pytest for the Python runtime in its own virtualenv (never the system Python): created on first
# use, provisioned from requirements-dev.txt (pip skips what is already installed), args pass to pytest.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt"
cd "$here"
exec "$venv/bin/python" -m pytest "$@"
