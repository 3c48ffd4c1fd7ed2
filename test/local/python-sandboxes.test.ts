import { spawnSync } from 'child_process';
import { randomUUID } from 'crypto';
import { existsSync, mkdtempSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AsyncFailure, LambdaEndpoint } from '../../toolkit/src/local/lambda-endpoint';
import { SandboxFunction, SandboxPool } from '../../toolkit/src/local/sandboxes';
import { testPython } from '../support/python';

/*
 * Python functions in local Lambda sandboxes: plain Lambda handlers (no
 * cdk-unum runtime) run by the real Python with boto3 against DynamoDB Local.
 */

const PY = join(__dirname, '..', 'fixtures', 'python');
const CODE = join(PY, 'sandbox');
const LAYER_PYTHON = join(PY, 'layer', 'python');
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

let python: string;
const pools: SandboxPool[] = [];
const logs: string[] = [];

function fn(name: string, overrides: Partial<SandboxFunction> = {}): SandboxFunction {
  return {
    functionName: name,
    codeDir: CODE,
    handlerFile: join(CODE, 'app.py'),
    handlerExport: 'lambda_handler',
    environment: {},
    timeoutSeconds: 30,
    memorySize: 512,
    runtime: 'python3.12',
    python: { module: 'app', path: [CODE, LAYER_PYTHON] },
    ...overrides,
  };
}

function pool(functions: SandboxFunction[], options: { python?: string; privateTmp?: boolean } = {}): SandboxPool {
  const p = new SandboxPool({
    functions,
    python: options.python ?? python,
    privateTmp: options.privateTmp,
    baseEnvironment: {
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: process.env.UNUM_TEST_DYNAMODB_ENDPOINT!,
    },
    onOutput: (name, line) => logs.push(`${name}: ${line}`),
  });
  pools.push(p);
  return p;
}

let seq = 0;
function invoke(p: SandboxPool, functionName: string, event: unknown): ReturnType<SandboxPool['invoke']> {
  return p.invoke({ functionName, payload: JSON.stringify(event), invocationType: 'RequestResponse', requestId: `req-${++seq}`, attempt: 0 });
}

function payload(outcome: { payload?: string; error?: unknown }): any {
  expect(outcome.error).toBeUndefined();
  return JSON.parse(outcome.payload!);
}

beforeAll(() => {
  python = testPython();
}, 300_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
});

test('cold then warm: the module is imported once, its globals and the private /tmp persist while warm', async () => {
  const p = pool([fn('counter')]);
  const first = await invoke(p, 'counter', { action: 'count' });
  const second = await invoke(p, 'counter', { action: 'count' });
  expect(first.cold).toBe(true);
  expect(second.cold).toBe(false);
  const [a, b] = [payload(first), payload(second)];
  expect([a.calls, b.calls]).toEqual([1, 2]);
  expect(b.pid).toBe(a.pid);
  expect(b.seen).toEqual(['1', '2']);
  expect(b.tmp).toBe(a.tmp);
  expect(second.tmpDir).toBe(first.tmpDir);
  expect(first.tmpDir).not.toBe(tmpdir());
  // With a private /tmp the sandbox's TMPDIR is /tmp itself, the private directory mounted there.
  expect(a.tmp).toBe(p.privateTmp ? '/tmp' : first.tmpDir);
  expect(a.greeting).toBe('hello from a relative path');
  expect(a.shout).toBe('HELLO FROM A RELATIVE PATH');
  expect(a.cwd).toBe(CODE);
  expect(a.path.slice(0, 2)).toEqual([CODE, LAYER_PYTHON]);
  expect(p.stats).toMatchObject({ created: 1, reused: 1 });
});

test('concurrent invocations get sandboxes of their own, each with its own globals and /tmp', async () => {
  const p = pool([fn('twins')]);
  const outcomes = await Promise.all([invoke(p, 'twins', { action: 'count' }), invoke(p, 'twins', { action: 'count' })]);
  const [a, b] = outcomes.map(payload);
  expect([a.calls, b.calls]).toEqual([1, 1]);
  expect(a.pid).not.toBe(b.pid);
  expect(outcomes[0].tmpDir).not.toBe(outcomes[1].tmpDir);
  expect(a.seen).toEqual(['1']);
  expect(b.seen).toEqual(['1']);
});

test('the private /tmp is deleted with its sandbox', async () => {
  const p = pool([fn('tmp-gone')]);
  const outcome = await invoke(p, 'tmp-gone', { action: 'count' });
  payload(outcome);
  const tmp = outcome.tmpDir!;
  expect(readFileSync(join(tmp, 'calls.txt'), 'utf8')).toBe('1\n');
  await p.stop();
  expect(existsSync(tmp)).toBe(false);
});

test('the context is Lambda\'s Python context', async () => {
  const p = pool([fn('ctx', { memorySize: 1024, timeoutSeconds: 30 })]);
  const c = payload(await invoke(p, 'ctx', { action: 'context' }));
  expect(c).toMatchObject({
    function_name: 'ctx',
    aws_request_id: `req-${seq}`,
    memory_limit_in_mb: '1024',
    invoked_function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:ctx',
    log_group_name: '/aws/lambda/ctx',
    log_stream_name: 'local',
    function_version: '$LATEST',
  });
  expect(c.remaining).toBeGreaterThan(0);
  expect(c.remaining).toBeLessThanOrEqual(30_000);
});

test('a boto3 client created at import time talks to the local DynamoDB', async () => {
  const dynamodb = new DynamoDBClient({ region: 'us-east-1', endpoint: process.env.UNUM_TEST_DYNAMODB_ENDPOINT, credentials: CREDENTIALS });
  const table = `py-sandbox-${randomUUID()}`;
  await dynamodb.send(new CreateTableCommand({
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  }));
  const p = pool([fn('boto')]);
  const r = payload(await invoke(p, 'boto', { action: 'dynamodb', table, key: 'k1' }));
  expect(r.endpoint).toBe(process.env.UNUM_TEST_DYNAMODB_ENDPOINT);
  expect(r.item).toEqual({ pk: 'k1', sk: 'x', calls: 1 });
  const stored = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'k1' }, sk: { S: 'x' } }, ConsistentRead: true }));
  expect(stored.Item?.calls).toEqual({ N: '1' });
  dynamodb.destroy();
});

test('a raised exception has Lambda\'s error shape, and the sandbox stays warm', async () => {
  const p = pool([fn('raiser')]);
  const failed = await invoke(p, 'raiser', { action: 'raise', value: 42 });
  expect(failed.error).toMatchObject({ errorType: 'ValueError', errorMessage: 'bad input 42', requestId: `req-${seq}` });
  const trace = (failed.error as any).stackTrace as string[];
  expect(trace.join('')).toMatch(/File ".*sandbox\/app\.py", line \d+, in lambda_handler\n\s+raise ValueError/);
  expect(trace.join('')).not.toMatch(/sandbox_worker\.py/);
  // The log line comes through the sandbox's stdout, which can be read after the response: wait for it (bounded).
  const logged = () => logs.some((l) => l.startsWith('raiser: [ERROR] ValueError: bad input 42'));
  for (let i = 0; i < 100 && !logged(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(logged()).toBe(true);
  const next = await invoke(p, 'raiser', { action: 'count' });
  expect(next.cold).toBe(false);
  expect(payload(next).calls).toBe(2);
});

test('a timeout kills the sandbox: the next invocation starts cold', async () => {
  const p = pool([fn('sleeper', { timeoutSeconds: 1 })]);
  expect(payload(await invoke(p, 'sleeper', { action: 'count' })).calls).toBe(1);
  const slow = await invoke(p, 'sleeper', { action: 'sleep', seconds: 20 });
  expect(slow.timedOut).toBe(true);
  expect(slow.error).toEqual({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
  const after = await invoke(p, 'sleeper', { action: 'count' });
  expect(after.cold).toBe(true);
  expect(payload(after).calls).toBe(1);
  expect(p.stats.timedOut).toBe(1);
});

test('results: Decimal as a number (as Lambda serializes it), an unserializable one is Runtime.MarshalError', async () => {
  const p = pool([fn('results')]);
  expect(payload(await invoke(p, 'results', { action: 'decimal' }))).toEqual({ n: 1.5 });
  const bad = await invoke(p, 'results', { action: 'unserializable' });
  expect(bad.error).toMatchObject({ errorType: 'Runtime.MarshalError', errorMessage: expect.stringMatching(/^Unable to marshal response: .*object/) });
});

test('print and the root logger reach the output, logging as Lambda formats it', async () => {
  const p = pool([fn('logger')]);
  await invoke(p, 'logger', { action: 'log' });
  // The output pipes and the result travel separately.
  for (let i = 0; i < 100 && logs.filter((l) => l.startsWith('logger: ')).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  expect(logs).toContain('logger: printed');
  expect(logs.some((l) => new RegExp(`^logger: \\[WARNING\\]\\t\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\treq-${seq}\\twarned$`).test(l))).toBe(true);
});

test('an idle sandbox is frozen (SIGSTOP) and thawed for the next invocation', async () => {
  const p = pool([fn('frozen')]);
  const { pid } = payload(await invoke(p, 'frozen', { action: 'count' }));
  // SIGSTOP is sent as the invocation returns; the kernel stops the process a moment later.
  const state = (): string => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
  for (let i = 0; i < 200 && state() !== 'T'; i++) await new Promise((r) => setTimeout(r, 10));
  expect(state()).toBe('T');
  expect(payload(await invoke(p, 'frozen', { action: 'count' })).calls).toBe(2);
});

test('init errors: a missing module, a missing handler', async () => {
  const p = pool([
    fn('broken', { codeDir: join(PY, 'broken'), python: { module: 'app', path: [join(PY, 'broken')] } }),
    fn('nohandler', { handlerExport: 'no_such_function' }),
  ]);
  const broken = await invoke(p, 'broken', {});
  expect(broken.error).toMatchObject({
    errorType: 'Runtime.ImportModuleError', errorMessage: 'Unable to import module \'app\': No module named \'a_module_that_is_not_installed\'',
  });
  expect((await invoke(p, 'nohandler', {})).error).toMatchObject({
    errorType: 'Runtime.HandlerNotFound', errorMessage: 'Handler \'no_such_function\' missing on module \'app\'',
  });
  expect(p.liveCount).toBe(0);
});

test('Lambda\'s async retry policy: a failing event runs 1 + 2 times, then goes to the on-failure record', async () => {
  // The attempts are counted in a host file passed in the event. A private /tmp hides every host path
  // under /tmp (a checkout under /tmp, as CI's clone is), so this test shares the host's /tmp;
  // test/local/private-tmp.test.ts covers the private /tmp.
  const p = pool([fn('retried')], { privateTmp: false });
  const failures: AsyncFailure[] = [];
  const endpoint = await LambdaEndpoint.start({
    invoker: { exists: (name) => p.has(name), invoke: (request) => p.invoke(request) },
    asyncPolicy: () => ({ maxRetries: 2 }),
    retryDelay: () => 10,
    observer: { failed: (f) => failures.push(f) },
  });
  const lambda = new LambdaClient({ region: 'us-east-1', endpoint: endpoint.url, credentials: CREDENTIALS });
  try {
    const file = join(mkdtempSync(join(tmpdir(), 'py-attempts-')), 'attempts.txt');
    const accepted = await lambda.send(new InvokeCommand({
      FunctionName: 'retried', InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ action: 'attempt', file })),
    }));
    expect(accepted.StatusCode).toBe(202);
    for (let i = 0; i < 600 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(failures).toHaveLength(1);
    expect(failures[0].error).toMatchObject({ errorType: 'RuntimeError', errorMessage: 'fails every time' });
    const attempts = readFileSync(file, 'utf8').trim().split('\n');
    // Lambda retries an event under its one request id.
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts).size).toBe(1);
  } finally {
    lambda.destroy();
    await endpoint.stop();
  }
});

test('the trace header is per invocation: _X_AMZN_TRACE_ID while the invocation runs, sent by botocore; none for the next, untraced one', async () => {
  const sent: Array<string | undefined> = [];
  const endpoint = await LambdaEndpoint.start({
    invoker: { exists: (name) => name === 'sink', invoke: async (request) => { sent.push(request.traceHeader); return { payload: 'null' }; } },
  });
  try {
    const p = pool([fn('traced', { environment: { AWS_ENDPOINT_URL_LAMBDA: endpoint.url } })]);
    const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const traced = await p.invoke({
      functionName: 'traced', payload: JSON.stringify({ action: 'trace' }), invocationType: 'Event', requestId: 'req-traced', attempt: 0, traceHeader: header,
    });
    expect(payload(traced)).toEqual({ trace: header });
    const untraced = await invoke(p, 'traced', { action: 'trace' });
    expect(untraced.cold).toBe(false);
    expect(payload(untraced)).toEqual({ trace: null });
    await endpoint.idle();
    expect(sent).toEqual([header, undefined]);
  } finally {
    await endpoint.stop();
  }
});

test('no Python, or one without boto3: a clear error naming the Python functions, before any sandbox starts', () => {
  expect(() => pool([fn('a'), fn('b')], { python: '/no/such/python3' })).toThrow(
    /^the app has Python functions \(a, b\) and the local engine's Python, \/no\/such\/python3, is not on PATH: install Python 3 .*or set UNUM_PYTHON/);
  const bare = join(mkdtempSync(join(tmpdir(), 'py-bare-')), 'venv');
  expect(spawnSync('python3', ['-m', 'venv', '--without-pip', bare]).status).toBe(0);
  expect(() => pool([fn('c')], { python: join(bare, 'bin', 'python') })).toThrow(
    /^the local engine's Python, .*venv\/bin\/python, has no boto3, which Lambda's Python runtime ships and the cdk-unum runtime of the Python functions \(c\) uses/);
});
