// Map an identity function over a list, join the items, return the ordered list.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'MapJoinExample');

const start = new UnumFunction(stack, 'Start', { entry: path.join(__dirname, 'functions', 'start.ts') });
const identity = new UnumFunction(stack, 'Identity', { entry: path.join(__dirname, 'functions', 'identity.ts') });
const collect = new UnumFunction(stack, 'Collect', { entry: path.join(__dirname, 'functions', 'collect.ts') });

new UnumWorkflow(stack, 'MapJoin', {
  definition: Chain.start(start)
    .next(new Map(stack, 'EachItem', { itemsPath: '$' }).itemProcessor(identity))
    .next(new FanIn(stack, 'Gather'))
    .next(collect),
});

app.synth();
