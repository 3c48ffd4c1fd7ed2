/**
 * The ASL corpus (test/fixtures/asl/corpus): each fixture's import ends as
 * its sidecar records today (refused for the reasons listed, or imported),
 * and every fixture that imports runs through the local engine (DynamoDB
 * Local, s3rver, sandboxed functions under the runtime layer) with the
 * outcome Step Functions gives for each of the sidecar's runs.
 * `bench/corpus-measure.ts` prints the shares.
 */
import { join } from 'path';
import { CorpusFixture, CorpusRun, importFixture, loadCorpus, REASONS, reasonsOf, withRunValues, workflowOf } from './corpus-support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { startEngine, synthApp } from '../engine/support';

const CORPUS = loadCorpus();
const outcomes = new Map(CORPUS.map((f) => [f.name, importFixture(f)]));
const importing = CORPUS.filter((f) => outcomes.get(f.name)!.imported);

test('the corpus holds at least 40 definitions, each with a complete sidecar', () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(40);
  const categories = REASONS.map(([r]) => r);
  for (const f of CORPUS) {
    const s = f.sidecar;
    expect([f.name, ['imports and runs', 'refused'].includes(s.today)]).toEqual([f.name, true]);
    if (s.today === 'refused') {
      expect([f.name, s.refused!.length > 0, typeof s.flipsWith]).toEqual([f.name, true, 'string']);
      for (const r of s.refused!) expect([f.name, categories.includes(r)]).toEqual([f.name, true]);
    } else {
      expect([f.name, (s.runs ?? []).length > 0]).toEqual([f.name, true]);
    }
  }
  // Service integrations are measured too, so "all definitions" differs from "Lambda only".
  expect(CORPUS.filter((f) => !f.lambdaOnly).length).toBeGreaterThanOrEqual(5);
});

describe('today\'s import outcome is the one recorded next to each fixture', () => {
  test.each(CORPUS.map((f) => [f.name, f] as [string, CorpusFixture]))('%s', (_name, f) => {
    const outcome = outcomes.get(f.name)!;
    if (f.sidecar.today === 'refused') {
      expect(outcome.imported ? 'imported' : reasonsOf(outcome.problems)).toEqual(f.sidecar.refused);
    } else {
      expect(outcome.imported ? 'imported' : outcome.problems).toBe('imported');
    }
  });
});

describe('every fixture that imports runs as Step Functions runs it', () => {
  // The engine runs one session at a time, and a session mostly waits on the store and its sandboxes: two engines
  // over the one app run the sessions in two lanes, started in beforeAll; each test awaits its own report.
  const LANES = 2;
  let app: LocalApp;
  const engines: LocalEngine[] = [];
  const runs = importing.flatMap((f) => (f.sidecar.runs ?? []).map((r, i) => [`${f.name} #${i}`, f, r] as [string, CorpusFixture, CorpusRun]));
  const reports = new Map<string, Promise<SessionReport>>();
  beforeAll(async () => {
    app = await synthApp(join(__dirname, 'apps', 'corpus-app.ts'));
    for (let lane = 0; lane < LANES; lane++) engines.push(await startEngine(app, { concurrency: 8 }));
    engines.forEach((engine, lane) => {
      let previous: Promise<unknown> = Promise.resolve();
      runs.forEach(([name, f, run], i) => {
        if (i % LANES !== lane) return;
        const report = previous.then(() => engine.run({ workflow: workflowOf(f), input: run.input, timeoutMs: 60_000 }));
        reports.set(name, report);
        // The lane goes on after a failed run; the failure is the awaiting test's.
        previous = report.catch(() => undefined);
      });
    });
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...reports.values()].map((r) => r.catch(() => undefined)));
    await Promise.all(engines.map((e) => e.stop()));
  });

  test('the app holds exactly the fixtures that import', () => {
    expect(app.workflows.map((w) => w.name).sort()).toEqual(importing.map(workflowOf).sort());
  });
  test.each(runs)('%s', async (name, _f, run) => {
    const report = await reports.get(name)!;
    const got = report.status === 'SUCCEEDED' ? { status: report.status, output: report.result } : { status: report.status, error: report.error?.error };
    expect(got).toEqual(run.error !== undefined ? { status: 'FAILED', error: run.error } : { status: 'SUCCEEDED', output: withRunValues(run.output, report.result, report.session) });
    expect(report.onFailure).toEqual([]);
    expect(Object.values(report.commits).every((n) => n === 1)).toBe(true);
  }, 90_000);
});
