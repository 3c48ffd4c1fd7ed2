// examples/word-count with every function in Python (functions/<node>/index.py, `handler(event, context)`):
// Map → FanIn → shuffle → Map → FanIn → merge. Same input, same result as the TypeScript word-count.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'WordCountPythonExample');

const fn = (id: string, dir: string): UnumFunction =>
  new UnumFunction(stack, id, { runtime: lambda.Runtime.PYTHON_3_14, entry: path.join(__dirname, 'functions', dir) });

const split = fn('Split', 'split');
const count = fn('Count', 'count');
const partition = fn('Partition', 'partition');
const reduce = fn('Reduce', 'reduce');
const merge = fn('Merge', 'merge');

new UnumWorkflow(stack, 'WordCountPython', {
  definition: Chain.start(split)
    .next(new Map(stack, 'CountChunks', { itemsPath: '$.chunks' }).itemProcessor(count))
    .next(new FanIn(stack, 'Counted', { comment: 'per-chunk counts, in chunk order' }))
    .next(partition)
    .next(new Map(stack, 'ReducePartitions', { itemsPath: '$.partitions' }).itemProcessor(reduce))
    .next(new FanIn(stack, 'Reduced', { comment: 'per-partition totals, in partition order' }))
    .next(merge),
});

app.synth();
