/**
 * The context object `$$` through the Node runtime against the local
 * DynamoDB: Parameters, ResultSelector, Pass states and a Map's itemSelector
 * read it with the values cdk-unum defines (README, Step Functions section).
 */
import { join, succeed, to, World } from './harness';
import { SESSION_ATTR } from '../../src/protocol';
import { CHARGE_FLOW, ITEM_SELECTOR, PATHS, STAMP_PARAMETERS } from '../support/context-fixture';

let w: World;
const region = process.env.AWS_REGION ?? 'local';
beforeAll(async () => {
  w = await World.create('context-object');
});
afterAll(async () => w.close());

class Flaky extends Error {
  constructor() {
    super('try again');
    this.name = 'Flaky';
  }
}

/** The session record's start time, which $$.Execution.StartTime must equal. */
async function startTime(session: string): Promise<string> {
  const [item] = (await w.items(w.keys(session).session)).filter((i) => i.sk.S === 'SESSION');
  return item[SESSION_ATTR.START].S;
}

test('Parameters read Execution, StateMachine and State; RetryCount counts the retries made; ResultSelector and a Pass read it too', async () => {
  let seen: unknown;
  w.deploy('wf', [{
    node: 'Charge',
    next: { kind: 'pass', node: 'Stamp', dataFlow: { parameters: STAMP_PARAMETERS }, next: succeed },
    retry: [{ errors: ['Flaky'], intervalSeconds: 0.001, maxAttempts: 2, backoffRate: 1 }],
    dataFlow: CHARGE_FLOW,
    handler: (input: { retries: number }, ctx) => {
      seen = input;
      if (ctx.attempt < 2) throw new Flaky();
      return input;
    },
  }]);
  const session = await w.run({ x: 41 }, 'ctx-s1');
  expect(seen).toEqual({
    name: 'ctx-s1',
    id: `arn:aws:states:${region}:123456789012:execution:wf:ctx-s1`,
    x: 41,
    start: await startTime(session),
    state: 'Charge',
    retries: 2,
    machine: 'wf',
    own: 41,
  });
  expect((seen as { start: string }).start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(await w.result(session)).toEqual({ order: { value: 41, by: 'Charge', retries: 2 }, pass: 'Stamp', name: 'ctx-s1' });
});

test('templates without $$ work as before (no context object is built)', async () => {
  w.deploy('wf', [{ node: 'A', next: succeed, dataFlow: { parameters: { 'v.$': '$.v' } }, handler: (x) => x }]);
  expect(await w.result(await w.run({ v: 1 }))).toEqual({ v: 1 });
});

test('a $$ path that matches nothing fails the session with States.Runtime', async () => {
  w.deploy('wf', [{ node: 'A', next: succeed, dataFlow: { parameters: { 'v.$': '$$.Execution.Input.absent' } }, handler: (x) => x }]);
  const session = await w.run({ v: 1 });
  const d = await w.client.describeSession(session);
  expect([d.status, d.error?.error]).toEqual(['FAILED', 'States.Runtime']);
  expect(d.error?.cause).toContain("'$$.Execution.Input.absent'");
});

test('Map itemSelector: .$ paths read the Map\'s input, $$.Map.Item.Index/Value the item', async () => {
  w.deploy('wf', [
    {
      node: 'Split',
      next: {
        kind: 'map',
        fanout: 'M',
        join: 'J',
        itemsPath: '$.items',
        item: to('Work'),
        onEmpty: to('Agg'),
        itemSelector: ITEM_SELECTOR,
      },
      handler: (x) => x,
    },
    { node: 'Work', next: join('J', ['Work'], to('Agg')), handler: (x: { index: number; item: string; prefix: string }) => `${x.prefix}${x.index}:${x.item}` },
    { node: 'Agg', next: succeed, handler: (list: string[]) => list },
  ]);
  expect(await w.result(await w.run({ prefix: 'p', items: ['a', 'b', 'c'] }))).toEqual(['p0:a', 'p1:b', 'p2:c']);
});

// Step Functions reads $$ in paths too: InputPath, OutputPath, ItemsPath, a Choice's Variable and its ...Path operand.
test('$$ in InputPath, OutputPath, ItemsPath and a Choice: the original input reached later, the State name as output', async () => {
  const seen: unknown[] = [];
  w.deploy('wf', [
    {
      node: 'First',
      next: {
        kind: 'choice',
        node: 'Route',
        rules: [{ when: PATHS.route, then: to('Split') }],
        otherwise: to('Other'),
      },
      handler: () => ({ mode: 'fan' }),
    },
    {
      node: 'Split',
      next: { kind: 'map', fanout: 'M', join: 'J', itemsPath: PATHS.itemsPath, item: to('Work'), onEmpty: to('Agg') },
      handler: (x) => x,
    },
    { node: 'Work', next: join('J', ['Work'], to('Agg')), handler: (x: number) => x * 10 },
    {
      node: 'Agg',
      next: succeed,
      dataFlow: PATHS.agg,
      handler: (x) => {
        seen.push(x);
        return x;
      },
    },
    { node: 'Other', next: succeed, dataFlow: PATHS.other, handler: (x) => x },
  ]);
  // Agg reads the session's input, not the joined list [10, 20, 30]; its output is its state name.
  expect(await w.result(await w.run({ mode: 'fan', items: [1, 2, 3] }))).toBe('Agg');
  expect(seen).toEqual([{ items: [1, 2, 3] }]);
  expect(await w.result(await w.run({ mode: 'solo', items: [] }))).toBe('solo');
  // A $$ path of a Choice that matches nothing is States.Runtime naming the Choice, as an input path would be.
  const d = await w.client.describeSession(await w.run({ items: [] }));
  expect([d.status, d.error?.error]).toEqual(['FAILED', 'States.Runtime']);
  expect(d.error?.cause).toBe("choice 'Route': Invalid path '$$.Execution.Input.mode': The choice state's condition path references an invalid value.");
});
