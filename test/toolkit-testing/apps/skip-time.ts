// The test runner's skipTime app: an hour of Waits of every kind, then a Node.js and a Python node that each fail
// twice under a 30 s Retry interval with backoff. `node -r ts-node/register/transpile-only test/toolkit-testing/apps/skip-time.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../../src';

const app = new App();
const stack = new Stack(app, 'SkipTimeTest');
const retry = { interval: Duration.seconds(30), maxAttempts: 2, backoffRate: 2 };

new UnumWorkflow(stack, 'waits', {
  definition: Chain.start(new Wait(stack, 'Hour', { time: WaitTime.duration(Duration.hours(1)) }))
    .next(new Wait(stack, 'Pause', { time: WaitTime.secondsPath('$.pause') }))
    .next(new Wait(stack, 'Until', { time: WaitTime.timestampPath('$.until') }))
    .next(new UnumFunction(stack, 'Flaky', { entry: path.join(__dirname, 'functions', 'steps.ts'), handler: 'flaky', timeout: Duration.minutes(3) }).addRetry(retry))
    .next(new UnumFunction(stack, 'PyFlaky', { entry: path.join(__dirname, 'py-flaky'), runtime: lambda.Runtime.PYTHON_3_12, timeout: Duration.minutes(3) }).addRetry(retry)),
});

app.synth();
