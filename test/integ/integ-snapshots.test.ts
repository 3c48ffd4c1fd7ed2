import { execFile } from 'child_process';
import * as fs from 'fs';
import { appName, INTEG_CONFIG, integApps, offlineEnv, ROOT, snapshotDir } from './integ-apps';
import { SHAPES } from '../support/shapes';

/**
 * integ-runner's own snapshot comparison, without deploying and without
 * updating: it synthesizes every integ app (with its feature flags) and
 * diffs each stack under test against `integ/<app>.snapshot/` (asset hashes
 * canonicalized). Any template change fails here until the snapshots are
 * regenerated (see integ/README.md). Offline: dummy credentials, a fixed
 * region, no telemetry; no AWS call is made in this mode.
 */

const INTEG_RUNNER = require.resolve('@aws-cdk/integ-runner/bin/integ-runner');
// It synthesizes every integ app in its own workers: about 2 minutes alone on 2 cores, and over 3 beside another jest worker.
const RUNNER_TIMEOUT_MS = 480_000;

interface RunnerResult {
  readonly code: number;
  readonly output: string;
}

function integRunner(args: string[]): Promise<RunnerResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [INTEG_RUNNER, '--config', INTEG_CONFIG, ...args], {
      cwd: ROOT, env: offlineEnv(), maxBuffer: 64 * 1024 * 1024, timeout: RUNNER_TIMEOUT_MS,
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** `  UNCHANGED  integ.chain 2.8s` → { 'integ.chain': 'UNCHANGED' }. */
function statuses(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of output.matchAll(/^\s*(UNCHANGED|CHANGED|NEW|ERROR|FAILED)\s+(integ\.\S+)/gm)) out[m[2]] = m[1];
  return out;
}

const APPS = integApps();

test('every workflow shape has an integ app with a committed snapshot', () => {
  expect(APPS.map(appName)).toEqual(expect.arrayContaining(Object.keys(SHAPES)));
  for (const file of APPS) {
    const dir = snapshotDir(file);
    expect({ file, integJson: fs.existsSync(`${dir}/integ.json`), manifest: fs.existsSync(`${dir}/manifest.json`) })
      .toEqual({ file, integJson: true, manifest: true });
  }
});

test('integ-runner reports every integ snapshot UNCHANGED', async () => {
  const { code, output } = await integRunner(['--dry-run']);
  const expected = Object.fromEntries(APPS.map((file) => [file.replace(/\.ts$/, ''), 'UNCHANGED']));
  // On failure the output shows the template diff; if the change is intended, regenerate with
  // `npx integ-runner --config integ/integ.config.json --dry-run --update-on-failed` and commit the snapshots.
  expect({ statuses: statuses(output), output: code === 0 ? '' : output })
    .toEqual({ statuses: expected, output: '' });
  expect(code).toBe(0);
}, RUNNER_TIMEOUT_MS + 10_000);
