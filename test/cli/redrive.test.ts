import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize } from '../../toolkit/src/local/assembly';
import { ROOT, sharedDir, tsApp } from '../engine/support';
import { unum } from '../support/cli';

/**
 * `unum redrive <session>` on a data directory: a failed Map (test/engine/apps/redrive.ts)
 * redriven until it succeeds, and the sessions it refuses, each with exit code 2 and why.
 */
const work = mkdtempSync(join(tmpdir(), 'unum-cli-redrive-'));
// The items' markers live outside /tmp, which each sandbox has to itself.
const markers = sharedDir(join(ROOT, 'test', 'cli'), '.redrive-');
const dataDir = join(work, 'data');
let assembly: string;

beforeAll(async () => {
  assembly = join(work, 'cdk.out');
  await synthesize({ app: tsApp(join(ROOT, 'test', 'engine', 'apps', 'redrive.ts')), outdir: assembly, cwd: ROOT });
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(markers, { recursive: true, force: true });
});

const runs = () => readFileSync(join(markers, 'runs'), 'utf8').split('\n').filter((l) => l !== '').map(Number);

test('usage and an unknown session: exit 2', async () => {
  const none = await unum('redrive', '--assembly', assembly, '--data-dir', work);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('usage: unum redrive <session>');
  writeFileSync(join(markers, 'runs'), '');
  const first = await unum('run', '--assembly', assembly, '--workflow', 'redrive-map', '--input', JSON.stringify({ items: [{ dir: markers, index: 0 }] }),
    '--data-dir', dataDir, '--session', 'cli-empty', '--quiet');
  expect(first.code).toBe(0);
  const unknown = await unum('redrive', 'never-ran', '--assembly', assembly, '--workflow', 'redrive-map', '--data-dir', dataDir, '--quiet');
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toContain("unum: cannot redrive session never-ran of workflow 'redrive-map': no such session");
}, 180_000);

test('a failed session is redriven until it succeeds; then it is refused', async () => {
  writeFileSync(join(markers, 'runs'), '');
  writeFileSync(join(markers, 'broken-2'), '');
  const items = Array.from({ length: 5 }, (_, index) => ({ dir: markers, index }));
  const failed = await unum('run', '--assembly', assembly, '--workflow', 'redrive-map', '--input', JSON.stringify({ items }),
    '--data-dir', dataDir, '--session', 'cli-redrive-1', '--quiet');
  expect(failed.code).toBe(1);
  expect(failed.stderr).toContain('unum: session cli-redrive-1 FAILED');
  // Still broken: the redrive runs item 2 again and the session fails again.
  const again = await unum('redrive', 'cli-redrive-1', '--assembly', assembly, '--data-dir', dataDir, '--quiet');
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('unum: session cli-redrive-1 FAILED');
  unlinkSync(join(markers, 'broken-2'));
  const done = await unum('redrive', 'cli-redrive-1', '--assembly', assembly, '--data-dir', dataDir, '--json', '--quiet');
  expect(done.code).toBe(0);
  const report = JSON.parse(done.stdout);
  expect(report).toMatchObject({ status: 'SUCCEEDED', redrive: { redriveCount: 2, instances: ['RdItem|0:2/0'] } });
  expect(report.result).toEqual({ count: 5, sum: 20, redrives: 2 });
  expect(runs().sort()).toEqual([0, 1, 2, 2, 2, 3, 4]);
  const status = await unum('status', 'cli-redrive-1', '--data-dir', dataDir);
  expect(status.stdout).toMatch(/^session cli-redrive-1: SUCCEEDED\n/);
  const refused = await unum('redrive', 'cli-redrive-1', '--assembly', assembly, '--data-dir', dataDir, '--quiet');
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('it is SUCCEEDED; only a FAILED or TIMED_OUT session can be redriven');
}, 300_000);
