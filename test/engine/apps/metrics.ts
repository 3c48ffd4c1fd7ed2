// The metrics app: one known run per runtime (a Map of 10 with a caught error, a retry and a spilled payload)
// whose EMF lines the metrics engine test sums. `node -r ts-node/register/transpile-only test/engine/apps/metrics.ts`
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, FanIn, Map, UnumFunction, UnumFunctionProps, UnumWorkflow } from '../../../src';

const app = new App();
const stack = new Stack(app, 'EngineMetrics');

function workflow(name: string, fn: (id: string, handler: string) => UnumFunction): void {
  const work = fn(`${name}Work`, 'work')
    .addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 1 })
    .addCatch(fn(`${name}Recover`, 'recover'), { errors: ['Bad'] });
  new UnumWorkflow(stack, name, {
    definition: Chain.start(fn(`${name}Items`, 'items'))
      .next(new Map(stack, `${name}EachItem`).itemProcessor(work))
      .next(new FanIn(stack, `${name}Collected`))
      .next(fn(`${name}Total`, 'total')),
    payloadThreshold: Size.kibibytes(1),
  });
}

const entry = path.join(__dirname, 'functions', 'metrics.ts');
workflow('node', (id, handler) => new UnumFunction(stack, id, { entry, handler }));

const pyProps: Partial<UnumFunctionProps> = { runtime: lambda.Runtime.PYTHON_3_12, index: 'index.py' };
workflow('python', (id, handler) => new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', 'metrics'), handler, ...pyProps }));

app.synth();
