// A 30-day Wait and a TimestampPath Wait, continued by EventBridge Scheduler, after a Node.js function ('longwait')
// and after a Python function ('longwaitpy'). `node -r ts-node/register/transpile-only test/toolkit-testing/apps/long-wait.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../../src';
import { longWaitWorkflow } from '../../support/long-wait';

const app = new App();
const stack = new Stack(app, 'LongWaitTest');
longWaitWorkflow(stack);
const passthrough = path.join(__dirname, '..', '..', 'engine', 'apps', 'python', 'passthrough');
longWaitWorkflow(stack, 'longwaitpy', (id) => new UnumFunction(stack, id, { entry: passthrough, runtime: lambda.Runtime.PYTHON_3_12, timeout: Duration.minutes(1) }));

// A workflow variable of 300 KB reaches the waiting function: its resume envelope is too large for a schedule's
// input, so the runtime stores it and the schedule passes the key.
const steps = path.join(__dirname, 'functions', 'steps.ts');
new UnumWorkflow(stack, 'longwaitbig', {
  definition: Chain.start(new UnumFunction(stack, 'Blob', { entry: steps, handler: 'identity', assign: { blob: '{% $pad("", 300000, "x") %}' } }))
    .next(new UnumFunction(stack, 'Holder', { entry: steps, handler: 'identity', timeout: Duration.minutes(1) }))
    .next(new Wait(stack, 'BigMonth', { time: WaitTime.duration(Duration.days(30)) }))
    .next(new UnumFunction(stack, 'Reader', { entry: steps, handler: 'identity', arguments: '{% {"length": $length($blob)} %}' })),
});
// A Retry every hour, doubling, that succeeds on its third attempt: both intervals are longer than an invocation
// should wait, so each goes through a schedule (and the 1-minute timeout needs to fit neither).
new UnumWorkflow(stack, 'longretry', {
  definition: new UnumFunction(stack, 'Hourly', { entry: steps, handler: 'flaky', timeout: Duration.minutes(1), retryAttempts: 0 })
    .addRetry({ errors: ['Flaky'], interval: Duration.hours(1), backoffRate: 2, maxAttempts: 2 }),
});
new UnumWorkflow(stack, 'longretrypy', {
  definition: new UnumFunction(stack, 'HourlyPy', {
    entry: path.join(__dirname, '..', '..', 'engine', 'apps', 'python', 'flaky'), runtime: lambda.Runtime.PYTHON_3_12, timeout: Duration.minutes(1), retryAttempts: 0,
  }).addRetry({ errors: ['Flaky'], interval: Duration.hours(1), backoffRate: 2, maxAttempts: 2 }),
});
app.synth();
