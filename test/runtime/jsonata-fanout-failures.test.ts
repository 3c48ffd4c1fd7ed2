import { join, ordersMap, succeed, to, World } from './harness';
import { UnumContext } from '../../lambda-runtime/types';
import { Action, CatchRule, DataFlow, RetryRule } from '../../src/protocol';

/*
 * A JSONata Parallel's or Map's own evaluation errors (States.QueryEvaluationError of a Map's Items or ItemSelector, a
 * Parallel's Arguments, the join's Output or Assign) go to its own Retry and Catch, as a branch's failure does, in the
 * Node.js runtime (DynamoDB Local, s3rver). lambda-runtime/python/tests/test_jsonata_fanout.py checks the same in Python.
 */

let w: World;
let counter: ReturnType<World['countFanoutFailureReports']>;
/** Failure reports sent to the origin in the current test, by attempt. */
let reports: Record<number, number>;
beforeAll(async () => {
  w = await World.create('jsonata-fanout-failures');
  counter = w.countFanoutFailureReports();
  reports = counter.byAttempt;
});
beforeEach(() => counter?.clear());
afterAll(async () => w.close());

const jsonata = (flow: Omit<DataFlow, 'queryLanguage'>): DataFlow => ({ queryLanguage: 'JSONata', ...flow });
const QUERY = 'States.QueryEvaluationError';
const retryOnce: RetryRule[] = [{ errors: [QUERY], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }];
/** A JSONata catcher handing `{ error, cause, input }` to Handler. */
const caught = (errors = [QUERY]): CatchRule[] => [{
  errors,
  resultPath: '$',
  jsonata: { output: { error: '{% $states.errorOutput.Error %}', cause: '{% $states.errorOutput.Cause %}', input: '{% $states.input %}' } },
  next: to('Handler'),
}];

/** Start → a Map over `$states.input.orders` with `fields` (Items, ItemSelector, the join's flow, Retry, Catch) → Agg; Handler catches. */
function deployMap(fields: Partial<Extract<Action, { kind: 'map' }>>, flow: DataFlow = jsonata({}), item = (x: unknown, _ctx: UnumContext): unknown => x): void {
  const then: Action = { kind: 'fanOutOutput', fanout: 'M', dataFlow: flow, next: to('Agg') };
  const map = ordersMap(then, fields);
  w.deploy('wf', [
    { node: 'Start', next: map, handler: (x) => x },
    { node: 'W', next: join('J', ['W'], then), handler: item },
    { node: 'Agg', next: succeed, handler: (x) => x },
    { node: 'Handler', next: succeed, handler: (x) => x },
  ]);
}

test('Map Items that fail: its Retry evaluates them again, then its Catch takes the error with the raw input', async () => {
  deployMap({ items: '{% $states.input.orders.missing %}', retry: retryOnce, catch: caught() });
  const input = { shop: 's1', orders: [{ sku: 'a' }] };
  expect(await w.result(await w.run(input))).toEqual({
    error: QUERY, cause: "map 'M': Items: the JSONata expression '{% $states.input.orders.missing %}' returned no value (undefined)", input,
  });
  // One report per attempt: the first failure, then the retry's.
  expect(reports).toEqual({ 0: 1, 1: 1 });
});

test('Map Items that are not an array, caught with States.ALL', async () => {
  deployMap({ items: '{% $states.input.shop %}', catch: caught(['States.ALL']) });
  expect(await w.result(await w.run({ shop: 's2', orders: [] }))).toMatchObject({ error: QUERY, cause: "map 'M': Items must evaluate to an array, got \"s2\"" });
});

test('Map ItemSelector failing for one item fails the Map (not a tolerated item), caught', async () => {
  deployMap({ itemSelector: { qty: '{% $states.context.Map.Item.Value.qty * 2 %}' }, toleratedFailureCount: 5, catch: caught() });
  const out = await w.result(await w.run({ orders: [{ qty: 1 }, { qty: 'many' }] }));
  expect(out).toMatchObject({ error: QUERY, cause: expect.stringMatching(/^map 'M': ItemSelector\.qty: the JSONata expression .* failed: JSONata error T2001/) });
});

test('a Map join\'s failing Output goes to the Map\'s Retry (every item again) and Catch', async () => {
  const runs: number[] = [];
  deployMap({ retry: retryOnce, catch: caught() }, jsonata({ output: '{% $states.result.qty + "x" %}' }), (x, ctx) => {
    runs.push(ctx.fanouts[0].attempt ?? -1);
    return x;
  });
  const input = { orders: [{ qty: 1 }, { qty: 2 }] };
  expect(await w.result(await w.run(input))).toEqual({
    error: QUERY, cause: "'M': Output: the JSONata expression '{% $states.result.qty + \"x\" %}' failed: JSONata error T2001", input,
  });
  expect(runs.sort()).toEqual([0, 0, 1, 1]);
  expect(reports).toEqual({ 0: 1, 1: 1 });
});

/** Start → Parallel P over L and R with `fields` → Next, joined with `flow`; Handler catches. */
function deployParallel(fields: Partial<Extract<Action, { kind: 'parallel' }>>, flow: DataFlow = jsonata({})): void {
  const then: Action = { kind: 'fanOutOutput', fanout: 'P', dataFlow: flow, next: to('Next') };
  const branchEnd = join('J', ['L', 'R'], then);
  w.deploy('wf', [
    { node: 'Start', next: { kind: 'parallel', fanout: 'P', recordInput: true, branches: [to('L'), to('R')], ...fields } as Action, handler: (x) => x },
    { node: 'L', next: branchEnd, handler: (x) => x },
    { node: 'R', next: branchEnd, handler: (x) => x },
    { node: 'Next', next: succeed, handler: (x) => x },
    { node: 'Handler', next: succeed, handler: (x) => x },
  ]);
}

test('Parallel Arguments that fail: Retry, then Catch; no branch runs', async () => {
  deployParallel({ arguments: { n: '{% $states.input.n + 1 %}' }, retry: retryOnce, catch: caught() });
  const out = await w.result(await w.run({ n: 'one' }));
  expect(out).toEqual({ error: QUERY, cause: expect.stringMatching(/^parallel 'P': Arguments\.n: the JSONata expression/), input: { n: 'one' } });
  expect(reports).toEqual({ 0: 1, 1: 1 });
  expect(w.invocations['fn-L']).toBeUndefined();
});

test('a Parallel join\'s failing Assign is caught; without a matching rule it fails the session as before', async () => {
  deployParallel({ catch: caught() }, jsonata({ assign: { total: '{% $states.input.missing %}' } }));
  expect(await w.result(await w.run({ n: 1 }))).toMatchObject({ error: QUERY, cause: expect.stringMatching(/^'P': Assign\.total: /), input: { n: 1 } });
  deployParallel({ catch: caught(['Other']) }, jsonata({ assign: { total: '{% $states.input.missing %}' } }));
  const failed = await w.client.describeSession(await w.run({ n: 1 }));
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toMatchObject({ error: QUERY, cause: expect.stringMatching(/^'P': Assign\.total: /) });
});
