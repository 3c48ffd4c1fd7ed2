// FaaSr's sample workflow: start → (computeA → 10 ranked `concurrent`) and (computeB → conditionalT | conditionalF),
// then `end` once, after all of them.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, Choice, Condition, FanIn, Map, Parallel, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'FaasrExample');

const fn = (id: string): UnumFunction =>
  new UnumFunction(stack, id, { entry: path.join(__dirname, 'functions', `${id}.ts`) });

const start = fn('start');
const computeA = fn('computeA');
const concurrent = fn('concurrent');
const computeB = fn('computeB');
const conditionalT = fn('conditionalT');
const conditionalF = fn('conditionalF');
const end = fn('end');

new UnumWorkflow(stack, 'Faasr', {
  definition: Chain.start(start)
    .next(new Parallel(stack, 'StartFanOut')
      // FaaSr's "Rank": 10 copies of `concurrent`, each on computeA's whole output (rank = context.index + 1).
      .branch(Chain.start(computeA).next(new Map(stack, 'Ranks', { width: 10 }).itemProcessor(concurrent)))
      // FaaSr's True/False successors: computeB returns a boolean.
      .branch(Chain.start(computeB).next(new Choice(stack, 'computeBResult')
        .when(Condition.booleanEquals('$', true), conditionalT)
        .otherwise(conditionalF))))
    // The join waits for the ranks and for whichever conditional ran (the other is not waited for).
    .next(new FanIn(stack, 'AllDone', { comment: '[the 10 rank outputs, the conditional output]' }))
    .next(end),
});

app.synth();
