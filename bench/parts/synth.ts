import { spawnSync } from 'child_process';
import { join } from 'path';
import { median, now, round } from '../lib/stats';

/**
 * Part 5: synthesis time of chains of 10, 100 and 500 UnumFunctions, each
 * measured in a fresh process (bench/synth-app.ts). 100 and 500 nodes spread
 * their functions over NestedStacks of 100 (CloudFormation allows 500
 * resources per stack; an UnumFunction is 3: function, role, policy).
 */

export const ROOT = join(__dirname, '..', '..');

export interface SynthCase {
  readonly nodes: number;
  readonly perNestedStack: number;
  readonly code: 'asset' | 'entry';
  readonly ok: boolean;
  readonly error?: string;
  readonly runs: number;
  /** Median: constructing the app (the workflow's validation and compilation included), ms. */
  readonly constructMs?: number;
  /** Median: app.synth(), ms. */
  readonly synthMs?: number;
  /** Median: construct + synth, ms. */
  readonly totalMs?: number;
  /** Median wall time of the whole process (node start, ts-node, aws-cdk-lib load, construct, synth), ms. */
  readonly processMs?: number;
  readonly resources?: Record<string, number>;
}

function once(nodes: number, perStack: number, code: string): { json: any; wallMs: number } {
  const t0 = now();
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join('bench', 'synth-app.ts'), String(nodes), String(perStack), code], {
    cwd: ROOT, env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = now() - t0;
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  const json = line ? JSON.parse(line) : { ok: false, error: `exit ${r.status}: ${r.stderr.slice(-2000)}` };
  return { json, wallMs };
}

export function runSynthBench(options: { quick: boolean; log: (s: string) => void }): SynthCase[] {
  const runs = options.quick ? 1 : 3;
  const cases: Array<[number, number, 'asset' | 'entry']> = [[10, 0, 'asset'], [100, 100, 'asset'], [500, 100, 'asset'], [10, 0, 'entry']];
  const out: SynthCase[] = [];
  once(10, 0, 'asset'); // warm-up: file cache, ts-node cache
  for (const [nodes, perStack, code] of cases) {
    const results = Array.from({ length: runs }, () => once(nodes, perStack, code));
    const failed = results.find((r) => !r.json.ok);
    if (failed) {
      out.push({ nodes, perNestedStack: perStack, code, ok: false, error: failed.json.error, runs });
      options.log(`  synth ${nodes} nodes (${code}): FAILED ${failed.json.error.split('\n')[0]}`);
      continue;
    }
    const m = (k: string) => round(median(results.map((r) => r.json[k])), 0);
    const c: SynthCase = {
      nodes,
      perNestedStack: perStack,
      code,
      ok: true,
      runs,
      constructMs: m('constructMs'),
      synthMs: m('synthMs'),
      totalMs: m('totalMs'),
      processMs: round(median(results.map((r) => r.wallMs)), 0),
      resources: results[0].json.resources,
    };
    out.push(c);
    options.log(`  synth ${nodes} nodes (${code}${perStack ? `, nested stacks of ${perStack}` : ''}): ${c.totalMs} ms construct+synth, ${c.processMs} ms process`);
  }
  return out;
}
