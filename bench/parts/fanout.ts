import { diamondInMap, loopJoin, loopJoinHandlers, mapJoin, synthShapes } from '../lib/shapes';
import { round } from '../lib/stats';
import { BenchServers, BenchWorld } from '../lib/world';

/**
 * Part 6 (issue 10): fan-outs of any size finish, and duplicates are cheap.
 * - A 100,000-item Map from a function with Lambda's default 60 s timeout
 *   (in-process runtime, every invocation told the time left as Lambda
 *   would): the fanning-out function continues itself when time runs short.
 * - Invocations per session under 10 % duplicate deliveries (seeded, per
 *   async event) against fault-free, on a loop with a join and a diamond
 *   inside a Map.
 */

export interface WideMap {
  readonly n: number;
  readonly ok: boolean;
  readonly sessionMs: number;
  readonly timeoutMs: number;
  /** Invocations of the fanning-out function (1 + continuations) and the longest of them. */
  readonly fanoutInvocations: number;
  readonly fanoutMaxMs: number;
  readonly itemInvocations: number;
  readonly lambdaInvocations: number;
}

export interface DuplicateCost {
  readonly shape: string;
  readonly faultFree: number;
  readonly rate: number;
  readonly runs: number;
  /** Mean invocations per session with duplicates, and its ratio to fault-free. */
  readonly meanWithDuplicates: number;
  readonly maxWithDuplicates: number;
  readonly ratio: number;
  readonly ok: boolean;
}

export interface FanoutResults {
  readonly wide?: WideMap;
  readonly duplicates: DuplicateCost[];
}

/** A small seeded generator (Park-Miller), so a run's duplicates are reproducible. */
function seeded(seed: number): () => number {
  let a = (seed % 2147483646) + 1;
  return () => {
    a = (a * 16807) % 2147483647;
    return (a - 1) / 2147483646;
  };
}

async function duplicateCost(servers: BenchServers, shape: string, build: Parameters<typeof synthShapes>[0][string],
  handlers: Record<string, any> | undefined, expected: unknown, rate: number, runs: number): Promise<DuplicateCost> {
  const app = synthShapes({ [shape]: build });
  let random = seeded(0);
  let duplicating = false;
  const world = await BenchWorld.create(servers, app, shape, { handlers, duplicate: () => duplicating && random() < rate });
  try {
    await world.run(0);
    const clean = await world.run(0);
    let ok = clean.status === 'SUCCEEDED' && JSON.stringify(clean.result) === JSON.stringify(expected);
    const counts: number[] = [];
    duplicating = true;
    for (let seed = 1; seed <= runs; seed++) {
      random = seeded(seed);
      const r = await world.run(0);
      ok &&= r.status === 'SUCCEEDED' && JSON.stringify(r.result) === JSON.stringify(expected);
      counts.push(r.lambdaInvocations);
    }
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    return {
      shape,
      faultFree: clean.lambdaInvocations,
      rate,
      runs,
      meanWithDuplicates: round(mean, 2),
      maxWithDuplicates: Math.max(...counts),
      ratio: round(mean / clean.lambdaInvocations, 3),
      ok,
    };
  } finally {
    await world.close();
  }
}

export async function runFanoutBench(servers: BenchServers, options: { quick: boolean; log: (s: string) => void }): Promise<FanoutResults> {
  const runs = options.quick ? 5 : 20;
  const duplicates = [
    await duplicateCost(servers, 'LoopJoin', (s) => loopJoin(s), loopJoinHandlers, 3, 0.1, runs),
    await duplicateCost(servers, 'DiamondInMap', (s) => diamondInMap(s, 10), undefined, 10, 0.1, runs),
  ];
  for (const d of duplicates) {
    options.log(`  ${d.shape}: ${d.faultFree} invocations fault-free, ${d.meanWithDuplicates} (max ${d.maxWithDuplicates}) at ${d.rate * 100} % duplicates: ×${d.ratio}`);
  }
  if (options.quick) return { duplicates };

  const n = 100_000;
  const timeoutMs = 60_000;
  const app = synthShapes({ Wide: (s) => mapJoin(s, n) });
  const world = await BenchWorld.create(servers, app, 'Wide', { timeoutMs });
  try {
    const r = await world.run(0);
    const fanout = r.invocations[world.functionOf('Start')];
    const wide: WideMap = {
      n,
      ok: r.status === 'SUCCEEDED' && r.result === n && fanout.maxMs < timeoutMs,
      sessionMs: round(r.ms, 0),
      timeoutMs,
      fanoutInvocations: fanout.count,
      fanoutMaxMs: round(fanout.maxMs, 0),
      itemInvocations: r.invocations[world.functionOf('Item')]?.count ?? 0,
      lambdaInvocations: r.lambdaInvocations,
    };
    options.log(`  map of ${n} from a ${timeoutMs / 1000} s function: ${r.status} ${JSON.stringify(r.result)} in ${wide.sessionMs} ms; `
      + `${wide.fanoutInvocations} invocations of the fanning-out function (longest ${wide.fanoutMaxMs} ms), ${wide.itemInvocations} item invocations`);
    return { wide, duplicates };
  } finally {
    await world.close();
  }
}
