// Parallel and Map input/output processing (inputPath, resultSelector, resultPath, outputPath), for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/fanout-dataflow.ts`
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, FanIn, JsonPathValue, Map, Parallel, Pass, UnumFunction, UnumWorkflow } from '../../../src';

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

// A bounded Map as the very first state (no function before it): the start states run it on the session input.
new UnumWorkflow(stack, 'bounded-first', {
  definition: new Map(stack, 'FirstBounded', { itemsPath: '$.jobs', maxConcurrency: 2 }).itemProcessor(node('FirstTimed', 'timed')),
});

// Nested joins completed by one arrival: the inner Map's join, a Pass reading its list, then the Parallel's join and a Pass
// reading that list. Each Pass must see its own join's list (the egress reads a fan-in list once per invocation).
new UnumWorkflow(stack, 'nested-join-pass', {
  definition: Chain.start(node('NestedStart', 'identity'))
    .next(new Parallel(stack, 'NestedOuter').branch(
      Chain.start(new Map(stack, 'NestedInner', { itemsPath: '$.jobs' }).itemProcessor(node('NestedTimed', 'timed')))
        .next(new FanIn(stack, 'NestedInnerJoin'))
        .next(new Pass(stack, 'NestedInnerList', { parameters: { 'inner.$': '$[*].i' } })),
      node('NestedQuick', 'identity'),
    ))
    .next(new FanIn(stack, 'NestedOuterJoin'))
    .next(new Pass(stack, 'NestedOuterList', { parameters: { 'outer.$': '$' } })),
});

// The same with a Map in a Map: the inner Map's join and Pass in each outer item, then the outer Map's join and Pass.
new UnumWorkflow(stack, 'map-in-map-pass', {
  definition: Chain.start(node('GridStart', 'identity'))
    .next(new Map(stack, 'GridRows', { itemsPath: '$.rows' }).itemProcessor(
      Chain.start(new Map(stack, 'GridCells', { itemsPath: '$.jobs' }).itemProcessor(node('GridTimed', 'timed')))
        .next(new FanIn(stack, 'GridCellsJoin'))
        .next(new Pass(stack, 'GridRowList', { parameters: { 'row.$': '$[*].i' } })),
    ))
    .next(new FanIn(stack, 'GridRowsJoin'))
    .next(new Pass(stack, 'GridList', { parameters: { 'grid.$': '$' } })),
});

// The same two in Python: its egress completes the joins and evaluates the Passes.
new UnumWorkflow(stack, 'nested-join-pass-python', {
  definition: Chain.start(py('PyNestedStart', 'passthrough'))
    .next(new Parallel(stack, 'PyNestedOuter').branch(
      Chain.start(new Map(stack, 'PyNestedInner', { itemsPath: '$.jobs' }).itemProcessor(py('PyNestedTimed', 'timed')))
        .next(new FanIn(stack, 'PyNestedInnerJoin'))
        .next(new Pass(stack, 'PyNestedInnerList', { parameters: { 'inner.$': '$[*].i' } })),
      py('PyNestedQuick', 'passthrough'),
    ))
    .next(new FanIn(stack, 'PyNestedOuterJoin'))
    .next(new Pass(stack, 'PyNestedOuterList', { parameters: { 'outer.$': '$' } })),
});
new UnumWorkflow(stack, 'map-in-map-pass-python', {
  definition: Chain.start(py('PyGridStart', 'passthrough'))
    .next(new Map(stack, 'PyGridRows', { itemsPath: '$.rows' }).itemProcessor(
      Chain.start(new Map(stack, 'PyGridCells', { itemsPath: '$.jobs' }).itemProcessor(py('PyGridTimed', 'timed')))
        .next(new FanIn(stack, 'PyGridCellsJoin'))
        .next(new Pass(stack, 'PyGridRowList', { parameters: { 'row.$': '$[*].i' } })),
    ))
    .next(new FanIn(stack, 'PyGridRowsJoin'))
    .next(new Pass(stack, 'PyGridList', { parameters: { 'grid.$': '$' } })),
});

app.synth();
