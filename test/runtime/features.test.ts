import { GetObjectCommand } from '@aws-sdk/client-s3';
import { join, succeed, to, World } from './harness';
import { itemKind } from '../../src/protocol';

let w: World;
beforeAll(async () => {
  w = await World.create('features', { payloadThreshold: 1024 });
});
afterAll(async () => w.close());

class Flaky extends Error {
  constructor() {
    super('try again');
    this.name = 'Flaky';
  }
}

test('retry: Step Functions rules, in-process backoff, attempt in the context', async () => {
  let calls = 0;
  w.deploy('wf', [{
    node: 'A',
    next: succeed,
    retry: [{ errors: ['Flaky'], intervalSeconds: 0.001, maxAttempts: 2, backoffRate: 2 }],
    handler: (_x, ctx) => {
      calls++;
      if (ctx.attempt < 2) throw new Flaky();
      return `ok after ${ctx.attempt}`;
    },
  }]);
  expect(await w.result(await w.run(null))).toBe('ok after 2');
  expect(calls).toBe(3);
});

test('retry that does not fit the remaining time is re-invoked asynchronously with the attempt counter', async () => {
  const slow = await World.create('retry-async', { remainingMs: 3000 });
  const attempts: number[] = [];
  slow.deploy('wf', [{
    node: 'A',
    next: succeed,
    retry: [{ errors: ['States.ALL'], intervalSeconds: 60, maxAttempts: 1, backoffRate: 1 }],
    handler: (_x, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 0) throw new Flaky();
      return 'second time';
    },
  }]);
  expect(await slow.result(await slow.run(null))).toBe('second time');
  expect(attempts).toEqual([0, 1]);
  await slow.close();
});

test('exhausted retries without catch: FAILED with node, instance and error', async () => {
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x) => x },
    {
      node: 'B',
      next: succeed,
      retry: [{ errors: ['States.TaskFailed'], intervalSeconds: 0, maxAttempts: 1, backoffRate: 1 }],
      handler: () => { throw new Flaky(); },
    },
  ]);
  const d = await w.client.describeSession(await w.run(1));
  expect(d).toMatchObject({ status: 'FAILED', error: { node: 'B', instance: 'B|0', error: 'Flaky', cause: 'try again' } });
  expect(d.failures).toHaveLength(1);
  await expect(w.result(d.session)).rejects.toThrow(/FAILED/);
});

test('catch routes {Error, Cause} at resultPath to the handler node', async () => {
  w.deploy('wf', [
    {
      node: 'A',
      next: succeed,
      catch: [{ errors: ['Nope'], resultPath: '$', next: to('Other') }, { errors: ['States.ALL'], resultPath: '$.err', next: to('Handler') }],
      handler: () => { throw new Flaky(); },
    },
    { node: 'Handler', next: succeed, handler: (x) => ({ handled: x }) },
  ]);
  expect(await w.result(await w.run({ keep: 1 }))).toEqual({ handled: { keep: 1, err: { Error: 'Flaky', Cause: 'try again' } } });
});

test('timeout: user code that outlives the invocation fails with States.Timeout', async () => {
  const t = await World.create('timeout', { remainingMs: 700 });
  t.deploy('wf', [{ node: 'A', next: succeed, handler: () => new Promise((r) => setTimeout(() => r('late'), 2000)) }]);
  const d = await t.client.describeSession(await t.run(null));
  expect(d).toMatchObject({ status: 'FAILED', error: { error: 'States.Timeout' } });
  await t.close();
});

test('S3 spill both ways: large input, large outputs (checkpoint holds the reference), large fan-in values, large result', async () => {
  const big = (n: number, c: string) => c.repeat(n);
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x: { s: string }) => ({ s: x.s + big(500 * 1024, 'a') }) },
    { node: 'B', next: { kind: 'map', fanout: 'M', join: 'J', width: 3, item: to('C'), onEmpty: to('D') }, handler: (x: { s: string }) => x.s.length },
    { node: 'C', next: join('J', ['C'], to('D')), handler: (n: number, ctx) => big(2000, String(ctx.index)) + n },
    { node: 'D', next: succeed, handler: (list: string[]) => list.map((s) => s.length).concat([list[2].charCodeAt(0)]) },
  ]);
  w.counter.reset();
  const session = await w.run({ s: big(5000, 'x') });
  const len = 5000 + 500 * 1024;
  expect(await w.result(session)).toEqual([2000 + String(len).length, 2000 + String(len).length, 2000 + String(len).length, 50]);
  expect(w.counter.counts).toMatchObject({ PutObjectCommand: 5 });
  const ckpt = (await w.items(`${w.keys(session).checkpoint}A|`))[0];
  expect(ckpt.s3.S).toMatch(/output\.json$/);
  const obj = await w.s3.send(new GetObjectCommand({ Bucket: w.bucket, Key: ckpt.s3.S }));
  expect(JSON.parse(await obj.Body!.transformToString()).s).toHaveLength(len);
  // The large result is spilled too, and getResult reads it back.
  w.deploy('wf', [{ node: 'A', next: succeed, handler: () => big(400 * 1024, 'r') }]);
  expect(await w.result(await w.run(null))).toHaveLength(400 * 1024);
});

test('every item carries the TTL attribute', async () => {
  const items = await w.items();
  expect(items.length).toBeGreaterThan(10);
  const now = Date.now() / 1000;
  for (const item of items) expect(Number(item.expiresAt.N)).toBeGreaterThan(now + 6 * 24 * 3600);
});

test('eager GC deletes intermediate data when the session completes, keeping the session and its result', async () => {
  const g = await World.create('eager', { eagerGc: true, payloadThreshold: 100 });
  g.deploy('wf', [
    { node: 'A', next: { kind: 'map', fanout: 'M', join: 'J', width: 4, item: to('B'), onEmpty: succeed }, handler: () => 'x'.repeat(200) },
    { node: 'B', next: join('J', ['B'], succeed), handler: (_x, ctx) => ctx.index },
  ]);
  const session = await g.run(null);
  expect(await g.result(session)).toEqual([0, 1, 2, 3]);
  const left = (await g.items()).map((i) => i.pk.S);
  expect(left.filter((pk) => ['C', 'J', 'G'].includes(itemKind(pk!)?.kind ?? ''))).toEqual([]);
  expect(left).toContain(g.keys(session).session);
  await g.close();
});

test('payloadResponseOnly false: the result is lambda:invoke\'s response, placed by ResultPath, read by ResultSelector; ExecutedVersion from Lambda', async () => {
  // Step Functions' lambda:invoke output (docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html).
  const saved = process.env.AWS_LAMBDA_FUNCTION_VERSION;
  process.env.AWS_LAMBDA_FUNCTION_VERSION = '12';
  try {
    w.deploy('wf', [
      { node: 'A', next: to('B'), dataFlow: { lambdaResponse: true, resultPath: '$.invoked' }, handler: (x: any) => ({ doubled: x.n * 2 }) },
      {
        node: 'B',
        next: succeed,
        dataFlow: { lambdaResponse: true, resultSelector: { 'sum.$': '$.Payload', 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' } },
        handler: (x: any) => x.invoked.Payload.doubled + x.n,
      },
    ]);
    expect(await w.result(await w.run({ n: 5 }))).toEqual({ sum: 15, status: 200, version: '12' });
    delete process.env.AWS_LAMBDA_FUNCTION_VERSION;
    w.deploy('wf', [{ node: 'A', next: succeed, dataFlow: { lambdaResponse: true }, handler: () => null }]);
    expect(await w.result(await w.run(null))).toEqual({ ExecutedVersion: '$LATEST', Payload: null, StatusCode: 200 });
  } finally {
    if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_VERSION;
    else process.env.AWS_LAMBDA_FUNCTION_VERSION = saved;
  }
});
