import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize } from '../../toolkit/src/local/assembly';
import { ROOT, tsApp } from '../engine/support';
import { unum } from '../support/cli';

/** `unum run --fast-forward` (alias `--skip-time`): a 30-day Wait and a TimestampPath Wait 40 days out, run in seconds. */
const work = mkdtempSync(join(tmpdir(), 'unum-ff-test-'));
const assembly = join(work, 'cdk.out');
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  await synthesize({ app: tsApp(join(ROOT, 'test', 'toolkit-testing', 'apps', 'long-wait.ts')), outdir: assembly, cwd: ROOT });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

test.each(['--fast-forward', '--skip-time'])('%s: the session succeeds within a 60 s timeout, its instances at the simulated times', async (flag) => {
  const until = new Date(Math.ceil((Date.now() + 40 * DAY) / 1000) * 1000).toISOString();
  const r = await unum('run', '--assembly', assembly, '--workflow', 'longwait', flag, '--json', '--quiet', '--timeout', '60', '--input', JSON.stringify({ until }));
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout);
  expect({ status: report.status, result: report.result }).toEqual({ status: 'SUCCEEDED', result: { until } });
  expect(report.invocations.total).toBe(4);
  const after = report.instances.find((i: { node: string }) => i.node === 'After');
  // From the session's start on the simulated clock: the month and the ten days to `until` (less the synthesis time before the run).
  expect(after.startMs).toBeGreaterThanOrEqual(40 * DAY - 60_000);
  expect(after.startMs).toBeLessThan(40 * DAY + 60_000);
}, 120_000);

test('without it a 30-day Wait does not end within the timeout', async () => {
  const r = await unum('run', '--assembly', assembly, '--workflow', 'longwait', '--json', '--quiet', '--timeout', '5', '--input', JSON.stringify({ until: '1970-01-01T00:00:00Z' }));
  expect(JSON.parse(r.stdout).status).toBe('RUNNING');
}, 120_000);
