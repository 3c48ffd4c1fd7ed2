import { LambdaClient } from '@aws-sdk/client-lambda';
import { fnName, join, succeed, to, World } from './harness';
import { Action, Envelope, EnvelopeError, parseEnvelope } from '../../src/protocol';
import { itemKind } from '../../src/protocol/keys';

/** The fan-out progress items in the store. */
const progressItems = async (world: { items(): Promise<Array<Record<string, any>>> }) =>
  (await world.items()).filter((item) => itemKind(item.pk.S)?.kind === 'F');

/**
 * Fan-outs of any size finish (progress records and continuations), and
 * a duplicate of a committed instance invokes no successor that committed.
 */

const BATCH = 10;
const map = (width: number): Action => ({ kind: 'map', fanout: 'M', join: 'J', width, item: to('W'), onEmpty: to('Agg') });
const mapJoin = (width: number) => [
  { node: 'Split', next: map(width), handler: () => 1 },
  { node: 'W', next: join('J', ['W'], to('Agg')), handler: (x: number, ctx: { index: number }) => x + ctx.index },
  { node: 'Agg', next: succeed, handler: (list: number[]) => list.reduce((a, b) => a + b, 0) },
];
const expected = (n: number) => n + (n * (n - 1)) / 2;

/** Item invocations sent by the runtime, by the item's index (counted on the SDK client). */
function countItemInvokes(lambda: LambdaClient, node: string, before?: (index: number, count: number) => void): Record<number, number> {
  const counts: Record<number, number> = {};
  (lambda.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
    if (context.commandName === 'InvokeCommand') {
      const sent = JSON.parse(Buffer.from(args.input.Payload).toString('utf8')) as Envelope;
      if (sent.node === node) {
        const index = sent.frames[sent.frames.length - 1].index;
        counts[index] = (counts[index] ?? 0) + 1;
        before?.(index, counts[index]);
      }
    }
    return next(args);
  }, { step: 'initialize', name: 'itemInvokeCounter' });
  return counts;
}

function envelope(session: string, node: string, frames: Envelope['frames'], iteration: number): Envelope {
  return { unum: 1, workflow: 'wf', session, node, frames, iteration, input: { value: null } };
}

function totalInvokes(w: World): number {
  return Object.values(w.counter.byFunction).reduce((n, commands) => n + (commands.InvokeCommand ?? 0), 0);
}

test('a Map larger than the time left continues in fresh invocations: each item is invoked once and the join fires', async () => {
  // Less time left than the fan-out margin: every invocation issues one batch, then continues.
  const w = await World.create('fanout-continue', { remainingMs: 900 });
  try {
    const n = 4 * BATCH + 5;
    w.deploy('wf', mapJoin(n), { fanoutBatch: BATCH });
    const items = countItemInvokes(w.lambda, 'W');
    expect(await w.result(await w.run(null))).toBe(expected(n));
    expect(w.invocations[fnName('Split')]).toBe(5);
    expect(w.invocations[fnName('W')]).toBe(n);
    expect(Object.keys(items)).toHaveLength(n);
    expect(Object.values(items).every((c) => c === 1)).toBe(true);
    expect(Object.values(w.runs).every((c) => c === 1)).toBe(true);
    expect(w.runs['Agg|0']).toBe(1);
    expect(await progressItems(w)).toEqual([expect.objectContaining({ n: { N: String(n) } })]);
  } finally {
    await w.close();
  }
});

test('a batch that outlasts the time left stops starting items, records the issued prefix and continues from it', async () => {
  // 3 s left and invokes one at a time taking 150 ms each: a batch of 10 (1.5 s) would leave too little, so each
  // invocation stops inside its first batch once under 2 s remain, instead of running past its budget.
  const w = await World.create('fanout-cut', { remainingMs: 3_000 });
  try {
    const n = 2 * BATCH + 5;
    w.deploy('wf', mapJoin(n), { fanoutBatch: BATCH, invokeConcurrency: 1 });
    const items = countItemInvokes(w.lambda, 'W');
    const progress: number[] = [];
    (w.lambda.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
      if (context.commandName === 'InvokeCommand' && JSON.parse(Buffer.from(args.input.Payload).toString('utf8')).node === 'W') {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      return next(args);
    }, { step: 'initialize', name: 'slowItemInvokes' });
    (w.dynamodb.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
      const issued = args.input.ExpressionAttributeValues?.[':n']?.N;
      if (context.commandName === 'UpdateItemCommand' && issued !== undefined) progress.push(Number(issued));
      return next(args);
    }, { step: 'initialize', name: 'progressRecords' });
    expect(await w.result(await w.run(null))).toBe(expected(n));
    expect(Object.keys(items)).toHaveLength(n);
    expect(Object.values(items).every((c) => c === 1)).toBe(true);
    expect(w.runs['Agg|0']).toBe(1);
    // Cut inside batches: recorded progress that is not a batch boundary, and more invocations than the 3 batches.
    expect(progress.some((p) => p < n && p % BATCH !== 0)).toBe(true);
    expect(w.invocations[fnName('Split')]).toBeGreaterThan(3);
    expect(await progressItems(w)).toEqual([expect.objectContaining({ n: { N: String(n) } })]);
  } finally {
    await w.close();
  }
});

test('a retry of a fan-out resumes at its recorded progress: items of recorded batches are not invoked again', async () => {
  const w = await World.create('fanout-retry');
  try {
    const n = 4 * BATCH + 5;
    w.deploy('wf', mapJoin(n), { fanoutBatch: BATCH });
    // The invoke of item 25 fails once: the invocation errors in the third batch and Lambda retries it.
    const items = countItemInvokes(w.lambda, 'W', (index, count) => {
      if (index === 25 && count === 1) throw Object.assign(new Error('injected'), { name: 'ServiceException' });
    });
    expect(await w.result(await w.run(null))).toBe(expected(n));
    expect(w.invocations[fnName('Split')]).toBe(2);
    for (let i = 0; i < n; i++) {
      // Only the batch the crash cut short (20-29) may go out twice; nothing is skipped.
      expect([i, items[i]]).toEqual([i, i >= 2 * BATCH && i < 3 * BATCH ? expect.any(Number) : 1]);
      expect(items[i]).toBeLessThanOrEqual(2);
    }
    expect(Object.values(w.runs).every((c) => c === 1)).toBe(true);
  } finally {
    await w.close();
  }
});

describe.each([[5, 'per-item checkpoint reads'], [4 * BATCH + 5, 'the progress record']])('a duplicate of a committed Map of %i (%s)', (n) => {
  test('invokes no item: they all committed', async () => {
    const w = await World.create('fanout-duplicate');
    try {
      w.deploy('wf', mapJoin(n), { fanoutBatch: BATCH });
      const session = await w.run(null);
      expect(await w.result(session)).toBe(expected(n));
      w.counter.reset();
      const before = { ...w.invocations };
      await w.send('Split', envelope(session, 'Split', [], 0));
      expect(w.counter.byFunction[fnName('Split')]?.InvokeCommand).toBeUndefined();
      expect(w.invocations[fnName('W')]).toBe(before[fnName('W')]);
      expect(w.invocations[fnName('Agg')]).toBe(before[fnName('Agg')]);
    } finally {
      await w.close();
    }
  });
});

test('in a loop with a join, duplicates of every committed instance invoke nothing', async () => {
  const w = await World.create('loop-duplicate');
  try {
    const again: Action = {
      kind: 'choice',
      node: 'Again?',
      rules: [{ when: { op: 'numberLessThan', path: '$[0]', value: 3 }, then: { kind: 'map', fanout: 'M', join: 'J', loop: true, width: 2, item: to('W'), onEmpty: succeed } }],
      otherwise: succeed,
    };
    w.deploy('wf', [
      { node: 'A', next: { kind: 'map', fanout: 'M', join: 'J', width: 2, item: to('W'), onEmpty: succeed }, handler: () => 0 },
      { node: 'W', next: join('J', ['W'], to('B')), handler: (x: number | number[]) => (Array.isArray(x) ? x[0] : x) + 1 },
      { node: 'B', next: again, handler: (list: number[], ctx) => [list[0], ctx.iteration] },
    ]);
    const session = await w.run(null);
    expect(await w.result(session)).toEqual([3, 2]);
    const duplicates = [envelope(session, 'A', [], 0)];
    for (let it = 0; it < 3; it++) {
      for (let index = 0; index < 2; index++) duplicates.push(envelope(session, 'W', [{ fanout: 'M', index, size: 2, iteration: it }], it));
      duplicates.push(envelope(session, 'B', [], it));
    }
    w.counter.reset();
    const runs = { ...w.runs };
    for (const d of duplicates) await w.send(d.node, d);
    expect(totalInvokes(w)).toBe(0);
    expect(w.runs).toEqual(runs);
    expect(await w.result(session)).toEqual([3, 2]);
  } finally {
    await w.close();
  }
});

test('the fault-free path of a Map within one batch makes no progress request', async () => {
  const w = await World.create('fanout-small');
  try {
    w.deploy('wf', mapJoin(BATCH), { fanoutBatch: BATCH });
    expect(await w.result(await w.run(null))).toBe(expected(BATCH));
    expect(await progressItems(w)).toEqual([]);
  } finally {
    await w.close();
  }
});

test('a continuation envelope with bad fan-out progress is refused, naming the field', () => {
  const base = { ...envelope('s1', 'Split', [], 0), fanouts: { 'M|0': 20 } };
  expect(parseEnvelope(base, { workflow: 'wf', node: 'Split' }).fanouts).toEqual({ 'M|0': 20 });
  for (const fanouts of [{ 'M|0': -1 }, { 'M|0': 1.5 }, ['M|0'], null]) {
    expect(() => parseEnvelope({ ...base, fanouts }, { workflow: 'wf', node: 'Split' })).toThrow(EnvelopeError);
    expect(() => parseEnvelope({ ...base, fanouts }, { workflow: 'wf', node: 'Split' })).toThrow(/fanouts must map Map instance keys/);
  }
});
