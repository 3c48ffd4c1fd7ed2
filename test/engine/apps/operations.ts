// A workflow with the production settings the local engine must run as Lambda would: successors invoked through aliases (name:alias), JSON logs, tracing.
// `node -r ts-node/register/transpile-only test/engine/apps/operations.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineOps');
const entry = path.join(__dirname, 'functions', 'steps.ts');

const aliased = new UnumWorkflow(stack, 'aliased', {
  definition: Chain.start(new UnumFunction(stack, 'Double', { entry, handler: 'double' }))
    .next(new UnumFunction(stack, 'Increment', { entry, handler: 'increment', provisionedConcurrentExecutions: 1 })),
  functionDefaults: { aliasName: 'live', loggingFormat: lambda.LoggingFormat.JSON, tracing: lambda.Tracing.ACTIVE },
});
// Messages of this queue start sessions (the engine has no SQS poller: tests deliver the batch as the mapping does).
aliased.addSqsSource(new sqs.Queue(stack, 'Orders', { visibilityTimeout: Duration.minutes(6), deadLetterQueue: { queue: new sqs.Queue(stack, 'OrdersDlq'), maxReceiveCount: 3 } }));
