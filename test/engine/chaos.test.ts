import { readFileSync } from 'fs';
import { examples, startEngine, synthApp } from './support';
import { LocalApp } from '../../src/local/assembly';
import { faultSteps } from '../../src/local/chaos';
import { LocalEngine, SessionReport } from '../../src/local/engine';

/**
 * Chaos: every example under a crash at each runtime step (the first
 * invocation of every instance crashes there) combined with duplicate
 * deliveries, and under random crashes and duplicates, for several seeds.
 * Every session must end SUCCEEDED with the expected result, no event may be
 * given up on, and every instance — each join's target included — commits
 * its checkpoint exactly once.
 *
 * UNUM_CHAOS_SEEDS sets the number of seeds (default 1, which keeps CI
 * quick); the closing figures of the engine issue come from a larger run.
 */
const SEEDS = Number(process.env.UNUM_CHAOS_SEEDS ?? 1);
const DUPLICATE_RATE = 0.25;
/** Per test: a session takes well under a second warm; cold starts and slow machines get room. */
const TIMEOUT_MS = 60_000 * SEEDS;
const all = examples();
const totals = { sessions: 0, invocations: 0, crashes: 0, duplicates: 0, retries: 0, injected: 0 };

afterAll(() => {
  // One line for the record: how much chaos this run went through.
  process.stderr.write(`chaos: ${all.length} examples × ${SEEDS} seed(s): ${JSON.stringify(totals)}\n`);
});

function check(report: SessionReport, expected: unknown, label: string): void {
  const problems: string[] = [];
  if (report.status !== 'SUCCEEDED') problems.push(`status ${report.status} ${JSON.stringify(report.error ?? report.onFailure)}`);
  else if (JSON.stringify(report.result) !== JSON.stringify(expected)) problems.push(`result ${JSON.stringify(report.result)}`);
  if (report.onFailure.length > 0) problems.push(`events given up: ${JSON.stringify(report.onFailure)}`);
  const multiple = Object.entries(report.commits).filter(([, n]) => n !== 1);
  if (multiple.length > 0) problems.push(`instances committed more than once: ${JSON.stringify(multiple)}`);
  const open = report.instances.filter((i) => i.outcome !== 'committed').map((i) => i.instance);
  if (open.length > 0) problems.push(`instances without a commit: ${open.join(', ')}`);
  totals.sessions++;
  totals.invocations += report.invocations.total;
  totals.crashes += report.invocations.crashes;
  totals.duplicates += report.invocations.duplicates;
  totals.retries += report.invocations.retries;
  totals.injected += Object.values(report.injected).reduce((a, b) => a + b, 0);
  if (problems.length > 0) throw new Error(`${label} (session ${report.session}): ${problems.join('; ')}`);
}

describe.each(all.map((e) => [e.name, e] as const))('%s', (_name, example) => {
  let app: LocalApp;
  let engine: LocalEngine;
  const input = JSON.parse(readFileSync(example.input, 'utf8'));

  beforeAll(async () => {
    app = await synthApp(example.app);
    engine = await startEngine(app, { concurrency: Number(process.env.UNUM_CHAOS_CONCURRENCY ?? 4) });
  });
  afterAll(async () => engine?.stop());

  test.each(faultSteps().map((s) => [s]))('crash at %s, with duplicates', async (step) => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const faults = { crashAt: step, duplicateRate: DUPLICATE_RATE, seed };
      check(await engine.run({ input, faults }), example.expected, `${example.name} ${JSON.stringify(faults)}`);
    }
  }, TIMEOUT_MS);

  test('random crashes and duplicates', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const faults = { crashRate: 0.3, duplicateRate: 0.3, seed };
      check(await engine.run({ input, faults }), example.expected, `${example.name} ${JSON.stringify(faults)}`);
    }
  }, TIMEOUT_MS);

  test('DynamoDB throttling, S3 SlowDown/500 and Lambda 429, with crashes and duplicates', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const faults = { throttleRate: 0.2, s3ErrorRate: 0.3, lambdaThrottleRate: 0.2, crashRate: 0.1, duplicateRate: 0.1, seed };
      const report = await engine.run({ input, faults });
      check(report, example.expected, `${example.name} ${JSON.stringify(faults)}`);
      expect(Object.keys(report.injected).some((k) => k.startsWith('dynamodb:'))).toBe(true);
    }
  }, TIMEOUT_MS);

  test('Lambda throttling past the SDK retries fails the invocation, and Lambda retries it from its checkpoint', async () => {
    // Every call's first 5 attempts (the runtime SDK's maxAttempts) are throttled; the next call of the same Invoke passes.
    const faults = { lambdaThrottleRate: 1, serviceErrorAttempts: 5, seed: 1 };
    const report = await engine.run({ input, faults });
    check(report, example.expected, `${example.name} ${JSON.stringify(faults)}`);
    if (report.lambda.event > 1) {
      expect(report.injected['lambda:Invoke:TooManyRequestsException']).toBeGreaterThan(0);
      expect(report.invocations.retries).toBeGreaterThan(0);
    }
  }, TIMEOUT_MS);
});
