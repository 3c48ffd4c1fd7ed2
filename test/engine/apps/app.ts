// The engine's own test app: one small workflow per behaviour the engine must show.
// `node -r ts-node/register/transpile-only test/engine/apps/app.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineTest');
const entry = path.join(__dirname, 'functions', 'steps.ts');

function fn(id: string, handler: string, extra: Partial<ConstructorParameters<typeof UnumFunction>[2]> = {}): UnumFunction {
  return new UnumFunction(stack, id, { entry, handler, ...extra });
}

new UnumWorkflow(stack, 'chain', { definition: Chain.start(fn('Double', 'double')).next(fn('Increment', 'increment')) });

new UnumWorkflow(stack, 'squares', {
  definition: Chain.start(fn('Items', 'items'))
    .next(new Map(stack, 'EachItem').itemProcessor(fn('Square', 'square')))
    .next(new FanIn(stack, 'Squared'))
    .next(fn('Sum', 'sum')),
});

new UnumWorkflow(stack, 'retry', { definition: fn('Flaky', 'flaky').addRetry({ interval: Duration.seconds(1), maxAttempts: 2 }) });

new UnumWorkflow(stack, 'failing', { definition: Chain.start(fn('Prepare', 'double')).next(fn('Boom', 'boom')) });

new UnumWorkflow(stack, 'timeout', { definition: fn('Hang', 'hang', { timeout: Duration.seconds(1), retryAttempts: 1 }) });

new UnumWorkflow(stack, 'queue', {
  definition: Chain.start(fn('Batch', 'slowItems'))
    .next(new Map(stack, 'EachSlow').itemProcessor(fn('Slow', 'sleep', { maxEventAge: Duration.seconds(60), retryAttempts: 0 })))
    .next(new FanIn(stack, 'Slept'))
    .next(fn('Count', 'sum')),
});

new UnumWorkflow(stack, 'large', { definition: Chain.start(fn('Big', 'big')).next(fn('Measure', 'measure')) });

new UnumWorkflow(stack, 'sandbox', { definition: fn('Env', 'env', { environment: { GREETING: 'hi' } }) });

app.synth();
