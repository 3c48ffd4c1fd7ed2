/**
 * Amazon States Language definitions, imported, synthesized, compiled and
 * run on the real runtime against the local DynamoDB/S3 servers, with stub
 * functions; the results are what the Step Functions semantics prescribe.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { caseOf, ImportCase, stubHandlers } from './cases';
import { deployImported, importDefinition, nodeFunctionCount } from './support';
import { UnumFunction, UnumWorkflow, WorkflowDefinition } from '../../src';
import { translateStatesLanguage } from '../../src/importers/asl';
import { generateTypeScript } from '../../src/importers/codegen';
import { ImportError, PlanTask, PlanWait } from '../../src/importers/plan';
import { World } from '../runtime/harness';

// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown, options?: { checkPaths?: boolean }) => { isValid: boolean } = require('asl-validator');

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

test('Parallel and Map InputPath, ResultSelector, ResultPath (incl. null), OutputPath and MaxConcurrency go onto the fan-outs and run as Step Functions documents', async () => {
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const task = (next?: string) => ({ Type: 'Task', Resource: lambdaArn, ...(next ? { Next: next } : { End: true }) });
  const imported = importDefinition('asl', JSON.stringify({
    StartAt: 'Start',
    States: {
      Start: task('Totals'),
      Totals: {
        Type: 'Parallel',
        InputPath: '$.order',
        ResultSelector: { 'sum.$': '$[0]', 'twice.$': '$[1]' },
        ResultPath: '$.totals',
        Next: 'Checks',
        Branches: [{ StartAt: 'Sum', States: { Sum: task() } }, { StartAt: 'Twice', States: { Twice: task() } }],
      },
      Checks: { Type: 'Map', ItemsPath: '$.order.items', ResultPath: null, Iterator: { StartAt: 'Check', States: { Check: task() } }, Next: 'Picked' },
      Picked: { Type: 'Map', ItemsPath: '$.order.items', MaxConcurrency: 1, ResultPath: '$.picked', OutputPath: '$.picked', Iterator: { StartAt: 'Pick', States: { Pick: task() } }, Next: 'Done' },
      Done: task(),
    },
  }));
  const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
  expect(byId.Totals).toMatchObject({ kind: 'parallel', dataFlow: { inputPath: '$.order', resultSelector: { 'sum.$': '$[0]', 'twice.$': '$[1]' }, resultPath: '$.totals' } });
  expect(byId.Checks).toMatchObject({ kind: 'map', dataFlow: { resultPath: 'DISCARD' } });
  // MaxConcurrency is honoured, so it is kept (no longer refused, no relaxMaxConcurrency needed).
  expect(byId.Picked).toMatchObject({ kind: 'map', maxConcurrency: 1, dataFlow: { resultPath: '$.picked', outputPath: '$.picked' } });
  expect(byId.Checks).not.toHaveProperty('maxConcurrency');
  // Only the identity Passes that carry a joined list into the next fan-out: no data flow moved into Passes.
  expect(imported.plan.states.filter((s) => s.kind === 'pass').map((s) => s.id)).toEqual(['Totals.Output', 'Checks.Output']);
  expect(imported.plan.states.filter((s) => s.kind === 'pass').every((s) => Object.keys(s).sort().join() === 'comment,id,kind,next,source')).toBe(true);
  const checked: number[] = [];
  deployImported(w, imported, {
    Start: (x: unknown) => x,
    Sum: (o: { items: number[] }) => o.items.reduce((a, b) => a + b, 0),
    Twice: (o: { items: number[] }) => o.items.map((n) => n * 2),
    Check: (n: number) => { checked.push(n); return n > 0; },
    Pick: (n: number) => ({ n }),
    Done: (x: unknown) => x,
  });
  expect(await run({ order: { items: [1, 2] }, who: 'me' })).toEqual({ status: 'SUCCEEDED', result: [{ n: 1 }, { n: 2 }] });
  expect(checked.sort()).toEqual([1, 2]);
});

test('JSONata Wait Seconds/Timestamp and Fail Error/Cause translate and run: the wait as computed, the error and cause from the input and a variable', async () => {
  const imported = importDefinition('asl', fixture('jsonata-wait-fail'));
  const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
  expect(byId.Hold).toMatchObject({ kind: 'wait', seconds: '{% $states.input.hold %}' });
  expect(byId.HoldUntil).toMatchObject({ kind: 'wait', timestamp: '{% $states.input.until %}' });
  expect(byId.Reject).toMatchObject({ kind: 'fail', error: "{% 'Order.' & $uppercase($states.input.code) %}" });
  deployImported(w, imported, { Check: () => ({ reason: 'out of stock' }) });
  const failed = async (input: unknown) => w.client.describeSession(await w.run(input));
  expect((await failed({ hold: 0, code: 'late' })).error).toMatchObject({ error: 'Order.LATE', cause: 'Reject: out of stock' });
  expect((await failed({ until: '2020-01-01T00:00:00Z', code: 'old' })).error).toMatchObject({ error: 'Order.OLD' });
  expect((await failed({ hold: -1, code: 'x' })).error).toMatchObject({ error: 'States.QueryEvaluationError' });
});

test('choice: every operator family, And/Or/Not, Path variants, Default, Fail', async () => {
  const imported = importDefinition('asl', fixture('choice'));
  deployImported(w, imported, stubHandlers(caseOf('asl-choice')));
  await expectRuns(caseOf('asl-choice'));
});

test('JSONPath that asl-validator refuses but Step Functions runs: filters with && and !=, slice steps, negatives, .$ in arrays, an indefinite Choice variable', async () => {
  // asl-validator alone refuses this definition (its path grammar is narrower than Step Functions').
  expect(aslValidator(JSON.parse(fixture('jsonpath')), { checkPaths: true }).isValid).toBe(false);
  const imported = importDefinition('asl', fixture('jsonpath'));
  deployImported(w, imported, stubHandlers(caseOf('asl-jsonpath')));
  await expectRuns(caseOf('asl-jsonpath'));
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

test('lambda:invoke with Payload.$ and OutputPath $.Payload, ResultSelector over $.Payload; a Pass start needs no added function', async () => {
  const imported = importDefinition('asl', fixture('lambda-invoke'), (t) => t.keys[t.keys.length - 1]);
  expect(imported.plan.start).toBe('Seed');
  expect(imported.plan.states.map((s) => s.id)).not.toContain('Start');
  // The first function after the Pass starts sessions and runs the Pass first.
  expect(imported.workflow.entryFunction.id).toBe('Multiply');
  deployImported(w, imported, stubHandlers(caseOf('asl-lambda-invoke')));
  await expectRuns(caseOf('asl-lambda-invoke'));
});

test('lambda:invoke read as Lambda\'s response ($.Payload, $.StatusCode, $.ExecutedVersion): payloadResponseOnly false; a function ARN keeps the plain result', async () => {
  const imported = importDefinition('asl', fixture('lambda-invoke-response'), (t) => t.keys[t.keys.length - 1]);
  const flows = Object.fromEntries(imported.configs.map((c) => [c.node, c.dataFlow]));
  expect(flows).toEqual({
    Score: { resultPath: '$.scored', lambdaResponse: true },
    Approve: { parameters: { 'score.$': '$.scored.Payload.score' }, resultSelector: { 'approved.$': '$.Payload.approved', 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' }, lambdaResponse: true },
    Reject: { inputPath: '$.scored.Payload', lambdaResponse: true },
  });
  deployImported(w, imported, stubHandlers(caseOf('asl-lambda-invoke-response')));
  await expectRuns(caseOf('asl-lambda-invoke-response'));
  const arn = translateStatesLanguage(JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', ResultPath: '$.r', End: true } } }));
  expect(arn.states[0]).toMatchObject({ kind: 'task', dataFlow: { resultPath: '$.r' } });
  expect((arn.states[0] as { dataFlow: object }).dataFlow).not.toHaveProperty('payloadResponseOnly');
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

test('$$ in InputPath, OutputPath, ItemsPath, a Choice Variable and its ...Path operand, and Payload.$ import and run', async () => {
  const lambdaArn = (f: string) => `arn:aws:lambda:us-east-1:123456789012:function:${f}`;
  const definition = JSON.stringify({
    StartAt: 'Load',
    States: {
      Load: { Type: 'Task', Resource: lambdaArn('load'), Next: 'Route' },
      Route: {
        Type: 'Choice',
        Choices: [{ Variable: '$$.Execution.Input.mode', StringEqualsPath: '$.mode', Next: 'Each' }],
        Default: 'Solo',
      },
      Each: {
        Type: 'Map',
        ItemsPath: '$$.Execution.Input.items',
        ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: lambdaArn('work'), End: true } } },
        ResultPath: '$.done',
        Next: 'Report',
      },
      Report: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { 'FunctionName': 'report', 'Payload.$': '$$.Execution.Input' },
        OutputPath: '$.Payload',
        End: true,
      },
      Solo: { Type: 'Task', Resource: lambdaArn('solo'), InputPath: '$$.Execution.Input', OutputPath: '$$.Execution.Input.mode', End: true },
    },
  });
  const imported = importDefinition('asl', definition);
  const seen: unknown[] = [];
  deployImported(w, imported, {
    Load: () => ({ mode: 'fan' }),
    Work: (x: number) => x + 1,
    Report: (x: unknown) => {
      seen.push(x);
      return { reported: x };
    },
    Solo: (x: unknown) => x,
  });
  expect(await w.result(await w.run({ mode: 'fan', items: [1, 2] }))).toEqual({ reported: { mode: 'fan', items: [1, 2] } });
  expect(await w.result(await w.run({ mode: 'one', items: [] }))).toBe('one');
  const failed = await w.client.describeSession(await w.run({ items: [] }));
  expect([failed.status, failed.error?.error]).toEqual(['FAILED', 'States.Runtime']);
  expect(failed.error?.cause).toMatch(/choice 'Route': Invalid path '\$\$\.Execution\.Input\.mode'/);
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
    ['Parallel Parameters with ResultPath', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'P' }, P: { Type: 'Parallel', Parameters: { 'x.$': '$.x' }, ResultPath: '$.r', Branches: [{ StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }], End: true } }), /state 'P': Parameters together with ResultPath "\$\.r" cannot be kept/],
    ['a task token', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'token.$': '$$.Task.Token' }, End: true } }), /state 'A': .*task tokens are only given to a task that waits for a callback/],
    ['an unknown context field', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'r.$': '$$.Execution.RoleArn' }, End: true } }), /state 'A': .*not a field of the context object; the fields are \$\$\.Execution\.Id/],
    ['$$.Map.Item outside an ItemSelector', machine({ A: { Type: 'Task', Resource: lambdaArn, InputPath: '$$.Map.Item.Value', End: true } }), /state 'A': InputPath: \$\$\.Map\.Item\.Value: \$\$\.Map\.Item is only available in a Map's itemSelector/],
    ['HeartbeatSeconds', machine({ A: { Type: 'Task', Resource: lambdaArn, HeartbeatSeconds: 10, End: true } }), /state 'A': Task field HeartbeatSeconds/],
    ['a distributed map', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'M' }, M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } }, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }, End: true } }), /state 'M': .*(ItemReader|DISTRIBUTED)/],
    ['a service integration', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true } }), /state 'A': resource .* is not a Lambda function/],
    ['lambda:invoke with a Qualifier', machine({ A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': 'f', 'Payload.$': '$', 'Qualifier': 'live' }, End: true } }), /state 'A': lambda:invoke parameters Qualifier are not supported/],
    ['an invalid definition (asl-validator)', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Next: 'Missing' } } }), /not a valid state machine \(asl-validator\)/],
    // A path neither asl-validator nor Step Functions accepts stays asl-validator's error.
    ['a malformed InputPath', machine({ A: { Type: 'Task', Resource: lambdaArn, InputPath: '$.a[?(@.b > 1 &&)]', End: true } }), /not a valid state machine \(asl-validator\): .*InputPath/],
    ['a code-like filter in Parameters', machine({ A: { Type: 'Task', Resource: lambdaArn, Parameters: { 'x.$': '$.a[?(@.b.size() > 1)]' }, End: true } }), /not a valid state machine \(asl-validator\): .*Parameters\/x\.\$/],
    ['an indefinite ResultPath', machine({ A: { Type: 'Task', Resource: lambdaArn, ResultPath: '$.a[*]', End: true } }), /not a valid state machine \(asl-validator\): .*ResultPath/],
    // asl-validator reports one schema error at a time: the one behind an accepted path is still found.
    ['an error after a path Step Functions accepts', machine({ A: { Type: 'Task', Resource: lambdaArn, InputPath: '$.a[?(@.b > 1 && @.c)]', TimeoutSeconds: 'x', End: true } }), /not a valid state machine \(asl-validator\): .*TimeoutSeconds/],
    ['an indefinite ItemsPath', machine({ A: { Type: 'Task', Resource: lambdaArn, Next: 'M' }, M: { Type: 'Map', ItemsPath: '$.a[1:]', Iterator: { StartAt: 'B', States: { B: { Type: 'Task', Resource: lambdaArn, End: true } } }, End: true } }), /not a valid state machine \(asl-validator\): .*ItemsPath/],
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

describe('definitions asl-validator cannot read, and JSONata, are refused with the state named', () => {
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const problemsOf = (definition: unknown): readonly string[] => {
    try {
      translateStatesLanguage(JSON.stringify(definition));
    } catch (e) {
      expect(e).toBeInstanceOf(ImportError);
      return (e as ImportError).problems;
    }
    throw new Error('expected an ImportError');
  };

  test('a state that is not an object (asl-validator throws a TypeError on it) is named, with what it must be', () => {
    expect(problemsOf({ StartAt: 'A', States: { A: 5 } })).toEqual(["state 'A' (in the state machine) must be a JSON object with a \"Type\", not 5"]);
    expect(problemsOf({ StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'B', States: { B: null } }] } } }))
      .toEqual(["state 'B' (in branch 0 of 'P') must be a JSON object with a \"Type\", not null"]);
    expect(problemsOf({ StartAt: 'A' })).toEqual(['the state machine needs "States": an object of states by name']);
  });

  test('a Pass state with neither Next nor End, at the top or in a Map, names the state and the fix', () => {
    const fix = "state 'A' needs exactly one of \"Next\": \"<the following state>\" or \"End\": true";
    expect(problemsOf({ StartAt: 'A', States: { A: { Type: 'Pass' } } })).toContain(fix);
    expect(problemsOf({ StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass' } } } } } })).toContain(fix);
  });

  test('a schema finding is located at its state', () => {
    expect(problemsOf({ StartAt: 'C', States: { C: { Type: 'Choice', Default: 'D' }, D: { Type: 'Succeed' } } }))
      .toEqual(["not a valid state machine (asl-validator): state 'C': /States/C is invalid. must match exactly one schema in oneOf"]);
  });

  test('JSONata at the top or per state translates: Task Arguments/Output/Assign, a Condition, a Pass', () => {
    const plan = translateStatesLanguage(JSON.stringify({
      StartAt: 'T',
      States: {
        T: { Type: 'Task', QueryLanguage: 'JSONata', Resource: lambdaArn, Arguments: { x: '{% $states.input.x %}' }, Assign: { x: '{% $states.input.x %}' }, Next: 'C' },
        C: { Type: 'Choice', QueryLanguage: 'JSONata', Choices: [{ Condition: '{% $states.input.x > $x %}', Next: 'D' }], Default: 'D' },
        D: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { x: '{% $x %}' }, End: true },
      },
    }));
    expect(plan.states.find((s) => s.id === 'T')).toMatchObject({
      kind: 'task', dataFlow: { queryLanguage: 'JSONata', arguments: { x: '{% $states.input.x %}' }, assign: { x: '{% $states.input.x %}' } },
    });
    expect(plan.states.find((s) => s.id === 'C')).toMatchObject({ kind: 'choice', rules: [{ condition: { op: 'jsonata', expression: '{% $states.input.x > $x %}' } }] });
    expect(plan.states.find((s) => s.id === 'D')).toMatchObject({ kind: 'pass', queryLanguage: 'JSONata', outputs: { x: '{% $x %}' } });
  });

  test('JSONata catchers and Choice rules keep their Output and Assign; the Choice its own', () => {
    const plan = translateStatesLanguage(JSON.stringify({
      StartAt: 'T',
      QueryLanguage: 'JSONata',
      States: {
        T: {
          Type: 'Task',
          Resource: lambdaArn,
          Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: { why: '{% $states.errorOutput.Cause %}' }, Assign: { failed: true }, Next: 'F' }],
          Next: 'C',
        },
        C: {
          Type: 'Choice',
          Assign: { seen: '{% $states.input.total %}' },
          Choices: [{ Condition: '{% $states.input.total > 100 %}', Output: { tier: 'gold' }, Assign: { tier: 'gold' }, Next: 'F' }],
          Default: 'F',
        },
        F: { Type: 'Pass', End: true },
      },
    }));
    expect(plan.states.find((s) => s.id === 'T')).toMatchObject({
      catch: [{ errors: ['States.QueryEvaluationError'], outputs: { why: '{% $states.errorOutput.Cause %}' }, assign: { failed: true }, next: 'F' }],
    });
    expect(plan.states.find((s) => s.id === 'C')).toEqual(expect.objectContaining({
      kind: 'choice',
      assign: { seen: '{% $states.input.total %}' },
      rules: [{ condition: { op: 'jsonata', expression: '{% $states.input.total > 100 %}' }, next: 'F', outputs: { tier: 'gold' }, assign: { tier: 'gold' } }],
      otherwise: 'F',
    }));
  });

  test('JSONata refusals name the state: fields on a JSONPath state, JSONPath under JSONata, bad expressions (catchers and Choice rules too)', () => {
    expect(problemsOf({ StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input %}', End: true } } }))
      .toEqual([expect.stringMatching(/^state 'A' uses the JSONata field Output but its query language is JSONPath; set "QueryLanguage": "JSONata"/)]);
    expect(problemsOf({ StartAt: 'A', QueryLanguage: 'JSONata', States: { A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } }))
      .toEqual([expect.stringMatching(/^state 'A': QueryLanguage "JSONPath" inside a JSONata state machine is not allowed/)]);
    expect(problemsOf({ StartAt: 'T', QueryLanguage: 'JSONata', States: { T: { Type: 'Task', Resource: lambdaArn, Output: '{% $states.result. %}', End: true } } }))
      .toEqual([expect.stringMatching(/^state 'T': Output: the JSONata expression '\{% \$states\.result\. %\}' does not parse \(JSONata error S\d+\)/)]);
    expect(problemsOf({
      StartAt: 'T',
      QueryLanguage: 'JSONata',
      States: {
        T: { Type: 'Task', Resource: lambdaArn, InputPath: '$.x', Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput. %}', Next: 'C' }], Next: 'C' },
        C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Assign: { 'a-b': 1 }, Next: 'W' }], Default: 'W', Output: '{% ( %}' },
        W: { Type: 'Wait', Seconds: '{% 1 + %}', End: true },
      },
    })).toEqual([
      expect.stringMatching(/^state 'T': Task field InputPath cannot be translated: JSONata states select their input with Arguments/),
      expect.stringMatching(/^state 'T': Catch\[0\]\.Output: the JSONata expression '\{% \$states\.errorOutput\. %\}' does not parse/),
      expect.stringMatching(/^state 'C': Output: the JSONata expression '\{% \( %\}' does not parse/),
      expect.stringMatching(/^state 'C': Choices\[0\]\.Assign: 'a-b' is not a variable name/),
      expect.stringMatching(/^state 'W': Seconds: the JSONata expression '\{% 1 \+ %\}' does not parse/),
    ]);
  });

  test('QueryLanguage JSONPath anywhere is accepted', () => {
    const plan = translateStatesLanguage(JSON.stringify({
      StartAt: 'A', QueryLanguage: 'JSONPath', States: { A: { Type: 'Task', QueryLanguage: 'JSONPath', Resource: lambdaArn, End: true } },
    }));
    expect(plan.states.map((s) => s.kind)).toEqual(['task']);
  });
});

test('a Retry only on the Lambda service\'s Invoke errors (the console\'s default) is dropped with a note; one that also names other errors is kept', () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const plan = translateStatesLanguage(JSON.stringify({
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: arn,
        Retry: [
          { ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 },
          { ErrorEquals: ['Lambda.TooManyRequestsException', 'Throttled'], IntervalSeconds: 1, MaxAttempts: 2 },
          { ErrorEquals: ['Lambda.Unknown'], MaxAttempts: 1 },
        ],
        End: true,
      },
    },
  }));
  expect((plan.states[0] as unknown as { retry: unknown[] }).retry).toEqual([
    { errors: ['Lambda.TooManyRequestsException', 'Throttled'], intervalSeconds: 1, maxAttempts: 2 },
    { errors: ['Lambda.Unknown'], maxAttempts: 1 },
  ]);
  expect(plan.notes).toEqual([expect.stringMatching(/^state 'A': Retry on Lambda\.ServiceException, Lambda\.AWSLambdaException, .* dropped: these are errors of the Lambda Invoke call/)]);
});

test('StartAt a Choice, Parallel, Map, Pass or Wait adds no function; Wait SecondsPath/Timestamp/TimestampPath and Fail ErrorPath/CausePath are kept', () => {
  const lambdaArn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
  const task = (next?: string) => ({ Type: 'Task', Resource: lambdaArn, ...(next ? { Next: next } : { End: true }) });
  const plan = translateStatesLanguage(JSON.stringify({
    StartAt: 'Until',
    States: {
      // The Wait guide's examples.
      Until: { Type: 'Wait', Timestamp: '2024-08-18T17:33:00Z', Next: 'ForPath' },
      ForPath: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'UntilPath' },
      UntilPath: { Type: 'Wait', TimestampPath: '$.expirydate', Next: 'A' },
      A: task('Failed'),
      // The Fail guide's example.
      Failed: { Type: 'Fail', CausePath: '$.Cause', ErrorPath: '$.Error' },
    },
  }));
  expect(plan.start).toBe('Until');
  expect(plan.states.map((s) => s.kind)).toEqual(['wait', 'wait', 'wait', 'task', 'fail']);
  expect(plan.states.filter((s) => s.kind === 'wait').map((s) => {
    const { seconds, secondsPath, timestamp, timestampPath } = s as PlanWait;
    return { seconds, secondsPath, timestamp, timestampPath };
  })).toEqual([
    { timestamp: '2024-08-18T17:33:00Z' }, { secondsPath: '$.waitSeconds' }, { timestampPath: '$.expirydate' },
  ].map((time) => ({ seconds: undefined, secondsPath: undefined, timestamp: undefined, timestampPath: undefined, ...time })));
  expect(plan.states.find((s) => s.kind === 'fail')).toMatchObject({ errorPath: '$.Error', causePath: '$.Cause' });
  for (const first of [
    { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: task() } }], Next: 'A' },
    { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'A' }], Default: 'A' },
    { Type: 'Pass', Next: 'A' },
  ]) {
    const p = translateStatesLanguage(JSON.stringify({ StartAt: 'First', States: { First: first, A: task() } }));
    expect([first.Type, p.start, p.states.some((s) => s.kind === 'task' && s.builtin === 'identity')]).toEqual([first.Type, 'First', false]);
  }
});

describe('lambda:invoke.waitForTaskToken', () => {
  const definition = JSON.stringify({
    StartAt: 'Approve',
    States: {
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        ResultPath: '$.approval',
        End: true,
        Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token', 'order.$': '$.order' } },
      },
    },
  });

  test('maps onto a callback task whose payload reads $$.Task.Token; the generated code sets WAIT_FOR_TASK_TOKEN', () => {
    const plan = translateStatesLanguage(definition);
    const task = plan.states.find((s): s is PlanTask => s.kind === 'task' && s.id === 'Approve')!;
    expect(task).toMatchObject({ callback: true, dataFlow: { parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' }, resultPath: '$.approval' } });
    const code = generateTypeScript(plan).code;
    expect(code).toContain("import * as sfn from 'aws-cdk-lib/aws-stepfunctions';");
    expect(code).toContain('integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN');
  });

  test('the supplied function must wait for a task token too, and the definition builds with one that does', () => {
    const build = (integrationPattern?: sfn.IntegrationPattern) => {
      const stack = new Stack(new App(), 'S');
      const ask = new UnumFunction(stack, 'Ask', { code: lambda.Code.fromInline('exports.h = async (x) => x;'), handler: 'index.h', integrationPattern });
      return WorkflowDefinition.fromStatesLanguage(stack, 'Definition', definition, { functions: { ask } });
    };
    expect(() => build()).toThrow(/state 'Approve' waits for a task token \(\.waitForTaskToken\), but UnumFunction 'Ask' does not: create it with integrationPattern: sfn\.IntegrationPattern\.WAIT_FOR_TASK_TOKEN/);
    expect(() => build(sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN)).not.toThrow();
  });

  test('HeartbeatSeconds and TimeoutSeconds become the heartbeat and taskTimeout of the callback, in the plan, the code and the check', () => {
    const withLimits = JSON.stringify({
      StartAt: 'Approve',
      States: {
        Approve: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          HeartbeatSeconds: 3600,
          TimeoutSeconds: 86400,
          End: true,
          Parameters: { FunctionName: 'ask', Payload: { 'token.$': '$$.Task.Token' } },
        },
      },
    });
    const task = translateStatesLanguage(withLimits).states.find((s): s is PlanTask => s.kind === 'task' && s.id === 'Approve')!;
    expect(task).toMatchObject({ callback: true, heartbeatSeconds: 3600, taskTimeoutSeconds: 86400 });
    expect(task.timeoutSeconds).toBeUndefined();
    const code = generateTypeScript(translateStatesLanguage(withLimits)).code;
    expect(code).toContain('heartbeat: Duration.seconds(3600)');
    expect(code).toContain('taskTimeout: Duration.seconds(86400)');
    const build = (heartbeat?: Duration) => {
      const stack = new Stack(new App(), 'S');
      const ask = new UnumFunction(stack, 'Ask', {
        code: lambda.Code.fromInline('exports.h = async (x) => x;'),
        handler: 'index.h',
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        taskTimeout: Duration.days(1),
        heartbeat,
      });
      return WorkflowDefinition.fromStatesLanguage(stack, 'Definition', withLimits, { functions: { ask } });
    };
    expect(() => build()).toThrow(/state 'Approve' has HeartbeatSeconds 3600, but UnumFunction 'Ask' does not: create it with heartbeat: Duration\.seconds\(3600\)/);
    expect(() => build(Duration.hours(1))).not.toThrow();
  });

  test('HeartbeatSeconds on a task that waits for no callback is refused, naming the state', () => {
    const sync = JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', HeartbeatSeconds: 60, Parameters: { 'FunctionName': 'f', 'Payload.$': '$' }, End: true } } });
    expect(() => translateStatesLanguage(sync)).toThrow(/state 'A': Task field HeartbeatSeconds cannot be translated on a task that waits for no callback/);
  });
});
