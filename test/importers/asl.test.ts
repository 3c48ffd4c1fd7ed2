/**
 * Amazon States Language definitions, imported, synthesized, compiled and
 * run on the real runtime against the local DynamoDB/S3 servers, with stub
 * functions; the results are what the Step Functions semantics prescribe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deployImported, importDefinition } from './support';
import { UnumContext } from '../../lambda-runtime';
import { translateStatesLanguage } from '../../src/importers/asl';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'asl');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8');

let w: World;
beforeAll(async () => {
  w = await World.create('asl-import');
});
afterAll(async () => w.close());

async function run(input: unknown): Promise<{ status: string; result?: unknown; error?: unknown }> {
  const session = await w.run(input);
  const d = await w.client.describeSession(session);
  if (d.status === 'SUCCEEDED') return { status: d.status, result: await w.result(session) };
  return { status: d.status, error: d.error?.error };
}

class Named extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

test('data flow: InputPath, ResultSelector, ResultPath (incl. null), OutputPath, Parameters with paths, Pass Result', async () => {
  const imported = importDefinition('asl', fixture('data-flow'));
  imported.template.resourceCountIs('AWS::Lambda::Function', 2);
  let shipped: unknown;
  deployImported(w, imported, {
    Fetch: (order: { items: number[] }) => ({ sum: order.items.reduce((a, b) => a + b, 0) }),
    Ship: (x: unknown) => { shipped = x; return { tracking: 'T1' }; },
  });
  expect(await run({ order: { id: 'o-1', items: [3, 4] } })).toEqual({ status: 'SUCCEEDED', result: { total: 7, currency: 'EUR' } });
  expect(shipped).toEqual({ id: 'o-1', amount: 7, how: { express: false, carrier: 'post' }, note: 'static' });
  // A path that does not match fails the session with States.Runtime, as Step Functions does.
  expect(await run({ nothing: true })).toEqual({ status: 'FAILED', error: 'States.Runtime' });
});

test('choice: every operator family, And/Or/Not, Path variants, Default, Fail', async () => {
  const imported = importDefinition('asl', fixture('choice'));
  deployImported(w, imported, Object.fromEntries(['Vip', 'Newcomer', 'Loyal', 'Regular'].map((n) => [n, () => n])));
  const since = '2019-05-01T00:00:00Z';
  expect(await run({ kind: 'vip', spent: 1500, since })).toEqual({ status: 'SUCCEEDED', result: 'Vip' });
  expect(await run({ kind: 'x', blocked: true, since })).toEqual({ status: 'FAILED', error: 'Rejected' });
  expect(await run({ kind: 'x', email: 'a@spam.example', since })).toEqual({ status: 'FAILED', error: 'Rejected' });
  expect(await run({ kind: 'vip', spent: 10 })).toEqual({ status: 'SUCCEEDED', result: 'Newcomer' });
  expect(await run({ kind: 'x', since, spent: 10, limit: 20, tier: 'c' })).toEqual({ status: 'SUCCEEDED', result: 'Loyal' });
  expect(await run({ kind: 'x', since: '2021-01-01T00:00:00Z', spent: 10, limit: 20, tier: 'c' })).toEqual({ status: 'SUCCEEDED', result: 'Regular' });
  expect(await run({ kind: 'x', since, spent: 30, limit: 20, tier: 'c' })).toEqual({ status: 'SUCCEEDED', result: 'Regular' });
  expect(await run({ kind: 'x', since, spent: 10, limit: 20, tier: null })).toEqual({ status: 'SUCCEEDED', result: 'Regular' });
  expect(await run({ kind: 'x', since, spent: 10, limit: 20, tier: 'a' })).toEqual({ status: 'SUCCEEDED', result: 'Regular' });
});

test('parallel: nested branches, a Pass in a branch and at a nested join, ResultSelector on the joined list', async () => {
  const imported = importDefinition('asl', fixture('parallel'));
  imported.template.resourceCountIs('AWS::Lambda::Function', 6);
  deployImported(w, imported, {
    Double: (x: { n: number }) => ({ n: x.n * 2 }),
    Increment: (x: { n: number }) => ({ n: x.n + 1 }),
    Describe: (x: { n: number; tag: string }) => `${x.tag}:${x.n}`,
    Square: (x: { n: number }) => x.n * x.n,
  });
  expect(await run({ n: 3 })).toEqual({ status: 'SUCCEEDED', result: { doubled: { n: 7 }, described: 'wrapped:3', inner: [9, 42] } });
});

test('map with Iterator and ItemsPath, then a Choice on the joined list (an inserted identity Pass); the empty map', async () => {
  const imported = importDefinition('asl', fixture('map-iterator'));
  expect(imported.plan.states.map((s) => s.id)).toContain('EachWord.Output');
  deployImported(w, imported, {
    Split: (x: { text: string }) => ({ words: x.text.split(' ').filter(Boolean) }),
    Upper: (s: string) => s.toUpperCase(),
    Measure: (s: string) => ({ w: s, len: s.length }),
    Join: (list: Array<{ w: string; len: number }>) => list.map((x) => `${x.w}${x.len}`).join('-'),
  });
  expect(await run({ text: 'a bb ccc' })).toEqual({ status: 'SUCCEEDED', result: 'A1-BB2-CCC3' });
  expect(await run({ text: '' })).toEqual({ status: 'SUCCEEDED', result: [] });
});

test('map with an inline ItemProcessor starting with a Choice, OutputPath on the Map', async () => {
  const imported = importDefinition('asl', fixture('map-item-processor'));
  deployImported(w, imported, {
    Pass: (n: number, ctx: UnumContext) => `pass:${n}@${ctx.index}`,
    FailGrade: (n: number, ctx: UnumContext) => `fail:${n}@${ctx.index}`,
  });
  expect(await run({ scores: [70, 30, 50] })).toEqual({ status: 'SUCCEEDED', result: 'fail:30@1' });
});

test('retry and catch: specific retrier, States.ALL with MaxAttempts 0, catch with ResultPath, catch-all to Fail', async () => {
  const imported = importDefinition('asl', fixture('retry-catch'));
  deployImported(w, imported, {
    Charge: (x: { mode: string }, ctx: UnumContext) => {
      if (x.mode === 'throttle' && ctx.attempt < 2) throw new Named('Throttled', 'slow down');
      if (x.mode === 'declined') throw new Named('CardDeclined', 'insufficient funds');
      if (x.mode === 'boom') throw new Named('Boom', 'bug');
      return { charged: true, attempts: ctx.attempt };
    },
    Notify: (x: unknown) => ({ notified: x }),
  });
  expect(await run({ mode: 'ok' })).toEqual({ status: 'SUCCEEDED', result: { charged: true, attempts: 0 } });
  expect(await run({ mode: 'throttle' })).toEqual({ status: 'SUCCEEDED', result: { charged: true, attempts: 2 } });
  expect(await run({ mode: 'declined' })).toEqual({
    status: 'SUCCEEDED',
    result: { notified: { mode: 'declined', error: { Error: 'CardDeclined', Cause: 'insufficient funds' } } },
  });
  expect(await run({ mode: 'boom' })).toEqual({ status: 'FAILED', error: 'ChargeFailed' });
});

test('wait in a polling loop: Choice back-edge, Wait seconds', async () => {
  const imported = importDefinition('asl', fixture('wait-loop'));
  deployImported(w, imported, {
    Submit: () => ({ count: 0 }),
    Poll: (x: { count: number }) => ({ count: x.count + 1, status: x.count + 1 >= 2 ? 'DONE' : 'RUNNING' }),
    Report: (x: { count: number }) => `polled ${x.count}`,
  });
  const started = Date.now();
  expect(await run(null)).toEqual({ status: 'SUCCEEDED', result: 'polled 2' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

test('lambda:invoke with Payload.$ and OutputPath $.Payload, ResultSelector over $.Payload; a Pass start gets an entry function', async () => {
  const imported = importDefinition('asl', fixture('lambda-invoke'), (t) => t.keys[t.keys.length - 1]);
  expect(imported.plan.start).toBe('Start');
  expect(imported.workflow.entryFunction.id).toBe('Start');
  deployImported(w, imported, {
    Multiply: (x: { input: { x: number }; factor: number }) => ({ value: x.input.x * x.factor }),
    Describe: (n: number) => ({ text: `n=${n}`, extra: true }),
  });
  expect(await run({ x: 5 })).toEqual({ status: 'SUCCEEDED', result: { value: 15, description: { text: 'n=15' } } });
});

describe('rejected with the state and the reason', () => {
  const machine = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => JSON.stringify({ StartAt: startAt, States: states });
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const cases: Array<[string, string, RegExp]> = [
    ['an activity', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:work', End: true } }), /state 'A': .*activity/],
    ['a .sync integration', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', End: true } }), /state 'A': .*\.sync/],
    ['a callback', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { 'FunctionName': 'f', 'Payload.$': '$' }, End: true } }), /state 'A': .*callback/],
    ['an intrinsic function', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'id.$': 'States.UUID()' }, End: true } }), /state 'A': .*intrinsic/],
    ['the context object', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'id.$': '$$.Execution.Id' }, End: true } }), /state 'A': .*context object/],
    ['Map MaxConcurrency', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'M' }, M: { Type: 'Map', MaxConcurrency: 2, Iterator: { StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }, End: true } }), /state 'M': MaxConcurrency 2 cannot be honoured/],
    ['Parallel ResultPath', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'P' }, P: { Type: 'Parallel', ResultPath: '$.r', Branches: [{ StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }], End: true } }), /state 'P': ResultPath "\$\.r" cannot be kept/],
    ['Wait until a timestamp', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'W' }, W: { Type: 'Wait', Timestamp: '2030-01-01T00:00:00Z', End: true } }), /state 'W': Wait field Timestamp/],
    ['HeartbeatSeconds', machine({ A: { Type: 'Task', Resource: lambdaArn, HeartbeatSeconds: 10, End: true } }), /state 'A': Task field HeartbeatSeconds/],
    ['a distributed map', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'M' }, M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } }, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }, End: true } }), /state 'M': .*(ItemReader|DISTRIBUTED)/],
    ['a service integration', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true } }), /state 'A': resource .* is not a Lambda function/],
    ['lambda:invoke without selecting the Payload', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': 'f', 'Payload.$': '$' }, End: true } }), /state 'A': the lambda:invoke integration returns/],
    ['an invalid definition (asl-validator)', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Next: 'Missing' } } }), /not a valid state machine \(asl-validator\)/],
  ];
  test.each(cases)('%s', (_what, json, message) => {
    expect(() => translateStatesLanguage(json)).toThrow(ImportError);
    expect(() => translateStatesLanguage(json)).toThrow(message);
  });

  test('every problem is listed, not only the first', () => {
    const json = machine({
      A: { Type: 'Task', Resource: lambdaArn, HeartbeatSeconds: 5, Next: 'B' },
      B: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:x', End: true },
    });
    try {
      translateStatesLanguage(json);
      throw new Error('expected an ImportError');
    } catch (e) {
      expect((e as ImportError).problems).toHaveLength(2);
    }
  });
});
