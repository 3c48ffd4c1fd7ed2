// A 30-day Wait and a TimestampPath Wait, continued by EventBridge Scheduler, after a Node.js function ('longwait')
// and after a Python function ('longwaitpy'). `node -r ts-node/register/transpile-only test/toolkit-testing/apps/long-wait.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { UnumFunction } from '../../../src';
import { longWaitWorkflow } from '../../support/long-wait';

const app = new App();
const stack = new Stack(app, 'LongWaitTest');
longWaitWorkflow(stack);
const passthrough = path.join(__dirname, '..', '..', 'engine', 'apps', 'python', 'passthrough');
longWaitWorkflow(stack, 'longwaitpy', (id) => new UnumFunction(stack, id, { entry: passthrough, runtime: lambda.Runtime.PYTHON_3_12, timeout: Duration.minutes(1) }));
app.synth();
