/**
 * What JSONata costs the runtime (issue 14): evaluating a state's Output and
 * Assign with every expression compiled once per process (what the runtime
 * does) against compiling it at each evaluation (what it did before), side
 * by side in one run; and the runtime layer's cold load, which no longer
 * loads jsonata until a workflow uses it. Not a test: it prints figures.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/jsonata.ts [--evaluations N] [--processes N]
 */
import { execFileSync } from 'child_process';
import { join } from 'path';
import jsonata from 'jsonata';
import { median, now, round } from './lib/stats';
import { jsonataOutput } from '../src/protocol/jsonata';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number): number => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const evaluations = arg('--evaluations', 2000);
const processes = arg('--processes', 9);
const RUNTIME = join(__dirname, '..', 'assets', 'layer', 'unum', 'runtime.js');

/** A state's Output and Assign as migrated state machines write them. */
const FLOW = {
  output: {
    orderId: '{% $states.input.order.id %}',
    total: '{% $sum($states.result.lines.(price * quantity)) %}',
    skus: '{% $states.result.lines.sku %}',
    rush: '{% $states.input.order.priority = "high" and $count($states.result.lines) < 5 %}',
  },
  assign: { lastOrder: '{% $states.input.order.id %}' },
};
const STATES = {
  input: { order: { id: 'o-1', priority: 'high' } },
  result: { lines: Array.from({ length: 4 }, (_, i) => ({ sku: `s${i}`, price: 2.5 * (i + 1), quantity: i + 1 })) },
};
const TEXTS = [...Object.values(FLOW.output), ...Object.values(FLOW.assign)].map((t) => t.slice(2, -2).trim());

async function compiledEachTime(): Promise<void> {
  for (const text of TEXTS) await jsonata(text).evaluate(STATES.input, { states: STATES });
}

async function timePerEvaluation(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  const start = now();
  for (let i = 0; i < evaluations; i++) await fn();
  return (now() - start) / evaluations;
}

/**
 * Milliseconds to require the runtime layer in a fresh process (its bundled jsonata now loads on first use), and then
 * to load jsonata's own code (node_modules' copy of what the bundle holds): what every cold start paid before.
 */
function coldLoad(): { load: number; jsonata: number } {
  const script = `const t0 = process.hrtime.bigint(); require(${JSON.stringify(RUNTIME)});
const t1 = process.hrtime.bigint(); require('jsonata'); const t2 = process.hrtime.bigint();
console.log(JSON.stringify({ load: Number(t1 - t0) / 1e6, jsonata: Number(t2 - t1) / 1e6 }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: join(__dirname, '..') }));
}

async function main(): Promise<void> {
  const memoized = await timePerEvaluation(() => jsonataOutput(FLOW, STATES));
  const eachTime = await timePerEvaluation(compiledEachTime);
  const loads = Array.from({ length: processes }, coldLoad);
  console.log(`JSONata Output + Assign (${TEXTS.length} expressions), ${evaluations} evaluations each, one process:`);
  console.log(`  compiled once (the runtime):   ${round(memoized * 1000, 1)} µs per state`);
  console.log(`  compiled at each evaluation:   ${round(eachTime * 1000, 1)} µs per state (jsonata alone, no template walk)`);
  console.log(`  ratio: ${round(eachTime / memoized, 2)}× faster compiled once`);
  console.log(`Runtime layer cold load, median of ${processes} fresh processes:`);
  console.log(`  require(runtime.js), jsonata not loaded: ${round(median(loads.map((l) => l.load)), 1)} ms`);
  console.log(`  jsonata's own load, now paid on the first JSONata state only: +${round(median(loads.map((l) => l.jsonata)), 1)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
