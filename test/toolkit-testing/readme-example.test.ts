import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Chain, FanIn, Map, UnumFunction, UnumWorkflow, Wait, WaitTime } from '../../src';
import { WorkflowTestRunner } from '../../toolkit/src';

// The workflow under test, built as the app builds it (or pass assemblyDir: 'cdk.out').
function buildApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Squares');
  const entry = path.join(__dirname, 'apps', 'functions', 'steps.ts');
  const fn = (id: string, handler: string) => new UnumFunction(stack, id, { entry, handler });
  new UnumWorkflow(stack, 'SumOfSquares', {
    definition: Chain.start(fn('Items', 'items'))
      .next(new Map(stack, 'EachItem').itemProcessor(fn('Square', 'square')))
      .next(new FanIn(stack, 'Squared'))
      .next(new Wait(stack, 'AnHour', { time: WaitTime.duration(Duration.hours(1)) }))
      .next(fn('Sum', 'sum')),
  });
  return app;
}

describe('SumOfSquares', () => {
  let runner: WorkflowTestRunner;
  beforeAll(async () => {
    // skipTime: the hour of the Wait (and any retry interval) passes at once; results show the simulated times.
    runner = await WorkflowTestRunner.start({ app: buildApp(), skipTime: true });
  });
  afterAll(() => runner.stop());

  test('sums the squares of 1..n', async () => {
    const result = await runner.run({ input: { count: 3 } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(1 + 4 + 9);
    expect(result.instances('Square').map((i) => i.output)).toEqual([1, 4, 9]);
    expect(result.instance('Square', 2)).toMatchObject({ input: 3, output: 9, attempts: 1 });
    expect(result.failures()).toEqual([]);
    // The hour is there in simulated time, between the items and their sum.
    const hour = 3_600_000;
    expect(result.instance('Sum').startedAt.getTime() - result.instance('Items').endedAt.getTime()).toBeGreaterThanOrEqual(hour);
  });

  test('a node replaced by a stub', async () => {
    const stubbed = await WorkflowTestRunner.start({
      app: buildApp(),
      skipTime: true,
      overrides: { Square: async (n) => -(n as number) },
    });
    try {
      const result = await stubbed.run({ input: { count: 3 } });
      expect(result.output).toBe(-6);
    } finally {
      await stubbed.stop();
    }
  });
});
