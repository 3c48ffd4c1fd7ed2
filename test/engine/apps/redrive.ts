// Redrive of a failed Map, for the engine tests (test/engine/redrive.test.ts).
// `node -r ts-node/register/transpile-only test/engine/apps/redrive.ts`
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Chain, Map, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineRedrive');
const code = path.join(__dirname, 'functions', 'redrive.ts');
const joinParameters = { 'items.$': '$', 'redrives.$': '$$.Execution.RedriveCount' };

// A plain Map: a failing item fails the session.
new UnumWorkflow(stack, 'redrive-map', {
  definition: Chain.start(new UnumFunction(stack, 'RdStart', { entry: code, handler: 'identity' }))
    .next(new Map(stack, 'RdItems', { itemsPath: '$.items' }).itemProcessor(new UnumFunction(stack, 'RdItem', { entry: code, handler: 'flaky' }))
      .next(new UnumFunction(stack, 'RdTotal', { entry: code, handler: 'total', parameters: joinParameters }))),
});

// A Map that handles failures (a Catch for another error): its items report to it, and the Map itself fails the session.
new UnumWorkflow(stack, 'redrive-map-handled', {
  definition: Chain.start(new UnumFunction(stack, 'RhStart', { entry: code, handler: 'identity' }))
    .next(new Map(stack, 'RhItems', { itemsPath: '$.items' }).itemProcessor(new UnumFunction(stack, 'RhItem', { entry: code, handler: 'flaky' }))
      .addCatch(new UnumFunction(stack, 'RhCaught', { entry: code, handler: 'total' }), { errors: ['SomethingElse'] })
      .next(new UnumFunction(stack, 'RhTotal', { entry: code, handler: 'total', parameters: joinParameters }))),
});

// A workflow timeout: the slow step outlasts it, so the session is TIMED_OUT.
new UnumWorkflow(stack, 'redrive-timeout', {
  definition: Chain.start(new UnumFunction(stack, 'TmFirst', { entry: code, handler: 'first' }))
    .next(new UnumFunction(stack, 'TmSlow', { entry: code, handler: 'slow', timeout: Duration.seconds(30) }))
    .next(new UnumFunction(stack, 'TmLast', { entry: code, handler: 'last' })),
  timeout: Duration.seconds(6),
});

// Every item's input is over the 1 KiB threshold, so each is stored in S3 and its envelope (and failure record) holds the reference.
new UnumWorkflow(stack, 'redrive-big', {
  definition: Chain.start(new UnumFunction(stack, 'BgStart', { entry: code, handler: 'identity' }))
    .next(new Map(stack, 'BgItems', { itemsPath: '$.items' }).itemProcessor(new UnumFunction(stack, 'BgItem', { entry: code, handler: 'flaky' }))
      .next(new UnumFunction(stack, 'BgTotal', { entry: code, handler: 'total', parameters: joinParameters }))),
  payloadThreshold: Size.kibibytes(1),
});

app.synth();
