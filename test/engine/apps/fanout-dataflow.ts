// Parallel and Map input/output processing (inputPath, resultSelector, resultPath, outputPath), for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/fanout-dataflow.ts`
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, FanIn, JsonPathValue, Map, Parallel, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineFanOutDataFlow');
const steps = path.join(__dirname, 'functions', 'steps.ts');

const node = (id: string, handler: string) => new UnumFunction(stack, id, { entry: steps, handler });
const py = (id: string, dir: string) => new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', dir), runtime: lambda.Runtime.PYTHON_3_12 });

// Node.js on both sides: the entry fans out, Node.js branches complete the join.
new UnumWorkflow(stack, 'parallel-result-path', {
  definition: Chain.start(node('Order', 'identity'))
    .next(new Parallel(stack, 'Both', {
      inputPath: '$.order',
      resultSelector: { 'doubled.$': '$[0].n', 'plusOne.$': '$[1]' },
      resultPath: '$.results',
    }).branch(node('Double', 'double'), node('Increment', 'increment')))
    .next(node('Report', 'identity')),
});

// Python on both sides: a Python entry fans out, Python items complete the join.
new UnumWorkflow(stack, 'map-result-path', {
  definition: Chain.start(py('Received', 'passthrough'))
    .next(new Map(stack, 'Squares', { inputPath: '$.payload', itemsPath: '$.values', resultPath: '$.payload.squares', outputPath: '$.payload' })
      .itemProcessor(py('Square', 'square')))
    .next(new FanIn(stack, 'Squared'))
    .next(node('SquaredResult', 'identity')),
});

// ResultPath DISCARD on the Map that ends the workflow: the result is the Map's input.
new UnumWorkflow(stack, 'map-discard', {
  definition: Chain.start(node('Keep', 'identity'))
    .next(new Map(stack, 'Touch', { itemsPath: '$.values', resultPath: JsonPathValue.DISCARD }).itemProcessor(node('Touched', 'square'))),
});

// A Map with a resultSelector that ends a Parallel branch (a cascade): its processed value arrives at the outer join.
new UnumWorkflow(stack, 'nested-selector', {
  definition: Chain.start(node('Values', 'identity'))
    .next(new Parallel(stack, 'Outer', { resultPath: '$.out' }).branch(
      new Map(stack, 'Inner', { itemsPath: '$.values', resultSelector: { 'first.$': '$[0]', 'all.$': '$' } }).itemProcessor(py('InnerSquare', 'square')),
      node('Same', 'identity'),
    ))
    .next(node('Outcome', 'identity')),
});

// maxConcurrency: at most two items in flight, Node.js and Python on both sides.
new UnumWorkflow(stack, 'bounded-node', {
  definition: Chain.start(node('Jobs', 'identity'))
    .next(new Map(stack, 'Bounded', { itemsPath: '$.jobs', maxConcurrency: 2 }).itemProcessor(node('Timed', 'timed'))),
});
new UnumWorkflow(stack, 'bounded-python', {
  definition: Chain.start(py('PyJobs', 'passthrough'))
    .next(new Map(stack, 'PyBounded', { itemsPath: '$.jobs', maxConcurrency: 2, resultPath: '$.ran' }).itemProcessor(py('PyTimed', 'timed')))
    .next(node('PyBoundedDone', 'identity')),
});

app.synth();
