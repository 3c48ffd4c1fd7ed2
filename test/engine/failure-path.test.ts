import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { formatSession } from '../../toolkit/src/local/report';

/**
 * Every session ends: what used to leave a session RUNNING forever (an
 * output JSON cannot encode, process.exit, a missing bucket, a missing
 * successor) ends it FAILED with the node, the instance and the error, as
 * the client's describeSession (what `unum status` prints) reports.
 */
let app: LocalApp;
let engine: LocalEngine;
const logs: string[] = [];

beforeAll(async () => {
  const synthesized = await synthApp(join(__dirname, 'apps', 'failures.ts'));
  const spillBucket = selectWorkflow(synthesized, 'spill').bucket;
  const missing = selectWorkflow(synthesized, 'egress').functions.find((f) => f.node === 'Missing')!.functionName;
  // As deployed with the spill workflow's bucket deleted and one function of the egress workflow not deployed.
  app = {
    ...synthesized,
    buckets: synthesized.buckets.filter((b) => b.name !== spillBucket),
    functions: synthesized.functions.filter((f) => f.functionName !== missing),
  };
  engine = await startEngine(app, { onLog: (fn, line) => logs.push(`${fn} ${line}`), concurrency: 4 });
});
afterAll(async () => engine?.stop());

async function status(workflow: string, session: string) {
  return engine.client(selectWorkflow(app, workflow)).describeSession(session);
}

test.each([
  ['bigint', 'Sum', /cannot be encoded as JSON: .*BigInt.*return plain JSON values/],
  ['circular', 'Graph', /cannot be encoded as JSON: Converting circular structure.*return plain JSON values/s],
])('%s output: the session fails at once, the user code runs once', async (workflow, node, cause) => {
  const r = await engine.run({ workflow, input: {} });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node, instance: `${node}|0`, error: 'Unum.InvalidOutput' });
  expect(r.error!.cause).toMatch(cause);
  expect(r.invocations.total).toBe(1); // no Lambda retry re-ran it
  expect(r.onFailure).toEqual([]);
  const d = await status(workflow, r.session);
  expect(d).toMatchObject({ status: 'FAILED', error: { node, error: 'Unum.InvalidOutput' } });
  expect(d.failures).toEqual([expect.objectContaining({ node, instance: `${node}|0`, error: 'Unum.InvalidOutput' })]);
});

test('process.exit: Lambda retries, then the failure recorder ends the session and forwards to the user\'s onFailure', async () => {
  logs.length = 0;
  const r = await engine.run({ workflow: 'exit', input: { go: 1 } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Quit', instance: 'Quit|0', error: 'Runtime.ExitError' });
  expect(r.error!.cause).toMatch(/exit status 3.*Lambda gave up after 2 attempt\(s\) \(RetriesExhausted\)/);
  expect(r.onFailure).toEqual([expect.objectContaining({ node: 'Quit', attempts: 2, errorType: 'Runtime.ExitError' })]);
  // What was committed stays: Start's checkpoint.
  expect(r.commits).toEqual({ 'Start|0': 1 });
  // What `unum status <session>` prints.
  expect(formatSession(await status('exit', r.session))).toMatch(/: FAILED\n[^]*failed at node 'Quit' \(instance Quit\|0\): Runtime.ExitError — .*exit status 3/);
  const forwarded = logs.find((l) => l.includes('USER-ON-FAILURE'));
  expect(forwarded).toBeDefined();
  const record = JSON.parse(forwarded!.slice(forwarded!.indexOf('USER-ON-FAILURE ') + 'USER-ON-FAILURE '.length));
  expect(record).toMatchObject({
    requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 2 },
    requestPayload: { session: r.session, node: 'Quit' },
    responsePayload: { errorType: 'Runtime.ExitError' },
  });
});

test('an output that must spill to a bucket that does not exist fails the session at once', async () => {
  const r = await engine.run({ workflow: 'spill', input: {} });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Large', instance: 'Large|0', error: 'NoSuchBucket' });
  expect(r.error!.cause).toMatch(/bucket does not exist/);
  expect(r.invocations.total).toBe(1);
  expect((await status('spill', r.session)).error).toMatchObject({ node: 'Large', error: 'NoSuchBucket' });
});

test('an egress that cannot invoke its successor fails the session; the checkpoint is kept', async () => {
  const r = await engine.run({ workflow: 'egress', input: { a: 1 } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Forward', instance: 'Forward|0', error: 'ResourceNotFoundException' });
  expect(r.commits).toEqual({ 'Forward|0': 1 });
  expect(r.invocations.total).toBe(1);
});

test('an invalid envelope sent to the entry changes neither an ended nor a missing session', async () => {
  const r = await engine.run({ workflow: 'egress', input: { a: 2 } });
  const entry = selectWorkflow(app, 'egress').entry.functionName;
  const before = await status('egress', r.session);
  engine.endpoint.enqueue(entry, JSON.stringify({ unum: 99, session: r.session }));
  engine.endpoint.enqueue(entry, JSON.stringify({ unum: 99, session: 'never-started' }));
  await engine.endpoint.idle();
  expect(await status('egress', r.session)).toEqual(before);
  expect(await status('egress', 'never-started')).toEqual({ session: 'never-started', status: 'NOT_FOUND', failures: [] });
  expect(logs.filter((l) => l.includes('"invalidEnvelopes":1'))).toHaveLength(2);
});
