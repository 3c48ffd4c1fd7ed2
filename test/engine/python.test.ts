import { createHash, randomUUID } from 'crypto';
import { join } from 'path';
import { deliverSqsBatch, startEngine, synthApp } from './support';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * Workflows mixing Node.js and Python functions (test/engine/apps/python.ts)
 * through the engine: the Python functions run the layer's Python runtime
 * (unum_runtime.entry.handler) in Python sandboxes, the Node.js ones the
 * Node.js runtime, against DynamoDB Local and s3rver.
 */
let app: LocalApp;
let engine: LocalEngine;
const logs: string[] = [];

beforeAll(async () => {
  const python = testPython();
  app = await synthApp(join(__dirname, 'apps', 'python.ts'));
  engine = await startEngine(app, { python, onLog: (fn, line) => logs.push(`${fn} ${line}`), concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());

test('the assembly resolves a Python function: its module on a sys.path of code and layer python/ directories', () => {
  const describe = selectWorkflow(app, 'mixed').functions.find((f) => f.node === 'Describe')!;
  expect(describe.runtime).toBe('python3.12');
  expect(describe.handlerFile).toMatch(/asset\.[0-9a-f]+\/python\/unum_runtime\/entry\.py$/);
  expect(describe.handlerExport).toBe('handler');
  expect(describe.python!.module).toBe('unum_runtime.entry');
  expect(describe.python!.path).toEqual([describe.codeDir, join(describe.layerDirs[0], 'python')]);
  expect(describe.environment.UNUM_USER_HANDLER).toBe('app.lambda_handler');
});

test('Node.js → Python → Node.js: one session, each output passed on; the Python sandbox is warm the second time', async () => {
  const first = await engine.run({ workflow: 'mixed', input: { n: 5 } });
  expect(first.status).toBe('SUCCEEDED');
  // Increment gets Describe's output: (5·2 + 10) + 1.
  expect(first.result).toBe(21);
  expect(first.instances.map((i) => [i.instance, i.start, i.outcome])).toEqual([
    ['Double|0', 'cold', 'committed'], ['Describe|0', 'cold', 'committed'], ['Increment|0', 'cold', 'committed'],
  ]);
  expect(first.commits).toEqual({ 'Double|0': 1, 'Describe|0': 1, 'Increment|0': 1 });
  const second = await engine.run({ workflow: 'mixed', input: { n: 1 } });
  expect(second.result).toBe(13);
  expect(second.instances.map((i) => i.start)).toEqual(['warm', 'warm', 'warm']);
});

test('the Python user code: module globals persist while warm, a relative file, /tmp, a boto3 client made at import time', async () => {
  const fn = selectWorkflow(app, 'describe').functions.find((f) => f.node === 'Described')!;
  const first = await engine.run({ workflow: 'describe', input: { n: 5 } });
  expect(first.result).toEqual({
    n: 20, label: '10 doubled', calls: 1, seen: ['10'], lambda_endpoint: engine.endpoints.lambda, function_name: fn.functionName,
  });
  const second = await engine.run({ workflow: 'describe', input: { n: 1 } });
  expect(second.result).toMatchObject({ n: 12, calls: 2, seen: ['10', '2'] });
  expect(second.instances.map((i) => i.start)).toEqual(['warm', 'warm']);
});

test('a Map over a Python function and a fan-in into a Python function (the event is the ordered list)', async () => {
  const r = await engine.run({ workflow: 'pymap', input: { count: 5 } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [1, 4, 9, 16, 25], total: 55 });
  expect(r.instances.filter((i) => i.node === 'Square')).toHaveLength(5);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
});

test('Step Functions paths in the Python runtime: a filter InputPath, slices and .$ in arrays in ResultSelector, a Choice on negative indexes', async () => {
  const orders = [{ id: 'a', total: 5, status: 'paid' }, { id: 'b', total: 25, status: 'paid' }, { id: 'c', total: 40, status: 'void' }, { id: 'd', total: 12, status: 'paid' }];
  const report = await engine.run({ workflow: 'pyjsonpath', input: { orders, tags: ['t1', 't3'] } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ orders, tags: ['t1', 't3'], picked: { last: [12], sum: 37, both: [{ first: 25 }, 'x'] } });
  const other = await engine.run({ workflow: 'pyjsonpath', input: { orders, tags: ['t3', 't1'] } });
  expect(other.status).toBe('FAILED');
  expect(other.error?.error).toBe('NoMatch');
  // Nothing passes the filter: the function gets [], and '$.values[0]' matches nothing (States.Runtime).
  const empty = await engine.run({ workflow: 'pyjsonpath', input: { orders: [orders[0]], tags: ['t3'] } });
  expect(empty.status).toBe('FAILED');
  expect(empty.error?.error).toBe('States.Runtime');
});

test('JSONata in the Python runtime: Arguments, Output and Assign around a Python function, a variable from a Node.js one, a Pass and a Choice', async () => {
  const orders = [{ total: 12, paid: true }, { total: 30, paid: false }, { total: 10, paid: true }];
  const report = await engine.run({ workflow: 'pyjsonata', input: { orders, customer: 'ana' } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ sum: 22, best: 12, who: 'ANA ✓' });
  const small = await engine.run({ workflow: 'pyjsonata', input: { orders: [{ total: 12, paid: true }, { total: 30, paid: false }], customer: 'bo' } });
  expect(small.status).toBe('FAILED');
  expect(small.error?.error).toBe('TooSmall');
  // A null customer: $uppercase(null) fails (JSONata's T0410), which is Step Functions' States.QueryEvaluationError, raised by the Python runtime.
  const none = await engine.run({ workflow: 'pyjsonata', input: { orders, customer: null } });
  expect(none.status).toBe('FAILED');
  expect(none.error).toMatchObject({ node: 'PaidTotal', error: 'States.QueryEvaluationError' });
  expect(none.error!.cause).toBe("Output.who: the JSONata expression '{% $uppercase($customer) %}' failed: JSONata error T0410");
});

test('a JSONata Map fanned out by a Python function\'s egress: Items filters the list', async () => {
  const report = await engine.run({ workflow: 'pyjsonatamap', input: { count: 4 } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toBe(4 + 9 + 16);
});

test('a Python exception fails the session, naming the node and its error', async () => {
  const r = await engine.run({ workflow: 'pyfail', input: { count: 2 } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Boom', instance: 'Boom|0', error: 'ValueError' });
  expect(r.error!.cause).toMatch(/cannot total \[1, 2\]/);
});

test('a Python function waiting past its timeout: the runtime stops waiting first and records States.Timeout (as Node does for a pending promise)', async () => {
  const r = await engine.run({ workflow: 'pytimeout', input: null });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Hang', instance: 'Hang|0', error: 'States.Timeout' });
  expect(r.error!.cause).toMatch(/user code did not finish within \d+ ms/);
  // Recorded by the runtime itself inside the invocation: no sandbox was killed, nothing was retried.
  expect(r.invocations).toMatchObject({ timeouts: 0 });
  expect(r.onFailure).toEqual([]);
});

test('a Python function that holds the GIL past its timeout is killed; Lambda retries it cold, then the failure recorder ends the session', async () => {
  const r = await engine.run({ workflow: 'pyspin', input: null });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Spin', instance: 'Spin|0', error: 'Sandbox.Timedout' });
  expect(r.invocations).toMatchObject({ total: 2, timeouts: 2, retries: 1, cold: 2 });
  expect(r.onFailure).toEqual([expect.objectContaining({ node: 'Spin', attempts: 2, errorType: 'Sandbox.Timedout' })]);
});

test('crash injection in the Python runtime heals through Lambda retries, one commit per instance', async () => {
  const r = await engine.run({ workflow: 'pymap', input: { count: 3 }, faults: { crashAt: 'after-checkpoint-write', duplicateRate: 0.5, seed: 7 } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [1, 4, 9], total: 14 });
  expect(r.invocations.crashes).toBeGreaterThanOrEqual(4);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
});

test('an SQS batch delivered to a Python entry starts one session per message; a non-JSON body is a batch item failure, logged', async () => {
  const workflow = selectWorkflow(app, 'pysqs');
  const client = engine.client(workflow);
  const [one, bad, two] = [randomUUID(), randomUUID(), randomUUID()];
  const batch: Array<[string, string]> = [[one, '4'], [bad, '{"n":'], [two, '5']];
  expect(await deliverSqsBatch(engine, workflow.entry.functionName, 'arn:aws:sqs:us-east-1:000000000000:numbers', batch))
    .toEqual({ batchItemFailures: [{ itemIdentifier: bad }] });
  expect([await client.getResult(`sqs-${one}`), await client.getResult(`sqs-${two}`)]).toEqual([16, 25]);
  expect(logs.some((l) => l.includes(`workflow 'pysqs': SQS message ${bad} cannot start a session: its body is not JSON`))).toBe(true);
});

test('payloadResponseOnly false in Python functions: lambda:invoke\'s { ExecutedVersion, Payload, StatusCode }, as Step Functions gives it', async () => {
  // docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html; the engine runs every function as $LATEST.
  const report = await engine.run({ workflow: 'pyresponse', input: { n: 3 } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ value: 81, status: 200, version: '$LATEST', first: 81 });
});

test('the context object $$ in Node.js and Python functions and a Map itemSelector, through the engine', async () => {
  const r = await engine.run({ workflow: 'context', input: { x: 7, items: ['a', 'b'] } });
  expect(r.status).toBe('SUCCEEDED');
  const items = r.result as Array<{ before: { start: string } }>;
  const start = items[0].before.start;
  expect(start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // CtxFlaky (Node.js) failed once; CtxPython's parameters read $$ in Python; CtxItem gets each itemSelector output.
  const before = {
    node: { input: { name: r.session, x: 7, state: 'CtxFlaky', retries: 1 }, attempts: 2 },
    id: `arn:aws:states:us-east-1:000000000000:execution:context:${r.session}`,
    name: r.session,
    x: 7,
    start,
    state: 'CtxPython',
    retries: 0,
    items: ['a', 'b'],
  };
  expect(r.result).toEqual([{ index: 0, item: 'a', before }, { index: 1, item: 'b', before }]);
});

test('intrinsic functions in a Node.js function\'s parameters, a Pass and a Python function\'s parameters and resultSelector, through the engine', async () => {
  const r = await engine.run({ workflow: 'intrinsics', input: { name: 'Ada', items: [1, 2, 3] } });
  expect(r.status).toBe('SUCCEEDED');
  const id = createHash('sha256').update('Ada').digest('hex');
  const all = {
    unique: [1, 2],
    decoded: `${id}-42`,
    parts: ['Hello', 'Ada', '3', 'items'],
    merged: { a: 1, b: 2 },
    // new java.util.Random(1234).nextInt(998) is 242.
    random: 243,
    session: `run ${r.session}`,
    range: [1, 5, 9],
    items: [1, 2, 3],
  };
  expect(r.result).toEqual({ text: '{"a":1,"b":2}', all, contains: true });
});
