import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * The workflow timeout as `unum run` runs it (test/engine/apps/timeout.ts):
 * Start → Slow → After with a 2 s timeout, Slow sleeping 3 s, in Node.js and
 * in Python. The session ends TIMED_OUT (States.Timeout) found by Slow, and
 * After is never invoked.
 */
let app: LocalApp;
let engine: LocalEngine;

beforeAll(async () => {
  const python = testPython();
  app = await synthApp(join(__dirname, 'apps', 'timeout.ts'));
  engine = await startEngine(app, { python, concurrency: 4 });
}, 300_000);
afterAll(async () => engine?.stop());

function expectTimedOut(r: SessionReport, slow: string, after: string): void {
  expect(r.status).toBe('TIMED_OUT');
  expect(r.error).toMatchObject({ node: slow, instance: `${slow}|0`, error: 'States.Timeout' });
  expect(r.error!.cause).toMatch(/^the session ran past its deadline \d{4}-\d\d-\d\dT[\d:.]+Z \(the workflow's timeout\)$/);
  // The successor after the sleep has no instance: it was never invoked, nothing committed past Slow's predecessor.
  expect(r.instances.map((i) => i.node)).not.toContain(after);
  expect(Object.keys(r.commits)).toEqual([r.instances[0].instance]);
  // Recorded by the runtime inside the invocation: no sandbox killed, nothing left to Lambda's on-failure destination.
  expect(r.invocations).toMatchObject({ timeouts: 0 });
  expect(r.onFailure).toEqual([]);
}

test('the entry of a workflow with a timeout carries it in its configuration', () => {
  const entry = selectWorkflow(app, 'nodetimeout').functions.find((f) => f.node === 'Start')!;
  expect(JSON.parse(entry.environment.UNUM_CONFIG)).toMatchObject({ entry: true, timeoutSeconds: 2 });
});

test('Node.js: a step sleeping past the timeout ends the session TIMED_OUT and its successor never runs', async () => {
  const r = await engine.run({ workflow: 'nodetimeout', input: { ms: 3000 } });
  expectTimedOut(r, 'Slow', 'After');
});

test('Python: a step sleeping past the timeout ends the session TIMED_OUT and its successor never runs', async () => {
  const r = await engine.run({ workflow: 'pytimeoutworkflow', input: { ms: 3000 } });
  expectTimedOut(r, 'PySlow', 'PyAfter');
});
