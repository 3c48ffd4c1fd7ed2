import { InvokeCommand } from '@aws-sdk/client-lambda';
import { join, succeed, to, World } from './harness';

let w: World;
beforeAll(async () => {
  w = await World.create('edges');
});
afterAll(async () => w.close());

test('chain: each node gets the previous output and the context', async () => {
  w.deploy('wf', [
    { node: 'A', next: to('B'), handler: (x: number) => x + 1 },
    { node: 'B', next: to('C'), handler: (x: number) => x * 10 },
    { node: 'C', next: succeed, handler: (x: number, ctx) => ({ x, node: ctx.node, size: ctx.size, index: ctx.index, it: ctx.iteration }) },
  ]);
  const session = await w.run(1);
  expect(await w.result(session)).toEqual({ x: 20, node: 'C', size: 1, index: 0, it: 0 });
  const d = await w.client.describeSession(session);
  expect(d.status).toBe('SUCCEEDED');
  expect(d.workflow).toBe('wf');
});

test('choice: first matching rule, otherwise, and States.NoChoiceMatched', async () => {
  const choice = {
    kind: 'choice' as const,
    node: 'Pick',
    rules: [{ when: { op: 'numberGreaterThan' as const, path: '$.n', value: 10 }, then: to('Big') }],
    otherwise: to('Small'),
  };
  w.deploy('wf', [
    { node: 'A', next: choice, handler: (x) => x },
    { node: 'Big', next: succeed, handler: () => 'big' },
    { node: 'Small', next: succeed, handler: () => 'small' },
  ]);
  expect(await w.result(await w.run({ n: 11 }))).toBe('big');
  expect(await w.result(await w.run({ n: 3 }))).toBe('small');
  w.deploy('wf', [{ node: 'A', next: { ...choice, otherwise: undefined }, handler: (x) => x }]);
  const s = await w.run({ n: 1 });
  const d = await w.client.describeSession(s);
  expect(d.status).toBe('FAILED');
  expect(d.error).toMatchObject({ node: 'A', error: 'States.NoChoiceMatched' });
});

test('choice: a comparison on a missing field fails the session with States.Runtime naming the Choice and the path, not the otherwise', async () => {
  w.deploy('wf', [
    {
      node: 'A',
      next: { kind: 'choice', node: 'Pick', rules: [{ when: { op: 'numberGreaterThanPath', path: '$.n', otherPath: '$.limit' }, then: to('Big') }], otherwise: to('Small') },
      handler: (x) => x,
    },
    { node: 'Big', next: succeed, handler: () => 'big' },
    { node: 'Small', next: succeed, handler: () => 'small' },
  ]);
  expect(await w.result(await w.run({ n: 11, limit: 10 }))).toBe('big');
  const d = await w.client.describeSession(await w.run({ n: 11 }));
  expect(d.status).toBe('FAILED');
  expect(d.error).toMatchObject({
    node: 'A', error: 'States.Runtime', cause: "choice 'Pick': Invalid path '$.limit': The choice state's condition path references an invalid value.",
  });
});

test('parallel fan-out and join: the list is in branch order', async () => {
  w.deploy('wf', [
    { node: 'A', next: { kind: 'parallel', fanout: 'P', branches: [to('L'), to('R')] }, handler: (x: number) => x },
    { node: 'L', next: join('J', ['L', 'R'], to('Sum')), handler: async (x: number) => { await new Promise((r) => setTimeout(r, 30)); return x + 1; } },
    { node: 'R', next: join('J', ['L', 'R'], to('Sum')), handler: (x: number, ctx) => ({ x: x + 2, fanouts: ctx.fanouts }) },
    { node: 'Sum', next: succeed, handler: (list: unknown[], ctx) => ({ list, fanouts: ctx.fanouts }) },
  ]);
  expect(await w.result(await w.run(1))).toEqual({
    list: [2, { x: 3, fanouts: [{ fanout: 'P', index: 1, size: 2, attempt: 0 }] }], fanouts: [],
  });
});

describe.each([1, 2, 100])('map fan-in at N = %i', (n) => {
  test('every item once, in index order', async () => {
    w.deploy('wf', [
      { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', itemsPath: '$.items', item: to('Work'), onEmpty: to('Agg') }, handler: (x) => x },
      { node: 'Work', next: join('J', ['Work'], to('Agg')), handler: (x: number, ctx) => ({ x: x * 2, i: ctx.index, size: ctx.size }) },
      { node: 'Agg', next: succeed, handler: (list: Array<{ x: number; i: number; size: number }>) => list },
    ]);
    const items = Array.from({ length: n }, (_, i) => i);
    const result = await w.result(await w.run({ items })) as Array<{ x: number; i: number; size: number }>;
    expect(result).toEqual(items.map((i) => ({ x: i * 2, i, size: n })));
  });
});

test('map with width (ranked invocation) and an empty map runs onEmpty with []', async () => {
  w.deploy('wf', [
    { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', width: 3, item: to('Work'), onEmpty: to('Agg') }, handler: (x) => x },
    { node: 'Work', next: join('J', ['Work'], to('Agg')), handler: (x: string, ctx) => `${x}${ctx.index + 1}/${ctx.size}` },
    { node: 'Agg', next: succeed, handler: (list: string[]) => list.join(',') },
  ]);
  expect(await w.result(await w.run('r'))).toBe('r1/3,r2/3,r3/3');
  w.deploy('wf', [
    { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', itemsPath: '$', item: to('Work'), onEmpty: to('Agg') }, handler: (x) => x },
    { node: 'Agg', next: succeed, handler: (list: unknown[]) => ({ empty: list }) },
  ]);
  expect(await w.result(await w.run([]))).toEqual({ empty: [] });
});

test('nested fan-outs: a map inside a parallel branch, cascading joins, and a fan-in result', async () => {
  // A → parallel[ map(Leaf) | Solo ]; Leaf → J1 (inner) → J2 (outer) → succeed with the list.
  w.deploy('wf', [
    {
      node: 'A',
      next: {
        kind: 'parallel',
        fanout: 'P',
        branches: [{ kind: 'map', fanout: 'M', join: 'J1', itemsPath: '$', item: to('Leaf'), onEmpty: join('J2', ['J1', 'Solo'], succeed) }, to('Solo')],
      },
      handler: (x) => x,
    },
    { node: 'Leaf', next: join('J1', ['Leaf'], join('J2', ['J1', 'Solo'], succeed)), handler: (x: number, ctx) => `${x}@${ctx.fanouts.map((f) => `${f.fanout}${f.index}`).join('.')}` },
    { node: 'Solo', next: join('J2', ['J1', 'Solo'], succeed), handler: (x: number[]) => x.length },
  ]);
  expect(await w.result(await w.run([7, 8, 9]))).toEqual([['7@P0.M0', '8@P0.M1', '9@P0.M2'], 3]);
  expect(await w.result(await w.run([]))).toEqual([[], 0]);
});

test('loop: a back-edge runs the next iteration with its own instance', async () => {
  const loop = {
    kind: 'choice' as const,
    node: 'More?',
    rules: [{ when: { op: 'numberLessThan' as const, path: '$.n', value: 3 }, then: to('Step', true) }],
    otherwise: succeed,
  };
  w.deploy('wf', [
    { node: 'Start', next: to('Step'), handler: () => ({ n: 0, seen: [] }) },
    { node: 'Step', next: loop, handler: (x: { n: number; seen: number[] }, ctx) => ({ n: x.n + 1, seen: [...x.seen, ctx.iteration] }) },
  ]);
  expect(await w.result(await w.run(null))).toEqual({ n: 3, seen: [0, 1, 2] });
});

test('a map inside a loop keeps iterations apart', async () => {
  const again = {
    kind: 'choice' as const,
    node: 'Again?',
    rules: [{ when: { op: 'numberLessThan' as const, path: '$[0]', value: 3 }, then: { kind: 'map' as const, fanout: 'M', join: 'J', loop: true, width: 2, item: to('W'), onEmpty: succeed } }],
    otherwise: succeed,
  };
  w.deploy('wf', [
    { node: 'A', next: { kind: 'map', fanout: 'M', join: 'J', width: 2, item: to('W'), onEmpty: succeed }, handler: () => 0 },
    { node: 'W', next: join('J', ['W'], to('B')), handler: (x: number | number[], ctx) => (Array.isArray(x) ? x[0] : x) + 1 + ctx.index * 0 },
    { node: 'B', next: again, handler: (list: number[], ctx) => [list[0], ctx.iteration] },
  ]);
  expect(await w.result(await w.run(null))).toEqual([3, 2]);
});

test('join after a choice: each branch takes one of two paths to the join', async () => {
  const route = {
    kind: 'choice' as const,
    node: 'Odd?',
    rules: [{ when: { op: 'booleanEquals' as const, path: '$.odd', value: true }, then: to('Odd') }],
    otherwise: join('J', ['Classify', 'Odd'], to('Agg')),
  };
  w.deploy('wf', [
    { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', itemsPath: '$', item: to('Classify'), onEmpty: to('Agg') }, handler: (x) => x },
    { node: 'Classify', next: route, handler: (x: number) => ({ x, odd: x % 2 === 1 }) },
    { node: 'Odd', next: join('J', ['Classify', 'Odd'], to('Agg')), handler: (v: { x: number }) => ({ x: v.x * 100 }) },
    { node: 'Agg', next: succeed, handler: (list: Array<{ x: number }>) => list.map((v) => v.x) },
  ]);
  expect(await w.result(await w.run([1, 2, 3, 4]))).toEqual([100, 2, 300, 4]);
});

test('fail action ends the session FAILED with its error', async () => {
  w.deploy('wf', [{ node: 'A', next: { kind: 'fail', node: 'Boom', error: 'Custom.Error', cause: 'because' }, handler: (x) => x }]);
  const d = await w.client.describeSession(await w.run(1));
  expect(d).toMatchObject({ status: 'FAILED', error: { node: 'Boom', error: 'Custom.Error', cause: 'because' } });
});

test('a non-envelope event to the entry starts a session (the request id is the session id)', async () => {
  w.deploy('wf', [{ node: 'A', next: succeed, handler: (x: { hello: string }) => x.hello.toUpperCase() }]);
  const out: any = await w.lambda.send(new InvokeCommand({
    FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:fn-A', Payload: Buffer.from(JSON.stringify({ hello: 'world' })),
  }));
  const { session } = JSON.parse(Buffer.from(out.Payload!).toString());
  expect(out.$metadata.requestId).toBe(session);
  expect(await w.result(session)).toBe('WORLD');
});
