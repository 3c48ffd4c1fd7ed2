// The test runner's test app: the same workflow tests run on it in fast and faithful mode.
// `node -r ts-node/register/transpile-only test/toolkit-testing/apps/app.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Choice, Condition, FanIn, Map, Parallel, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'RunnerTest');
const entry = path.join(__dirname, 'functions', 'steps.ts');

function fn(id: string, handler: string): UnumFunction {
  return new UnumFunction(stack, id, { entry, handler });
}

new UnumWorkflow(stack, 'chain', { definition: Chain.start(fn('Double', 'double')).next(fn('Increment', 'increment')) });

new UnumWorkflow(stack, 'sum', {
  definition: Chain.start(fn('Items', 'items'))
    .next(new Map(stack, 'EachItem').itemProcessor(fn('Square', 'square')))
    .next(new FanIn(stack, 'Squared'))
    .next(fn('Sum', 'sum')),
});

new UnumWorkflow(stack, 'parallel', {
  definition: new Parallel(stack, 'Fork').branch(fn('Twice', 'double'), fn('PlusOne', 'increment')).next(fn('Both', 'identity')),
});

new UnumWorkflow(stack, 'choice', {
  definition: new Choice(stack, 'Route')
    .when(Condition.stringEquals('$.greeting', 'hello'), fn('Hello', 'identity'))
    .otherwise(fn('Other', 'identity')),
});

new UnumWorkflow(stack, 'retry', {
  definition: fn('Unreliable', 'alwaysFails').addRetry({ interval: Duration.seconds(1), maxAttempts: 2, backoffRate: 1 }),
});

new UnumWorkflow(stack, 'priced', { definition: Chain.start(fn('Price', 'lookup')).next(fn('Total', 'identity')) });

new UnumWorkflow(stack, 'slow', {
  definition: new UnumFunction(stack, 'Sluggish', { entry, handler: 'slow', timeout: Duration.seconds(1) }),
});

new UnumWorkflow(stack, 'large', { definition: Chain.start(fn('Big', 'large')).next(fn('Measure', 'identity')) });

new UnumWorkflow(stack, 'python', {
  definition: Chain.start(fn('Numbers', 'items'))
    .next(new Map(stack, 'EachNumber').itemProcessor(new UnumFunction(stack, 'PySquare', {
      entry: path.join(__dirname, '..', '..', 'engine', 'apps', 'python', 'square'), runtime: lambda.Runtime.PYTHON_3_12,
    })))
    .next(new FanIn(stack, 'PySquared'))
    .next(fn('Total2', 'sum')),
});

app.synth();
