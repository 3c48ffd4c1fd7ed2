/**
 * One synthesis measurement, run in a fresh process by parts/synth.ts:
 * `node -r ts-node/register/transpile-only bench/synth-app.ts <nodes> <perNestedStack|0> <asset|entry>`.
 * Prints one JSON line: the time to construct the app and to synthesize it,
 * and the resources per stack template.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { performance } from 'perf_hooks';

const [nodesArg, perStackArg, mode] = process.argv.slice(2);
const loadStart = performance.now();
/* eslint-disable @typescript-eslint/no-require-imports */
const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
const { UnumFunction, UnumWorkflow } = require('../src') as typeof import('../src');
const { chain, nestedChain, trivialFunction } = require('./lib/shapes') as typeof import('./lib/shapes');
/* eslint-enable @typescript-eslint/no-require-imports */
const loaded = performance.now();

const nodes = Number(nodesArg);
const perStack = Number(perStackArg);
const outdir = mkdtempSync(join(tmpdir(), 'unum-bench-synth-'));
// Distinct entry files (identical ones would be bundled once: the asset cache keys on the source).
// Under the project root (NodejsFunction's rule), in the gitignored results folder.
mkdirSync(join(__dirname, 'results'), { recursive: true });
const entryDir = mkdtempSync(join(__dirname, 'results', 'entries-'));
const entryTemplate = readFileSync(join(__dirname, 'fixtures', 'entry', 'handler.ts'), 'utf8');
const entryFile = (id: string): string => {
  const dir = mkdtempSync(join(entryDir, `${id}-`));
  writeFileSync(join(dir, 'handler.ts'), `${entryTemplate}\nexport const NODE = '${id}';\n`);
  return join(dir, 'handler.ts');
};
try {
  const t0 = performance.now();
  const app = new App({ outdir });
  const stack = new Stack(app, 'SynthBench', { env: { account: '123456789012', region: 'us-east-1' } });
  const make = mode === 'entry'
    ? (scope: any, id: string) => new UnumFunction(scope, id, { entry: entryFile(id) })
    : (scope: any, id: string) => trivialFunction(scope, id);
  const definition = perStack > 0 ? nestedChain(stack, nodes, perStack, make) : chain(stack, nodes, (id) => make(stack, id));
  new UnumWorkflow(stack, 'Bench', { definition });
  const t1 = performance.now();
  app.synth();
  const t2 = performance.now();
  const resources: Record<string, number> = {};
  for (const f of readdirSync(outdir).filter((x) => x.endsWith('.template.json'))) {
    resources[f.replace('.template.json', '')] = Object.keys(JSON.parse(readFileSync(join(outdir, f), 'utf8')).Resources ?? {}).length;
  }
  console.log(JSON.stringify({ ok: true, loadMs: loaded - loadStart, constructMs: t1 - t0, synthMs: t2 - t1, totalMs: t2 - t0, resources }));
} catch (e) {
  process.exitCode = 1;
  console.log(JSON.stringify({ ok: false, error: String((e as Error).stack ?? e).split('\n').slice(0, 6).join('\n') }));
}
process.on('exit', () => rmSync(entryDir, { recursive: true, force: true }));
