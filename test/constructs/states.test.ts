import { gunzipSync } from 'zlib';
import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, Fail, Parallel, UnumWorkflow, Wait, WaitTime } from '../../src';
import { invokedFunctionNames } from '../../src/private/function-config';
import { FunctionConfig } from '../../src/protocol/config';
import { fn } from '../support/shapes';

/** The Fail and Wait constructs with Step Functions' dynamic fields (aws-stepfunctions' names), synthesized. */
const newStack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });

function configOf(t: Template, node: string): FunctionConfig {
  const found = Object.values(t.findResources('AWS::Lambda::Function')).find((r: any) => r.Metadata?.['cdk-unum']?.node === node) as any;
  const vars = found.Properties.Environment.Variables;
  return JSON.parse(vars.UNUM_CONFIG ?? gunzipSync(Buffer.from(vars.UNUM_CONFIG_GZIP, 'base64')).toString());
}

describe('Wait', () => {
  test.each([
    ['duration', WaitTime.duration(Duration.minutes(2)), { seconds: 120 }],
    ['timestamp', WaitTime.timestamp('2024-08-18T17:33:00Z'), { timestamp: '2024-08-18T17:33:00Z' }],
    ['secondsPath', WaitTime.secondsPath('$.waitSeconds'), { secondsPath: '$.waitSeconds' }],
    ['timestampPath', WaitTime.timestampPath('$.until'), { timestampPath: '$.until' }],
    ['seconds (JSONata)', WaitTime.seconds('{% $states.input.hold * 60 %}'), { seconds: '{% $states.input.hold * 60 %}' }],
    ['timestamp (JSONata)', WaitTime.timestamp('{% $states.input.until %}'), { timestamp: '{% $states.input.until %}' }],
  ])('WaitTime.%s goes into the configuration of the function before the Wait', (_, time, fields) => {
    const stack = newStack();
    const b = fn(stack, 'B');
    new UnumWorkflow(stack, 'W', { definition: Chain.start(fn(stack, 'A')).next(new Wait(stack, 'Pause', { time })).next(b) });
    expect(configOf(Template.fromStack(stack), 'A').next).toEqual({
      kind: 'wait', node: 'Pause', ...fields, next: { kind: 'invoke', node: 'B', functionName: b.functionName },
    });
  });

  test('a timestamp that is not RFC 3339 is refused at new UnumWorkflow, naming the Wait', () => {
    const stack = newStack();
    const definition = Chain.start(fn(stack, 'A')).next(new Wait(stack, 'Pause', { time: WaitTime.timestamp('18 Aug 2024') }));
    expect(() => new UnumWorkflow(stack, 'W', { definition })).toThrow("Wait 'Pause': timestamp '18 Aug 2024' is not an RFC 3339 timestamp");
  });

  test('a JSONata Seconds or Timestamp that does not parse, or a Seconds that is no expression, is refused at once, naming the Wait', () => {
    const stack = newStack();
    expect(() => new Wait(stack, 'P1', { time: WaitTime.seconds('{% 1 + %}') })).toThrow(/^Wait 'P1' \(S\/P1\): seconds: the JSONata expression '\{% 1 \+ %\}' does not parse/);
    expect(() => new Wait(stack, 'P2', { time: WaitTime.seconds('10') })).toThrow("Wait 'P2' (S/P2): seconds: \"10\" must be a JSONata expression of the form '{% expression %}'");
    expect(() => new Wait(stack, 'P3', { time: WaitTime.timestamp('{% $eval("1") %}') })).toThrow(/Wait 'P3'.*calls \$eval/);
  });

  test('a path must be known at synth', () => {
    const stack = newStack();
    expect(() => new Wait(stack, 'Pause', { time: WaitTime.secondsPath(Token.asString({ Ref: 'P' })) })).toThrow(/Wait 'Pause'.*secondsPath/);
  });
});

describe('Fail', () => {
  test('errorPath and causePath (aws-stepfunctions FailProps example) go into the configuration', () => {
    const stack = newStack();
    new UnumWorkflow(stack, 'W', {
      definition: Chain.start(fn(stack, 'A')).next(new Fail(stack, 'Failed', { errorPath: '$.someError', causePath: '$.someCause' })),
    });
    expect(configOf(Template.fromStack(stack), 'A').next).toEqual({ kind: 'fail', node: 'Failed', errorPath: '$.someError', causePath: '$.someCause' });
  });

  test('a fixed error and cause are kept; no error is States.Fail', () => {
    const stack = newStack();
    new UnumWorkflow(stack, 'W', { definition: Chain.start(fn(stack, 'A')).next(new Fail(stack, 'Failed', { cause: 'why', errorPath: '$.e' })) });
    expect(configOf(Template.fromStack(stack), 'A').next).toEqual({ kind: 'fail', node: 'Failed', errorPath: '$.e', cause: 'why' });
    const other = newStack();
    new UnumWorkflow(other, 'W', { definition: Chain.start(fn(other, 'A')).next(new Fail(other, 'Failed')) });
    expect(configOf(Template.fromStack(other), 'A').next).toEqual({ kind: 'fail', node: 'Failed', error: 'States.Fail' });
  });

  test('JSONata error and cause go into the configuration; one that does not parse is refused at once, naming the Fail', () => {
    const stack = newStack();
    const fail = new Fail(stack, 'Failed', { error: '{% "Order." & $states.input.code %}', cause: '{% $reason %}' });
    new UnumWorkflow(stack, 'W', { definition: Chain.start(fn(stack, 'A')).next(fail) });
    expect(configOf(Template.fromStack(stack), 'A').next).toEqual({ kind: 'fail', node: 'Failed', error: '{% "Order." & $states.input.code %}', cause: '{% $reason %}' });
    expect(() => new Fail(stack, 'F3', { cause: '{% ( %}' })).toThrow(/^Fail 'F3' \(S\/F3\): cause: the JSONata expression '\{% \( %\}' does not parse/);
  });

  test('error with errorPath, or cause with causePath, is refused at once', () => {
    const stack = newStack();
    expect(() => new Fail(stack, 'F1', { error: 'E', errorPath: '$.e' })).toThrow("Fail 'F1': set error or errorPath, not both");
    expect(() => new Fail(stack, 'F2', { cause: 'c', causePath: '$.c' })).toThrow("Fail 'F2': set cause or causePath, not both");
  });
});

describe('a workflow that starts with a Parallel', () => {
  test('the first branch\'s function is the entry; it may invoke the other branches and itself (a continuation of the start states)', () => {
    const stack = newStack();
    const [a, b, c] = ['A', 'B', 'C'].map((id) => fn(stack, id));
    const workflow = new UnumWorkflow(stack, 'W', {
      definition: new Parallel(stack, 'Fork').branch(a, new Wait(stack, 'Pause', { time: WaitTime.secondsPath('$.wait') }).next(b), c),
    });
    expect(workflow.entryFunction).toBe(a);
    const t = Template.fromStack(stack);
    expect(configOf(t, 'A').start).toEqual({
      node: 'Fork',
      next: {
        kind: 'parallel',
        fanout: 'Fork',
        branches: [
          { kind: 'invoke', node: 'A', functionName: a.functionName },
          { kind: 'wait', node: 'Pause', secondsPath: '$.wait', next: { kind: 'invoke', node: 'B', functionName: b.functionName } },
          { kind: 'invoke', node: 'C', functionName: c.functionName },
        ],
      },
    });
    expect(configOf(t, 'B').entry).toBe(false);
    expect(invokedFunctionNames(configOf(t, 'A'))).toEqual([a, b, c].map((f) => f.functionName).sort());
    // Only A's start states invoke B and C (their join invokes nothing): the grant is A's.
    const policies = JSON.stringify(t.findResources('AWS::IAM::Policy'));
    for (const name of [b, c].map((f) => f.functionName)) expect(policies).toContain(`function:${name}`);
  });
});
