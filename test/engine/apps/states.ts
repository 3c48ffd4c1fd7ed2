// Fail with ErrorPath/CausePath and Wait with SecondsPath/Timestamp/TimestampPath, in Node.js and Python, for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/states.ts`
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Fail, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineStates');
const steps = path.join(__dirname, 'functions', 'steps.ts');

function node(id: string): UnumFunction {
  return new UnumFunction(stack, id, { entry: steps, handler: 'identity' });
}

function py(id: string): UnumFunction {
  return new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', 'sleep'), handler: 'identity', runtime: lambda.Runtime.PYTHON_3_12 });
}

for (const [lang, fn] of [['node', node], ['py', py]] as const) {
  const id = (name: string) => `${lang}${name}`;
  // The Step Functions guide's example: "CausePath": "$.Cause", "ErrorPath": "$.Error".
  new UnumWorkflow(stack, id('failpath'), {
    definition: Chain.start(fn(id('Check'))).next(new Fail(stack, id('Rejected'), { errorPath: '$.Error', causePath: '$.Cause' })),
  });
  new UnumWorkflow(stack, id('secondspath'), {
    definition: Chain.start(fn(id('Before'))).next(new Wait(stack, id('Pause'), { time: WaitTime.secondsPath('$.wait') })).next(fn(id('After'))),
  });
  new UnumWorkflow(stack, id('timestamppath'), {
    definition: Chain.start(fn(id('Scheduled'))).next(new Wait(stack, id('Until'), { time: WaitTime.timestampPath('$.at') })).next(fn(id('Done'))),
  });
  new UnumWorkflow(stack, id('timestamp'), {
    definition: Chain.start(fn(id('Early'))).next(new Wait(stack, id('Past'), { time: WaitTime.timestamp('2024-08-18T17:33:00Z') })).next(fn(id('Late'))),
  });
}

app.synth();
