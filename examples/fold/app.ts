// A video-encoding style pipeline (ExCamera): encode every chunk independently, re-encode chunk i
// against the end of chunk i-1 as soon as both are encoded (a partial join), then fold over the
// chunks in order.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'FoldExample');

const split = new UnumFunction(stack, 'Split', { entry: path.join(__dirname, 'functions', 'split.ts') });
const encode = new UnumFunction(stack, 'Encode', { entry: path.join(__dirname, 'functions', 'encode.ts') });
const rebase = new UnumFunction(stack, 'Rebase', { entry: path.join(__dirname, 'functions', 'rebase.ts') });
const fold = new UnumFunction(stack, 'FoldInOrder', { entry: path.join(__dirname, 'functions', 'fold.ts') });

new UnumWorkflow(stack, 'Fold', {
  definition: Chain.start(split)
    .next(new Map(stack, 'Chunks', { itemsPath: '$.chunks' }).itemProcessor(
      Chain.start(encode)
        // Chunk i's Rebase gets [stage 1 of chunk i, stage 1 of chunk i-1] (null for the first chunk)
        // and starts as soon as those two are done, not after every chunk.
        .next(new FanIn(stack, 'WithPrevious', { itemOffsets: [0, -1] }))
        .next(rebase)))
    .next(new FanIn(stack, 'Rebased', { comment: 'stage 2 of every chunk, in chunk order' }))
    .next(fold),
});

app.synth();
