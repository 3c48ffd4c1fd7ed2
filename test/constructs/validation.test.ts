import { gunzipSync } from 'zlib';
import { App, CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  Chain, Choice, Condition, Fail, FanIn, JitterType, Map, Parallel, Succeed, UnumFunction, UnumWorkflow,
} from '../../src';
import { WorkflowGraphError } from '../../src/compiler/validate';
import { ENV } from '../../src/protocol';
import { FIXTURES, fn } from '../support/shapes';

/*
 * Misuse of the construct API: caught as early as possible (when the state
 * is wired, when the workflow is created, or at synth), always naming the
 * offending state and the fix.
 */

function newStack(app = new App(), id = 'Test'): Stack {
  return new Stack(app, id, { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The WorkflowGraphError thrown while creating the workflow. */
function workflowProblems(create: () => unknown): readonly string[] {
  let error: unknown;
  try {
    create();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WorkflowGraphError);
  return (error as WorkflowGraphError).problems;
}

const done = Condition.booleanEquals('$.done', true);

describe('wiring states', () => {
  test('a function continued twice', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    a.next(fn(stack, 'B'));
    expect(() => a.next(fn(stack, 'C'))).toThrow(
      /^'A' already continues to 'B', cannot also continue to 'C'; to run both, put them in the branches of a Parallel$/);
  });

  test('a chain continued twice from the same end', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    Chain.start(a).next(fn(stack, 'B'));
    expect(() => Chain.start(a).next(new Parallel(stack, 'Fork'))).toThrow(/'A' already continues to 'B', cannot also continue to 'Fork'/);
  });

  test('a Parallel, Map or FanIn continued twice', () => {
    const stack = newStack();
    const fork = new Parallel(stack, 'Fork').branch(fn(stack, 'L'));
    fork.next(new FanIn(stack, 'Join'));
    expect(() => fork.next(fn(stack, 'Other'))).toThrow(/'Fork' already continues to 'Join', cannot also continue to 'Other'/);
    const each = new Map(stack, 'Each').itemProcessor(fn(stack, 'Item'));
    each.next(fn(stack, 'After'));
    expect(() => each.next(fn(stack, 'After2'))).toThrow(/'Each' already continues to 'After', cannot also continue to 'After2'/);
    const join = new FanIn(stack, 'Gather');
    join.next(fn(stack, 'T1'));
    expect(() => join.next(fn(stack, 'T2'))).toThrow(/'Gather' already continues to 'T1', cannot also continue to 'T2'/);
  });

  test('a Map given a second item processor', () => {
    const stack = newStack();
    const each = new Map(stack, 'Each').itemProcessor(fn(stack, 'First'));
    expect(() => each.itemProcessor(fn(stack, 'Second'))).toThrow(/^Map 'Each' already has an item processor \('First'\)/);
  });

  test('a Choice given a second otherwise', () => {
    const stack = newStack();
    const pick = new Choice(stack, 'Pick').when(done, fn(stack, 'A')).otherwise(fn(stack, 'B'));
    expect(() => pick.otherwise(fn(stack, 'C'))).toThrow(/^Choice 'Pick' already has otherwise\('B'\)/);
  });

  test('continuing a chain after a Choice without afterwards()', () => {
    const stack = newStack();
    const chain = Chain.start(fn(stack, 'A')).next(new Choice(stack, 'Pick').when(done, fn(stack, 'B')));
    expect(() => chain.next(fn(stack, 'C'))).toThrow(
      /^cannot continue after 'Pick': it has no end to continue from \(after a Choice use \.afterwards\(\); Succeed and Fail end the workflow\)$/);
  });

  test('afterwards() on a Choice whose branches all end', () => {
    const stack = newStack();
    const pick = new Choice(stack, 'Pick').when(done, new Succeed(stack, 'Yes')).otherwise(new Fail(stack, 'No'));
    expect(() => pick.afterwards()).toThrow(
      /^Choice 'Pick': no branch can be continued \(add when\(\)\/otherwise\(\) branches that do not end in Succeed or Fail\)$/);
  });

  test('a Map with both itemsPath and width', () => {
    expect(() => new Map(newStack(), 'Each', { itemsPath: '$.items', width: 3 })).toThrow(
      /^Map 'Each': set either itemsPath \(map over an array\) or width \(ranked copies\), not both$/);
  });

  test('a Map itemSelector reading an unknown context field or a task token', () => {
    expect(() => new Map(newStack(), 'Each', { itemSelector: { 'r.$': '$$.Execution.RoleArn' } })).toThrow(
      /^Map 'Each': itemSelector: 'r\.\$': \$\$\.Execution\.RoleArn is not a field of the context object; the fields are \$\$\.Execution\.Id, /);
    expect(() => new Map(newStack(), 'Each', { itemSelector: { 't.$': '$$.Task.Token' } })).toThrow(/task tokens are only given to a task that waits for a callback/);
  });

  test('$$.Map.Item outside an itemSelector', () => {
    const props = { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', parameters: { 'i.$': '$$.Map.Item.Index' } };
    expect(() => new UnumFunction(newStack(), 'F', props)).toThrow(/\$\$\.Map\.Item is only available in a Map's itemSelector/);
  });

  test.each([0, -1, 1.5])('a Map with width %p', (width) => {
    expect(() => new Map(newStack(), 'Each', { width })).toThrow(
      new RegExp(`^Map 'Each': width must be a positive integer \\(got ${String(width).replace('.', '\\.')}\\)$`));
  });

  test('a condition with a bad JSONPath is refused by when(), naming the Choice and the rule', () => {
    const stack = newStack();
    const pick = new Choice(stack, 'Pick').when(done, fn(stack, 'A'));
    expect(() => pick.when(Condition.stringEquals('status', 'ok'), fn(stack, 'B'))).toThrow(
      /^Choice 'Pick': rule 1 \(when\(\) number 2\): JSONPath 'status' must start with '\$'$/);
    expect(() => pick.when(Condition.and(done, Condition.isPresent('$.list[?(@.size() > 1)]')), fn(stack, 'C'))).toThrow(
      /^Choice 'Pick': rule 1 \(when\(\) number 2\): JSONPath '\$\.list\[\?\(@\.size\(\) > 1\)\]' is not supported at '\(\) > 1\)\]'/);
    // Step Functions' Variable is a Path, so indefinite ones are accepted.
    expect(() => pick.when(Condition.isPresent('$.list[*].id'), fn(stack, 'D'))).not.toThrow();
  });

  test('data flow: indefinite InputPath/OutputPath and paths in arrays are accepted, an indefinite resultPath is refused naming the function', () => {
    const stack = newStack();
    const f = fn(stack, 'Flow').configureDataFlow({
      inputPath: '$.orders[?(@.total > 10)]', outputPath: '$..id', parameters: { list: [{ 'ids.$': '$[*].id' }, 'static'] },
    });
    expect(f).toBeDefined();
    expect(() => fn(stack, 'Bad').configureDataFlow({ resultPath: '$.out[*]' })).toThrow(
      /^UnumFunction 'Bad': resultPath: JSONPath '\$\.out\[\*\]' is not a reference path/);
    expect(() => fn(stack, 'Code').configureDataFlow({ parameters: { list: [{ 'x.$': '$[?(@.a.b())]' }] } })).toThrow(
      /^UnumFunction 'Code': parameters\.list\[0\]: 'x\.\$': JSONPath '\$\[\?\(@\.a\.b\(\)\)\]' is not supported at '\(\)\)\]'/);
  });

  test('conditions with bad operators or values are refused when built', () => {
    expect(() => Condition.numberEquals('$.n', NaN)).toThrow(/^Condition\.numberEquals\('\$\.n', NaN\): the value must be a finite number$/);
    expect(() => Condition.comparePaths('equals', '$.a', '$.b')).toThrow(/^Condition\.comparePaths: 'equals' is not a comparison operator such as stringEquals or numberLessThan$/);
    expect(() => Condition.and()).toThrow(/^Condition\.and needs at least one condition$/);
    expect(() => Condition.or()).toThrow(/^Condition\.or needs at least one condition$/);
  });
});

describe('UnumFunction props, retry and catch', () => {
  test('neither entry nor code', () => {
    expect(() => new UnumFunction(newStack(), 'Nothing', {})).toThrow(
      /^UnumFunction 'Nothing': set exactly one of entry \(a TypeScript\/JavaScript file to bundle\) or code \(with handler\)$/);
  });

  test('both entry and code', () => {
    expect(() => new UnumFunction(newStack(), 'Both', {
      entry: `${FIXTURES}/index.js`, code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler',
    })).toThrow(/^UnumFunction 'Both': set exactly one of entry .* or code \(with handler\)$/);
  });

  test.each([undefined, 'handler', 'index.'])('code with handler %p', (handler) => {
    expect(() => new UnumFunction(newStack(), 'NoHandler', { code: lambda.Code.fromAsset(FIXTURES), handler })).toThrow(
      /^UnumFunction 'NoHandler': with code, set handler to 'file\.exportName' \(got .*\)$/);
  });

  test('a runtime that is neither Node.js nor Python', () => {
    expect(() => new UnumFunction(newStack(), 'Java', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', runtime: lambda.Runtime.JAVA_21,
    })).toThrow(/^UnumFunction 'Java': runtime java21 is neither Node\.js nor Python; the cdk-unum runtime layer runs nodejs \(22 or later\) and python \(3\.11 or later\) functions$/);
  });

  test('a Python runtime older than 3.11', () => {
    expect(() => new UnumFunction(newStack(), 'Py', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', runtime: lambda.Runtime.PYTHON_3_10,
    })).toThrow(/^UnumFunction 'Py': runtime python3\.10 is too old; Python functions need python3\.11 or later/);
  });

  test('a reserved environment variable', () => {
    expect(() => new UnumFunction(newStack(), 'Env', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', environment: { OK: '1', UNUM_TABLE: 'mine' },
    })).toThrow(/^UnumFunction 'Env': environment variable UNUM_TABLE is reserved for the cdk-unum runtime; rename it$/);
  });

  test('an invalid functionName', () => {
    expect(() => new UnumFunction(newStack(), 'Named', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', functionName: 'my function',
    })).toThrow(/^UnumFunction 'Named': functionName 'my function' must be 1-64 characters of letters, digits, - and _$/);
  });

  test.each([
    [{ maxAttempts: -1 }, /^UnumFunction 'A': addRetry maxAttempts must be an integer from 0 to 99999999 \(got -1\)$/],
    [{ maxAttempts: 2.5 }, /^UnumFunction 'A': addRetry maxAttempts must be an integer from 0 to 99999999 \(got 2\.5\)$/],
    [{ backoffRate: 0.5 }, /^UnumFunction 'A': addRetry backoffRate must be at least 1 \(got 0\.5\)$/],
    [{ interval: Duration.millis(500) }, /^UnumFunction 'A': addRetry interval must be at least one second$/],
  ])('addRetry(%p)', (props, message) => {
    const a = fn(newStack(), 'A');
    expect(() => a.addRetry(props)).toThrow(message);
  });

  test('addRetry with no errors is refused when the workflow is created', () => {
    const stack = newStack();
    const a = fn(stack, 'A').addRetry({ errors: [] });
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition: a }));
    expect(problems).toEqual(["UnumFunction 'A': retry 0 lists no errors; use States.ALL to retry every error"]);
  });

  test('addCatch with a bad resultPath', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    expect(() => a.addCatch(fn(stack, 'Handler'), { resultPath: 'error' })).toThrow(
      /^UnumFunction 'A': addCatch resultPath: JSONPath 'error' must start with '\$'$/);
  });

  test('addCatch with no errors is refused when the workflow is created', () => {
    const stack = newStack();
    const a = fn(stack, 'A').addCatch(fn(stack, 'Handler'), { errors: [] });
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition: a }));
    expect(problems).toEqual(["UnumFunction 'A': catch 0 lists no errors; use States.ALL to catch every error"]);
  });

  test('a payloadThreshold outside Lambda limits', () => {
    const stack = newStack();
    expect(() => new UnumWorkflow(stack, 'Small', { definition: fn(stack, 'A'), payloadThreshold: Size.bytes(100) })).toThrow(
      /^UnumWorkflow 'Small': payloadThreshold must be between 1 KiB and 1 MiB \(Lambda's asynchronous payload limit\)$/);
    expect(() => new UnumWorkflow(stack, 'Big', { definition: fn(stack, 'B'), payloadThreshold: Size.mebibytes(2) })).toThrow(
      /^UnumWorkflow 'Big': payloadThreshold must be between 1 KiB and 1 MiB/);
  });
});

describe('the workflow timeout', () => {
  test.each([
    ['zero', Duration.seconds(0), '0 seconds'],
    ['fractional seconds', Duration.millis(1500), '1 second 500 millis'],
    ['more than a year', Duration.days(366), '366 days'],
  ])('%s is refused, naming the workflow', (_what, timeout, shown) => {
    const stack = newStack();
    expect(() => new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), timeout })).toThrow(
      `UnumWorkflow 'Flow': timeout must be a whole number of seconds from 1 to 31536000 (one year, Step Functions' longest execution); got ${shown}`);
  });

  test('one second and one year are accepted', () => {
    for (const timeout of [Duration.seconds(1), Duration.days(365)]) {
      const stack = newStack();
      expect(() => new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), timeout })).not.toThrow();
    }
  });

  test('a timeout that is a Token is refused readably (it is compiled into the entry\'s configuration)', () => {
    const stack = newStack();
    const seconds = new CfnParameter(stack, 'Seconds', { type: 'Number' }).valueAsNumber;
    let message = '';
    try {
      new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), timeout: Duration.seconds(seconds) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^UnumWorkflow 'Flow': timeout is a deploy-time value \(<token> seconds\); .*it must be a literal/);
    expect(message).not.toMatch(/Token\[|e\+289/);
  });
});

describe('the workflow graph, through the constructs', () => {
  // A Choice or Map may start a workflow (test/constructs/states.test.ts); one that reaches no function may not.
  test('a Choice entry whose rules reach no function', () => {
    const stack = newStack();
    const definition = new Choice(stack, 'Route').when(done, new Succeed(stack, 'Done')).otherwise(new Fail(stack, 'No'));
    expect(() => new UnumWorkflow(stack, 'Flow', { definition })).toThrow(
      "the workflow starts with Choice 'Route' and no path from it runs an UnumFunction: add one");
  });

  test('a Map entry: its item processor\'s function is the entry', () => {
    const stack = newStack();
    const item = fn(stack, 'Item');
    const definition = Chain.start(new Map(stack, 'Each').itemProcessor(item)).next(new FanIn(stack, 'Join'));
    expect(new UnumWorkflow(stack, 'Flow', { definition }).entryFunction).toBe(item);
  });

  test('a Parallel without branches and a Map without an item processor', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new Parallel(stack, 'Fork')).next(new FanIn(stack, 'Join'))
      .next(fn(stack, 'B')).next(new Map(stack, 'Each')).next(new FanIn(stack, 'Gather'));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([
      "Parallel 'Fork' has no branches: add them with branch()",
      "Map 'Each' has no item processor: set one with itemProcessor()",
    ]);
  });

  test('a Map with a bad itemsPath', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new Map(stack, 'Each', { itemsPath: 'items' }).itemProcessor(fn(stack, 'Item')));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual(["Map 'Each': itemsPath JSONPath 'items' must start with '$'"]);
  });

  test('a Map with a negative maxConcurrency', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new Map(stack, 'Each', { maxConcurrency: -2 }).itemProcessor(fn(stack, 'Item')));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual(["Map 'Each': maxConcurrency must be a non-negative integer (0 means no limit)"]);
  });

  test('a Choice with only otherwise', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new Choice(stack, 'Pick').otherwise(fn(stack, 'B')));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual(["Choice 'Pick' has no when() rules: add at least one"]);
  });

  test('a FanIn after a function', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new FanIn(stack, 'Join')).next(fn(stack, 'B'));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^FanIn 'Join' is reached from UnumFunction 'A', which is not a Parallel or Map: a FanIn directly follows the fan-out it joins \(parallel\.next\(fanIn\)\), or lists the states it waits for as its predecessors$/)]);
  });

  test('a Map followed directly by a Choice', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A'))
      .next(new Map(stack, 'Each').itemProcessor(fn(stack, 'Item')))
      .next(new Choice(stack, 'Pick').when(done, fn(stack, 'B')).otherwise(fn(stack, 'C')));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^Map 'Each' is followed by Choice 'Pick': the joined list goes to an UnumFunction first; put a function between them$/)]);
  });

  test('two Parallel branches that continue into one shared function', () => {
    const stack = newStack();
    const shared = fn(stack, 'Shared');
    const definition = Chain.start(fn(stack, 'A')).next(new Parallel(stack, 'Fork')
      .branch(Chain.start(fn(stack, 'L')).next(shared))
      .branch(Chain.start(fn(stack, 'R')).next(shared)));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^UnumFunction 'Shared' is reached from UnumFunction 'R' in branch 1 of Parallel 'Fork' and from UnumFunction 'L' in branch 0 of Parallel 'Fork': a state runs in one scope only/)]);
  });

  test("a loop from a Map's items back to the function before the Map", () => {
    const stack = newStack();
    const load = fn(stack, 'Load');
    const definition = Chain.start(load).next(new Map(stack, 'Each').itemProcessor(
      Chain.start(fn(stack, 'Work')).next(new Choice(stack, 'More').when(done, fn(stack, 'Stop')).otherwise(load))));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^UnumFunction 'Load' is reached from Choice 'More' in the items of Map 'Each' and from UnumFunction 'Load' in the top level: a state runs in one scope only\. .*keep loops inside one branch/)]);
  });

  test('a loop without a guard', () => {
    const stack = newStack();
    const step = fn(stack, 'Step');
    const definition = Chain.start(fn(stack, 'Init')).next(step).next(fn(stack, 'Check')).next(step);
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^the loop Step -> Check -> Step has no guard: add a Choice in the loop with a branch that leaves it/)]);
  });

  test('a function that catches its own errors forever', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    a.addCatch(a);
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition: a }));
    expect(problems).toEqual([expect.stringMatching(/^the loop A -> A has no guard/)]);
  });

  test('two states with the same id in different scopes', () => {
    const stack = newStack();
    const left = new Construct(stack, 'Left');
    const right = new Construct(stack, 'Right');
    const definition = Chain.start(fn(stack, 'A')).next(fn(left, 'Work')).next(fn(right, 'Work'));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([expect.stringMatching(
      /^two states are named 'Work' \(UnumFunction 'Work' and UnumFunction 'Work'\): names must be unique in a workflow; give one of them another id$/)]);
  });

  test.each(['Step|1', 'Step/1', 'Step 1'])('a state id %p that cannot be part of a store key', (id) => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(fn(stack, id));
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition }));
    expect(problems).toEqual([
      `UnumFunction '${id}': the name must be 1-80 characters of letters, digits and _.:+=@- (it becomes part of store keys)`,
    ]);
  });

  test('an invalid workflowName', () => {
    const stack = newStack();
    const problems = workflowProblems(() => new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), workflowName: 'my flow' }));
    expect(problems).toEqual(["workflow name 'my flow' must be 1-80 characters of letters, digits and _.:+=@-"]);
  });

  test('several misuses in one workflow are reported together', () => {
    const stack = newStack();
    const step = fn(stack, 'Step').addRetry({ errors: [] });
    const definition = Chain.start(fn(stack, 'A'))
      .next(new Parallel(stack, 'Fork'))
      .next(new Choice(stack, 'Pick').otherwise(Chain.start(step).next(step)));
    let error: unknown;
    try {
      new UnumWorkflow(stack, 'Flow', { definition });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowGraphError);
    expect((error as Error).message).toMatch(/^Workflow 'Flow' is invalid:\n {2}- /);
    expect((error as WorkflowGraphError).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^UnumFunction 'Step': retry 0 lists no errors/),
      expect.stringMatching(/^Parallel 'Fork' has no branches/),
      expect.stringMatching(/^Parallel 'Fork' is followed by Choice 'Pick'/),
      expect.stringMatching(/^Choice 'Pick' has no when\(\) rules/),
      expect.stringMatching(/^the loop Step -> Step has no guard/),
    ]));
    expect((error as WorkflowGraphError).problems).toHaveLength(5);
  });
});

describe('what Lambda or CloudFormation would reject at deploy', () => {
  const code = () => lambda.Code.fromAsset(FIXTURES);

  test('an environment over Lambda\'s 4 KB limit fails synthesis, naming the node, the size and the largest variables', () => {
    const app = new App();
    const stack = newStack(app);
    const big = new UnumFunction(stack, 'Big', { code: code(), handler: 'index.handler', environment: { SMALL: 'x', HUGE: 'y'.repeat(3900) } });
    new UnumWorkflow(stack, 'Flow', { definition: big });
    expect(() => app.synth()).toThrow(
      /\[Test\/Big\] UnumFunction 'Big': its environment variables take \d{4} bytes, over Lambda's limit of 4096 bytes \(largest: HUGE \(3904 bytes\), UNUM_\w+ \(\d+ bytes, estimated: resolved at deploy\), .*\): keep large values out of the environment/);
  });

  test('variables added to the Lambda function directly count toward the 4 KB limit', () => {
    const app = new App();
    const stack = newStack(app);
    const a = fn(stack, 'A');
    new UnumWorkflow(stack, 'Flow', { definition: a });
    a.lambdaFunction.addEnvironment('LATE', 'z'.repeat(4000));
    expect(() => app.synth()).toThrow(/UnumFunction 'A': its environment variables take \d{4} bytes, over Lambda's limit of 4096 bytes \(largest: LATE \(4004 bytes\)/);
  });

  test('an environment just under the limit synthesizes (the configuration moves to a layer)', () => {
    const app = new App();
    const stack = newStack(app);
    const a = new UnumFunction(stack, 'A', { code: code(), handler: 'index.handler', environment: { DATA: 'd'.repeat(3000) } });
    new UnumWorkflow(stack, 'Flow', { definition: a });
    expect(() => app.synth()).not.toThrow();
  });

  test.each([
    [Duration.minutes(16), /^UnumFunction 'Slow': timeout 16 minutes is outside Lambda's 1 second to 15 minutes; set a timeout of at most Duration\.minutes\(15\)/],
    [Duration.millis(500), /^UnumFunction 'Slow': timeout 500 millis is outside Lambda's 1 second to 15 minutes/],
  ])('a timeout of %s', (timeout, message) => {
    expect(() => new UnumFunction(newStack(), 'Slow', { code: code(), handler: 'index.handler', timeout })).toThrow(message);
  });

  test.each([64, 10_241, 256.5])('memorySize %p', (memorySize) => {
    expect(() => new UnumFunction(newStack(), 'Mem', { code: code(), handler: 'index.handler', memorySize })).toThrow(
      new RegExp(`^UnumFunction 'Mem': memorySize ${String(memorySize).replace('.', '\\.')} must be a whole number of MB from 128 to 10240 \\(Lambda's limits\\)$`));
  });

  test('a retry whose backoff outgrows what one invocation can wait is refused, naming the node, the retrier and the fix', () => {
    const a = fn(newStack(), 'A').addRetry({ errors: ['Throttled'], interval: Duration.seconds(1) });
    expect(() => a.addRetry({ interval: Duration.seconds(10), maxAttempts: 5 })).toThrow(
      /^UnumFunction 'A': addRetry #1 \(errors States\.ALL\) waits up to 2\.7 min \(160 s\) before an attempt, but the runtime waits intervals up to 5 min \(300 s\) inside one invocation, which the 1 minute timeout limits to 57 s \(it keeps 2 s free; longer intervals go through a schedule\): set maxDelay to at most Duration\.seconds\(57\), lower maxAttempts or backoffRate, or raise the timeout/);
    expect(() => a.addRetry({ interval: Duration.seconds(10), maxAttempts: 5, maxDelay: Duration.seconds(57) })).not.toThrow();
  });

  test('a retry interval longer than the long-wait threshold goes through a schedule, so only the shorter intervals must fit the timeout', () => {
    const a = new UnumFunction(newStack(), 'Hourly', { code: code(), handler: 'index.handler', timeout: Duration.seconds(10) });
    expect(() => a.addRetry({ interval: Duration.hours(1), backoffRate: 2, maxAttempts: 3 })).not.toThrow();
    // 4 s, 40 s, 400 s: the 40 s one is waited in an invocation, which a 10 s timeout cannot.
    expect(() => a.addRetry({ interval: Duration.seconds(4), backoffRate: 10, maxAttempts: 3 })).toThrow(/addRetry #1 .* waits up to 40 s before an attempt/);
    // Full jitter can draw any delay up to the threshold.
    expect(() => a.addRetry({ interval: Duration.hours(1), maxAttempts: 1, jitterStrategy: JitterType.FULL })).toThrow(/addRetry #1 .* waits up to 5 min \(300 s\)/);
  });

  test('a retry interval longer than the timeout is refused', () => {
    const a = new UnumFunction(newStack(), 'Short', { code: code(), handler: 'index.handler', timeout: Duration.seconds(10) });
    expect(() => a.addRetry({ interval: Duration.seconds(30), maxAttempts: 1 })).toThrow(
      /^UnumFunction 'Short': addRetry #0 \(errors States\.ALL\) waits up to 30 s .*limits to 7 s \(it keeps 2 s free; longer intervals go through a schedule\): lower the interval to at most 7 s, or raise the timeout/);
  });

  test('a functionName that is a Token is refused readably', () => {
    const stack = newStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    let message = '';
    try {
      new UnumFunction(stack, 'Named', { code: code(), handler: 'index.handler', functionName: name });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^UnumFunction 'Named': functionName is a deploy-time value \(a Token\); successors are invoked by names fixed at synth/);
    expect(message).not.toContain('${Token');
  });

  test('a state id or workflowName that is a Token is refused readably', () => {
    const stack = newStack();
    const token = new CfnParameter(stack, 'Id').valueAsString;
    const messageOf = (create: () => unknown) => {
      try {
        create();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    const stateError = messageOf(() => fn(stack, token));
    expect(stateError).toMatch(/^A workflow state under 'Test' has a deploy-time id \(a Token\): state ids name the node in store keys/);
    const workflowError = messageOf(() => new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), workflowName: token }));
    expect(workflowError).toMatch(/^UnumWorkflow 'Test\/Flow': workflowName is a deploy-time value \(a Token\); it becomes part of store keys/);
    for (const message of [stateError, workflowError]) expect(message).not.toContain('${Token');
  });

  test('a Map width or maxConcurrency that is a Token is refused readably', () => {
    const stack = newStack();
    const n = new CfnParameter(stack, 'N', { type: 'Number' }).valueAsNumber;
    expect(() => new Map(stack, 'Ranked', { width: n })).toThrow(/^Map 'Ranked': width must be known at synth \(not a token\)$/);
    expect(() => new Map(stack, 'Limited', { maxConcurrency: n })).toThrow(/^Map 'Limited': maxConcurrency must be known at synth \(not a token\)$/);
  });

  test('a stack over 500 resources points at nested stacks', () => {
    const app = new App();
    const stack = newStack(app);
    // Each function takes three resources (function, role, policy): 170 of them overflow the stack.
    let chain = Chain.start(fn(stack, 'F0'));
    for (let i = 1; i < 170; i++) chain = chain.next(fn(stack, `F${i}`));
    new UnumWorkflow(stack, 'Flow', { definition: chain });
    expect(() => app.synth()).toThrow(
      /\[Test\/Flow\] UnumWorkflow 'Flow': stack 'Test' has \d+ resources, over CloudFormation's limit of 500 per stack; \d+ of them are this workflow's 170 functions .*Create some UnumFunctions in nested stacks .*"Deployment details"/);
  });
});

describe('states and workflows', () => {
  test('an UnumFunction that belongs to no workflow fails synthesis', () => {
    const app = new App();
    const stack = newStack(app);
    new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A') });
    fn(stack, 'Forgotten');
    expect(() => app.synth()).toThrow(
      /\[Test\/Forgotten\] UnumFunction 'Forgotten' is not part of any UnumWorkflow: chain it into a workflow definition or remove it/);
  });

  test('Template.fromStack reports the unattached function too', () => {
    const stack = newStack();
    new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A') });
    fn(stack, 'Forgotten');
    expect(() => Template.fromStack(stack)).toThrow(/UnumFunction 'Forgotten' is not part of any UnumWorkflow: chain it into a workflow definition or remove it/);
  });

  test('a state used in two workflows', () => {
    const stack = newStack();
    const shared = fn(stack, 'Shared');
    new UnumWorkflow(stack, 'First', { definition: Chain.start(fn(stack, 'A')).next(shared) });
    expect(() => new UnumWorkflow(stack, 'Second', { definition: Chain.start(fn(stack, 'B')).next(shared) })).toThrow(
      /^'Shared' already belongs to workflow 'First' \(Test\/First\); a state can be in one workflow only, create another one for 'Second' \(Test\/Second\)$/);
  });

  // Workflows are told apart by identity, not by name.
  test.each([
    ['in the same stack', (app: App) => {
      const stack = newStack(app);
      const shared = fn(stack, 'Shared');
      new UnumWorkflow(stack, 'First', { workflowName: 'Flow', definition: shared });
      return () => new UnumWorkflow(stack, 'Second', { workflowName: 'Flow', definition: shared });
    }],
    ['in two stacks', (app: App) => {
      const shared = fn(newStack(app, 'One'), 'Shared');
      new UnumWorkflow(Stack.of(shared), 'Flow', { definition: shared });
      const two = newStack(app, 'Two');
      return () => new UnumWorkflow(two, 'Flow', { definition: shared });
    }],
  ])('a state used in two workflows that share a workflowName (%s)', (_name, setUp) => {
    const createSecond = setUp(new App());
    expect(createSecond).toThrow(/'Shared' already belongs to (workflow 'Flow'|another UnumWorkflow).*a state can be in one workflow only/);
  });

  test.each([
    ['next', (s: Stack, a: UnumFunction) => a.next(fn(s, 'Late')), /^cannot continue 'A': it was already compiled into workflow 'Flow'; finish the definition before creating the UnumWorkflow$/],
    ['addRetry', (_s: Stack, a: UnumFunction) => a.addRetry(), /^cannot add a retry to 'A': it was already compiled into workflow 'Flow'; finish the definition/],
    ['addCatch', (s: Stack, a: UnumFunction) => a.addCatch(fn(s, 'Late')), /^cannot add a catch to 'A': it was already compiled into workflow 'Flow'; finish the definition/],
  ])('rewiring a function after its workflow was created (%s)', (_name, rewire, message) => {
    const stack = newStack();
    const a = fn(stack, 'A');
    new UnumWorkflow(stack, 'Flow', { definition: a });
    expect(() => rewire(stack, a)).toThrow(message);
  });

  test('rewiring structural states after their workflow was created', () => {
    const stack = newStack();
    const fork = new Parallel(stack, 'Fork').branch(fn(stack, 'L'));
    const each = new Map(stack, 'Each');
    const pick = new Choice(stack, 'Pick').when(done, fn(stack, 'Yes'));
    const join = new FanIn(stack, 'Join');
    new UnumWorkflow(stack, 'Flow', {
      definition: Chain.start(fn(stack, 'A')).next(fork).next(join).next(fn(stack, 'B'))
        .next(each.itemProcessor(Chain.start(fn(stack, 'Item')).next(pick))),
    });
    expect(() => fork.branch(fn(stack, 'R'))).toThrow(/^cannot add a branch to 'Fork': it was already compiled into workflow 'Flow'/);
    expect(() => each.itemProcessor(fn(stack, 'Other'))).toThrow(/^cannot set the item processor of 'Each': it was already compiled into workflow 'Flow'/);
    expect(() => each.next(fn(stack, 'After'))).toThrow(/^cannot continue 'Each': it was already compiled into workflow 'Flow'/);
    expect(() => pick.when(done, fn(stack, 'No'))).toThrow(/^cannot add a rule to 'Pick': it was already compiled into workflow 'Flow'/);
    expect(() => pick.otherwise(fn(stack, 'No2'))).toThrow(/^cannot set the default of 'Pick': it was already compiled into workflow 'Flow'/);
    expect(() => join.next(fn(stack, 'C'))).toThrow(/^cannot continue 'Join': it was already compiled into workflow 'Flow'/);
  });
});

describe('valid edge cases synthesize', () => {
  test('a guarded loop, converging choice branches, a catch handler, Succeed in a Map item and Fail in a Choice branch', () => {
    const app = new App();
    const stack = newStack(app);
    const step = fn(stack, 'Step');
    const handler = fn(stack, 'Handler');
    const afterLoop = fn(stack, 'AfterLoop');
    const definition = Chain.start(fn(stack, 'Init').addCatch(handler, { resultPath: '$.error' }))
      .next(step)
      .next(new Choice(stack, 'Again').when(Condition.numberLessThan('$.count', 3), step).otherwise(afterLoop));
    handler.next(fn(stack, 'Recovered'));
    Chain.start(afterLoop)
      .next(new Choice(stack, 'Kind')
        .when(Condition.stringEquals('$.kind', 'a'), fn(stack, 'KindA'))
        .when(Condition.stringEquals('$.kind', 'bad'), new Fail(stack, 'Rejected', { error: 'BadKind' }))
        .otherwise(fn(stack, 'KindB'))
        .afterwards())
      .next(fn(stack, 'Converged'))
      .next(new Map(stack, 'Each', { itemsPath: '$.items' }).itemProcessor(Chain.start(fn(stack, 'Item')).next(new Succeed(stack, 'ItemDone'))))
      .next(new FanIn(stack, 'Gather'))
      .next(fn(stack, 'Total'));
    const workflow = new UnumWorkflow(stack, 'Flow', { definition });
    expect(workflow.entryFunction.id).toBe('Init');
    expect(workflow.functions.map((f) => f.id).sort()).toEqual(
      ['AfterLoop', 'Converged', 'Handler', 'Init', 'Item', 'KindA', 'KindB', 'Recovered', 'Step', 'Total']);
    expect(() => app.synth()).not.toThrow();
    // One per node, and the workflow's failure recorder.
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 11);
  });
});

describe('payloadResponseOnly', () => {
  const flowOf = (props: { payloadResponseOnly?: boolean; resultPath?: string }) => {
    const stack = new Stack(new App(), 'S');
    const f = new UnumFunction(stack, 'A', { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', ...props });
    const workflow = new UnumWorkflow(stack, 'W', { definition: f });
    const env = workflow.functions[0]._environment;
    const config = env[ENV.CONFIG] ? JSON.parse(env[ENV.CONFIG]) : JSON.parse(gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP], 'base64')).toString());
    return config.dataFlow;
  };

  test('false wraps the result as lambda:invoke\'s response; true and the default keep the plain result', () => {
    expect(flowOf({ payloadResponseOnly: false, resultPath: '$.r' })).toEqual({ resultPath: '$.r', lambdaResponse: true });
    expect(flowOf({ payloadResponseOnly: false })).toEqual({ lambdaResponse: true });
    expect(flowOf({ payloadResponseOnly: true })).toBeUndefined();
    expect(flowOf({})).toBeUndefined();
  });

  test('a deploy-time value is refused, naming the function', () => {
    const stack = new Stack(new App(), 'S');
    const token = new CfnParameter(stack, 'Flag', { type: 'String' }).valueAsString as unknown as boolean;
    expect(() => new UnumFunction(stack, 'A', { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', payloadResponseOnly: token }))
      .toThrow(/^UnumFunction 'A': payloadResponseOnly is a deploy-time value/);
  });
});
