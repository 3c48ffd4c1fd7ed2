/**
 * Runtime behaviour of the states the importers rely on: a Wait longer
 * than the invocation's remaining time re-invokes the function and resumes
 * only the waiting path; a Pass at a join arrives with its own value.
 */
import { join, succeed, to, World } from '../runtime/harness';

test('a Wait that does not fit the remaining time re-invokes the function and resumes only the waiting path', async () => {
  const w = await World.create('wait-reinvoke', { remainingMs: 2500 });
  w.deploy('wf', [
    {
      node: 'A',
      next: {
        kind: 'parallel',
        fanout: 'P',
        branches: [
          { kind: 'wait', node: 'W', seconds: 2, next: to('B') },
          to('C'),
        ],
      },
      handler: (x: number) => x + 1,
    },
    { node: 'B', next: join('P', ['B', 'C'], to('D')), handler: (x: number) => `b${x}` },
    { node: 'C', next: join('P', ['B', 'C'], to('D')), handler: (x: number) => `c${x}` },
    { node: 'D', next: succeed, handler: (list: string[]) => list.join(',') },
  ]);
  const deliveries: Record<string, number> = {};
  const invoke = w.invoke.bind(w);
  w.invoke = (request) => {
    deliveries[request.functionName] = (deliveries[request.functionName] ?? 0) + 1;
    return invoke(request);
  };
  const started = Date.now();
  const session = await w.run(1);
  expect(await w.result(session)).toBe('b2,c2');
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  expect(w.runs['A|0']).toBe(1);
  // A ran its user code once, re-invoked itself to continue the wait, and invoked B and C once each:
  // resuming did not invoke C (or anything else off the waiting path) again.
  expect(deliveries['fn-A']).toBeGreaterThanOrEqual(2);
  expect(deliveries['fn-B']).toBe(1);
  expect(deliveries['fn-C']).toBe(1);
  expect(deliveries['fn-D']).toBe(1);
  await w.close();
});

test('a Pass at the end of a branch checkpoints its value and arrives at the join as its own source', async () => {
  const w = await World.create('pass-join');
  w.deploy('wf', [
    {
      node: 'A',
      next: {
        kind: 'parallel',
        fanout: 'P',
        branches: [
          { kind: 'pass', node: 'K', dataFlow: { parameters: { 'v.$': '$.n', 'tag': 'k' } }, next: join('P', ['B', 'K'], to('D')) },
          to('B'),
        ],
      },
      handler: (x: { n: number }) => x,
    },
    { node: 'B', next: join('P', ['B', 'K'], to('D')), handler: (x: { n: number }) => x.n * 10 },
    { node: 'D', next: succeed, handler: (list: unknown[]) => list },
  ]);
  expect(await w.result(await w.run({ n: 4 }))).toEqual([{ v: 4, tag: 'k' }, 40]);
  await w.close();
});
