// A video-encoding style pipeline (ExCamera): encode every chunk independently, re-encode chunk i
// against the end of chunk i-1, then fold over the chunks in order.
//
// Stage 2 of chunk i needs only stage 1 of chunks i and i-1 (a partial join). cdk-unum joins a whole
// Map or Parallel only, so this app joins all of stage 1 (Encoded), pairs each chunk with its
// predecessor (PairWithPrevious), and maps stage 2 over the pairs. See README.md.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'FoldExample');

const split = new UnumFunction(stack, 'Split', { entry: path.join(__dirname, 'functions', 'split.ts') });
const encode = new UnumFunction(stack, 'Encode', { entry: path.join(__dirname, 'functions', 'encode.ts') });
const pair = new UnumFunction(stack, 'PairWithPrevious', { entry: path.join(__dirname, 'functions', 'pair-with-previous.ts') });
const rebase = new UnumFunction(stack, 'Rebase', { entry: path.join(__dirname, 'functions', 'rebase.ts') });
const fold = new UnumFunction(stack, 'FoldInOrder', { entry: path.join(__dirname, 'functions', 'fold.ts') });

new UnumWorkflow(stack, 'Fold', {
  definition: Chain.start(split)
    .next(new Map(stack, 'EncodeChunks', { itemsPath: '$.chunks' }).itemProcessor(encode))
    .next(new FanIn(stack, 'Encoded', { comment: 'stage 1 of every chunk (a full barrier standing in for the partial joins)' }))
    .next(pair)
    .next(new Map(stack, 'RebaseChunks', { itemsPath: '$.pairs' }).itemProcessor(rebase))
    .next(new FanIn(stack, 'Rebased', { comment: 'stage 2 of every chunk, in chunk order' }))
    .next(fold),
});

app.synth();
