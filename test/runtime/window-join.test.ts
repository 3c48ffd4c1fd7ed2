import { fnName, World } from './harness';
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState } from '../../src/compiler/graph';

/**
 * A fold with partial joins, like a video encoding pipeline: each chunk's
 * second stage needs its own first stage and the previous chunk's, and
 * starts as soon as those two are done.
 */
const graph = (offsets: number[]) => ({
  name: 'wf',
  start: 'Split',
  states: [
    { kind: 'task', id: 'Split', functionName: fnName('Split'), next: 'Chunks' },
    { kind: 'map', id: 'Chunks', iterator: 'Encode', itemsPath: '$', next: 'Encoded' },
    { kind: 'task', id: 'Encode', functionName: fnName('Encode'), next: 'WithPrevious' },
    { kind: 'fanIn', id: 'WithPrevious', itemOffsets: offsets, next: 'Rebase' },
    { kind: 'task', id: 'Rebase', functionName: fnName('Rebase') },
    { kind: 'fanIn', id: 'Encoded', next: 'Fold' },
    { kind: 'task', id: 'Fold', functionName: fnName('Fold') },
  ] as GraphState[],
});

let w: World;
beforeAll(async () => {
  w = await World.create('window');
});
afterAll(async () => w.close());

function deploy(offsets: number[]): void {
  const next = Object.fromEntries(compileWorkflow(graph(offsets)).functions.map((c) => [c.node, c.next]));
  w.deploy('wf', [
    { node: 'Split', next: next.Split, handler: (n: number) => Array.from({ length: n }, (_, i) => i) },
    { node: 'Encode', next: next.Encode, handler: (chunk: number) => ({ chunk, encoded: `e${chunk}` }) },
    {
      node: 'Rebase',
      next: next.Rebase,
      handler: (window: Array<{ chunk: number; encoded: string } | null>, ctx) =>
        ({ index: ctx.index, window: window.map((x) => (x === null ? null : x.encoded)) }),
    },
    { node: 'Fold', next: next.Fold, handler: (items: Array<{ window: string[] }>) => items.map((x) => x.window.join('+')) },
  ]);
}

test('each item joins its own and the previous item output, in offset order; the map join then closes', async () => {
  deploy([0, -1]);
  const session = await w.run(5);
  expect(await w.result(session)).toEqual(['e0+', 'e1+e0', 'e2+e1', 'e3+e2', 'e4+e3']);
});

test('an item at the edge of the map waits only for what exists; a window reaching forward works too', async () => {
  deploy([1, 0, -1]);
  expect(await w.result(await w.run(3))).toEqual(['e1+e0+', 'e2+e1+e0', '+e2+e1']);
  expect(await w.result(await w.run(1))).toEqual(['+e0+']);
});

test('duplicated deliveries run each second stage once per item', async () => {
  const dup = await World.create('window-dup', { endpoint: { duplicate: () => true } });
  try {
    const next = Object.fromEntries(compileWorkflow(graph([0, -1])).functions.map((c) => [c.node, c.next]));
    dup.deploy('wf', [
      { node: 'Split', next: next.Split, handler: (n: number) => Array.from({ length: n }, (_, i) => i) },
      { node: 'Encode', next: next.Encode, handler: (chunk: number) => ({ encoded: `e${chunk}` }) },
      { node: 'Rebase', next: next.Rebase, handler: (win: Array<{ encoded: string } | null>) => win.map((x) => x?.encoded ?? null) },
      { node: 'Fold', next: next.Fold, handler: (items: unknown[]) => items },
    ]);
    const session = await dup.run(4);
    expect(await dup.result(session)).toEqual([['e0', null], ['e1', 'e0'], ['e2', 'e1'], ['e3', 'e2']]);
    const commits = Object.entries(dup.counter.commits).filter(([pk]) => pk.includes('#Rebase|'));
    expect(commits).toHaveLength(4);
    expect(commits.every(([, n]) => n === 1)).toBe(true);
  } finally {
    await dup.close();
  }
});
