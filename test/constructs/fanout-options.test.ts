import { App, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, JsonPathValue, Map, Parallel, UnumFunction, UnumWorkflow } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { fn } from '../support/shapes';

/* Parallel and Map options in the construct API: what the workflow compiles them into, and their validation. */

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

function configOf(stack: Stack, f: UnumFunction): FunctionConfig {
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { FunctionName: f.functionName } })) as any[];
  return JSON.parse(resource.Properties.Environment.Variables.UNUM_CONFIG);
}

test('Parallel and Map data flow (DISCARD included) and maxConcurrency reach the fan-out and the join', () => {
  const stack = newStack();
  const [start, left, right, item, end] = ['Start', 'Left', 'Right', 'Item', 'End'].map((id) => fn(stack, id));
  const both = new Parallel(stack, 'Both', { inputPath: '$.order', resultSelector: { 'l.$': '$[0]' }, resultPath: '$.both' }).branch(left, right);
  const each = new Map(stack, 'Each', { itemsPath: '$.order.items', maxConcurrency: 3, resultPath: JsonPathValue.DISCARD, outputPath: '$.order' }).itemProcessor(item);
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(start).next(both).next(fn(stack, 'Between')).next(each).next(end) });
  expect(configOf(stack, start).next).toMatchObject({ kind: 'parallel', fanout: 'Both', inputPath: '$.order', recordInput: true });
  expect(configOf(stack, left).next).toMatchObject({
    kind: 'join', join: 'Both', then: { kind: 'fanOutOutput', fanout: 'Both', dataFlow: { resultSelector: { 'l.$': '$[0]' }, resultPath: '$.both' } },
  });
  expect(configOf(stack, item).next).toMatchObject({
    kind: 'join', join: 'Each', maxConcurrency: 3, then: { kind: 'fanOutOutput', fanout: 'Each', dataFlow: { resultPath: null, outputPath: '$.order' } },
  });
});

test('a bad path or template on a Parallel or Map is refused when the state is created, naming it', () => {
  const stack = newStack();
  expect(() => new Parallel(stack, 'P', { resultPath: '$.list[0]' })).toThrow(/^Parallel 'P' \(Test\/P\): resultPath '\$\.list\[0\]' cannot index into arrays$/);
  expect(() => new Map(stack, 'M', { resultSelector: { 'x.$': 3 } })).toThrow(/^Map 'M' \(Test\/M\): resultSelector: 'x\.\$' must be a JSONPath string$/);
  expect(() => new Map(stack, 'T', { outputPath: Token.asString({ Ref: 'P' }) })).toThrow(/^Map 'T' \(Test\/T\).*outputPath/);
});
