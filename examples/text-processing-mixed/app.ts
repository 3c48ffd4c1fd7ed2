// text-processing with half its functions in Python: Node → Python on both branches of the
// Parallel, Python → Node (FindUrls → ShortenUrls), a FanIn delivered to Python (CreatePost),
// then Python → Node (Publish). Same input, same result as examples/text-processing.
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
// A copied app imports these from 'cdk-unum'.
import { Chain, FanIn, Parallel, UnumFunction, UnumWorkflow } from '../../src';

const app = new App();
const stack = new Stack(app, 'TextProcessingMixedExample');

const node = (id: string, file: string): UnumFunction =>
  new UnumFunction(stack, id, { entry: path.join(__dirname, '..', 'text-processing', 'functions', file) });
// Original unum style: a directory per function with app.py and lambda_handler.
const python = (id: string, dir: string): UnumFunction =>
  new UnumFunction(stack, id, {
    runtime: lambda.Runtime.PYTHON_3_14,
    entry: path.join(__dirname, 'functions', dir),
    index: 'app.py',
    handler: 'lambda_handler',
  });

const draft = node('Draft', 'draft.ts');
const extractMentions = python('ExtractMentions', 'extract_mentions');
const findUrls = python('FindUrls', 'find_urls');
const shortenUrls = node('ShortenUrls', 'shorten-urls.ts');
const createPost = python('CreatePost', 'create_post');
const publish = node('Publish', 'publish.ts');

new UnumWorkflow(stack, 'TextProcessingMixed', {
  definition: Chain.start(draft)
    .next(new Parallel(stack, 'Analyze')
      .branch(extractMentions)
      .branch(Chain.start(findUrls).next(shortenUrls)))
    .next(new FanIn(stack, 'Analyzed', { comment: '[mentions, shortened links]' }))
    .next(createPost)
    .next(publish),
});

app.synth();
