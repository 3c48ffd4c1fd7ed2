import { join, ordersMap, succeed, to, World } from './harness';
import { Action, DataFlow } from '../../src/protocol';

/* JSONata Output and Assign at a Parallel's or Map's join, and a JSONata Map's ItemSelector, in the Node.js runtime (DynamoDB Local, s3rver). */

let w: World;
beforeAll(async () => {
  w = await World.create('jsonata-fanout');
});
afterAll(async () => w.close());

const jsonata = (flow: Omit<DataFlow, 'queryLanguage'>): DataFlow => ({ queryLanguage: 'JSONata', ...flow });


function deployParallel(flow: DataFlow, before?: DataFlow): void {
  const then: Action = { kind: 'fanOutOutput', fanout: 'P', dataFlow: flow, next: to('Next') };
  const branchEnd = join('J', ['L', 'R'], then);
  w.deploy('wf', [
    { node: 'A', next: { kind: 'parallel', fanout: 'P', recordInput: true, branches: [to('L'), to('R')] }, ...(before ? { dataFlow: before } : {}), handler: (x) => x },
    { node: 'L', next: branchEnd, handler: (x: any) => ({ left: x.n + 1 }) },
    { node: 'R', next: branchEnd, handler: (x: any) => ({ right: x.n * 10 }) },
    { node: 'Next', next: succeed, dataFlow: jsonata({ output: { got: '{% $states.input %}', total: '{% $total %}', seen: '{% $seen %}' } }), handler: (x) => x },
  ]);
}

test('Parallel: Output merges the branch outputs at the join, Assign reads $states.result and $states.input; the next state sees both', async () => {
  deployParallel(jsonata({
    output: '{% $merge($states.result) %}',
    assign: { total: '{% $states.result[0].left + $states.result[1].right %}', seen: '{% $states.input.tag %}' },
  }));
  expect(await w.result(await w.run({ n: 4, tag: 't-1' }))).toEqual({ got: { left: 5, right: 40 }, total: 45, seen: 't-1' });
});

test('Parallel: every Assign sees the variables from before the join\'s assignments; no Output keeps the list', async () => {
  deployParallel(jsonata({ assign: { total: '{% $total + 1 %}', seen: '{% $total %}' } }), jsonata({ assign: { total: 100 } }));
  expect(await w.result(await w.run({ n: 1, tag: 'x' }))).toEqual({ got: [{ left: 2 }, { right: 10 }], total: 101, seen: 100 });
});

/** A Map over `items` whose ItemSelector is `selector` and whose join runs `flow`. */
function deployMap(selector: unknown, flow: DataFlow): void {
  const then: Action = { kind: 'fanOutOutput', fanout: 'M', dataFlow: flow, next: to('Agg') };
  const map = ordersMap(then, { itemSelector: selector });
  w.deploy('wf', [
    { node: 'Split', next: map, dataFlow: jsonata({ assign: { rate: 2 } }), handler: (x) => x },
    { node: 'W', next: join('J', ['W'], then), handler: (x: any) => ({ ...x, ok: x.qty > 0 }) },
    { node: 'Agg', next: succeed, dataFlow: jsonata({ output: { out: '{% $states.input %}', count: '{% $count %}' } }), handler: (x) => x },
  ]);
}

test('Map: ItemSelector builds each item\'s input from the item, its index, the Map\'s input and the variables; Output and Assign at the join', async () => {
  deployMap({
    index: '{% $states.context.Map.Item.Index %}',
    sku: '{% $states.context.Map.Item.Value.sku %}',
    qty: '{% $states.context.Map.Item.Value.qty * $rate %}',
    shop: '{% $states.input.shop %}',
  }, jsonata({ output: '{% $states.result[ok].(shop & "/" & sku & "#" & index & "x" & qty) %}', assign: { count: '{% $count($states.result[ok]) %}' } }));
  const orders = [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 0 }, { sku: 'c', qty: 3 }];
  expect(await w.result(await w.run({ shop: 's1', orders }))).toEqual({ out: ['s1/a#0x2', 's1/c#2x6'], count: 2 });
});

test('Map with no items: the join\'s Output and Assign see an empty $states.result', async () => {
  deployMap({ sku: '{% $states.context.Map.Item.Value.sku %}' }, jsonata({
    output: { items: '{% $states.result %}', shop: '{% $states.input.shop %}' }, assign: { count: '{% $count($states.result) %}' },
  }));
  expect(await w.result(await w.run({ shop: 's2', orders: [] }))).toEqual({ out: { items: [], shop: 's2' }, count: 0 });
});

test('a failing Output, Assign or ItemSelector is States.QueryEvaluationError naming the state and the field', async () => {
  deployParallel(jsonata({ output: '{% $states.result.left + "x" %}' }));
  const output = await w.client.describeSession(await w.run({ n: 1 }));
  expect(output.status).toBe('FAILED');
  expect(output.error).toMatchObject({ error: 'States.QueryEvaluationError', cause: "'P': Output: the JSONata expression '{% $states.result.left + \"x\" %}' failed: JSONata error T2002" });
  deployParallel(jsonata({ assign: { total: '{% $states.input.missing %}' } }));
  const assign = await w.client.describeSession(await w.run({ n: 1 }));
  expect(assign.error).toMatchObject({ error: 'States.QueryEvaluationError', cause: "'P': Assign.total: the JSONata expression '{% $states.input.missing %}' returned no value (undefined)" });
  deployMap({ sku: '{% $states.context.Map.Item.Value.nope %}' }, jsonata({ output: '{% $states.result %}' }));
  const selector = await w.client.describeSession(await w.run({ orders: [{ sku: 'a', qty: 1 }] }));
  expect(selector.error).toMatchObject({
    node: 'Split', error: 'States.QueryEvaluationError', cause: "map 'M': ItemSelector.sku: the JSONata expression '{% $states.context.Map.Item.Value.nope %}' returned no value (undefined)",
  });
});

/**
 * A Parallel (raw input recorded) whose branch R fails with `BranchFailed`, caught by a JSONata catcher with `catcher`'s
 * Output and Assign. Its origin A assigns nothing: `$seen` comes to A in its envelope (from Pre), so the failure report
 * must carry it for the origin's replay.
 */
function deployCaughtParallel(catcher: { output?: unknown; assign?: Record<string, unknown> }): void {
  const then: Action = { kind: 'fanOutOutput', fanout: 'P', dataFlow: jsonata({}), next: to('Next') };
  const branchEnd = join('J', ['L', 'R'], then);
  const parallel: Action = {
    kind: 'parallel',
    fanout: 'P',
    recordInput: true,
    branches: [to('L'), to('R')],
    catch: [{ errors: ['BranchFailed'], resultPath: '$', jsonata: catcher, next: to('Handler') }],
  };
  w.deploy('wf', [
    { node: 'Pre', next: to('A'), dataFlow: jsonata({ assign: { seen: 'before' } }), handler: (x) => x },
    { node: 'A', next: parallel, handler: (x) => x },
    { node: 'L', next: branchEnd, handler: (x: any) => ({ left: x.n }) },
    { node: 'R', next: branchEnd, handler: () => { throw Object.assign(new Error('right is down'), { name: 'BranchFailed' }); } },
    { node: 'Next', next: succeed, handler: (x) => x },
    { node: 'Handler', next: succeed, dataFlow: jsonata({ output: { got: '{% $states.input %}', seen: '{% $seen %}' } }), handler: (x) => x },
  ]);
}

test('Parallel catcher: Output reads $states.errorOutput and the raw $states.input, Assign sets the handler\'s variables', async () => {
  deployCaughtParallel({
    output: { why: '{% $states.errorOutput.Error & ": " & $states.errorOutput.Cause %}', n: '{% $states.input.n %}' },
    assign: { seen: '{% $seen & "+" & $states.errorOutput.Error %}' },
  });
  expect(await w.result(await w.run({ n: 3 }))).toEqual({ got: { why: 'BranchFailed: right is down', n: 3 }, seen: 'before+BranchFailed' });
});

test('Parallel catcher: Assign alone hands on $states.errorOutput; a failing catcher Output fails the session naming the state', async () => {
  deployCaughtParallel({ assign: { seen: '{% $states.input.n %}' } });
  expect(await w.result(await w.run({ n: 5 }))).toEqual({ got: { Error: 'BranchFailed', Cause: 'right is down' }, seen: 5 });
  deployCaughtParallel({ output: '{% $states.errorOutput.Error + 1 %}' });
  const failed = await w.client.describeSession(await w.run({ n: 1 }));
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toMatchObject({ error: 'States.QueryEvaluationError', cause: expect.stringMatching(/^parallel 'P': Output: the JSONata expression/) });
});

test('Map catcher: an item\'s failure reaches the catcher\'s Output with the Map\'s raw input', async () => {
  const then: Action = { kind: 'fanOutOutput', fanout: 'M', dataFlow: jsonata({}), next: to('Handler') };
  const map = ordersMap(then, {
    catch: [{ errors: ['States.ALL'], resultPath: '$', jsonata: { output: { shop: '{% $states.input.shop %}', error: '{% $states.errorOutput.Error %}' } }, next: to('Handler') }],
  });
  w.deploy('wf', [
    { node: 'Split', next: map, handler: (x) => x },
    { node: 'W', next: join('J', ['W'], then), handler: (x: any) => { if (x.qty === 0) throw Object.assign(new Error('none'), { name: 'NoStock' }); return x; } },
    { node: 'Handler', next: succeed, handler: (x) => x },
  ]);
  expect(await w.result(await w.run({ shop: 's3', orders: [{ qty: 1 }, { qty: 0 }] }))).toEqual({ shop: 's3', error: 'NoStock' });
});
