import { App, CfnParameter, Duration, Fn, Lazy, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Chain, Choice, Condition, Fail, FanIn, Map, Pass, UnumFunction, UnumWorkflow } from '../../src';
import { readable } from '../../src/private/tokens';

/**
 * A Token where synth needs a literal (a JSONPath, a condition, a retry
 * setting, a Fail's error) is refused with a message that names the state
 * and the Token readably, never `${Token[TOKEN.225]}` or -1.888e+289.
 */
interface Ctx { stack: Stack; text: string; num: number }
const fn = (stack: Stack, id: string, extra: Record<string, unknown> = {}) => new UnumFunction(stack, id, {
  code: lambda.Code.fromInline('exports.h = async (x) => x;'), handler: 'index.h', ...extra,
});

const CASES: Array<[string, (c: Ctx) => unknown, RegExp]> = [
  ['a Choice condition path', ({ stack, text }) => new Choice(stack, 'Route').when(Condition.stringEquals(text, 'x'), fn(stack, 'B')),
    /^Choice 'Route' \(S\/Route\): rule 0 \(when\(\) number 1\): condition\.path is a deploy-time value \(\{"op":"stringEquals","path":"<token: Ref of S\/Text>"/],
  ['a Choice condition value', ({ stack, num }) => new Choice(stack, 'Route').when(Condition.numberGreaterThan('$.n', num), fn(stack, 'B')),
    /^Choice 'Route' \(S\/Route\): rule 0 \(when\(\) number 1\): condition\.value is a deploy-time value \(.*"value":"<token: Ref of S\/Num>"/],
  ['a nested condition', ({ stack, text }) => new Choice(stack, 'Route').when(Condition.and(Condition.isPresent('$.a'), Condition.not(Condition.isString(text))), fn(stack, 'B')),
    /condition\.conditions\[1\]\.condition\.path is a deploy-time value/],
  ['a Map itemsPath', ({ stack, text }) => new Map(stack, 'Each', { itemsPath: text }),
    /^Map 'Each' \(S\/Each\): itemsPath is a deploy-time value \(<token: Ref of S\/Text>\); it is compiled into the function's configuration/],
  ['a FanIn itemOffsets', ({ stack, num }) => new FanIn(stack, 'Win', { itemOffsets: [0, num] }),
    /^FanIn 'Win' \(S\/Win\): itemOffsets\[1\] is a deploy-time value \(\[0,"<token: Ref of S\/Num>"\]\)/],
  ['a catch resultPath', ({ stack, text }) => fn(stack, 'A').addCatch(fn(stack, 'B'), { resultPath: text }),
    /^UnumFunction 'A' \(S\/A\): addCatch: resultPath is a deploy-time value \(<token: Ref of S\/Text>\)/],
  ['catch errors', ({ stack, text }) => fn(stack, 'A').addCatch(fn(stack, 'B'), { errors: ['Known', text] }),
    /^UnumFunction 'A' \(S\/A\): addCatch: errors\[1\] is a deploy-time value \(\["Known","<token: Ref of S\/Text>"\]\)/],
  ['an inputPath', ({ stack, text }) => fn(stack, 'A', { inputPath: text }), /^UnumFunction 'A': inputPath is a deploy-time value \(<token: Ref of S\/Text>\)/],
  ['an outputPath built from a Token', ({ stack, text }) => fn(stack, 'A', { outputPath: `$.${text}` }),
    /^UnumFunction 'A': outputPath is a deploy-time value \(\$\.<token: Ref of S\/Text>\)/],
  ['a Parameters path', ({ stack, text }) => fn(stack, 'A', { parameters: { 'x.$': text } }),
    /^UnumFunction 'A': parameters\.x\.\$ is a deploy-time value \(\{"x\.\$":"<token: Ref of S\/Text>"\}\)/],
  ['a Pass resultPath', ({ stack, text }) => new Pass(stack, 'Shape', { resultPath: text }), /^Pass 'Shape': resultPath is a deploy-time value \(<token: Ref of S\/Text>\)/],
  ['a retry interval', ({ stack, num }) => fn(stack, 'A').addRetry({ interval: Duration.seconds(num) }),
    /^UnumFunction 'A' \(S\/A\): addRetry: interval is a deploy-time value \(<token: Ref of S\/Num>\)/],
  ['a retry maxAttempts', ({ stack, num }) => fn(stack, 'A').addRetry({ maxAttempts: num }),
    /^UnumFunction 'A' \(S\/A\): addRetry: maxAttempts is a deploy-time value \(<token: Ref of S\/Num>\)/],
  ['a retry maxDelay in minutes', ({ stack, num }) => fn(stack, 'A').addRetry({ maxDelay: Duration.minutes(num) }),
    /^UnumFunction 'A' \(S\/A\): addRetry: maxDelay is a deploy-time value \(<token> minutes\)/],
  ['a Fail error', ({ stack, text }) => new Fail(stack, 'F', { error: text }), /^Fail 'F' \(S\/F\): error is a deploy-time value \(<token: Ref of S\/Text>\)/],
  ['a Fail cause from an attribute', ({ stack }) => new Fail(stack, 'F', { cause: new s3.Bucket(stack, 'B').bucketArn }),
    /^Fail 'F' \(S\/F\): cause is a deploy-time value \(<token: Arn of S\/B\/Resource>\)/],
];

test.each(CASES)('%s is refused, naming it readably', (_name, make, message) => {
  const stack = new Stack(new App(), 'S');
  const ctx = { stack, text: new CfnParameter(stack, 'Text').valueAsString, num: new CfnParameter(stack, 'Num', { type: 'Number' }).valueAsNumber };
  let error: Error | undefined;
  try {
    make(ctx);
  } catch (e) {
    error = e as Error;
  }
  expect(error?.message).toMatch(message);
  expect(error!.message).toMatch(/it must be a literal/);
  expect(error!.message).not.toMatch(/Token\[|e\+289/);
});

test('literal values still synthesize, and the check covers a whole workflow', () => {
  const stack = new Stack(new App(), 'S');
  const a = fn(stack, 'A', { inputPath: '$.in', parameters: { 'x.$': '$.x', 'fixed': 1 } }).addRetry({ interval: Duration.seconds(2) })
    .addCatch(new Fail(stack, 'F', { error: 'Bad', cause: 'it failed' }), { resultPath: '$.error' });
  const route = new Choice(stack, 'Route').when(Condition.stringEquals('$.x', 'y'), fn(stack, 'B')).otherwise(fn(stack, 'C'));
  expect(() => new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(route) })).not.toThrow();
});

test('readable names the Token by what it refers to, or as <token>', () => {
  const stack = new Stack(new App(), 'S');
  expect(readable(new CfnParameter(stack, 'Stage').valueAsString)).toBe('<token: Ref of S/Stage>');
  expect(readable(`arn:${new CfnParameter(stack, 'Part').valueAsString}:x`)).toBe('arn:<token: Ref of S/Part>:x');
  expect(readable(Lazy.string({ produce: () => 'later' }))).toBe('<token>');
  expect(readable(Fn.importValue('Other'))).toBe('<token>');
  expect(readable({ a: [1, 'two'] })).toBe('{"a":[1,"two"]}');
  expect(readable(3)).toBe('3');
});
