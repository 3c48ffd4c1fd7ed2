#!/usr/bin/env bash
# The Python half of bundle:runtime: the runtime package, and beside it jsonata-python (JSONata states,
# which Lambda's Python runtime lacks), into assets/layer/python (Lambda puts /opt/python on sys.path).
# No tests, no bytecode, and not the Python failure recorder (recorder.py, forward.py): the workflow's
# recorder function is the Node one. jsonata-python comes from .layer-deps, installed at install time
# (install-layer-deps.sh, the package's `prepare` script), so this step is offline; only its code, licence
# and metadata are copied (pip's RECORD and INSTALLER describe the machine's install), so the layer, which
# the integ snapshots hash, is the same on every machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
deps="$here/.layer-deps"
out="${1:?usage: bundle-layer.sh <assets/layer/python>}"
if [ ! -d "$deps/jsonata" ]; then
  echo "bundle:runtime: $deps/jsonata is missing: run 'bash lambda-runtime/python/install-layer-deps.sh' (npm ci runs it)" >&2
  exit 1
fi
rm -rf "$out/unum_runtime" "$out/jsonata" "$out"/jsonata_python-*.dist-info
mkdir -p "$out"
cp -R "$here/unum_runtime" "$out/"
rm -f "$out/unum_runtime/recorder.py" "$out/unum_runtime/forward.py"
cp -R "$deps/jsonata" "$deps"/jsonata_python-*.dist-info "$out/"
rm -rf "$out/jsonata/cli"
for f in RECORD INSTALLER REQUESTED direct_url.json entry_points.txt; do rm -f "$out"/jsonata_python-*.dist-info/"$f"; done
find "$out" -name __pycache__ -prune -exec rm -rf {} +
