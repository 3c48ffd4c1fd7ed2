import { join } from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { formatReport } from '../../toolkit/src/local/report';

/**
 * The engine on a real synthesized app (test/engine/apps/app.ts): real
 * sandboxes, the unmodified runtime layer, DynamoDB Local and s3rver.
 */
let app: LocalApp;
let engine: LocalEngine;
const logs: string[] = [];

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'app.ts'));
  engine = await startEngine(app, { onLog: (fn, line) => logs.push(`${fn} ${line}`), concurrency: 8 });
});
afterAll(async () => engine?.stop());

test('the assembly yields every workflow with its entry, functions, handler in the layer and store names', () => {
  expect(app.workflows.map((w) => w.name)).toEqual(['chain', 'failing', 'large', 'queue', 'retry', 'sandbox', 'squares', 'timeout']);
  const chain = selectWorkflow(app, 'chain');
  expect(chain.entry.node).toBe('Double');
  expect(chain.functions.map((f) => f.node)).toEqual(['Double', 'Increment']);
  expect(chain.entry.handlerFile).toMatch(/asset\.[0-9a-f]+\/unum\/runtime\.js$/);
  expect(chain.entry.handlerExport).toBe('handler');
  expect(chain.table).toMatch(/^EngineTest-chainStoreTable/);
  expect(chain.bucket).toMatch(/^enginetest-chainstorepayloads/);
  expect(chain.entry.environment.UNUM_USER_HANDLER).toBe('index.double');
  const hang = selectWorkflow(app, 'timeout').entry;
  expect([hang.timeoutSeconds, hang.maxRetryAttempts]).toEqual([1, 1]);
  expect(selectWorkflow(app, 'queue').functions.find((f) => f.node === 'Slow')!.maxEventAgeSeconds).toBe(60);
});

test('a chain runs to its result; the report has a timeline, cold then warm sandboxes and the store requests', async () => {
  const first = await engine.run({ workflow: 'chain', input: { n: 5 } });
  expect(first.status).toBe('SUCCEEDED');
  expect(first.result).toBe(11);
  expect(first.instances.map((i) => [i.instance, i.start, i.outcome])).toEqual([
    ['Double|0', 'cold', 'committed'], ['Increment|0', 'cold', 'committed'],
  ]);
  expect(first.instances[1].startMs).toBeGreaterThanOrEqual(first.instances[0].startMs);
  expect(first.lambda).toEqual({ event: 2, requestResponse: 0 });
  expect(first.store.dynamodb).toMatchObject({ GetItem: 2, UpdateItem: 1 });
  expect(first.store.dynamodb.PutItem).toBeGreaterThanOrEqual(3);
  expect(first.commits).toEqual({ 'Double|0': 1, 'Increment|0': 1 });
  const second = await engine.run({ workflow: 'chain', input: { n: 1 } });
  expect(second.result).toBe(3);
  expect(second.instances.map((i) => i.start)).toEqual(['warm', 'warm']);
  const text = formatReport(second);
  expect(text).toContain('✔ SUCCEEDED');
  expect(text).toMatch(/Increment\|0 .* warm/);
  expect(text).toMatch(/DynamoDB: .*GetItem 2/);
});

test('a map fan-out and fan-in: every instance committed exactly once', async () => {
  const r = await engine.run({ workflow: 'squares', input: { count: 6 } });
  expect(r.result).toBe(1 + 4 + 9 + 16 + 25 + 36);
  expect(r.instances.filter((i) => i.node === 'Square')).toHaveLength(6);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
  expect(r.commits['Sum|0']).toBe(1);
});

test('a user-code retry rule runs the function again', async () => {
  const r = await engine.run({ workflow: 'retry', input: 'x' });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ input: 'x', attempts: 2 });
});

test('a failing node fails the session, naming the node and its error', async () => {
  const r = await engine.run({ workflow: 'failing', input: { n: 1 } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Boom', instance: 'Boom|0', error: 'BoomError', cause: 'the boom node always fails' });
  expect(r.instances.find((i) => i.node === 'Boom')!.outcome).toBe('failed');
  expect(formatReport(r)).toContain("Failed at node 'Boom' (instance Boom|0): BoomError");
});

test('the function timeout kills the sandbox; Lambda retries, then the failure recorder ends the session', async () => {
  const r = await engine.run({ workflow: 'timeout', input: null });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Hang', instance: 'Hang|0', error: 'Sandbox.Timedout' });
  expect(r.invocations).toMatchObject({ total: 2, timeouts: 2, retries: 1 });
  expect(r.instances[0]).toMatchObject({ instance: 'Hang|0', invocations: 2, timeouts: 2, outcome: 'failed' });
  expect(r.onFailure).toEqual([expect.objectContaining({
    node: 'Hang', instance: 'Hang|0', attempts: 2, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds',
  })]);
  // The killed sandbox is gone: the retry started cold.
  expect(r.invocations.cold).toBe(2);
  expect(formatReport(r)).toContain('On-failure records');
});

test('events older than the maximum event age are dropped to the on-failure destination, which fails the session', async () => {
  // One slot and 60 s scaled to 300 ms: the second and third Slow wait behind a 400 ms sleep.
  const slow = await startEngine(app, { concurrency: 1, eventAgeScale: 0.005 });
  try {
    const r = await slow.run({ workflow: 'queue', input: { count: 3, ms: 400 } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({ node: 'Slow', error: 'Lambda.EventAgeExceeded' });
    expect(r.error!.cause).toMatch(/EventAgeExceeded/);
    expect(r.onFailure.map((f) => [f.node, f.errorType])).toEqual([['Slow', 'EventAgeExceeded'], ['Slow', 'EventAgeExceeded']]);
    const quick = await slow.run({ workflow: 'queue', input: { count: 3, ms: 1 } });
    expect(quick.status).toBe('SUCCEEDED');
    expect(quick.result).toBe(3);
  } finally {
    await slow.stop();
  }
});

test('a large output travels through S3 between the functions', async () => {
  const r = await engine.run({ workflow: 'large', input: { kb: 300 } });
  expect(r.result).toEqual({ length: 300 * 1024, head: 'xxx' });
  expect(r.store.s3.PutObject).toBeGreaterThanOrEqual(1);
  expect(r.store.s3.GetObject).toBeGreaterThanOrEqual(1);
});

test('a sandbox sees its own environment, task root and endpoints, and nothing of the host', async () => {
  process.env.UNUM_ENGINE_TEST_SECRET = 'host-only';
  const r = await engine.run({ workflow: 'sandbox', input: null });
  const fn = selectWorkflow(app, 'sandbox').entry;
  expect(r.result).toMatchObject({ taskRoot: true, functionName: fn.functionName, region: 'us-east-1', user: 'hi', home: null });
  expect((r.result as { pid: number }).pid).not.toBe(process.pid);
});

test('crash injection at a step heals through Lambda retries; a duplicate delivery changes nothing', async () => {
  const r = await engine.run({ workflow: 'squares', input: { count: 3 }, faults: { crashAt: 'after-checkpoint-write', duplicateRate: 0.5, seed: 7 } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toBe(14);
  expect(r.invocations.crashes).toBeGreaterThanOrEqual(5);
  expect(r.invocations.duplicates).toBeGreaterThan(0);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
  expect(r.faults).toEqual({ crashAt: 'after-checkpoint-write', duplicateRate: 0.5, seed: 7 });
});

test('random crashes and duplicates at a seed: same result, one commit per instance', async () => {
  let faults = 0;
  for (const seed of [1, 2, 3]) {
    const r = await engine.run({ workflow: 'squares', input: { count: 4 }, faults: { crashRate: 0.5, duplicateRate: 0.3, seed } });
    expect(r.result).toBe(30);
    expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
    faults += r.invocations.crashes + r.invocations.duplicates;
  }
  expect(faults).toBeGreaterThan(0);
});

test('bad fault options are refused with the known steps', async () => {
  await expect(engine.run({ workflow: 'chain', input: { n: 1 }, faults: { crashAt: 'somewhere' } }))
    .rejects.toThrow(/--crash-at somewhere is not a runtime step; the steps are: after-ingress, /);
  await expect(engine.run({ workflow: 'chain', input: { n: 1 }, faults: { duplicateRate: 2 } })).rejects.toThrow(/between 0 and 1/);
});

test('the Lambda endpoint refuses async payloads above 1 MiB, as Lambda does', async () => {
  const fn = selectWorkflow(app, 'chain').entry.functionName;
  const big = Buffer.from(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
  await expect(engine.lambda.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: big })))
    .rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
  await expect(engine.lambda.send(new InvokeCommand({ FunctionName: 'no-such-function', InvocationType: 'Event', Payload: Buffer.from('{}') })))
    .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
});
