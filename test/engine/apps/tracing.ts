// Node.js → Map of Python → Node.js, traced (X-Ray active, as a workflow default) and not, for test/engine/tracing.test.ts.
// `node -r ts-node/register/transpile-only test/engine/apps/tracing.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, FanIn, Map, UnumFunction, UnumFunctionDefaults, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineTracing');
const functions = path.join(__dirname, 'functions', 'traced.ts');

function workflow(name: string, functionDefaults: UnumFunctionDefaults): void {
  const node = (id: string, handler: string) => new UnumFunction(stack, `${name}${id}`, { entry: functions, handler });
  const square = new UnumFunction(stack, `${name}Square`, { entry: path.join(__dirname, 'python', 'traced'), runtime: lambda.Runtime.PYTHON_3_12 })
    .addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 2 });
  new UnumWorkflow(stack, name, {
    functionDefaults,
    definition: Chain.start(node('Items', 'items'))
      .next(new Map(stack, `${name}EachItem`).itemProcessor(square))
      .next(new FanIn(stack, `${name}Squared`))
      .next(node('Join', 'join').addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 2 })),
  });
}

workflow('traced', { tracing: lambda.Tracing.ACTIVE, loggingFormat: lambda.LoggingFormat.JSON });
workflow('untraced', {});

app.synth();
