/**
 * Speed of the simulation core (issue 18: one million invocations in under
 * 10 s on this machine): Poisson arrivals of calls to 20 functions on 4 images
 * over 50 nodes of 8 cores, WRENCH-like transfer and startup costs, FCFS.
 * Not a test: it prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/simulate-core.ts [--invocations N] [--seed N]
 */
import { cpus } from 'os';
import { median, now, round } from './lib/stats';
import { FunctionManager, ServerlessComputeService, Simulation } from '../toolkit/src/simulate';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const INVOCATIONS = arg('invocations', 1_000_000);
const SEED = arg('seed', 1);
const RUNS = arg('runs', 3);
const TARGET_SECONDS = 10;
const MB = 1e6;

function simulate(seed: number) {
  const sim = new Simulation({ seed });
  const service = new ServerlessComputeService(sim, {
    nodes: Array.from({ length: 50 }, (_, i) => ({
      name: `n${i}`, cores: 8, ram: 4_000 * MB, disk: { capacity: 50_000 * MB, bandwidth: 100 * MB },
    })),
    headStorage: { capacity: 1e12, bandwidth: 100 * MB },
    link: { bandwidth: 20 * MB, latency: 20e-6 },
    containerStartupOverhead: 10,
    idleTimeout: 600,
  });
  const manager = new FunctionManager(sim);
  const images = [0, 1, 2, 3].map((i) => ({ name: `img${i}`, size: 100 * MB }));
  const fns = Array.from({ length: 20 }, (_, i) => manager.registerFunction(
    FunctionManager.createFunction(`f${i}`, (_input, ctx) => ctx.sleep(0.5 + (i % 5) * 0.25), images[i % 4]), service));
  // About 60 % of the 400 cores busy: mean service time 1 s, 240 arrivals per second.
  const rate = 240;
  let submitted = 0;
  const arrive = () => {
    manager.invokeFunction(service, fns[Math.floor(sim.random() * fns.length)], submitted);
    submitted++;
    if (submitted < INVOCATIONS) sim.schedule(-Math.log(1 - sim.random()) / rate, arrive);
  };
  sim.schedule(0, arrive);
  const t0 = now();
  sim.run();
  const ms = now() - t0;
  const { coldStarts: cold, warmStarts: warm } = service.stats;
  return { ms, events: sim.processed, simulated: sim.now, cold, warm, downloads: service.downloads };
}

const runs = Array.from({ length: RUNS }, () => simulate(SEED));
const ms = median(runs.map((r) => r.ms));
const r = runs[0];
const stable = runs.every((x) => x.events === r.events && x.simulated === r.simulated && x.cold === r.cold && x.warm === r.warm);
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ${new Date().toISOString()}`);
console.log(`invocations ${INVOCATIONS}, seed ${SEED}, runs ${RUNS} (median)`);
console.log(`wall ms ${round(ms, 0)}  invocations/s ${round(INVOCATIONS / (ms / 1000), 0)}  target ${TARGET_SECONDS} s for 1M: `
  + `${round((ms / 1000) * (1_000_000 / INVOCATIONS), 2)} s per 1M (ratio to target ${round((ms / 1000) * (1_000_000 / INVOCATIONS) / TARGET_SECONDS, 3)})`);
console.log(`events ${r.events}  events/s ${round(r.events / (ms / 1000), 0)}  events per invocation ${round(r.events / INVOCATIONS, 2)}`);
console.log(`simulated s ${round(r.simulated, 1)}  cold starts ${r.cold}  warm starts ${r.warm}  downloads ${r.downloads}  `
  + `same result every run: ${stable}`);
