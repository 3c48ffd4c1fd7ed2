// The destinations app: a node whose invocations always fail (process.exit), once per kind of user onFailure.
// `node -r ts-node/register/transpile-only test/engine/apps/destinations.ts`
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'Destinations');
const entry = path.join(__dirname, 'functions', 'failures.ts');

/** A user's on-failure function: it logs what it gets. */
const receiver = (id: string) => new lambda.Function(stack, id, {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline(`exports.handler = async (event) => { console.log("${id} " + JSON.stringify(event)); };`),
});

const kinds: Record<string, lambda.IDestination> = {
  sqs: new destinations.SqsDestination(new sqs.Queue(stack, 'Queue')),
  sns: new destinations.SnsDestination(new sns.Topic(stack, 'Topic')),
  events: new destinations.EventBridgeDestination(new events.EventBus(stack, 'Bus', { eventBusName: 'failures' })),
  defaultBus: new destinations.EventBridgeDestination(),
  lambda: new destinations.LambdaDestination(receiver('RECORD')),
  response: new destinations.LambdaDestination(receiver('RESPONSE'), { responseOnly: true }),
  s3: new destinations.S3Destination(new s3.Bucket(stack, 'Records')),
};

for (const [kind, onFailure] of Object.entries(kinds)) {
  new UnumWorkflow(stack, kind, {
    definition: Chain.start(new UnumFunction(stack, `Start-${kind}`, { entry, handler: 'pass' }))
      .next(new UnumFunction(stack, `Quit-${kind}`, { entry, handler: 'exit', retryAttempts: 0, onFailure })),
  });
}

app.synth();
