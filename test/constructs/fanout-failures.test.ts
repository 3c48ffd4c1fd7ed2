import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Chain, FanIn, Map, Parallel, UnumFunction, UnumWorkflow } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { fn } from '../support/shapes';

/* addRetry/addCatch on Parallel and Map and Map's tolerated failures: what they compile into, and their validation. */

function newStack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

function configOf(stack: Stack, f: UnumFunction): FunctionConfig {
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { FunctionName: f.functionName } })) as any[];
  return JSON.parse(resource.Properties.Environment.Variables.UNUM_CONFIG);
}

test('Parallel addRetry/addCatch synthesize into the fanning-out function\'s configuration, with the handler invocable', () => {
  const stack = newStack();
  const [start, left, right, handler, end] = ['Start', 'Left', 'Right', 'Handler', 'End'].map((id) => fn(stack, id));
  const both = new Parallel(stack, 'Both').branch(left, right)
    .addRetry({ errors: ['Flaky'], interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 1.5 })
    .addCatch(handler, { errors: ['States.ALL'], resultPath: '$.error' });
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(start).next(both).next(end) });
  expect(configOf(stack, start).next).toMatchObject({
    kind: 'parallel',
    fanout: 'Both',
    retry: [{ errors: ['Flaky'], intervalSeconds: 2, maxAttempts: 4, backoffRate: 1.5 }],
    catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: { kind: 'invoke', node: 'Handler', functionName: handler.functionName } }],
  });
  // The fanning-out function invokes the handler and itself (to wait out a long retry interval); the branches invoke it to report.
  const invokes = (f: UnumFunction) => {
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const role = stack.resolve((f.lambdaFunction.role!.node.defaultChild as any).ref).Ref;
    const [policy] = Object.values(policies).filter((p: any) => JSON.stringify(p.Properties.Roles).includes(role));
    return JSON.stringify(policy);
  };
  expect(invokes(start)).toContain(`function:${handler.functionName}`);
  expect(invokes(start)).toContain(`function:${start.functionName}`);
  expect(invokes(left)).toContain(`function:${start.functionName}`);
  expect(invokes(end)).not.toContain(`function:${start.functionName}`);
});

test('Map addRetry/addCatch and toleratedFailureCount/Percentage: the Map action carries them, the join lists the Map as a source', () => {
  const stack = newStack();
  const [start, item, handler] = ['Start', 'Item', 'Handler'].map((id) => fn(stack, id));
  const each = new Map(stack, 'Each', { itemsPath: '$.items', toleratedFailureCount: 2, toleratedFailurePercentage: 10 }).itemProcessor(item)
    .addRetry()
    .addCatch(handler);
  new UnumWorkflow(stack, 'Flow', { definition: Chain.start(start).next(each).next(new FanIn(stack, 'Joined')).next(fn(stack, 'After')) });
  const map = configOf(stack, start).next as any;
  expect(map).toMatchObject({
    kind: 'map',
    fanout: 'Each',
    join: 'Joined',
    toleratedFailureCount: 2,
    toleratedFailurePercentage: 10,
    retry: [{ errors: ['States.ALL'], intervalSeconds: 1, maxAttempts: 3, backoffRate: 2 }],
    catch: [{ errors: ['States.ALL'], resultPath: '$' }],
  });
  expect(map.sources).toEqual(['Each', 'Item']);
  expect(configOf(stack, item).next).toMatchObject({ kind: 'join', join: 'Joined', sources: ['Each', 'Item'] });
});

test('validation errors name the Parallel or Map', () => {
  const stack = newStack();
  const p = new Parallel(stack, 'P');
  expect(() => p.addRetry({ maxAttempts: -1 })).toThrow(/^Parallel 'P' \(Test\/P\): addRetry maxAttempts must be an integer from 0 to 99999999 \(got -1\)$/);
  expect(() => p.addRetry({ backoffRate: 0.5 })).toThrow(/^Parallel 'P' \(Test\/P\): addRetry backoffRate must be at least 1/);
  expect(() => p.addRetry({ interval: Duration.millis(10) })).toThrow(/^Parallel 'P' \(Test\/P\): addRetry interval must be at least one second$/);
  expect(() => p.addRetry({ errors: [] })).toThrow(/^Parallel 'P' \(Test\/P\): addRetry errors is empty/);
  expect(() => p.addCatch(fn(stack, 'H'), { resultPath: 'error' })).toThrow(/^Parallel 'P' \(Test\/P\): addCatch resultPath: /);
  const m = new Map(stack, 'M');
  expect(() => m.addRetry({ maxAttempts: Token.asNumber({ Ref: 'N' }) })).toThrow(/^Map 'M' \(Test\/M\): addRetry: maxAttempts is a deploy-time value/);
  expect(() => new Map(stack, 'C', { toleratedFailureCount: 1.5 })).toThrow(/^Map 'C' \(Test\/C\): toleratedFailureCount must be a non-negative integer \(got 1.5\)$/);
  expect(() => new Map(stack, 'D', { toleratedFailurePercentage: 101 })).toThrow(/^Map 'D' \(Test\/D\): toleratedFailurePercentage must be from 0 to 100 \(got 101\)$/);
  expect(() => new Map(stack, 'E', { toleratedFailureCount: Token.asNumber({ Ref: 'N' }) })).toThrow(/^Map 'E' \(Test\/E\): toleratedFailureCount must be known at synth/);
});

test('a Parallel whose branches a FanIn over predecessors closes cannot retry or catch', () => {
  const stack = newStack();
  const [start, a, b] = ['Start', 'A', 'B'].map((id) => fn(stack, id));
  const both = new Parallel(stack, 'Both').branch(a, b).addCatch(fn(stack, 'H'));
  new FanIn(stack, 'Join', { predecessors: [a, b] }).next(fn(stack, 'End'));
  expect(() => {
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(start).next(both) });
    Template.fromStack(stack);
  }).toThrow(/Parallel 'Both' has addRetry or addCatch, but a FanIn over predecessors closes its branches/);
});
