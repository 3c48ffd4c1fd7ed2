// The retry-interval app: a retry whose interval does not fit in what a slow attempt left of its invocation.
// `node -r ts-node/register/transpile-only test/engine/apps/retry-later.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'RetryLater');

// Delays 1 s then 2 s: each fits in a fresh 8 s invocation (slack for a loaded machine) with the runtime's 2 s margin (synth checks that).
new UnumWorkflow(stack, 'later', {
  definition: new UnumFunction(stack, 'Slow', {
    entry: path.join(__dirname, 'functions', 'retry-later.ts'), handler: 'slowThenFlaky', timeout: Duration.seconds(8), retryAttempts: 0,
  }).addRetry({ errors: ['Transient'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 2 }),
});

// Every attempt is slow: the one retry is handed over, then the session fails.
new UnumWorkflow(stack, 'exhausted', {
  definition: new UnumFunction(stack, 'AlwaysSlow', {
    entry: path.join(__dirname, 'functions', 'retry-later.ts'), handler: 'alwaysSlow', timeout: Duration.seconds(5), retryAttempts: 0,
  }).addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 1 }),
});

app.synth();
