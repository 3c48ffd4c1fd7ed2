import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { testPython } from '../support/python';

/**
 * Retry, Catch and tolerated failures on Parallel and Map through the
 * engine (test/engine/apps/fanout-failures.ts). Step Functions: a Parallel
 * fails if any branch fails, a Map if any item fails (beyond its
 * tolerated failures: States.ExceedToleratedFailureThreshold); the state's
 * Retry runs it again as a whole and its Catch routes the error output,
 * `{ Error, Cause }` at the catcher's ResultPath in the state's input.
 */
let app: LocalApp;
let engine: LocalEngine;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'fanout-failures.ts'));
  engine = await startEngine(app, { python: testPython(), concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());

const committed = (r: { commits: Record<string, number> }, node: string) => Object.keys(r.commits).filter((k) => k.startsWith(`${node}|`)).sort();

test('Parallel with a failing branch, caught: the handler gets the input with { Error, Cause } at resultPath', async () => {
  const r = await engine.run({ workflow: 'parallel-catch', input: { branch: { n: 1, fail: true }, keep: 'x' } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({
    branch: { n: 1, fail: true },
    keep: 'x',
    error: { Error: 'ItemFailed', Cause: 'item 1 failed in attempt 0' },
  });
  expect(committed(r, 'PcHandler')).toEqual(['PcHandler|0']);
  expect(committed(r, 'PcAfter')).toEqual([]);
});

test('Parallel without a failure runs on to its next state', async () => {
  const r = await engine.run({ workflow: 'parallel-catch', input: { branch: { n: 2 } } });
  expect(r.status).toBe('SUCCEEDED');
  expect((r.result as Array<{ n: number }>).map((x) => x.n)).toEqual([4, 4]);
  expect(committed(r, 'PcHandler')).toEqual([]);
});

test('Map with an item failing in attempt 0: the whole Map runs again and attempt 1 joins on fresh keys', async () => {
  const r = await engine.run({ workflow: 'map-retry', input: { items: [{ n: 1 }, { n: 2, failOnce: true }, { n: 3 }] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual([
    { n: 2, attempt: 1, instance: 'MrItem|0~1:0/0' },
    { n: 4, attempt: 1, instance: 'MrItem|0~1:1/0' },
    { n: 6, attempt: 1, instance: 'MrItem|0~1:2/0' },
  ]);
  // Attempt 0's other items committed at their own keys, which attempt 1's join never reads.
  expect(committed(r, 'MrItem')).toEqual(['MrItem|0:0/0', 'MrItem|0:2/0', 'MrItem|0~1:0/0', 'MrItem|0~1:1/0', 'MrItem|0~1:2/0']);
  expect(committed(r, 'MrDone')).toEqual(['MrDone|0']);
  expect(committed(r, 'MrHandler')).toEqual([]);
});

test('Map whose retries are exhausted is caught', async () => {
  const r = await engine.run({ workflow: 'map-retry', input: { items: [{ n: 1 }, { n: 2, fail: true }] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual({ items: [{ n: 1 }, { n: 2, fail: true }], error: { Error: 'ItemFailed', Cause: 'item 2 failed in attempt 2' } });
  expect(committed(r, 'MrHandler')).toEqual(['MrHandler|0']);
  expect(committed(r, 'MrDone')).toEqual([]);
});

test('duplicate deliveries of every invocation: one retry (no attempt 2) and one catch', async () => {
  const retried = await engine.run({
    workflow: 'map-retry', input: { items: [{ n: 1, failOnce: true }, { n: 2, failOnce: true }] }, faults: { duplicateRate: 1, seed: 3 },
  });
  expect(retried.status).toBe('SUCCEEDED');
  expect((retried.result as Array<{ attempt: number }>).map((x) => x.attempt)).toEqual([1, 1]);
  expect(committed(retried, 'MrItem').filter((k) => k.includes('~2'))).toEqual([]);
  expect(committed(retried, 'MrDone')).toEqual(['MrDone|0']);
  const caught = await engine.run({ workflow: 'map-retry', input: { items: [{ n: 1, fail: true }, { n: 2, fail: true }] }, faults: { duplicateRate: 1, seed: 3 } });
  expect(caught.status).toBe('SUCCEEDED');
  expect(caught.result).toMatchObject({ error: { Error: 'ItemFailed' } });
  expect(caught.commits['MrHandler|0']).toBe(1);
  expect(Object.keys(caught.commits).filter((k) => k.includes('~3'))).toEqual([]);
});

test('a late result of an abandoned attempt never reaches the new attempt\'s join', async () => {
  // Attempt 0: the slow branch is still running when the flaky one fails and the retry starts.
  const r = await engine.run({ workflow: 'parallel-late', input: { n: 5, ms: 1500, failOnce: true } });
  expect(r.status).toBe('SUCCEEDED');
  expect((r.result as Array<{ attempt: number }>).map((x) => x.attempt)).toEqual([1, 1]);
  expect(committed(r, 'PlSlow')).toEqual(['PlSlow|0:0/0', 'PlSlow|0~1:0/0']);
  expect(committed(r, 'PlAfter')).toEqual(['PlAfter|0']);
});

describe('tolerated failures', () => {
  test('count 1, one item fails: the Map succeeds and the failed item\'s result is { Error, Cause }', async () => {
    const r = await engine.run({ workflow: 'map-tolerated-count', input: { items: [{ n: 1 }, { n: 2, fail: true }, { n: 3 }] } });
    expect(r.status).toBe('SUCCEEDED');
    expect((r.result as { results: unknown[] }).results).toEqual([
      { n: 2, attempt: 0, instance: 'TcItem|0:0/0' },
      { Error: 'ItemFailed', Cause: 'item 2 failed in attempt 0' },
      { n: 6, attempt: 0, instance: 'TcItem|0:2/0' },
    ]);
  });

  test('count 1, two items fail: the Map fails with States.ExceedToleratedFailureThreshold', async () => {
    const r = await engine.run({ workflow: 'map-tolerated-count', input: { items: [{ n: 1, fail: true }, { n: 2, fail: true }, { n: 3 }] } });
    expect(r.status).toBe('FAILED');
    expect(r.error).toMatchObject({ node: 'TcItems', error: 'States.ExceedToleratedFailureThreshold' });
    expect(r.error!.cause).toMatch(/^map 'TcItems': 2 of 3 items failed, more than it tolerates/);
  });

  test('50 percent, 2 of 4 fail: tolerated; 3 of 4 fail: caught as States.ExceedToleratedFailureThreshold', async () => {
    const items = (failing: number) => Array.from({ length: 4 }, (_, n) => ({ n, ...(n < failing ? { fail: true } : {}) }));
    const under = await engine.run({ workflow: 'map-tolerated-percentage', input: { items: items(2) } });
    expect(under.status).toBe('SUCCEEDED');
    expect((under.result as unknown[]).filter((x) => (x as { Error?: string }).Error === 'ItemFailed')).toHaveLength(2);
    const over = await engine.run({ workflow: 'map-tolerated-percentage', input: { items: items(3) } });
    expect(over.status).toBe('SUCCEEDED');
    expect(over.result).toMatchObject({ items: items(3), error: { Error: 'States.ExceedToleratedFailureThreshold' } });
    expect(over.commits['TpHandler|0']).toBe(1);
  });
});

test('an item that crashes until Lambda gives up: the failure recorder reports it to the Map, whose catch handles it', async () => {
  const r = await engine.run({ workflow: 'map-crash-catch', input: { items: [{ n: 1 }, { n: 2, crash: true }] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toMatchObject({ items: [{ n: 1 }, { n: 2, crash: true }], error: { Error: 'Runtime.ExitError' } });
  expect((r.result as { error: { Cause: string } }).error.Cause).toMatch(/Lambda gave up after \d attempt\(s\)/);
  expect(r.commits['McHandler|0']).toBe(1);
}, 120_000);

test('a Map whose items start with a caught Parallel: the failing item\'s Parallel is caught, the others join', async () => {
  const r = await engine.run({ workflow: 'map-of-parallels', input: { items: [{ n: 1 }, { n: 2, fail: true }] } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toEqual([
    [{ n: 2, attempt: 0, instance: 'MpLeft|0:0/0:0/0' }, { n: 1 }],
    { n: 2, fail: true, error: { Error: 'ItemFailed', Cause: 'item 2 failed in attempt 0' } },
  ]);
});

describe('Python runtime', () => {
  test('a Map whose items start with a caught Parallel', async () => {
    const r = await engine.run({ workflow: 'py-map-of-parallels', input: { items: [{ n: 1 }, { n: 2, fail: true }] } });
    expect(r.status).toBe('SUCCEEDED');
    expect(r.result).toEqual([
      [{ n: 2, attempt: 0, instance: 'PyMpLeft|0:0/0:0/0' }, { n: 1 }],
      { n: 2, fail: true, error: { Error: 'ItemFailed', Cause: 'item 2 failed in attempt 0' } },
    ]);
  });

  test('Map retried as a whole (attempt 1 on fresh keys), then retries exhausted and caught', async () => {
    const retried = await engine.run({ workflow: 'py-map-retry', input: { items: [{ n: 1 }, { n: 2, failOnce: true }] } });
    expect(retried.status).toBe('SUCCEEDED');
    expect(retried.result).toEqual([{ n: 2, attempt: 1, instance: 'PyItem|0~1:0/0' }, { n: 4, attempt: 1, instance: 'PyItem|0~1:1/0' }]);
    const caught = await engine.run({ workflow: 'py-map-retry', input: { items: [{ n: 1 }, { n: 2, fail: true }] } });
    expect(caught.status).toBe('SUCCEEDED');
    expect(caught.result).toEqual({ items: [{ n: 1 }, { n: 2, fail: true }], error: { Error: 'ItemFailed', Cause: 'item 2 failed in attempt 1' } });
  });

  test('a Map tolerating one failure inside a Parallel: under the count it joins, over it the Parallel catches', async () => {
    const under = await engine.run({ workflow: 'py-parallel-tolerated', input: { items: [{ n: 1, fail: true }, { n: 2 }] } });
    expect(under.status).toBe('SUCCEEDED');
    expect((under.result as unknown[])[0]).toEqual([{ Error: 'ItemFailed', Cause: 'item 1 failed in attempt 0' }, { n: 4, attempt: 0, instance: 'PyTolItem|0:0/0:1/0' }]);
    const over = await engine.run({ workflow: 'py-parallel-tolerated', input: { items: [{ n: 1, fail: true }, { n: 2, fail: true }] } });
    expect(over.status).toBe('SUCCEEDED');
    expect(over.result).toMatchObject({ error: { Error: 'States.ExceedToleratedFailureThreshold' } });
  });
});

test.each([1, 2, 3])('random crashes and duplicate deliveries (seed %i): the Map still retries once and ends as without faults', async (seed) => {
  const r = await engine.run({
    workflow: 'map-retry', input: { items: [{ n: 1 }, { n: 2, failOnce: true }, { n: 3 }] }, faults: { crashRate: 0.3, duplicateRate: 0.3, seed },
  });
  expect(r.status).toBe('SUCCEEDED');
  expect((r.result as Array<{ n: number; attempt: number }>).map((x) => [x.n, x.attempt])).toEqual([[2, 1], [4, 1], [6, 1]]);
  expect(Object.keys(r.commits).filter((k) => k.includes('~2'))).toEqual([]);
  expect(r.commits['MrDone|0']).toBe(1);
});
