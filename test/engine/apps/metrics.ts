// The metrics app: one known run per runtime (a Map of 10 with a caught error, a retry and a spilled payload)
// whose EMF lines the metrics engine test sums. `node -r ts-node/register/transpile-only test/engine/apps/metrics.ts`
import * as path from 'path';
import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, FanIn, Map, UnumFunction, UnumFunctionProps, UnumWorkflow } from '../../../src';

/** The constructs of one runtime's workflow, for the test that checks each metric method against the EMF lines. */
export interface MetricsWorkflow {
  readonly workflow: UnumWorkflow;
  readonly functions: readonly UnumFunction[];
}

/** Both workflows (`node`, `python`): Items → Map(Work, caught into Recover) → FanIn → Total. */
export function metricsApp(app: App): Record<'node' | 'python', MetricsWorkflow> {
  const stack = new Stack(app, 'EngineMetrics');

  function workflow(name: string, fn: (id: string, handler: string) => UnumFunction): MetricsWorkflow {
    const items = fn(`${name}Items`, 'items');
    const recover = fn(`${name}Recover`, 'recover');
    const total = fn(`${name}Total`, 'total');
    const work = fn(`${name}Work`, 'work')
      .addRetry({ errors: ['Transient'], interval: Duration.seconds(1), maxAttempts: 1 })
      .addCatch(recover, { errors: ['Bad'] });
    const wf = new UnumWorkflow(stack, name, {
      definition: Chain.start(items)
        .next(new Map(stack, `${name}EachItem`).itemProcessor(work))
        .next(new FanIn(stack, `${name}Collected`))
        .next(total),
      payloadThreshold: Size.kibibytes(1),
    });
    return { workflow: wf, functions: [items, work, recover, total] };
  }

  const entry = path.join(__dirname, 'functions', 'metrics.ts');
  const pyProps: Partial<UnumFunctionProps> = { runtime: lambda.Runtime.PYTHON_3_12, index: 'index.py' };
  return {
    node: workflow('node', (id, handler) => new UnumFunction(stack, id, { entry, handler })),
    python: workflow('python', (id, handler) => new UnumFunction(stack, id, { entry: path.join(__dirname, 'python', 'metrics'), handler, ...pyProps })),
  };
}

if (require.main === module) {
  const app = new App();
  metricsApp(app);
  app.synth();
}
