// MapReduce word count: map Count over text chunks, join into Partition (shuffle by word hash),
// map Reduce over the partitions, join into Merge.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'WordCountExample');

const split = new UnumFunction(stack, 'Split', { entry: path.join(__dirname, 'functions', 'split.ts') });
const count = new UnumFunction(stack, 'Count', { entry: path.join(__dirname, 'functions', 'count.ts') });
const partition = new UnumFunction(stack, 'Partition', { entry: path.join(__dirname, 'functions', 'partition.ts') });
const reduce = new UnumFunction(stack, 'Reduce', { entry: path.join(__dirname, 'functions', 'reduce.ts') });
const merge = new UnumFunction(stack, 'Merge', { entry: path.join(__dirname, 'functions', 'merge.ts') });

new UnumWorkflow(stack, 'WordCount', {
  definition: Chain.start(split)
    .next(new Map(stack, 'CountChunks', { itemsPath: '$.chunks' }).itemProcessor(count))
    .next(new FanIn(stack, 'Counted', { comment: 'per-chunk counts, in chunk order' }))
    .next(partition)
    .next(new Map(stack, 'ReducePartitions', { itemsPath: '$.partitions' }).itemProcessor(reduce))
    .next(new FanIn(stack, 'Reduced', { comment: 'per-partition totals, in partition order' }))
    .next(merge),
});

app.synth();
