// Redrive of a failed Map, for the engine tests (test/engine/redrive.test.ts).
// `node -r ts-node/register/transpile-only test/engine/apps/redrive.ts`
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
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

app.synth();
