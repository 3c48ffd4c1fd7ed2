// Retry, Catch and tolerated failures on Parallel and Map, for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/fanout-failures.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Map, Parallel, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineFanOutFailures');
const code = path.join(__dirname, 'functions', 'fanout-failures.ts');
const node = (id: string, handler: string) => new UnumFunction(stack, id, { entry: code, handler });
const py = (id: string, dir: string) => new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', dir), runtime: lambda.Runtime.PYTHON_3_12 });
const second = { interval: Duration.seconds(1), backoffRate: 1 };

// A failing branch, caught: the handler gets the Parallel's input with the error at $.error.
new UnumWorkflow(stack, 'parallel-catch', {
  definition: Chain.start(node('PcStart', 'identity'))
    .next(new Parallel(stack, 'PcBoth', { inputPath: '$.branch' })
      .branch(node('PcLeft', 'item'), node('PcRight', 'item'))
      .addCatch(node('PcHandler', 'identity'), { resultPath: '$.error' })
      .next(node('PcAfter', 'identity'))),
});

// A Map retried as a whole: an item that fails in attempt 0 succeeds in attempt 1, with fresh joins.
new UnumWorkflow(stack, 'map-retry', {
  definition: Chain.start(node('MrStart', 'identity'))
    .next(new Map(stack, 'MrItems', { itemsPath: '$.items' }).itemProcessor(node('MrItem', 'item'))
      .addRetry({ ...second, maxAttempts: 2 })
      .addCatch(node('MrHandler', 'identity'), { resultPath: '$.error' })
      .next(node('MrDone', 'identity'))),
});

// A slow branch of an abandoned attempt arrives after the retry started: it must not reach the new join.
new UnumWorkflow(stack, 'parallel-late', {
  definition: Chain.start(node('PlStart', 'identity'))
    .next(new Parallel(stack, 'PlBoth')
      .branch(node('PlSlow', 'slow'), node('PlFlaky', 'item'))
      .addRetry({ ...second, maxAttempts: 1 })
      .next(node('PlAfter', 'identity'))),
});

// Tolerated failures: a count and a percentage.
new UnumWorkflow(stack, 'map-tolerated-count', {
  definition: Chain.start(node('TcStart', 'identity'))
    .next(new Map(stack, 'TcItems', { itemsPath: '$.items', toleratedFailureCount: 1, resultPath: '$.results' }).itemProcessor(node('TcItem', 'item'))),
});
new UnumWorkflow(stack, 'map-tolerated-percentage', {
  definition: Chain.start(node('TpStart', 'identity'))
    .next(new Map(stack, 'TpItems', { itemsPath: '$.items', toleratedFailurePercentage: 50 }).itemProcessor(node('TpItem', 'item'))
      .addCatch(node('TpHandler', 'identity'), { resultPath: '$.error' })),
});

// An item that crashes until Lambda gives up: the failure recorder reports it to the Map, which catches it.
new UnumWorkflow(stack, 'map-crash-catch', {
  definition: Chain.start(node('McStart', 'identity'))
    .next(new Map(stack, 'McItems', { itemsPath: '$.items' }).itemProcessor(node('McItem', 'crash'))
      .addCatch(node('McHandler', 'identity'), { resultPath: '$.error' })),
});

// A Map whose items start with a Parallel that catches: the Parallel fans out in the same egress as the Map.
new UnumWorkflow(stack, 'map-of-parallels', {
  definition: Chain.start(node('MpStart', 'identity'))
    .next(new Map(stack, 'MpItems', { itemsPath: '$.items' }).itemProcessor(
      new Parallel(stack, 'MpPair').branch(node('MpLeft', 'item'), node('MpRight', 'identity'))
        .addCatch(node('MpHandler', 'identity'), { resultPath: '$.error' }))),
});

// Python on both sides: a Python entry fans out (it decides retries and catches), Python items report their failures.
new UnumWorkflow(stack, 'py-map-retry', {
  definition: Chain.start(py('PyStart', 'passthrough'))
    .next(new Map(stack, 'PyItems', { itemsPath: '$.items' }).itemProcessor(py('PyItem', 'fanout_item'))
      .addRetry({ ...second, maxAttempts: 1 })
      .addCatch(py('PyHandler', 'passthrough'), { resultPath: '$.error' })),
});
new UnumWorkflow(stack, 'py-parallel-tolerated', {
  definition: Chain.start(py('PyTolStart', 'passthrough'))
    .next(new Parallel(stack, 'PyBoth')
      .branch(new Map(stack, 'PyTolerant', { itemsPath: '$.items', toleratedFailureCount: 1 }).itemProcessor(py('PyTolItem', 'fanout_item')))
      .branch(py('PyOther', 'passthrough'))
      .addCatch(py('PyTolHandler', 'passthrough'), { resultPath: '$.error' })),
});
new UnumWorkflow(stack, 'py-map-of-parallels', {
  definition: Chain.start(py('PyMpStart', 'passthrough'))
    .next(new Map(stack, 'PyMpItems', { itemsPath: '$.items' }).itemProcessor(
      new Parallel(stack, 'PyMpPair').branch(py('PyMpLeft', 'fanout_item'), py('PyMpRight', 'passthrough'))
        .addCatch(py('PyMpHandler', 'passthrough'), { resultPath: '$.error' }))),
});

app.synth();
