// A 30-day Wait and a TimestampPath Wait, continued by EventBridge Scheduler. `node -r ts-node/register/transpile-only test/toolkit-testing/apps/long-wait.ts`
import { App, Stack } from 'aws-cdk-lib';
import { longWaitWorkflow } from '../../support/long-wait';

const app = new App();
longWaitWorkflow(new Stack(app, 'LongWaitTest'));
app.synth();
