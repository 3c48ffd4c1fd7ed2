import { fnName, join, succeed, to, World } from './harness';
import { Action } from '../../src/protocol';

/**
 * The Node runtime's start states (FunctionConfig.start) under the
 * conditions the engine tests do not reach: a Map start short of time
 * continues at its recorded progress in re-invocations addressed to the
 * start states, and a Wait start that does not fit continues the same way;
 * the entry's own first instance still runs once, in the last of them.
 */
test('a Map start short of time continues at its progress; every item once', async () => {
  const w = await World.create('start-map', { remainingMs: 900 });
  try {
    const map: Action = { kind: 'map', fanout: 'Each', join: 'Each', itemsPath: '$', item: to('Square'), onEmpty: to('Sum') };
    w.deploy('wf', [
      { node: 'Square', start: { node: 'Each', next: map }, next: join('Each', ['Square'], to('Sum')), handler: (n: number) => n * n },
      { node: 'Sum', next: succeed, handler: (list: number[]) => list.reduce((a, b) => a + b, 0) },
    ], { fanoutBatch: 10 });
    const items = Array.from({ length: 35 }, (_, i) => i + 1);
    expect(await w.result(await w.run(items))).toBe(items.reduce((a, n) => a + n * n, 0));
    expect(Object.keys(w.runs).filter((k) => k.startsWith('Square|')).length).toBe(35);
    expect(Object.values(w.runs).every((n) => n === 1)).toBe(true);
    // The start and its 3 continuations (batches of 10) each run the first item of their batch themselves: 4 + 31 invocations.
    expect(w.invocations[fnName('Square')]).toBe(35);
  } finally {
    await w.close();
  }
});

test('a Wait start that does not fit continues in the start states, then the entry runs once', async () => {
  const w = await World.create('start-wait', { remainingMs: 2900 });
  try {
    const wait: Action = { kind: 'wait', node: 'Pause', seconds: 1, next: to('Work') };
    w.deploy('wf', [{ node: 'Work', start: { node: 'Pause', next: wait }, next: succeed, handler: (x: { n: number }) => x.n + 1 }]);
    expect(await w.result(await w.run({ n: 4 }))).toBe(5);
    expect(w.runs).toEqual({ 'Work|0': 1 });
  } finally {
    await w.close();
  }
});
