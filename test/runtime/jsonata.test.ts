import { join, succeed, to, World } from './harness';
import { SimulatedCrash } from '../../lambda-runtime';
import { Action, DataFlow } from '../../src/protocol';

/* JSONata data flows in the Node.js runtime, against DynamoDB Local and s3rver (the World harness). */

let w: World;
beforeAll(async () => {
  w = await World.create('jsonata');
});
afterAll(async () => w.close());

const jsonata = (flow: Omit<DataFlow, 'queryLanguage'>): DataFlow => ({ queryLanguage: 'JSONata', ...flow });

test('Arguments select the user input, Output shapes the result, Assign sets variables a later function reads', async () => {
  const seen: unknown[] = [];
  w.deploy('wf', [
    {
      node: 'A',
      next: to('B'),
      dataFlow: jsonata({
        arguments: { n: '{% $states.input.order.n %}', who: '{% $states.context.Execution.Name %}' },
        output: { doubled: '{% $states.result %}', order: '{% $states.input.order.id %}' },
        assign: { orderId: '{% $states.input.order.id %}', twice: '{% $states.result %}' },
      }),
      handler: (x: any) => {
        seen.push(x);
        return x.n * 2;
      },
    },
    {
      node: 'B',
      next: succeed,
      dataFlow: jsonata({ arguments: '{% $merge([$states.input, {"id": $orderId}]) %}', output: '{% $states.result & "/" & $twice %}' }),
      handler: (x: any) => `${x.id}:${x.doubled}`,
    },
  ]);
  const session = await w.run({ order: { id: 'o-1', n: 21 } }, 'jsonata-1');
  expect(seen).toEqual([{ n: 21, who: 'jsonata-1' }]);
  expect(await w.result(session)).toBe('o-1:42/42');
});

test('a Pass and a Choice in the egress: Assign then a Condition over the variable; the Choice\'s default', async () => {
  const pick: Action = {
    kind: 'choice',
    node: 'Pick',
    rules: [{ when: { op: 'jsonata', expression: '{% $states.input.total > $limit %}' }, then: to('Big') }],
    otherwise: to('Small'),
  };
  const pass: Action = { kind: 'pass', node: 'Limit', dataFlow: jsonata({ assign: { limit: 100 }, output: { total: '{% $sum($states.input.lines) %}' } }), next: pick };
  w.deploy('wf', [
    { node: 'A', next: pass, handler: (x) => x },
    { node: 'Big', next: succeed, dataFlow: jsonata({ output: '{% "big " & $states.input.total & " > " & $limit %}' }), handler: (x) => x },
    { node: 'Small', next: succeed, handler: () => 'small' },
  ]);
  expect(await w.result(await w.run({ lines: [60, 70] }))).toBe('big 130 > 100');
  expect(await w.result(await w.run({ lines: [1, 2] }))).toBe('small');
});

test('a Choice rule\'s Output and Assign apply when it matches; the Choice\'s own Assign whichever way it goes; the Default keeps the input', async () => {
  const tier: Action = {
    kind: 'choice',
    node: 'Tier',
    jsonata: { assign: { checked: '{% $states.input.total %}', tier: 'none' } },
    rules: [{
      when: { op: 'jsonata', expression: '{% $states.input.total > 100 %}' },
      then: to('Report'),
      jsonata: { output: { gold: '{% $states.input.total %}', before: '{% $exists($tier) %}' }, assign: { tier: 'gold' } },
    }],
    otherwise: to('Report'),
  };
  w.deploy('wf', [
    { node: 'A', next: tier, handler: (x) => x },
    { node: 'Report', next: succeed, dataFlow: jsonata({ output: { value: '{% $states.input %}', tier: '{% $tier %}', checked: '{% $checked %}' } }), handler: (x) => x },
  ]);
  expect(await w.result(await w.run({ total: 130 }))).toEqual({ value: { gold: 130, before: false }, tier: 'gold', checked: 130 });
  expect(await w.result(await w.run({ total: 7 }))).toEqual({ value: { total: 7 }, tier: 'none', checked: 7 });
});

test('a Map item that ends in a Choice with Output: the join lists the Choice and reads its shaped value', async () => {
  const pick: Action = {
    kind: 'choice',
    node: 'Pick',
    rules: [{ when: { op: 'jsonata', expression: '{% $states.input > 1 %}' }, then: join('J', ['Pick', 'W'], to('Agg')), jsonata: { output: '{% "big " & $states.input %}' } }],
    otherwise: join('J', ['Pick', 'W'], to('Agg')),
  };
  const map: Action = { kind: 'map', fanout: 'M', join: 'J', items: '{% $states.input %}', item: to('W'), onEmpty: to('Agg') };
  w.deploy('wf', [
    { node: 'Split', next: map, handler: (x) => x },
    { node: 'W', next: pick, handler: (x: number) => x },
    { node: 'Agg', next: succeed, handler: (x) => x },
  ]);
  expect(await w.result(await w.run([1, 2, 3]))).toEqual([1, 'big 2', 'big 3']);
});

test('a failing Choice rule Output fails the session naming the Choice and the field', async () => {
  const pick: Action = {
    kind: 'choice',
    node: 'Pick',
    rules: [{ when: { op: 'jsonata', expression: '{% true %}' }, then: to('B'), jsonata: { output: '{% $states.input.nothing %}' } }],
  };
  w.deploy('wf', [{ node: 'A', next: pick, handler: (x) => x }, { node: 'B', next: succeed, handler: (x) => x }]);
  const d = await w.client.describeSession(await w.run({}));
  expect(d.error).toMatchObject({
    error: 'States.QueryEvaluationError', cause: "choice 'Pick': Output: the JSONata expression '{% $states.input.nothing %}' returned no value (undefined)",
  });
});

test('a failing Output is States.QueryEvaluationError of the state: its Catch takes it, $states.errorOutput names the field', async () => {
  w.deploy('wf', [
    {
      node: 'A',
      next: succeed,
      dataFlow: jsonata({ output: '{% $states.result.total + 1 %}', assign: { never: 1 } }),
      catch: [{ errors: ['States.QueryEvaluationError'], resultPath: '$', next: to('Handle') }],
      handler: () => ({ total: 'not a number' }),
    },
    { node: 'Handle', next: succeed, dataFlow: jsonata({ output: { caught: '{% $states.input %}', never: '{% $exists($never) %}' } }), handler: (x) => x },
  ]);
  // The state's own Assign does not apply when its catcher is taken.
  expect(await w.result(await w.run({}))).toEqual({
    caught: { Error: 'States.QueryEvaluationError', Cause: "Output: the JSONata expression '{% $states.result.total + 1 %}' failed: JSONata error T2001" },
    never: false,
  });
});

test('a failing Arguments is retried (States.ALL matches it), evaluated again per attempt; with no match left it fails the session naming the field', async () => {
  const seen: unknown[] = [];
  const retry = [{ errors: ['States.ALL'], intervalSeconds: 0.001, maxAttempts: 2, backoffRate: 1 }];
  w.deploy('wf', [{
    node: 'A',
    next: succeed,
    dataFlow: jsonata({ arguments: '{% $states.context.State.RetryCount < 2 ? $states.input.missing : {"attempt": $states.context.State.RetryCount} %}' }),
    retry,
    handler: (x) => {
      seen.push(x);
      return x;
    },
  }]);
  expect(await w.result(await w.run({}))).toEqual({ attempt: 2 });
  expect(seen).toEqual([{ attempt: 2 }]);
  w.deploy('wf', [{
    node: 'A',
    next: succeed,
    dataFlow: jsonata({ arguments: '{% $states.input.missing %}' }),
    retry,
    catch: [{ errors: ['Boom'], resultPath: '$', next: to('Never') }],
    handler: (x) => x,
  }, { node: 'Never', next: succeed, handler: (x) => x }]);
  const missing = await w.client.describeSession(await w.run({}));
  expect(missing.status).toBe('FAILED');
  expect(missing.error).toMatchObject({ node: 'A', error: 'States.QueryEvaluationError', cause: "Arguments: the JSONata expression '{% $states.input.missing %}' returned no value (undefined)" });
});

test('a retry re-runs the attempt whose Output failed: the second result fits, and the user code ran twice (nothing had committed)', async () => {
  let calls = 0;
  w.deploy('wf', [{
    node: 'A',
    next: succeed,
    dataFlow: jsonata({ output: '{% $states.result.total + 1 %}' }),
    retry: [{ errors: ['States.QueryEvaluationError'], intervalSeconds: 0.001, maxAttempts: 1, backoffRate: 1 }],
    handler: () => ({ total: ++calls === 1 ? 'not a number' : 41 }),
  }]);
  expect(await w.result(await w.run({}))).toBe(42);
  expect(calls).toBe(2);
});

test('a JSONPath data-flow error stays States.Runtime: States.ALL neither retries nor catches it', async () => {
  let calls = 0;
  w.deploy('wf', [{
    node: 'A',
    next: succeed,
    dataFlow: { inputPath: '$.missing' },
    retry: [{ errors: ['States.ALL'], intervalSeconds: 0.001, maxAttempts: 2, backoffRate: 1 }],
    catch: [{ errors: ['States.ALL'], resultPath: '$', next: to('Never') }],
    handler: (x) => {
      calls++;
      return x;
    },
  }, { node: 'Never', next: succeed, handler: (x) => x }]);
  const d = await w.client.describeSession(await w.run({}));
  expect(calls).toBe(0);
  expect(d.status).toBe('FAILED');
  expect(d.error).toMatchObject({ node: 'A', error: 'States.Runtime' });
});

test('a catcher\'s Output and Assign read $states.errorOutput and $states.input; the variables from before the assignment', async () => {
  w.deploy('wf', [
    { node: 'Start', next: to('A'), dataFlow: jsonata({ assign: { tries: 1 } }), handler: (x) => x },
    {
      node: 'A',
      next: succeed,
      catch: [{
        errors: ['Boom'],
        resultPath: '$',
        jsonata: {
          output: { order: '{% $states.input.order %}', why: '{% $states.errorOutput.Cause %}', tries: '{% $tries %}' },
          assign: { tries: '{% $tries + 1 %}', failedWith: '{% $states.errorOutput.Error %}' },
        },
        next: to('Fallback'),
      }],
      handler: () => {
        throw Object.assign(new Error('out of stock'), { name: 'Boom' });
      },
    },
    { node: 'Fallback', next: succeed, dataFlow: jsonata({ output: '{% $merge([$states.input, {"now": $tries, "error": $failedWith}]) %}' }), handler: (x) => x },
  ]);
  expect(await w.result(await w.run({ order: 'o-7' }))).toEqual({ order: 'o-7', why: 'out of stock', tries: 1, now: 2, error: 'Boom' });
});

test('a failing catcher Output fails the session: it is not caught again', async () => {
  w.deploy('wf', [
    {
      node: 'A',
      next: succeed,
      catch: [
        { errors: ['Boom'], resultPath: '$', jsonata: { output: '{% $states.errorOutput.Cause.nothing %}' }, next: to('Never') },
        { errors: ['States.ALL'], resultPath: '$', next: to('Never') },
      ],
      handler: () => {
        throw Object.assign(new Error('x'), { name: 'Boom' });
      },
    },
    { node: 'Never', next: succeed, handler: (x) => x },
  ]);
  const d = await w.client.describeSession(await w.run({}));
  expect(d.status).toBe('FAILED');
  expect(d.error).toMatchObject({
    node: 'A', error: 'States.QueryEvaluationError', cause: "Output: the JSONata expression '{% $states.errorOutput.Cause.nothing %}' returned no value (undefined)",
  });
});

test('a Map over Items: each item sees the outer variables, the join\'s continuation too', async () => {
  const map: Action = { kind: 'map', fanout: 'M', join: 'J', items: '{% $states.input.orders[paid].id %}', item: to('W'), onEmpty: to('Agg') };
  w.deploy('wf', [
    { node: 'Split', next: map, dataFlow: jsonata({ assign: { prefix: '{% $states.input.prefix %}' } }), handler: (x) => x },
    { node: 'W', next: join('J', ['W'], to('Agg')), dataFlow: jsonata({ arguments: '{% $prefix & $states.input %}' }), handler: (x: string) => x.toUpperCase() },
    { node: 'Agg', next: succeed, dataFlow: jsonata({ output: { ids: '{% $states.result %}', prefix: '{% $prefix %}' } }), handler: (x) => x },
  ]);
  const orders = [{ id: 'a', paid: true }, { id: 'b', paid: false }, { id: 'c', paid: true }];
  expect(await w.result(await w.run({ prefix: 'o-', orders }))).toEqual({ ids: ['O-A', 'O-C'], prefix: 'o-' });
});

test('a bounded Map (maxConcurrency 1): the items issued later, by re-invoking the function that fanned out, see the variables too', async () => {
  const map: Action = { kind: 'map', fanout: 'M', join: 'J', items: '{% $states.input.ids %}', maxConcurrency: 1, item: to('W'), onEmpty: to('Agg') };
  w.deploy('wf', [
    // A assigns; Split only carries the variable in its envelope (its checkpoint has none), so the re-invocation needs the origin's.
    { node: 'A', next: to('Split'), dataFlow: jsonata({ assign: { tag: 'x-' } }), handler: (x) => x },
    { node: 'Split', next: map, handler: (x) => x },
    { node: 'W', next: { kind: 'join', join: 'J', sources: ['W'], then: to('Agg'), maxConcurrency: 1 }, dataFlow: jsonata({ arguments: '{% $tag & $states.input %}' }), handler: (x) => x },
    { node: 'Agg', next: succeed, handler: (x) => x },
  ]);
  expect(await w.result(await w.run({ ids: ['a', 'b', 'c'] }))).toEqual(['x-a', 'x-b', 'x-c']);
});

test('a crash after the checkpoint: the replayed egress hands on the variables the state assigned (from the checkpoint)', async () => {
  w.deploy('wf', [
    { node: 'A', next: to('B'), dataFlow: jsonata({ assign: { stamp: '{% $states.result.stamp %}' } }), handler: () => ({ stamp: Math.random() }) },
    { node: 'B', next: succeed, dataFlow: jsonata({ output: '{% $stamp = $states.input.stamp %}' }), handler: (x) => x },
  ]);
  let crashed = false;
  w.faults = (at, info) => {
    if (at === 'after-checkpoint-write' && !crashed) {
      crashed = true;
      throw new SimulatedCrash(at, info);
    }
  };
  const session = await w.run({});
  w.faults = undefined;
  expect(crashed).toBe(true);
  expect(await w.result(session)).toBe(true);
});

test('a Fail computes its Error and Cause with JSONata over the input, the context and the variables', async () => {
  const boom: Action = {
    kind: 'fail', node: 'Boom', error: '{% "Order." & $uppercase($states.input.code) %}', cause: '{% $states.context.State.Name & ": " & $why %}',
  };
  w.deploy('wf', [{ node: 'A', next: { kind: 'pass', node: 'Why', dataFlow: jsonata({ assign: { why: 'too late' } }), next: boom }, handler: (x) => x }]);
  const d = await w.client.describeSession(await w.run({ code: 'Late' }));
  expect(d.status).toBe('FAILED');
  expect(d.error).toMatchObject({ node: 'Boom', error: 'Order.LATE', cause: 'Boom: too late' });
  const bad = await w.client.describeSession(await w.run({ code: 7 }));
  expect(bad.error).toMatchObject({ error: 'States.QueryEvaluationError' });
  expect(bad.error!.cause).toBe("fail 'Boom': Error: the JSONata expression '{% \"Order.\" & $uppercase($states.input.code) %}' failed: JSONata error T0410");
});

test('a Wait whose Seconds is a JSONata expression waits that long; a bad value fails the session naming the Wait', async () => {
  const pause: Action = { kind: 'wait', node: 'Pause', seconds: '{% $states.input.wait %}', next: to('B') };
  w.deploy('wf', [
    { node: 'A', next: pause, handler: (x: any) => ({ ...x, at: Date.now() }) },
    { node: 'B', next: succeed, handler: (x: any) => Date.now() - x.at >= 1000 * x.wait },
  ]);
  expect(await w.result(await w.run({ wait: 1 }))).toBe(true);
  const bad = await w.client.describeSession(await w.run({ wait: 'soon' }));
  // The egress of A evaluated the Wait: the record names A, the cause names the Wait.
  expect(bad.error).toMatchObject({ node: 'A', error: 'States.QueryEvaluationError' });
  expect(bad.error!.cause).toMatch(/^wait 'Pause': Seconds: the JSONata expression '\{% \$states.input.wait %\}' must evaluate to an integer number of seconds/);
});
