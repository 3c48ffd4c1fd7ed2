#!/usr/bin/env bash
# Python smoke test of the jsii package: install the wheel (dist/python, built with jsii-pacmak
# when missing) with aws-cdk-lib and constructs from PyPI into a fresh virtual environment,
# synthesize test/python/app.py, and require its template to equal the one app.ts (its
# TypeScript twin) synthesizes. Prints the time of each stage.
set -euo pipefail
cd "$(dirname "$0")/../.."

stage_start=0
stage() { stage_name="$1"; stage_start=$(date +%s.%N); echo "--- $stage_name"; }
stage_done() { printf -- '--- %s: %.1f s\n' "$stage_name" "$(echo "$(date +%s.%N) - $stage_start" | bc)"; }

pkg_version() { node -p "require('./package.json').devDependencies['$1']"; }
CDK_VERSION=$(pkg_version aws-cdk-lib)
CONSTRUCTS_VERSION=$(pkg_version constructs)

# Both the wheel's packed npm tarball and the TypeScript twin need the runtime layer asset.
npx projen bundle:runtime >/dev/null

if ! ls dist/python/cdk_unum-*.whl >/dev/null 2>&1; then
  stage "build the Python package (jsii-pacmak)"
  [ -f .jsii ] || npx projen compile
  npx jsii-pacmak --target python
  stage_done
fi
WHEEL=$(ls -t dist/python/cdk_unum-*.whl | head -1)

# The Python jsii runtime warns that this Node.js major is end-of-life on every run; the warning
# names nothing about the package under test, so it is silenced for the major in use only.
JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=$(node -p "process.versions.node.split('.')[0]")
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cdk-unum-python-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

stage "virtual environment: $(basename "$WHEEL"), aws-cdk-lib==$CDK_VERSION, constructs==$CONSTRUCTS_VERSION"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
  "$WHEEL" "aws-cdk-lib==$CDK_VERSION" "constructs==$CONSTRUCTS_VERSION"
stage_done

stage "synthesize test/python/app.py"
"$WORK/venv/bin/python" test/python/app.py "$WORK/python.out"
stage_done

stage "synthesize test/python/app.ts (TypeScript twin)"
node -r ts-node/register/transpile-only test/python/app.ts "$WORK/typescript.out"
stage_done

stage "compare"
node -r ts-node/register/transpile-only test/python/compare.ts \
  "$WORK/typescript.out/PolyglotSmoke.template.json" "$WORK/python.out/PolyglotSmoke.template.json"
stage_done
