#!/usr/bin/env bash
# Installs what the runtime layer ships beside unum_runtime (requirements-layer.txt: jsonata-python,
# hash-pinned) into lambda-runtime/python/.layer-deps, from where bundle:runtime copies it. It runs at
# install time (the package's `prepare` script, on npm ci in this repository), so the build after it is
# offline-safe. Without Python 3 and pip it warns and leaves the directory missing: bundle:runtime then
# fails naming this script.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="$here/.layer-deps"
if [ -d "$target/jsonata" ]; then exit 0; fi
python="${PYTHON:-python3}"
if ! "$python" -m pip --version >/dev/null 2>&1; then
  echo "install-layer-deps.sh: '$python -m pip' is not available; the Python runtime layer needs jsonata-python:" \
    "install Python 3.11+ with pip and run 'bash lambda-runtime/python/install-layer-deps.sh'" >&2
  exit 0
fi
rm -rf "$target.tmp"
"$python" -m pip install --quiet --disable-pip-version-check --no-deps --no-compile --require-hashes \
  --target "$target.tmp" -r "$here/requirements-layer.txt"
mv "$target.tmp" "$target"
