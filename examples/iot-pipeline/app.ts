// A chain of two: aggregate power readings per time window, then decide whether to reduce power.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'IotPipelineExample');

const aggregate = new UnumFunction(stack, 'Aggregate', { entry: path.join(__dirname, 'functions', 'aggregate.ts') });
const decide = new UnumFunction(stack, 'Decide', { entry: path.join(__dirname, 'functions', 'decide.ts') });

new UnumWorkflow(stack, 'IotPipeline', {
  definition: Chain.start(aggregate).next(decide),
});

app.synth();
