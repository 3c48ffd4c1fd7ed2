// An approval workflow waiting for a task token, for the engine tests (test/engine/callback.test.ts).
// `node -r ts-node/register/transpile-only test/engine/apps/approval.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Chain, JsonPath, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineApproval');
const code = path.join(__dirname, 'functions', 'approval.ts');

/** The approval request in Python (python/approval/index.py), the rest in Node.js. */
const PYTHON = { entry: path.join(__dirname, 'python', 'approval'), runtime: lambda.Runtime.PYTHON_3_12 };

/** Request → Approve (waits for the token; Retry on TryAgain, Catch on Rejected) → Ship, or → Rejected. */
function approval(name: string, prefix: string, limits: { heartbeat?: Duration; taskTimeout?: Duration } = {}, caught = ['Rejected'],
  python = false): void {
  const approve = new UnumFunction(stack, `${prefix}Approve`, {
    ...(python ? PYTHON : { entry: code, handler: 'askApproval' }),
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    parameters: { 'dir.$': '$.dir', 'order.$': '$.order', 'token': JsonPath.taskToken },
    resultPath: '$.approval',
    ...limits,
  });
  approve.addRetry({ errors: ['TryAgain'], interval: Duration.seconds(1), maxAttempts: 1 });
  approve.addCatch(new UnumFunction(stack, `${prefix}Rejected`, { entry: code, handler: 'identity' }), { errors: caught, resultPath: '$.rejection' });
  new UnumWorkflow(stack, name, {
    definition: Chain.start(new UnumFunction(stack, `${prefix}Request`, { entry: code, handler: 'identity' }))
      .next(approve)
      .next(new UnumFunction(stack, `${prefix}Ship`, { entry: code, handler: 'identity' })),
  });
}
approval('approval', '');
approval('approval-other', 'Other');
// A heartbeat every 3 s, a timeout caught; and a 7-day taskTimeout that fails the session (run on simulated time).
approval('approval-heartbeat', 'Hb', { heartbeat: Duration.seconds(3) }, ['Rejected', 'States.HeartbeatTimeout']);
approval('approval-timeout', 'To', { taskTimeout: Duration.days(7) });
// The same approval and heartbeat with the waiting function in Python.
approval('approval-py', 'Py', {}, ['Rejected'], true);
approval('approval-heartbeat-py', 'HbPy', { heartbeat: Duration.seconds(3) }, ['Rejected', 'States.HeartbeatTimeout'], true);
app.synth();
