import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * Parallel and Map input and output processing through the engine, with
 * Node.js and Python functions on the fan-out and the join side
 * (test/engine/apps/fanout-dataflow.ts). Step Functions: "ResultPath
 * (Optional): Specifies where (in the input) to place the output of the
 * branches. The input is then filtered as specified by the OutputPath field
 * (if present) before being used as the state's output"
 * (docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html); the
 * branches' output is an array, which ResultSelector reshapes first.
 */
let app: LocalApp;
let engine: LocalEngine;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'fanout-dataflow.ts'));
  engine = await startEngine(app, { python: testPython(), concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());

test('Parallel (Node.js): inputPath feeds the branches, resultSelector shapes the list, resultPath puts it into the raw input', async () => {
  const r = await engine.run({ workflow: 'parallel-result-path', input: { order: { n: 3 }, tag: 'x' } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ order: { n: 3 }, tag: 'x', results: { doubled: 6, plusOne: 4 } });
  expect(r.commits).toEqual({ 'Order|0': 1, 'Double|0:0/0': 1, 'Increment|0:1/0': 1, 'Report|0': 1 });
});

test('Map (Python fan-out and items): inputPath before itemsPath, resultPath into a nested field, outputPath selects it', async () => {
  const r = await engine.run({ workflow: 'map-result-path', input: { payload: { values: [1, 2, 3], label: 'p' }, other: true } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [1, 2, 3], label: 'p', squares: [1, 4, 9] });
  expect(r.instances.filter((i) => i.node === 'Square')).toHaveLength(3);
});

test('an empty Map applies its output processing to []', async () => {
  const r = await engine.run({ workflow: 'map-result-path', input: { payload: { values: [] } } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [], squares: [] });
});

test('Map with resultPath DISCARD ending the workflow: the result is the Map\'s input, the items still ran', async () => {
  const r = await engine.run({ workflow: 'map-discard', input: { values: [2, 3], keep: 'me' } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [2, 3], keep: 'me' });
  expect(r.instances.filter((i) => i.node === 'Touched')).toHaveLength(2);
});

test('a Map with a resultSelector that ends a Parallel branch arrives at the outer join with its processed value', async () => {
  const r = await engine.run({ workflow: 'nested-selector', input: { values: [2, 5] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ values: [2, 5], out: [{ first: 4, all: [4, 25] }, { values: [2, 5] }] });
});

test('a path that does not match fails the session with States.Runtime, naming the state', async () => {
  const r = await engine.run({ workflow: 'parallel-result-path', input: { tag: 'no order' } });
  expect(r.status).toBe('FAILED');
  expect(r.error).toMatchObject({ node: 'Order', error: 'States.Runtime' });
  expect(r.error!.cause).toBe("parallel 'Both': InputPath '$.order' does not match any field of the value");
});

/** The largest number of [start, end] intervals that contain one instant. */
function maxOverlap(runs: ReadonlyArray<{ start: number; end: number }>): number {
  return Math.max(...runs.map((r) => runs.filter((o) => o.start <= r.start && r.start < o.end).length));
}

const JOBS = Array.from({ length: 6 }, (_, i) => ({ i, ms: 150 }));

test.each([
  ['bounded-node', 'Jobs|0', (r: unknown) => r as Array<{ i: number; start: number; end: number }>],
  ['bounded-python', 'PyJobs|0', (r: unknown) => (r as { ran: Array<{ i: number; start: number; end: number }> }).ran],
])('Map maxConcurrency 2 over 6 items (%s): never more than 2 items run at once; each finished item has the fan-out issue the next', async (workflow, origin, runsOf) => {
  const r = await engine.run({ workflow, input: { jobs: JOBS } });
  expect(r.status).toBe('SUCCEEDED');
  const runs = runsOf(r.result);
  expect(runs.map((x) => x.i)).toEqual([0, 1, 2, 3, 4, 5]);
  // From the items' own records: 6 items of 150 ms each, two at a time.
  expect(maxOverlap(runs)).toBeLessThanOrEqual(2);
  // Item i + 2 starts only after item i has ended.
  for (let i = 2; i < 6; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 2].end);
  // The fanning-out function: its own invocation, then one re-invocation per later item.
  expect(r.instances.find((x) => x.instance === origin)).toMatchObject({ invocations: 5, outcome: 'committed' });
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
});

test('a bounded Map as the very first state: at most 2 items in flight, each item once, the exact list', async () => {
  const r = await engine.run({ workflow: 'bounded-first', input: { jobs: JOBS } });
  expect(r.status).toBe('SUCCEEDED');
  const runs = r.result as Array<{ i: number; start: number; end: number }>;
  expect(runs.map((x) => x.i)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(maxOverlap(runs)).toBeLessThanOrEqual(2);
  for (let i = 2; i < 6; i++) expect(runs[i].start).toBeGreaterThanOrEqual(runs[i - 2].end);
  expect(r.instances.filter((x) => x.node === 'FirstTimed')).toHaveLength(6);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
});

test.each(['nested-join-pass', 'nested-join-pass-python'])('nested joins completed in one egress (%s): a Pass after the inner Map join and one after the Parallel join each read their own list', async (workflow) => {
  const jobs = [{ i: 0, ms: 200 }, { i: 1, ms: 250 }];
  const r = await engine.run({ workflow, input: { jobs } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ outer: [{ inner: [0, 1] }, { jobs }] });
});

test.each(['map-in-map-pass', 'map-in-map-pass-python'])('a Map in a Map (%s): the Pass after each row\'s join and the one after the grid\'s join each read their own list', async (workflow) => {
  const jobs = [{ i: 0, ms: 50 }, { i: 1, ms: 80 }];
  const r = await engine.run({ workflow, input: { rows: [{ jobs }, { jobs: [{ i: 2, ms: 10 }] }] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ grid: [{ row: [0, 1] }, { row: [2] }] });
});
