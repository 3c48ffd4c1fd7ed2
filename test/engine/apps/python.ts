// Workflows that mix Node.js and Python functions, for the engine tests.
// `node -r ts-node/register/transpile-only test/engine/apps/python.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, FanIn, Map, UnumFunction, UnumFunctionProps, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EnginePython');
const steps = path.join(__dirname, 'functions', 'steps.ts');

function node(id: string, handler: string): UnumFunction {
  return new UnumFunction(stack, id, { entry: steps, handler });
}

function py(id: string, dir: string, extra: Partial<UnumFunctionProps> = {}): UnumFunction {
  return new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', dir), runtime: lambda.Runtime.PYTHON_3_12, ...extra });
}

new UnumWorkflow(stack, 'mixed', {
  definition: Chain.start(node('Double', 'double'))
    .next(py('Describe', 'describe', { index: 'app.py', handler: 'lambda_handler' }))
    .next(node('Increment', 'increment')),
});

new UnumWorkflow(stack, 'describe', {
  definition: Chain.start(node('Doubled', 'double')).next(py('Described', 'describe', { index: 'app.py', handler: 'lambda_handler' })),
});

new UnumWorkflow(stack, 'pymap', {
  definition: Chain.start(node('Items', 'items'))
    .next(new Map(stack, 'EachItem').itemProcessor(py('Square', 'square')))
    .next(new FanIn(stack, 'Squared'))
    .next(py('Total', 'total')),
});

new UnumWorkflow(stack, 'pyfail', { definition: Chain.start(node('Prepare', 'items')).next(py('Boom', 'total', { handler: 'boom' })) });

new UnumWorkflow(stack, 'pytimeout', { definition: py('Hang', 'hang', { timeout: Duration.seconds(1), retryAttempts: 1 }) });
new UnumWorkflow(stack, 'pyspin', { definition: py('Spin', 'hang', { handler: 'spin', timeout: Duration.seconds(1), retryAttempts: 1 }) });

// The context object $$: a Node.js function retried once, a Python one, and a Map whose itemSelector feeds Python items.
new UnumWorkflow(stack, 'context', {
  definition: Chain.start(new UnumFunction(stack, 'CtxFlaky', {
    entry: steps,
    handler: 'flaky',
    parameters: { 'name.$': '$$.Execution.Name', 'x.$': '$$.Execution.Input.x', 'state.$': '$$.State.Name', 'retries.$': '$$.State.RetryCount' },
  }).addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 1 }))
    .next(py('CtxPython', 'context', {
      parameters: {
        'node.$': '$',
        'id.$': '$$.Execution.Id',
        'name.$': '$$.Execution.Name',
        'x.$': '$$.Execution.Input.x',
        'start.$': '$$.Execution.StartTime',
        'state.$': '$$.State.Name',
        'retries.$': '$$.State.RetryCount',
        'items.$': '$$.Execution.Input.items',
      },
    }))
    .next(new Map(stack, 'CtxEach', {
      itemsPath: '$.items',
      itemSelector: { 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'before.$': '$' },
    }).itemProcessor(py('CtxItem', 'context')))
    .next(new FanIn(stack, 'CtxJoined'))
    .next(node('CtxDone', 'identity')),
});

// A Python entry fed by SQS: one session per message.
new UnumWorkflow(stack, 'pysqs', { definition: py('SquareMessage', 'square') })
  .addSqsSource(new sqs.Queue(stack, 'Numbers', { visibilityTimeout: Duration.minutes(6), deadLetterQueue: { queue: new sqs.Queue(stack, 'NumbersDlq'), maxReceiveCount: 3 } }));

app.synth();
