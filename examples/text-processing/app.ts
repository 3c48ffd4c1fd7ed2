// A Parallel fan-out (mentions | URLs → short links), a FanIn, then create the post and publish it.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Parallel, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'TextProcessingExample');

const fn = (id: string, file: string): UnumFunction =>
  new UnumFunction(stack, id, { entry: path.join(__dirname, 'functions', file) });

const draft = fn('Draft', 'draft.ts');
const extractMentions = fn('ExtractMentions', 'extract-mentions.ts');
const findUrls = fn('FindUrls', 'find-urls.ts');
const shortenUrls = fn('ShortenUrls', 'shorten-urls.ts');
const createPost = fn('CreatePost', 'create-post.ts');
const publish = fn('Publish', 'publish.ts');

new UnumWorkflow(stack, 'TextProcessing', {
  definition: Chain.start(draft)
    .next(new Parallel(stack, 'Analyze')
      .branch(extractMentions)
      .branch(Chain.start(findUrls).next(shortenUrls)))
    .next(new FanIn(stack, 'Analyzed', { comment: '[mentions, shortened links]' }))
    .next(createPost)
    .next(publish),
});

app.synth();
