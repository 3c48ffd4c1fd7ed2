import { succeed, join, to, World } from './harness';

/**
 * Store requests per chain transition and per fan-in branch, counted on the
 * real SDK clients. N = 10,000 runs only with UNUM_TEST_LARGE=1 (slow).
 */
const STORE = ['GetItemCommand', 'PutItemCommand', 'UpdateItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'BatchWriteItemCommand'];
const sizes = process.env.UNUM_TEST_LARGE ? [10, 1000, 10000] : [10, 1000];

let w: World;
beforeAll(async () => {
  w = await World.create('counts');
});
afterAll(async () => w.close());

const storeRequests = (fn: string) => STORE.reduce((n, c) => n + (w.counter.byFunction[fn]?.[c] ?? 0), 0);

test('a chain transition costs 2 store requests (checkpoint read + conditional write)', async () => {
  const chain = ['A', 'B', 'C', 'D', 'E'];
  w.deploy('wf', chain.map((node, i) => ({ node, next: i < chain.length - 1 ? to(chain[i + 1]) : succeed, handler: (x: number) => x + 1 })));
  w.counter.reset();
  expect(await w.result(await w.run(0))).toBe(5);
  const middle = ['B', 'C', 'D'].map((n) => storeRequests(`fn-${n}`));
  console.log(`chain transition: ${JSON.stringify(w.counter.byFunction['fn-C'])}; entry ${storeRequests('fn-A')}, terminal ${storeRequests('fn-E')}`);
  expect(middle).toEqual([2, 2, 2]);
  expect(w.counter.byFunction['fn-C']).toEqual({ GetItemCommand: 1, PutItemCommand: 1, InvokeCommand: 1 });
});

describe.each(sizes)('fan-in at N = %i', (n) => {
  test('O(1) store requests per branch, at most 4', async () => {
    w.deploy('wf', [
      { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', width: n, item: to('W'), onEmpty: to('Agg') }, handler: () => 1 },
      { node: 'W', next: join('J', ['W'], to('Agg')), handler: (x: number, ctx) => x + ctx.index },
      { node: 'Agg', next: succeed, handler: (list: number[]) => list.reduce((a, b) => a + b, 0) },
    ]);
    w.counter.reset();
    expect(await w.result(await w.run(null))).toBe(n + (n * (n - 1)) / 2);
    const branch = w.counter.byFunction['fn-W'];
    const perBranch = storeRequests('fn-W') / n;
    const agg = w.counter.byFunction['fn-Agg'];
    console.log(`fan-in N=${n}: per branch ${perBranch.toFixed(3)} store requests ${JSON.stringify(branch)}; `
      + `aggregator ${JSON.stringify(agg)}; splitter ${JSON.stringify(w.counter.byFunction['fn-Split'])}`);
    expect(branch.GetItemCommand).toBe(n);
    expect(branch.PutItemCommand).toBe(n);
    expect(perBranch).toBeLessThanOrEqual(4);
    expect(perBranch).toBeLessThan(3.2);
  });
});
