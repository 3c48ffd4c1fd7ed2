import { FnSpec, join, succeed, to, World } from './harness';
import { FAULT_STEPS, SimulatedCrash } from '../../lambda-runtime';

/**
 * Lambda's async semantics: every message kind delivered twice, and a crash
 * after each step of the per-invocation sequence healed by the redelivery.
 * The result must be identical and every instance committed exactly once.
 */

// Entry → parallel[ map(W) ending in J1 | B ] → J2 → Agg (fan-in reference) → choice → Fin → succeed (fan-in-free result).
const workflow: FnSpec[] = [
  {
    node: 'A',
    next: {
      kind: 'parallel',
      fanout: 'P',
      branches: [{ kind: 'map', fanout: 'M', join: 'J1', itemsPath: '$.items', item: to('W'), onEmpty: join('J2', ['J1', 'B'], to('Agg')) }, to('B')],
    },
    handler: (x) => x,
  },
  { node: 'W', next: join('J1', ['W'], join('J2', ['J1', 'B'], to('Agg'))), handler: (x: number) => x * x },
  { node: 'B', next: join('J2', ['J1', 'B'], to('Agg')), handler: (x: { items: number[] }) => x.items.length },
  {
    node: 'Agg',
    next: { kind: 'choice', node: 'Ok?', rules: [{ when: { op: 'isPresent', path: '$.sum', value: true }, then: to('Fin') }] },
    handler: ([squares, n]: [number[], number]) => ({ sum: squares.reduce((a, b) => a + b, 0), n }),
  },
  { node: 'Fin', next: succeed, handler: (x: { sum: number; n: number }) => `${x.n} items, sum of squares ${x.sum}` },
];
const input = { items: [1, 2, 3, 4, 5] };
const expected = '5 items, sum of squares 55';

function expectCommittedOnce(w: World, session: string): void {
  const commits = Object.entries(w.counter.commits).filter(([pk]) => pk.startsWith(w.keys(session).checkpoint));
  expect(commits.length).toBeGreaterThanOrEqual(10);
  for (const [pk, n] of commits) expect([pk, n]).toEqual([pk, 1]);
}

test('duplicate delivery of every message: same result, each instance committed once', async () => {
  const w = await World.create('dup', { endpoint: { duplicate: () => true } });
  w.deploy('wf', workflow);
  const session = await w.run(input);
  expect(await w.result(session)).toBe(expected);
  // Each of the session's 9 messages is delivered twice; a duplicate of a committed instance invokes nothing more.
  expect(w.endpoint.stats.duplicated).toBeGreaterThanOrEqual(9);
  expectCommittedOnce(w, session);
  await w.close();
});

test('late duplicates of the other branches do not invoke the join target again', async () => {
  // Every W item is delivered twice. Only the arrival that completed J1 (both deliveries of that
  // one instance carry the same element) may continue, so Agg runs at most twice, not once per
  // late duplicate.
  const w = await World.create('late-dup', { endpoint: { duplicate: (request) => request.functionName === 'fn-W' } });
  w.deploy('wf', workflow);
  const session = await w.run({ items: Array.from({ length: 20 }, (_, i) => i) });
  expect(await w.result(session)).toBe('20 items, sum of squares 2470');
  const aggInvocations = w.counter.byFunction['fn-Agg']?.GetItemCommand ?? 0;
  expect(aggInvocations).toBeGreaterThanOrEqual(1);
  expect(aggInvocations).toBeLessThanOrEqual(2);
  expectCommittedOnce(w, session);
  await w.close();
});

describe('a crash after each step, then Lambda redelivers', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.create('crash');
    w.deploy('wf', workflow);
  });
  afterAll(async () => w.close());

  test.each([...FAULT_STEPS])('%s', async (step) => {
    const crashed = new Set<string>();
    w.faults = (at, info) => {
      const key = `${info.session}/${info.instance}`;
      if (at === step && !crashed.has(key)) {
        crashed.add(key);
        throw new SimulatedCrash(at, info);
      }
    };
    const session = await w.run(input);
    w.faults = undefined;
    expect(crashed.size).toBeGreaterThanOrEqual(1);
    expect(w.endpoint.failures).toEqual([]);
    expect(await w.result(session)).toBe(expected);
    expectCommittedOnce(w, session);
    expect((await w.client.describeSession(session)).failures).toEqual([]);
  });
});
