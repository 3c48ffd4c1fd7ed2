/**
 * Speed of the workflow simulator (issue 18: one million invocations in
 * under 10 s): sessions of two synthesized examples on the Lambda model, a
 * chain (text-processing: 5 invocations, a Parallel and a DAG join) and a
 * wide Map (map-join over 1,000 items: 1,002 invocations and a sharded join
 * per session), until about --invocations each. Not a test: it prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/simulate-workflow.ts [--invocations N] [--seed N] [--runs N]
 */
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { median, now, round } from './lib/stats';
import { loadAssembly, synthesize } from '../toolkit/src/local/assembly';
import { DEFAULT_PROFILE } from '../toolkit/src/simulate/profile';
import { simWorkflow } from '../toolkit/src/simulate/workflow-config';
import { runWorkflow } from '../toolkit/src/simulate/workflow-run';
import { summarize } from '../toolkit/src/simulate/workflow-summary';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const INVOCATIONS = arg('invocations', 1_000_000);
const SEED = arg('seed', 1);
const RUNS = arg('runs', 3);
const TARGET_SECONDS = 10;
const ROOT = join(__dirname, '..');

interface Case { readonly example: string; readonly input: unknown; readonly perSession: number; readonly rate: number }
const CASES: Case[] = [
  { example: 'text-processing', input: JSON.parse(readFileSync(join(ROOT, 'examples', 'text-processing', 'input.json'), 'utf8')), perSession: 5, rate: 200 },
  { example: 'map-join', input: Array.from({ length: 1000 }, (_, i) => i), perSession: 1002, rate: 0.5 },
];

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`);
  console.log(`about ${INVOCATIONS} invocations per case, seed ${SEED}, median of ${RUNS} runs; default profile, Poisson arrivals`);
  console.log('| example | sessions | rate/s | invocations | events | wall s | invocations/s | s per 1M invocations | ratio to the 10 s target | p50 s | same figures every run |');
  console.log('| ------- | -------: | -----: | ----------: | -----: | -----: | ------------: | -------------------: | -----------------------: | ----: | :--------------------: |');
  for (const c of CASES) {
    const dir = mkdtempSync(join(tmpdir(), `unum-bench-sim-${c.example}-`));
    try {
      await synthesize({ app: `node -r ts-node/register/transpile-only ${JSON.stringify(join(ROOT, 'examples', c.example, 'app.ts'))}`, outdir: dir, cwd: ROOT });
      const workflow = simWorkflow(loadAssembly(dir).workflows[0]);
      const sessions = Math.ceil(INVOCATIONS / c.perSession);
      const options = { rate: c.rate, sessions, input: c.input, seed: SEED };
      const runs: Array<{ ms: number; summary: ReturnType<typeof summarize> }> = [];
      for (let r = 0; r < RUNS; r++) {
        const t0 = now();
        const { sim, model } = await runWorkflow(workflow, DEFAULT_PROFILE, options);
        const ms = now() - t0;
        runs.push({ ms, summary: summarize(model, sim, DEFAULT_PROFILE, options) });
      }
      const ms = median(runs.map((r) => r.ms));
      const s = runs[0].summary;
      const invocations = Object.values(s.functions).reduce((a, f) => a + f.invocations, 0);
      const stable = runs.every((r) => JSON.stringify(r.summary) === JSON.stringify(s));
      const per1M = (ms / 1000) * (1e6 / invocations);
      console.log(`| ${c.example} | ${sessions} | ${c.rate} | ${invocations} | ${s.simulated.events} | ${round(ms / 1000, 2)} | ${round(invocations / (ms / 1000), 0)} | `
        + `${round(per1M, 2)} | ${round(per1M / TARGET_SECONDS, 3)} | ${s.latency.p50} | ${stable ? 'yes' : 'NO'} |`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
