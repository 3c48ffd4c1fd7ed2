import { fnName, join, succeed, to, World } from './harness';
import { UnumContext } from '../../lambda-runtime/types';
import { Action, instanceKey, fanoutFailureItemKey } from '../../src/protocol';

/**
 * Retry and Catch on Parallel and Map, against DynamoDB Local: the first
 * failing branch of an attempt claims the decision (one report to the
 * origin per attempt, however many branches fail), a retried bounded Map
 * issues its items again, and a failure of an abandoned attempt changes
 * nothing.
 */

const retryOnce = [{ errors: ['States.ALL'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }];
const attemptOf = (ctx: UnumContext) => ctx.fanouts[ctx.fanouts.length - 1]?.attempt ?? 0;

test('two branches failing in the same attempt: one report per attempt, one retry, then one catch', async () => {
  const w = await World.create('fanout-claim');
  try {
    const parallel: Action = {
      kind: 'parallel',
      fanout: 'P',
      retry: retryOnce,
      catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: to('Handler') }],
      branches: [to('A'), to('B')],
    };
    const runs: string[] = [];
    const failing = (name: string) => (_: unknown, ctx: UnumContext) => {
      runs.push(`${name}${attemptOf(ctx)}`);
      throw Object.assign(new Error(`${name} failed`), { name: 'BranchFailed' });
    };
    w.deploy('wf', [
      { node: 'Start', next: parallel, handler: (x: unknown) => x },
      { node: 'A', next: join('P', ['A', 'B'], succeed), handler: failing('A') },
      { node: 'B', next: join('P', ['A', 'B'], succeed), handler: failing('B') },
      { node: 'Handler', next: succeed, handler: (x: unknown) => x },
    ]);
    const reports = w.countFanoutFailureReports().byAttempt;
    const session = await w.run({ k: 1 });
    expect(await w.result(session)).toMatchObject({ k: 1, error: { Error: 'BranchFailed' } });
    expect(runs.sort()).toEqual(['A0', 'A1', 'B0', 'B1']);
    expect(reports).toEqual({ 0: 1, 1: 1 });
    expect(w.invocations[fnName('Handler')]).toBe(1);
    // The claim of each attempt names the branch that reported first.
    const fanout = instanceKey('P', [], 0);
    const claims = (await w.items()).filter((i) => [0, 1].some((a) => i.sk.S === fanoutFailureItemKey({ workflow: 'wf', session }, fanout, a).sk));
    expect(claims.map((c) => c.c.S).every((holder: string) => /^[AB]\|0(~1)?:[01]\/0$/.test(holder))).toBe(true);
  } finally {
    await w.close();
  }
}, 30_000);

test('a bounded Map retried as a whole issues every item again, one at a time', async () => {
  const w = await World.create('fanout-bounded-retry');
  try {
    const map: Action = { kind: 'map', fanout: 'M', join: 'M', itemsPath: '$', maxConcurrency: 1, retry: retryOnce, item: to('W'), onEmpty: succeed };
    const seen: string[] = [];
    w.deploy('wf', [
      { node: 'Start', next: map, handler: () => [1, 2, 3] },
      {
        node: 'W',
        next: { kind: 'join', join: 'M', sources: ['W'], then: succeed, maxConcurrency: 1 },
        handler: (x: number, ctx: UnumContext) => {
          seen.push(`${x}@${attemptOf(ctx)}`);
          if (x === 2 && attemptOf(ctx) === 0) throw new Error('once');
          return x * 10;
        },
      },
    ]);
    const session = await w.run(null);
    expect(await w.result(session)).toEqual([10, 20, 30]);
    expect(seen).toEqual(['1@0', '2@0', '1@1', '2@1', '3@1']);
  } finally {
    await w.close();
  }
}, 30_000);

test('a failure reported for an abandoned attempt is ignored by the origin', async () => {
  const w = await World.create('fanout-stale');
  try {
    const parallel: Action = { kind: 'parallel', fanout: 'P', catch: [{ errors: ['States.ALL'], resultPath: '$', next: to('Handler') }], branches: [to('A')] };
    w.deploy('wf', [
      { node: 'Start', next: parallel, handler: (x: unknown) => x },
      { node: 'A', next: join('P', ['A'], succeed), handler: (x: unknown) => x },
      { node: 'Handler', next: succeed, handler: (x: unknown) => x },
    ]);
    const session = await w.run({ ok: true });
    expect(await w.result(session)).toEqual([{ ok: true }]);
    // A forged or late report of attempt 3 (the fan-out runs attempt 0): nothing is caught, the result stays.
    await w.send('Start', {
      unum: 1,
      workflow: 'wf',
      session,
      node: 'Start',
      frames: [],
      iteration: 0,
      input: { value: null },
      fanoutFailure: { instance: instanceKey('P', [], 0), attempt: 3, error: 'Late', cause: 'late' },
    });
    expect(w.invocations[fnName('Handler')]).toBeUndefined();
    expect(await w.result(session)).toEqual([{ ok: true }]);
  } finally {
    await w.close();
  }
}, 30_000);
