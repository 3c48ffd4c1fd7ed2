import { join } from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { WorkflowTestMode, WorkflowTestRunner } from '../../toolkit/src/testing/workflow-test-runner';
import { synthApp } from '../engine/support';

/**
 * The public test API on a real synthesized app (apps/app.ts), in both
 * modes: every test below runs once fast (the runtime in this process) and
 * once faithful (sandbox processes), against the DynamoDB Local and s3rver
 * of jest's global setup, and must pass unchanged in both.
 */
let app: LocalApp;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'app.ts'));
}, 300_000);

describe.each([WorkflowTestMode.FAST, WorkflowTestMode.FAITHFUL])('%s mode', (mode) => {
  let runner: WorkflowTestRunner;
  beforeAll(async () => {
    runner = await WorkflowTestRunner.start({ assemblyDir: app.dir, mode });
  });
  afterAll(async () => runner?.stop());

  test('a chain: output, each instance with its input and output, invocations and store requests', async () => {
    const result = await runner.run({ workflow: 'chain', input: { n: 5 } });
    expect(result.mode).toBe(mode);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(11);
    expect(result.error).toBeUndefined();
    const double = result.instance('Double');
    expect(double).toMatchObject({ node: 'Double', input: { n: 5 }, output: { n: 10 }, attempts: 1, invocations: 1, outcome: 'committed', frames: [] });
    expect(result.instance('Increment')).toMatchObject({ input: { n: 10 }, output: 11 });
    expect(double.endedAt.getTime()).toBeGreaterThanOrEqual(double.startedAt.getTime());
    expect(result.instance('Increment').startedAt.getTime()).toBeGreaterThanOrEqual(double.startedAt.getTime());
    expect(result.invocations.map((i) => i.node)).toEqual(['Double', 'Increment']);
    expect(result.store.dynamodb.GetItem).toBeGreaterThan(0);
    expect(result.store.dynamodb.PutItem).toBeGreaterThanOrEqual(3);
    expect(result.failures()).toEqual([]);
    expect(() => result.instance('Triple')).toThrow("no instance of node 'Triple' ran in session");
  });

  test('a Map with a sum: one instance per item, found by index; the join went through the store', async () => {
    const result = await runner.run({ workflow: 'sum', input: { count: 4 } });
    expect(result.output).toBe(1 + 4 + 9 + 16);
    expect(result.instances('Square').map((i) => i.output)).toEqual([1, 4, 9, 16]);
    expect(result.instance('Square', 2)).toMatchObject({ input: 3, output: 9, index: 2, frames: [{ fanout: 'EachItem', index: 2, size: 4 }] });
    expect(result.instance('Sum').input).toEqual([1, 4, 9, 16]);
    expect(() => result.instance('Square')).toThrow(/node 'Square' has 4 instances .*pass the fan-out index/);
    expect(() => result.instance('Square', 9)).toThrow("node 'Square' has no instance at index 9");
    // The join protocol ran on DynamoDB Local: set additions on the join's items, a conditional write per checkpoint.
    expect(result.store.dynamodb.UpdateItem).toBeGreaterThanOrEqual(4);
    expect(Object.values(result.report.commits).every((n) => n === 1)).toBe(true);
  });

  test('a Parallel: both branches, then their outputs in branch order', async () => {
    const result = await runner.run({ workflow: 'parallel', input: { n: 3 } });
    expect(result.output).toEqual([{ n: 6 }, 4]);
    expect(result.allInstances.map((i) => i.node).sort()).toEqual(['Both', 'PlusOne', 'Twice']);
    // The first branch runs inside the invocation that fans out (no event of its own): its frames are still known.
    expect(result.instance('Twice')).toMatchObject({ frames: [{ fanout: 'Fork', index: 0, size: 2 }], output: { n: 6 }, outcome: 'committed' });
    expect(result.instance('Both').input).toEqual([{ n: 6 }, 4]);
    expect(result.instance('PlusOne', 1).output).toBe(4);
  });

  test('a Choice: the matching branch ran, the other did not', async () => {
    const result = await runner.run({ workflow: 'choice', input: { greeting: 'hello' } });
    expect(result.output).toEqual({ greeting: 'hello' });
    expect(result.allInstances.map((i) => i.node)).toEqual(['Hello']);
    expect(() => result.instances('Other')).toThrow(/no instance of node 'Other'.*nodes that ran: Hello/);
  });

  test('a node that always fails: its Retry attempts are visible, then the session fails naming it', async () => {
    const result = await runner.run({ workflow: 'retry', input: {} });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ node: 'Unreliable', error: 'Unreliable', cause: 'attempt 2 failed' });
    const [failed] = result.failures();
    expect(failed).toMatchObject({ node: 'Unreliable', attempts: 3, outcome: 'failed', error: { error: 'Unreliable', cause: 'attempt 2 failed' } });
    expect(failed.output).toBeUndefined();
  });

  test('a 7 MB result travels through S3 as deployed; an event over Lambda\'s 1 MiB async limit is refused with Lambda\'s error', async () => {
    const result = await runner.run({ workflow: 'large', input: { mb: 7 } });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.instance('Big').output as string).length).toBe(7 * 1024 * 1024);
    expect(result.store.s3.PutObject).toBeGreaterThanOrEqual(1);
    const big = Buffer.from(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
    await expect(runner.localEngine.lambda.send(new InvokeCommand({
      FunctionName: selectWorkflow(app, 'large').entry.functionName, InvocationType: 'Event', Payload: big,
    }))).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
  });

  test('Lambda\'s async retry: an invocation that crashes after its checkpoint is delivered again, and the session heals', async () => {
    const result = await runner.run({ workflow: 'chain', input: { n: 2 }, faults: { crashAt: 'after-checkpoint-write' } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(5);
    for (const node of ['Double', 'Increment']) {
      expect(result.instance(node)).toMatchObject({ invocations: 2, attempts: 1, outcome: 'committed' });
      expect(result.invocations.filter((i) => i.node === node).map((i) => [i.attempt, i.error?.errorType])).toEqual([
        [0, 'Unum.SimulatedCrash'], [1, undefined],
      ]);
    }
    expect(Object.values(result.report.commits)).toEqual([1, 1]);
  });

  test('faults aimed at one node: only its invocations crash or are delivered twice', async () => {
    const crashed = await runner.run({ workflow: 'chain', input: { n: 2 }, faults: { crashAt: 'after-checkpoint-write', nodes: ['Increment'] } });
    expect(crashed.output).toBe(5);
    expect(crashed.instance('Double').invocations).toBe(1);
    expect(crashed.invocations.filter((i) => i.node === 'Increment').map((i) => [i.attempt, i.error?.errorType])).toEqual([
      [0, 'Unum.SimulatedCrash'], [1, undefined],
    ]);
    const doubled = await runner.run({ workflow: 'chain', input: { n: 2 }, faults: { duplicateRate: 1, nodes: ['Increment'] } });
    expect(doubled.output).toBe(5);
    expect(doubled.invocations.filter((i) => i.node === 'Double').map((i) => i.duplicate)).toEqual([false]);
    expect(doubled.invocations.filter((i) => i.node === 'Increment' && i.duplicate)).toHaveLength(1);
    expect(Object.values(doubled.report.commits)).toEqual([1, 1]);
  });

  test('faults aimed at a node the workflow does not have, or store errors aimed at a node: refused, naming why', async () => {
    await expect(runner.run({ workflow: 'chain', input: { n: 2 }, faults: { crashAt: 'after-checkpoint-write', nodes: ['Tripple'] } }))
      .rejects.toThrow("--fault-nodes: the workflow has no function node 'Tripple'; its function nodes are: Double, Increment");
    await expect(runner.run({ workflow: 'chain', input: { n: 2 }, faults: { throttleRate: 0.5, nodes: ['Double'] } }))
      .rejects.toThrow(/--throttle-rate and --s3-error-rate cannot be aimed at nodes/);
  });

  test('the function\'s timeout applies: user code that outlasts it fails the session naming the node', async () => {
    const result = await runner.run({ workflow: 'slow', input: {} });
    expect(result.status).toBe('FAILED');
    expect(result.error).toMatchObject({ node: 'Sluggish', error: 'States.Timeout' });
    expect(result.failures().map((f) => [f.node, f.error?.error])).toEqual([['Sluggish', 'States.Timeout']]);
  });

  test('a Python node inside a Map', async () => {
    const result = await runner.run({ workflow: 'python', input: { count: 3 } });
    expect(result.output).toBe(1 + 4 + 9);
    expect(result.instance('PySquare', 1)).toMatchObject({ input: 2, output: 4 });
  });
});

describe.each([WorkflowTestMode.FAST, WorkflowTestMode.FAITHFUL])('an override, %s mode', (mode) => {
  test('replaces one node\'s user code; the runtime around it is unchanged', async () => {
    const seen: unknown[] = [];
    const runner = await WorkflowTestRunner.start({
      assemblyDir: app.dir,
      mode,
      overrides: {
        Price: async (input, ctx) => {
          seen.push([input, (ctx as { node: string }).node]);
          return { sku: (input as { sku: string }).sku, price: 42 };
        },
      },
    });
    try {
      const result = await runner.run({ workflow: 'priced', input: { sku: 'A-1' } });
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ sku: 'A-1', price: 42 });
      expect(seen).toEqual([[{ sku: 'A-1' }, 'Price']]);
      expect(result.instance('Price')).toMatchObject({ input: { sku: 'A-1' }, output: { sku: 'A-1', price: 42 } });
    } finally {
      await runner.stop();
    }
  });
});

test('an override naming no node of the app is refused with the node', async () => {
  await expect(WorkflowTestRunner.start({ assemblyDir: app.dir, overrides: { Nowhere: async () => 1 } }))
    .rejects.toThrow("override for node 'Nowhere': no function of the app is that node");
});
