// A fan-out far larger than its function's timeout: `node -r ts-node/register/transpile-only test/engine/apps/fanout.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'FanoutTest');
const entry = path.join(__dirname, 'functions', 'steps.ts');

new UnumWorkflow(stack, 'wide', {
  definition: Chain.start(new UnumFunction(stack, 'Items', { entry, handler: 'items', timeout: Duration.seconds(5) }))
    .next(new Map(stack, 'EachItem').itemProcessor(new UnumFunction(stack, 'Square', { entry, handler: 'square' })))
    .next(new FanIn(stack, 'Squared'))
    .next(new UnumFunction(stack, 'Sum', { entry, handler: 'sum' })),
});

app.synth();
