/**
 * Every ASL fixture and every FaaSr fixture imported with
 * WorkflowDefinition.fromStatesLanguage / fromFaasr into a real CDK app
 * (apps/imported-app.ts), synthesized, and run through the local engine —
 * sandbox processes running the bundled stub functions under the unmodified
 * runtime layer, DynamoDB Local and s3rver — with the results Step
 * Functions' (and FaaSr's) semantics prescribe: the cases, stubs and
 * expectations of asl.test.ts and faasr.test.ts (cases.ts).
 * One synthesis and one engine for all of them.
 * A StartAt that is a Pass (asl-lambda-invoke) or a Parallel
 * (asl-states-anywhere) needs no added function: the entry runs those states.
 */
import { join } from 'path';
import { CASES, CaseRun, caseOf, ImportCase, Outcome } from './cases';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { startEngine, synthApp } from '../engine/support';

const APP = join(__dirname, 'apps', 'imported-app.ts');

/** Synthesizes the app with these environment variables (the app reads them). */
async function synth(env: Record<string, string>): Promise<LocalApp> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await synthApp(APP);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let app: LocalApp;
let engine: LocalEngine;
const logs: Array<{ fn: string; line: string }> = [];

beforeAll(async () => {
  app = await synth({});
  engine = await startEngine(app, { onLog: (fn, line) => logs.push({ fn, line }), concurrency: 8 });
}, 120_000);
afterAll(async () => engine?.stop());

function outcome(report: SessionReport): Outcome | { status: string; error?: unknown } {
  if (report.status === 'SUCCEEDED') return { status: report.status, result: report.result };
  if (report.status === 'FAILED') return { status: report.status, error: report.error?.error };
  return { status: report.status, error: report.onFailure };
}

/** Runs one case's input and checks the session's outcome and the protocol's invariants. */
async function runCase(c: ImportCase, run: CaseRun): Promise<SessionReport> {
  const report = await engine.run({ workflow: c.workflow, input: run.input, timeoutMs: 60_000 });
  expect(outcome(report)).toEqual(run.expected);
  // Nothing was left to Lambda's on-failure destination; every instance committed at most once.
  expect(report.onFailure).toEqual([]);
  expect(report.timedOut).toBeUndefined();
  expect(Object.values(report.commits).every((n) => n === 1)).toBe(true);
  return report;
}

/** Lines a function's sandbox wrote that start with `tag `, parsed. */
function logged(tag: string): unknown[] {
  return logs.flatMap(({ line }) => {
    const at = line.indexOf(`${tag} `);
    return at < 0 ? [] : [JSON.parse(line.slice(at + tag.length + 1))];
  });
}

test('the app holds every case as a workflow, one function per task, each bundled from its stub module', () => {
  expect(app.workflows.map((w) => w.name).sort()).toEqual(CASES.map((c) => c.workflow).sort());
  const parallel = selectWorkflow(app, 'asl-parallel');
  // Prepare, Double, Increment, Describe, Square, Merge (Wrap and Constant are built-in Pass states).
  expect(parallel.functions.filter((f) => !/Wrap|Constant/.test(f.node!))).toHaveLength(6);
  expect(selectWorkflow(app, 'asl-lambda-invoke').entry.node).toBe('Multiply');
  expect(selectWorkflow(app, 'asl-states-anywhere').entry.node).toBe('Double');
  expect(selectWorkflow(app, 'faasr-model-true').entry.node).toBe('start');
  expect(selectWorkflow(app, 'asl-data-flow').entry.environment.UNUM_USER_HANDLER).toBe('index.Fetch');
});

describe.each(CASES.map((c) => [c.workflow, c] as const))('%s', (_name, c) => {
  test.each(c.runs.map((r) => [JSON.stringify(r.input), r] as const))('input %s', async (_input, run) => {
    await runCase(c, run);
  });
});

describe('what the in-process tests observe besides the result, observed through the engine', () => {
  test('data flow: Ship gets exactly what its Parameters build', async () => {
    const before = logged('SHIPPED').length;
    await runCase(caseOf('asl-data-flow'), caseOf('asl-data-flow').runs[0]);
    expect(logged('SHIPPED').slice(before)).toEqual([{ id: 'o-1', amount: 7, how: { express: false, carrier: 'post' }, note: 'static' }]);
  });

  test('retry: the throttled charge is one instance, retried twice 1 s apart', async () => {
    const c = caseOf('asl-retry-catch');
    const report = await runCase(c, c.runs[1]);
    // The runtime waits out the retry intervals within one invocation: one instance, committed once, result attempts 2.
    expect(report.instances.filter((i) => i.node === 'Charge').map((i) => i.outcome)).toEqual(['committed']);
    expect(report.durationMs).toBeGreaterThanOrEqual(2000);
  });

  test('wait loop: the Wait state waits its second', async () => {
    const c = caseOf('asl-wait-loop');
    const report = await runCase(c, c.runs[0]);
    expect(report.durationMs).toBeGreaterThanOrEqual(1000);
    expect(report.instances.filter((i) => i.node === 'Poll')).toHaveLength(2);
  });

  test('FaaSr model: ten ranks, only the branch taken runs, end fires once', async () => {
    for (const workflow of ['faasr-model-true', 'faasr-model-false']) {
      const c = caseOf(workflow);
      const report = await runCase(c, c.runs[0]);
      expect(report.instances.filter((i) => i.node === 'concurrent')).toHaveLength(10);
      expect(report.instances.filter((i) => i.node === 'end').map((i) => i.invocations)).toEqual([1]);
      expect(report.instances.map((i) => i.node)).not.toContain(workflow.endsWith('true') ? 'conditionalF' : 'conditionalT');
    }
  });

  test('FaaSr DAGs that are not series-parallel: each join fires once, only the side taken is awaited', async () => {
    const crossed = caseOf('faasr-crossed');
    const report = await runCase(crossed, crossed.runs[0]);
    const instances = (node: string) => report.instances.filter((i) => i.node === node);
    expect(instances('R')).toHaveLength(3);
    expect(instances('D').map((i) => i.invocations)).toEqual([1]);
    expect(instances('end').map((i) => i.invocations)).toEqual([1]);
    const conditional = caseOf('faasr-conditional-crossed');
    for (const [run, taken, skipped] of [[conditional.runs[0], 'fast', 'slow'], [conditional.runs[1], 'slow', 'fast']] as const) {
      const r = await runCase(conditional, run);
      const nodes = r.instances.map((i) => i.node);
      expect(nodes).toContain(taken);
      expect(nodes).not.toContain(skipped);
      expect(r.instances.filter((i) => i.node === 'merge').map((i) => i.invocations)).toEqual([1]);
      expect(r.instances.filter((i) => i.node === 'report').map((i) => i.invocations)).toEqual([1]);
    }
  });

  test('FaaSr Arguments are the input of the action, not the session input', async () => {
    const before = logged('PREPARE').length;
    const c = caseOf('faasr-chain-one-sided');
    await runCase(c, c.runs[0]);
    expect(logged('PREPARE').slice(before)).toEqual([{ folder: 'input', threshold: 3 }]);
  });
});

