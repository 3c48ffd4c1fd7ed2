// The failure-path app: one workflow per way a session used to stay RUNNING forever.
// `node -r ts-node/register/transpile-only test/engine/apps/failures.ts`
import * as path from 'path';
import { App, Size, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import { Chain, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'FailurePath');
const entry = path.join(__dirname, 'functions', 'failures.ts');

function fn(id: string, handler: string, extra: Partial<ConstructorParameters<typeof UnumFunction>[2]> = {}): UnumFunction {
  return new UnumFunction(stack, id, { entry, handler, ...extra });
}

new UnumWorkflow(stack, 'bigint', { definition: Chain.start(fn('Sum', 'bigint')).next(fn('AfterSum', 'pass')) });
new UnumWorkflow(stack, 'circular', { definition: Chain.start(fn('Graph', 'circular')).next(fn('AfterGraph', 'pass')) });

// The user's own on-failure function: it must still get Lambda's record (forwarded by the recorder).
const userOnFailure = new lambda.Function(stack, 'UserOnFailure', {
  functionName: 'failure-path-user-on-failure',
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async (record) => { console.log("USER-ON-FAILURE " + JSON.stringify(record)); };'),
});
new UnumWorkflow(stack, 'exit', {
  definition: Chain.start(fn('Start', 'pass')).next(fn('Quit', 'exit', { retryAttempts: 1, onFailure: new destinations.LambdaDestination(userOnFailure) })),
});

// The test deletes this workflow's bucket before it runs.
new UnumWorkflow(stack, 'spill', { definition: Chain.start(fn('Large', 'large')).next(fn('AfterLarge', 'pass')), payloadThreshold: Size.kibibytes(1) });

// The test removes 'Missing' from the deployed app: Forward's egress cannot invoke it.
new UnumWorkflow(stack, 'egress', { definition: Chain.start(fn('Forward', 'pass')).next(fn('Missing', 'pass')) });

app.synth();
