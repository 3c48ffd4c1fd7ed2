// The workflow timeout through the engine: a Node.js and a Python workflow whose middle step sleeps past it.
// `node -r ts-node/register/transpile-only test/engine/apps/timeout.ts`
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, UnumFunction, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineTimeout');
const steps = path.join(__dirname, 'functions', 'steps.ts');
const node = (id: string, handler: string) => new UnumFunction(stack, id, { entry: steps, handler });
const py = (id: string, handler: string) => new UnumFunction(stack, id, {
  entry: path.join(__dirname, 'python', 'sleep'), runtime: lambda.Runtime.PYTHON_3_12, handler,
});

new UnumWorkflow(stack, 'nodetimeout', {
  definition: Chain.start(node('Start', 'identity')).next(node('Slow', 'sleep')).next(node('After', 'identity')),
  timeout: Duration.seconds(2),
});

new UnumWorkflow(stack, 'pytimeoutworkflow', {
  definition: Chain.start(py('PyStart', 'identity')).next(py('PySlow', 'handler')).next(py('PyAfter', 'identity')),
  timeout: Duration.seconds(2),
});

app.synth();
