/**
 * The simulator against the local engine on this machine (issue 18: within 25 % at low load): each example is run
 * by `unum run --record-profile` (--runs times; the last run's profile and session time are compared, the earlier
 * ones warm the machine), then `unum simulate --profile` predicts one session at low load. Not a test: it prints
 * the ratios; test/simulate/engine-check.test.ts checks the 25 % on two examples.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/simulate-vs-engine.ts [--runs N] [--examples a,b]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join } from 'path';
import { round } from './lib/stats';
import { main as unum } from '../toolkit/src/cli/main';
import { synthesize } from '../toolkit/src/local/assembly';

const at = process.argv.indexOf('--runs');
const RUNS = at > 0 ? Number(process.argv[at + 1]) : 2;
const ROOT = join(__dirname, '..');
const only = process.argv.indexOf('--examples');
const ONLY = only > 0 ? process.argv[only + 1].split(',') : undefined;
/**
 * map-join's 20 items run at once on Lambda, where the engine's default sandboxes (twice the cores) queue them; with 20
 * sandboxes they run at once but share the machine's cores, so their cold starts are slower than Lambda's. Both rows.
 */
const EXAMPLES: Array<{ name: string; concurrency?: number }> = [
  ...readdirSync(join(__dirname, '..', 'examples')).filter((name) => existsSync(join(__dirname, '..', 'examples', name, 'input.json'))).map((name) => ({ name })),
  { name: 'map-join', concurrency: 20 },
];

class Text {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(...argv: string[]): Promise<string> {
  const stdout = new Text();
  const stderr = new Text();
  const code = await unum(argv, { stdout, stderr, cwd: ROOT });
  if (code !== 0) throw new Error(`unum ${argv.join(' ')} exited ${code}: ${stderr.text}`);
  return stdout.text;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unum-bench-simeng-'));
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, Node ${process.version}, load ${loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`);
  console.log(`one session per example, ${RUNS} engine runs each (the last is compared), the simulator given the profile the last run recorded`);
  console.log('| example | engine concurrency | engine session s | simulated, lambda platform s | ratio | simulated, engine platform s | ratio | within 25 % |');
  console.log('| ------- | -----------------: | ---------------: | ---------------------------: | ----: | ---------------------------: | ----: | :---------: |');
  try {
    for (const { name: example, concurrency } of EXAMPLES.filter((e) => ONLY === undefined || ONLY.includes(e.name))) {
      const assembly = join(dir, example, 'cdk.out');
      await synthesize({ app: `node -r ts-node/register/transpile-only ${JSON.stringify(join(ROOT, 'examples', example, 'app.ts'))}`, outdir: assembly, cwd: ROOT });
      const input = `@${join(ROOT, 'examples', example, 'input.json')}`;
      const profile = join(dir, example, 'profile.json');
      let engine = 0;
      for (let run = 0; run < RUNS; run++) {
        engine = JSON.parse(await cli('run', '--assembly', assembly, '--input', input, '--record-profile', profile, '--quiet', '--json',
          ...(concurrency === undefined ? [] : ['--concurrency', String(concurrency)]))).durationMs / 1000;
      }
      const predict = async (platform: string): Promise<number> => JSON.parse(await cli('simulate', '--assembly', assembly, '--input', input,
        '--profile', profile, '--platform', platform, '--sessions', '1', '--rate', '0.01', '--json'))[0].latency.p50;
      let lambda: number;
      let local: number;
      try {
        [lambda, local] = [await predict('lambda'), await predict('engine')];
      } catch (e) {
        // Refused, e.g. a Map over a value the trace kept too little of (outputs over TRACE_VALUE_LIMIT are not recorded).
        console.log(`| ${example} | – | ${round(engine, 3)} | not simulated: ${(e as Error).message.replace(/^.*exited 2: unum: /s, '').split(';')[0]} | | | | |`);
        continue;
      }
      const ratio = local / engine;
      const recorded = JSON.parse(readFileSync(profile, 'utf8')).engine.concurrency;
      console.log(`| ${example} | ${recorded} | ${round(engine, 3)} | ${round(lambda, 3)} | ${round(lambda / engine, 3)} | ${round(local, 3)} | ${round(ratio, 3)} `
        + `| ${ratio >= 0.75 && ratio <= 1.25 ? 'yes' : 'no'} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
