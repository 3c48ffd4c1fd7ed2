/**
 * Amazon States Language definitions, imported, synthesized, compiled and
 * run on the real runtime against the local DynamoDB/S3 servers, with stub
 * functions; the results are what the Step Functions semantics prescribe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { caseOf, ImportCase, stubHandlers } from './cases';
import { deployImported, importDefinition, nodeFunctionCount } from './support';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../src';
import { translateStatesLanguage } from '../../src/importers/asl';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'asl');
/** The stubs, inputs and expected outcomes are in cases.ts, shared with engine.test.ts (the same fixtures through the local engine). */
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

/** Runs every input of the case (cases.ts, shared with engine.test.ts) and expects its outcome. */
async function expectRuns(c: ImportCase): Promise<void> {
  for (const r of c.runs) expect(await run(r.input)).toEqual(r.expected);
}

test('data flow: InputPath, ResultSelector, ResultPath (incl. null), OutputPath, Parameters with paths, Pass Result', async () => {
  const imported = importDefinition('asl', fixture('data-flow'));
  expect(nodeFunctionCount(imported.template)).toBe(2);
  let shipped: unknown;
  // Ship as its stub, but captured here rather than logged; a path that does not match fails with States.Runtime.
  deployImported(w, imported, { ...stubHandlers(caseOf('asl-data-flow')), Ship: (x: unknown) => { shipped = x; return { tracking: 'T1' }; } });
  await expectRuns(caseOf('asl-data-flow'));
  expect(shipped).toEqual({ id: 'o-1', amount: 7, how: { express: false, carrier: 'post' }, note: 'static' });
});

test('choice: every operator family, And/Or/Not, Path variants, Default, Fail', async () => {
  const imported = importDefinition('asl', fixture('choice'));
  deployImported(w, imported, stubHandlers(caseOf('asl-choice')));
  await expectRuns(caseOf('asl-choice'));
});

test('parallel: nested branches, a Pass in a branch and at a nested join, ResultSelector on the joined list', async () => {
  const imported = importDefinition('asl', fixture('parallel'));
  expect(nodeFunctionCount(imported.template)).toBe(6);
  deployImported(w, imported, stubHandlers(caseOf('asl-parallel')));
  await expectRuns(caseOf('asl-parallel'));
});

test('map with Iterator and ItemsPath, then a Choice on the joined list (an inserted identity Pass); the empty map', async () => {
  const imported = importDefinition('asl', fixture('map-iterator'));
  expect(imported.plan.states.map((s) => s.id)).toContain('EachWord.Output');
  deployImported(w, imported, stubHandlers(caseOf('asl-map-iterator')));
  await expectRuns(caseOf('asl-map-iterator'));
});

test('map with an inline ItemProcessor starting with a Choice, OutputPath on the Map', async () => {
  const imported = importDefinition('asl', fixture('map-item-processor'));
  deployImported(w, imported, stubHandlers(caseOf('asl-map-item-processor')));
  await expectRuns(caseOf('asl-map-item-processor'));
});

test('retry and catch: specific retrier, States.ALL with MaxAttempts 0, catch with ResultPath, catch-all to Fail', async () => {
  const imported = importDefinition('asl', fixture('retry-catch'));
  // Charge succeeds (ok), throws Throttled twice (throttle), CardDeclined (declined) or Boom (boom).
  deployImported(w, imported, stubHandlers(caseOf('asl-retry-catch')));
  await expectRuns(caseOf('asl-retry-catch'));
});

test('wait in a polling loop: Choice back-edge, Wait seconds; the machine\'s TimeoutSeconds is the workflow\'s timeout', async () => {
  const imported = importDefinition('asl', fixture('wait-loop'));
  expect(imported.plan.timeoutSeconds).toBe(300);
  expect(imported.definition.timeout?.toSeconds()).toBe(300);
  // Only the entry carries it: it sets the session's deadline, which every envelope then carries.
  expect(imported.configs.map((c) => [c.node, c.timeoutSeconds])).toEqual(imported.configs.map((c) => [c.node, c.entry ? 300 : undefined]));
  deployImported(w, imported, stubHandlers(caseOf('asl-wait-loop')));
  const started = Date.now();
  await expectRuns(caseOf('asl-wait-loop'));
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
});

test('lambda:invoke with Payload.$ and OutputPath $.Payload, ResultSelector over $.Payload; a Pass start gets an entry function', async () => {
  const imported = importDefinition('asl', fixture('lambda-invoke'), (t) => t.keys[t.keys.length - 1]);
  expect(imported.plan.start).toBe('Start');
  expect(imported.workflow.entryFunction.id).toBe('Start');
  deployImported(w, imported, stubHandlers(caseOf('asl-lambda-invoke')));
  await expectRuns(caseOf('asl-lambda-invoke'));
});

test('the context object and Map ItemSelector (and Parameters, its older name on a Map) import and run', async () => {
  const lambdaArn = (f: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f}`;
  // The shape of Step Functions' documented ItemSelector example: each item with its index and a field of the Map's input.
  const each = (field: string) => ({
    Type: 'Map',
    ItemsPath: '$.detail.shipped',
    [field]: { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value', 'delivery.$': '$.delivery-partner' },
    ItemProcessor: { StartAt: 'Ship', States: { Ship: { Type: 'Task', Resource: lambdaArn('ship'), End: true } } },
  });
  const definition = (field: string) => JSON.stringify({
    StartAt: 'Load',
    States: {
      Load: { Type: 'Task', Resource: lambdaArn('load'), Parameters: { 'name.$': '$$.Execution.Name', 'detail.$': '$$.Execution.Input.detail', 'delivery-partner': 'UQS' }, Next: 'Each' },
      Each: { ...each(field), End: true },
    },
  });
  for (const field of ['ItemSelector', 'Parameters']) {
    const imported = importDefinition('asl', definition(field));
    deployImported(w, imported, { Load: (x: unknown) => x, Ship: (x: unknown) => x });
    const session = await w.run({ detail: { shipped: [{ 'prod': 'R31', 'dest-code': 9511 }, { 'prod': 'S39', 'dest-code': 9511 }] } }, `import-ctx-${field}`);
    expect(await w.result(session)).toEqual([
      { ContextIndex: 0, ContextValue: { 'prod': 'R31', 'dest-code': 9511 }, delivery: 'UQS' },
      { ContextIndex: 1, ContextValue: { 'prod': 'S39', 'dest-code': 9511 }, delivery: 'UQS' },
    ]);
  }
});

describe('TimeoutSeconds of the state machine', () => {
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const slowThenNext = (timeoutSeconds: unknown) => JSON.stringify({
    TimeoutSeconds: timeoutSeconds,
    StartAt: 'Slow',
    States: { Slow: { Type: 'Task', Resource: lambdaArn, Next: 'After' }, After: { Type: 'Task', Resource: lambdaArn, End: true } },
  });

  test('a session still running past it is TIMED_OUT (States.Timeout) and the next state never runs', async () => {
    const imported = importDefinition('asl', slowThenNext(1));
    expect(imported.configs.find((c) => c.entry)).toMatchObject({ node: 'Slow', timeoutSeconds: 1 });
    deployImported(w, imported, { Slow: () => new Promise((r) => setTimeout(() => r('late'), 1500)), After: (x: unknown) => x });
    const session = await w.run({});
    expect(await w.client.describeSession(session)).toMatchObject({ status: 'TIMED_OUT', error: { error: 'States.Timeout', node: 'Slow' } });
    expect(w.runs['Slow|0']).toBe(1);
    expect(w.runs['After|0']).toBeUndefined();
  });

  test.each([
    ['zero', 0, /the state machine's TimeoutSeconds \(0\) must be a whole number of seconds from 1 to 31536000/],
    ['more than a year', 31_536_001, /the state machine's TimeoutSeconds \(31536001\) must be a whole number of seconds from 1 to 31536000/],
    // asl-validator refuses what is not an integer before the translation sees it.
    ['fractional', 1.5, /not a valid state machine \(asl-validator\): .*TimeoutSeconds/],
    ['a string', '60', /not a valid state machine \(asl-validator\): .*TimeoutSeconds/],
  ])('%s is refused', (_what, value, message) => {
    expect(() => translateStatesLanguage(slowThenNext(value))).toThrow(ImportError);
    expect(() => translateStatesLanguage(slowThenNext(value))).toThrow(message);
  });

  test('the UnumWorkflow takes it unless its own timeout says otherwise, which is an error', () => {
    const workflow = (timeout?: Duration) => {
      const stack = new Stack(new App(), 'S');
      const functions = Object.fromEntries(['Slow', 'After'].map((id) => [id, new UnumFunction(stack, id, {
        code: lambda.Code.fromInline('exports.h = async (x) => x;'), handler: 'index.h',
      })]));
      const definition = WorkflowDefinition.fromStatesLanguage(stack, 'Definition', slowThenNext(120), { functions });
      return new UnumWorkflow(stack, 'Workflow', { definition, workflowName: 'wf', ...(timeout ? { timeout } : {}) });
    };
    expect(() => workflow()).not.toThrow();
    expect(() => workflow(Duration.minutes(2))).not.toThrow();
    expect(() => workflow(Duration.minutes(3))).toThrow(
      "UnumWorkflow 'wf': timeout 3 minutes differs from the imported definition's TimeoutSeconds (120): remove one of them or make them equal");
  });
});

describe('rejected with the state and the reason', () => {
  const machine = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => JSON.stringify({ StartAt: startAt, States: states });
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const cases: Array<[string, string, RegExp]> = [
    ['an activity', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:work', End: true } }), /state 'A': .*activity/],
    ['a .sync integration', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', End: true } }), /state 'A': .*\.sync/],
    ['a callback', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { 'FunctionName': 'f', 'Payload.$': '$' }, End: true } }), /state 'A': .*callback/],
    ['an intrinsic function', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'id.$': 'States.UUID()' }, End: true } }), /state 'A': .*intrinsic/],
    ['a task token', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'token.$': '$$.Task.Token' }, End: true } }), /state 'A': .*task tokens are not supported yet/],
    ['an unknown context field', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'r.$': '$$.Execution.RoleArn' }, End: true } }), /state 'A': .*not a field of the context object; the fields are \$\$\.Execution\.Id/],
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
