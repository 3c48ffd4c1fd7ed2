import { join } from 'path';
import { startEngine, synthApp } from './support';
import { LocalEngine } from '../../toolkit/src/local/engine';

/**
 * A 10,000-item Map fanned out from a function with a 5 s timeout (issuing
 * takes longer than that in the engine): the fan-out records its progress
 * and continues in fresh invocations, each item is invoked once, and the
 * join delivers the exact result.
 */
const N = 10_000;
let engine: LocalEngine;

beforeAll(async () => {
  engine = await startEngine(await synthApp(join(__dirname, 'apps', 'fanout.ts')), { concurrency: 16 });
});
afterAll(async () => engine?.stop());

test('a 10,000-item Map from a function with a 5 s timeout completes, each item invoked once', async () => {
  const r = await engine.run({ workflow: 'wide', input: { count: N } });
  expect(r.status).toBe('SUCCEEDED');
  expect(r.result).toBe((N * (N + 1) * (2 * N + 1)) / 6);
  expect(r.onFailure).toEqual([]);
  const items = r.instances.filter((i) => i.node === 'Square');
  expect(items).toHaveLength(N);
  expect(items.filter((i) => i.invocations !== 1)).toEqual([]);
  expect(Object.values(r.commits).every((n) => n === 1)).toBe(true);
  const fanning = r.instances.find((i) => i.node === 'Items')!;
  // Issuing did not fit one invocation: it continued (the timeout never struck).
  expect(fanning.invocations).toBeGreaterThan(1);
  expect(fanning.timeouts ?? 0).toBe(0);
  process.stderr.write(`fan-out of ${N}: ${fanning.invocations} invocations of the fanning-out function, ${r.invocations.total} in all\n`);
}, 600_000);
