import { join } from 'path';
import { ReferenceRun } from '../../examples/support/reference';
import type { UnumHandler } from '../../lambda-runtime';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';
import { InvokeRequest } from '../../toolkit/src/local/lambda-endpoint';
import { chain, mapJoin, synthShapes } from '../lib/shapes';
import { median, now, round } from '../lib/stats';
import { BenchServers, BenchWorld } from '../lib/world';

/**
 * Part 3: the local engine (`unum run`: sandbox processes, Lambda endpoint,
 * counting proxies, DynamoDB Local, s3rver) against the floor (the same user
 * function called directly in process, values JSON round-tripped as the
 * store would) and, in between, the in-process world (the real runtime and
 * servers, no sandbox processes) to show where the time goes.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const trivial: UnumHandler = require(join(__dirname, '..', 'fixtures', 'trivial', 'index.js')).handler;

export interface LatencyFigures {
  readonly runs: number;
  /** Median over runs of the session's wall time (ms). */
  readonly sessionMs: number;
  /** Median over runs of the session time per hop (chain) or per instance (map), ms. */
  readonly perHopMs: number;
  /** Transitions (function instances) per second. */
  readonly transitionsPerSecond: number;
}

export interface Comparison {
  readonly engine: LatencyFigures;
  readonly inProcess: LatencyFigures;
  readonly floor: LatencyFigures;
  readonly engineOverFloor: number;
  readonly inProcessOverFloor: number;
}

export interface EngineResults {
  readonly available: boolean;
  readonly concurrency: { readonly engine: number; readonly inProcess: number };
  readonly chain100: Comparison;
  readonly map1000: Comparison;
  /** Time to issue the 512 item invocations of a map: first to last accepted by the Lambda endpoint (ms). */
  readonly issue512: { readonly engineMs: number; readonly inProcessMs: number; readonly runs: number };
  readonly coldSandboxes?: number;
  /** Chain of 100 with the pool large enough to keep all 100 sandboxes warm (maxSandboxes 128). */
  readonly chain100Warm?: LatencyFigures & { readonly coldPerRun: number; readonly overFloor: number };
  /** Cold starts per measured chain run with the default pool (32 sandboxes for 100 functions: LRU eviction). */
  readonly chain100DefaultColdPerRun?: number;
}

function figures(durations: number[], transitions: number, hops: number): LatencyFigures {
  const ms = median(durations);
  return {
    runs: durations.length, sessionMs: round(ms, 2), perHopMs: round(ms / hops, 4), transitionsPerSecond: round((transitions / ms) * 1000, 1),
  };
}

/** The floor: the same handler called directly, sequentially for a chain, concurrently for a map (best of many repetitions' median). */
async function floorChain(n: number, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const run = new ReferenceRun('Chain');
    const t0 = now();
    let v: unknown = 0;
    for (let i = 0; i < n; i++) v = await run.call(`N${i}`, trivial, v);
    out.push(now() - t0);
    if (v !== n) throw new Error(`floor chain returned ${v}`);
  }
  return out;
}

async function floorMap(n: number, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const run = new ReferenceRun('Map');
    const t0 = now();
    const start = await run.call('Start', trivial, 0);
    const items = await run.map('Items', new Array(n).fill(start), [], (item, frames) => run.call('Item', trivial, item, frames));
    const v = await run.call('Collect', trivial, items);
    out.push(now() - t0);
    if (v !== n) throw new Error(`floor map returned ${v}`);
  }
  return out;
}

function compare(engine: LatencyFigures, inProcess: LatencyFigures, floor: LatencyFigures): Comparison {
  return {
    engine,
    inProcess,
    floor,
    engineOverFloor: round(engine.perHopMs / floor.perHopMs, 0),
    inProcessOverFloor: round(inProcess.perHopMs / floor.perHopMs, 0),
  };
}

function check(report: SessionReport, expected: unknown): void {
  if (report.status !== 'SUCCEEDED' || JSON.stringify(report.result) !== JSON.stringify(expected)) {
    throw new Error(`engine session ${report.session}: ${report.status} ${JSON.stringify(report.result ?? report.error)}`);
  }
}

export async function runEngineBench(servers: BenchServers, options: { quick: boolean; log: (s: string) => void }): Promise<EngineResults> {
  const app: LocalApp = synthShapes({ Chain100: (s) => chain(s, 100), Map1000: (s) => mapJoin(s, 1000), Map512: (s) => mapJoin(s, 512) });
  const concurrency = 16;
  const chainRuns = options.quick ? 3 : 5;
  const mapRuns = options.quick ? 1 : 3;

  // Floor.
  await floorChain(100, 50);
  const floorChainMs = await floorChain(100, 200);
  await floorMap(1000, 10);
  const floorMapMs = await floorMap(1000, 50);
  options.log(`  floor: chain of 100 ${round(median(floorChainMs), 3)} ms, map of 1000 ${round(median(floorMapMs), 3)} ms`);

  // In-process world.
  const inChain = await BenchWorld.create(servers, app, 'Chain100');
  for (let i = 0; i < 3; i++) await inChain.run(0);
  const inChainMs: number[] = [];
  for (let i = 0; i < chainRuns; i++) inChainMs.push((await inChain.run(0)).ms);
  await inChain.close();
  const inMap = await BenchWorld.create(servers, app, 'Map1000');
  await inMap.run(0);
  const inMapMs: number[] = [];
  for (let i = 0; i < mapRuns; i++) inMapMs.push((await inMap.run(0)).ms);
  await inMap.close();
  let accepted: number[] = [];
  let itemFn = '';
  const in512 = await BenchWorld.create(servers, app, 'Map512', { onAccepted: (r: InvokeRequest) => { if (r.functionName === itemFn) accepted.push(now()); } });
  itemFn = in512.functionOf('Item');
  const inIssue: number[] = [];
  for (let i = -1; i < chainRuns; i++) {
    accepted = [];
    await in512.run(0);
    if (accepted.length !== 512) throw new Error(`in-process 512 map: ${accepted.length} item invocations`);
    if (i >= 0) inIssue.push(Math.max(...accepted) - Math.min(...accepted));
  }
  await in512.close();
  options.log(`  in-process: chain of 100 ${round(median(inChainMs), 1)} ms, map of 1000 ${round(median(inMapMs), 1)} ms, 512 issued in ${round(median(inIssue), 1)} ms`);

  // The local engine.
  const engine = await LocalEngine.start({ app, servers: servers.direct, concurrency });
  let stopped = false;
  try {
    const engChainMs: number[] = [];
    const engMapMs: number[] = [];
    const engIssue: number[] = [];
    let cold = 0;
    const defaultCold: number[] = [];
    for (let i = -1; i < chainRuns; i++) {
      const t0 = now();
      const report = await engine.run({ workflow: 'Chain100', input: 0 });
      const ms = now() - t0;
      check(report, 100);
      if (i < 0) {cold += report.invocations.cold;} else {
        engChainMs.push(ms);
        defaultCold.push(report.invocations.cold);
      }
    }
    options.log(`  engine: chain of 100 ${round(median(engChainMs), 1)} ms`);
    for (let i = -1; i < mapRuns; i++) {
      const t0 = now();
      const report = await engine.run({ workflow: 'Map1000', input: 0 });
      const ms = now() - t0;
      check(report, 1000);
      if (i >= 0) engMapMs.push(ms);
    }
    options.log(`  engine: map of 1000 ${round(median(engMapMs), 1)} ms`);
    const wf512 = app.workflows.find((w) => w.name === 'Map512')!;
    const engineItem = wf512.functions.find((f) => f.node === 'Item')!.functionName;
    const observer = (engine.endpoint as any).options.observer;
    let times: number[] = [];
    observer.accepted = (r: InvokeRequest) => { if (r.functionName === engineItem) times.push(now()); };
    for (let i = -1; i < chainRuns; i++) {
      times = [];
      const report = await engine.run({ workflow: 'Map512', input: 0 });
      check(report, 512);
      if (times.length !== 512) throw new Error(`engine 512 map: ${times.length} item invocations`);
      if (i >= 0) engIssue.push(Math.max(...times) - Math.min(...times));
    }
    options.log(`  engine: 512 issued in ${round(median(engIssue), 1)} ms`);

    await engine.stop();
    stopped = true;
    const warm = await LocalEngine.start({ app, servers: servers.direct, concurrency, maxSandboxes: 128 });
    const warmMs: number[] = [];
    const warmCold: number[] = [];
    try {
      for (let i = -1; i < chainRuns; i++) {
        const t0 = now();
        const report = await warm.run({ workflow: 'Chain100', input: 0 });
        const ms = now() - t0;
        check(report, 100);
        if (i >= 0) {
          warmMs.push(ms);
          warmCold.push(report.invocations.cold);
        }
      }
    } finally {
      await warm.stop();
    }
    options.log(`  engine (all sandboxes warm): chain of 100 ${round(median(warmMs), 1)} ms`);
    const floorC = figures(floorChainMs, 100, 100);
    const floorM = figures(floorMapMs, 1002, 1002);
    const engC = figures(engChainMs, 100, 100);
    const engM = figures(engMapMs, 1002, 1002);
    const inC = figures(inChainMs, 100, 100);
    const inM = figures(inMapMs, 1002, 1002);
    return {
      available: true,
      concurrency: { engine: concurrency, inProcess: 64 },
      chain100: compare(engC, inC, floorC),
      map1000: compare(engM, inM, floorM),
      issue512: { engineMs: round(median(engIssue), 1), inProcessMs: round(median(inIssue), 1), runs: engIssue.length },
      coldSandboxes: cold,
      chain100DefaultColdPerRun: median(defaultCold),
      chain100Warm: { ...figures(warmMs, 100, 100), coldPerRun: median(warmCold), overFloor: round(median(warmMs) / 100 / floorC.perHopMs, 0) },
    };
  } finally {
    if (!stopped) await engine.stop();
  }
}
