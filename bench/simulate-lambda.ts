/**
 * The Lambda platform model against the AWS Lambda measurements published
 * with SimFaaS (issue 18): measured vs simulated cold-start probability and
 * instance counts per arrival rate, relative errors and their means, and the
 * simulation's speed. Not a test: it prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/simulate-lambda.ts [--duration S] [--seed N]
 */
import { readFileSync } from 'fs';
import { cpus, loadavg } from 'os';
import { join } from 'path';
import { now, round } from './lib/stats';
import { parseLambdaMeasurements, relativeError, simulateMeasurement } from '../toolkit/src/simulate';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const DURATION = arg('duration', 1e6);
const SEED = arg('seed', 1);
const CSV = join(__dirname, '..', '..', 'shared', 'reference', 'data', 'lambda-cold-start-measurements.csv');

const rows = parseLambdaMeasurements(readFileSync(CSV, 'utf8'));
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`);
console.log(`simulated ${DURATION} s per row, seed ${SEED}; Poisson arrivals, exponential service (warm mean), init = cold mean - warm mean`);
console.log('| rate/s | P(cold) AWS | P(cold) sim | err | instances AWS | sim | err | running AWS | sim | idle AWS | sim | util AWS | sim | sim s per wall s |');
console.log('| -----: | ----------: | ----------: | --: | ------------: | --: | --: | ----------: | --: | -------: | --: | -------: | --: | ---------------: |');
const errors = { cold: 0, instances: 0, running: 0, idle: 0 };
let wallMs = 0;
let events = 0;
for (const m of rows) {
  const t0 = now();
  const r = simulateMeasurement(m, DURATION, SEED);
  const ms = now() - t0;
  wallMs += ms;
  events += r.events;
  const s = r.stats;
  const e = {
    cold: relativeError(s.coldStartProbability, m.coldStartProbability),
    instances: relativeError(s.averageInstances, m.averageInstanceCount),
    running: relativeError(s.averageRunning, m.averageRunningInstances),
    idle: relativeError(s.averageIdle, m.averageIdleInstances),
  };
  for (const k of Object.keys(errors) as (keyof typeof errors)[]) errors[k] += e[k] / rows.length;
  console.log(`| ${round(m.arrivalRate, 3)} | ${round(m.coldStartProbability, 5)} | ${round(s.coldStartProbability, 5)} | ${round(e.cold, 3)} `
    + `| ${round(m.averageInstanceCount, 3)} | ${round(s.averageInstances, 3)} | ${round(e.instances, 3)} `
    + `| ${round(m.averageRunningInstances, 3)} | ${round(s.averageRunning, 3)} | ${round(m.averageIdleInstances, 3)} | ${round(s.averageIdle, 3)} `
    + `| ${round(m.averageUtilization, 3)} | ${round(s.utilization, 3)} | ${round(DURATION / (ms / 1000), 0)} |`);
}
console.log(`mean relative error: cold-start probability ${round(errors.cold, 4)} (target < 0.15), average instances ${round(errors.instances, 4)} `
  + `(target < 0.10), running ${round(errors.running, 4)}, idle ${round(errors.idle, 4)}`);
console.log(`wall s ${round(wallMs / 1000, 2)}  simulated s per wall s ${round(DURATION * rows.length / (wallMs / 1000), 0)}  `
  + `events/s ${round(events / (wallMs / 1000), 0)}`);
