import { readFileSync } from 'fs';
import { join } from 'path';
import { Stack } from 'aws-cdk-lib';
import { jsonataShape, synthExample, synthWorkflow } from './workflow-support';
import { Chain, FanIn, Map as UnumMap } from '../../src';
import { ROOT } from '../engine/support';
import { unum } from '../support/cli';
import { fn } from '../support/shapes';

/**
 * The simulator against the engine on this machine: an example is run once by `unum run --record-profile`, and
 * the simulator, given that profile, predicts its session time at low load (one session at a time) within 25 %
 * of what the engine measured. The margin is generous on purpose (the machine is shared); bench/simulate-vs-engine.ts
 * prints the exact ratios. The first run of an example warms the machine's caches (module loading, JIT); the
 * next is the one compared, as a deployed workflow's steady state would be, and up to two more when a load spike
 * stretched it (each records its own profile): one within the margin passes. The platform is the engine's
 * (`--platform engine`: Lambda's model with the engine's concurrency limit, recorded in the profile, and its queue),
 * so map-join's 20 items queue for the engine's sandboxes in the prediction as they do in the run.
 */
const EXAMPLES = ['text-processing', 'ci-pipeline', 'map-join'];
/** Compared runs at most, after the warm-up: a load spike on the shared machine (the engine has no CPU of its own) can stretch one. */
const COMPARED_RUNS = 3;

interface Comparison { readonly measured: number; readonly predicted: number }
const within25 = (c: Comparison) => c.predicted / c.measured >= 0.75 && c.predicted / c.measured <= 1.25;

test.each(EXAMPLES)('%s: the simulated session time is within 25 %% of the engine\'s, with the profile the engine recorded', async (example) => {
  const { dir: assembly } = await synthExample(example);
  const input = `@${join(ROOT, 'examples', example, 'input.json')}`;
  const profile = join(assembly, '..', `${example}-profile.json`);
  const comparisons: Comparison[] = [];
  for (let run = 0; run <= COMPARED_RUNS && !comparisons.some(within25); run++) {
    const r = await unum('run', '--assembly', assembly, '--input', input, '--record-profile', profile, '--quiet', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('SUCCEEDED');
    if (run === 0) continue;
    const recorded = JSON.parse(readFileSync(profile, 'utf8'));
    expect(recorded.source).toMatch(/^unum run of workflow /);
    expect(recorded.engine.concurrency).toBeGreaterThanOrEqual(4);
    const sim = await unum('simulate', '--assembly', assembly, '--input', input, '--profile', profile, '--platform', 'engine', '--sessions', '1', '--rate', '0.01', '--json');
    expect(sim.code).toBe(0);
    const [summary] = JSON.parse(sim.stdout);
    expect(summary.sessions.succeeded).toBe(1);
    comparisons.push({ measured: report.durationMs / 1000, predicted: summary.latency.p50 });
  }
  // Printed so a failure says by how much, run by run.
  expect({ example, comparisons, within25: comparisons.some(within25) }).toEqual({ example, comparisons, within25: true });
}, 300_000);

test('eager cleanup adds the same DynamoDB requests in the simulator as in the engine (markers, partition queries, batch deletes)', async () => {
  const shape = (stack: Stack) => Chain.start(fn(stack, 'Start'))
    .next(new UnumMap(stack, 'Each', { itemsPath: '$' }).itemProcessor(fn(stack, 'Item')))
    .next(new FanIn(stack, 'Join')).next(fn(stack, 'Done'));
  const input = JSON.stringify(Array.from({ length: 30 }, (_, i) => i));
  const extra: Record<string, number> = {};
  for (const where of ['engine', 'simulator']) {
    const counts = [];
    for (const eagerCleanup of [false, true]) {
      const { dir } = synthWorkflow(eagerCleanup ? 'MapEager' : 'MapPlain', shape, { eagerCleanup });
      if (where === 'engine') {
        const r = await unum('run', '--assembly', dir, '--input', input, '--quiet', '--json');
        expect(r.code).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report.status).toBe('SUCCEEDED');
        counts.push(Object.values<number>(report.store.dynamodb).reduce((a, b) => a + b, 0));
      } else {
        const sim = await unum('simulate', '--assembly', dir, '--input', input, '--sessions', '1', '--json');
        counts.push(JSON.parse(sim.stdout)[0].perSession.dynamodbRequests);
      }
    }
    extra[where] = counts[1] - counts[0];
  }
  expect(extra.simulator).toBeGreaterThan(40);
  expect(extra.simulator).toBe(extra.engine);
}, 300_000);

test('a JSONata workflow takes the same path in the simulator as in the engine: invocations per function and store requests', async () => {
  const { dir } = synthWorkflow('JsonataCheck', jsonataShape);
  for (const xs of [[1, 2, 3, 4, 5], [1, 2]]) {
    const input = JSON.stringify({ xs });
    const r = await unum('run', '--assembly', dir, '--input', input, '--fast-forward', '--quiet', '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('SUCCEEDED');
    const engine: Record<string, number> = {};
    for (const i of report.instances as Array<{ node: string }>) engine[i.node] = (engine[i.node] ?? 0) + 1;
    const sim = JSON.parse((await unum('simulate', '--assembly', dir, '--input', input, '--sessions', '1', '--json')).stdout)[0];
    expect(sim.sessions.succeeded).toBe(1);
    const simulated = Object.fromEntries(Object.entries<{ invocations: number }>(sim.functions)
      .filter(([, f]) => f.invocations > 0).map(([node, f]) => [node, f.invocations]));
    expect(simulated).toEqual(engine);
    // 26 requests for five items, 17 for two: the expressions decide the path, and the path the requests.
    expect(sim.perSession.dynamodbRequests).toBe(Object.values<number>(report.store.dynamodb).reduce((a, b) => a + b, 0));
  }
}, 300_000);
