import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { Chain, Choice, Condition, FanIn, IChainable, Map, Parallel, Pass, UnumFunction, UnumWorkflow } from '../../src';

/** The workflow shapes every synthesis test (assertions, snapshots, cdk-nag, integ) covers. */
export const SHAPES: Record<string, (scope: Construct) => IChainable> = {
  chain: (s) => Chain.start(fn(s, 'A')).next(fn(s, 'B')).next(fn(s, 'C')),

  parallelJoin: (s) => Chain.start(fn(s, 'Start'))
    .next(new Parallel(s, 'Fork')
      .branch(Chain.start(fn(s, 'Left1')).next(fn(s, 'Left2')))
      .branch(fn(s, 'Right')))
    .next(new FanIn(s, 'Join'))
    .next(fn(s, 'Merge')),

  mapJoin: (s) => Chain.start(fn(s, 'Numbers'))
    .next(new Map(s, 'EachNumber').itemProcessor(fn(s, 'Identity')))
    .next(new FanIn(s, 'Gather'))
    .next(fn(s, 'Collect')),

  wordCount: (s) => Chain.start(fn(s, 'Split'))
    .next(new Map(s, 'CountChunks', { itemsPath: '$.chunks' }).itemProcessor(fn(s, 'Count')))
    .next(new FanIn(s, 'Counted'))
    .next(fn(s, 'Partition'))
    .next(new Map(s, 'ReducePartitions', { itemsPath: '$.partitions' }).itemProcessor(fn(s, 'Reduce')))
    .next(new FanIn(s, 'Reduced'))
    .next(fn(s, 'Merge')),

  choiceJoin: (s) => {
    const world = fn(s, 'World');
    return Chain.start(fn(s, 'Greet'))
      .next(new Choice(s, 'HelloOrBye')
        .when(Condition.stringEquals('$.greeting', 'hello'), fn(s, 'Hello'))
        .otherwise(fn(s, 'Bye'))
        .afterwards())
      .next(world);
  },

  loop: (s) => {
    const step = fn(s, 'Step');
    return Chain.start(fn(s, 'Init'))
      .next(step)
      .next(new Choice(s, 'Done')
        .when(Condition.numberGreaterThanEquals('$.count', 3), fn(s, 'Finish'))
        .otherwise(step));
  },

  nestedMap: (s) => Chain.start(fn(s, 'Batches'))
    .next(new Map(s, 'EachBatch', { itemsPath: '$.batches' }).itemProcessor(
      Chain.start(fn(s, 'Prepare'))
        .next(new Map(s, 'EachItem', { itemsPath: '$.items' }).itemProcessor(Chain.start(fn(s, 'Work')).next(fn(s, 'Check'))))
        .next(new FanIn(s, 'BatchDone'))
        .next(fn(s, 'Combine'))))
    .next(new FanIn(s, 'AllBatches'))
    .next(fn(s, 'Total')),

  faasr: (s) => Chain.start(fn(s, 'start'))
    .next(new Parallel(s, 'StartFanOut')
      .branch(Chain.start(fn(s, 'computeA')).next(new Map(s, 'Ranks', { width: 10 }).itemProcessor(fn(s, 'concurrent'))))
      .branch(Chain.start(fn(s, 'computeB')).next(new Choice(s, 'computeBResult')
        .when(Condition.booleanEquals('$', true), fn(s, 'conditionalT'))
        .otherwise(fn(s, 'conditionalF')))))
    .next(new FanIn(s, 'AllDone'))
    .next(fn(s, 'end')),

  // Not series-parallel (C waits for A only, D for A and B): FanIns over predecessors,
  // one of them after a Choice, close Parallels that have no join of their own.
  dagJoin: (s) => {
    const c = fn(s, 'C');
    const aToD = new Pass(s, 'AtoD');
    const quick = fn(s, 'Quick');
    const slow = fn(s, 'Slow');
    const d = fn(s, 'D');
    new FanIn(s, 'BeforeD', { predecessors: [aToD, quick, slow] }).next(d);
    new FanIn(s, 'BeforeLast', { predecessors: [c, d] }).next(fn(s, 'Last'));
    return Chain.start(fn(s, 'Start'))
      .next(new Parallel(s, 'Fork')
        .branch(Chain.start(fn(s, 'A')).next(new Parallel(s, 'AFork').branch(c).branch(aToD)))
        .branch(Chain.start(fn(s, 'B')).next(new Choice(s, 'Route')
          .when(Condition.booleanEquals('$.fast', true), quick)
          .otherwise(slow))));
  },
};

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'functions');

export function fn(scope: Construct, id: string): UnumFunction {
  return new UnumFunction(scope, id, { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler' });
}

/** A stack holding one workflow of the given shape. */
export function shapeStack(scope: Construct, shape: string, stackName = `Shape-${shape}`): Stack {
  const stack = new Stack(scope, stackName, { env: { account: '123456789012', region: 'us-east-1' } });
  new UnumWorkflow(stack, shape, { definition: SHAPES[shape](stack) });
  return stack;
}
