import { execFileSync, spawnSync } from 'child_process';
import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { gzipSync } from 'zlib';
import { median, now, round } from '../lib/stats';

/**
 * Part 4: the runtime layer bundle (assets/layer/unum/runtime.js, built by
 * `npx projen bundle:runtime`): its size, raw and gzip, and its import time
 * in fresh node processes (AWS SDK v3 resolvable through NODE_PATH, as
 * Lambda provides it).
 */

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE = join(ROOT, 'assets', 'layer', 'unum', 'runtime.js');

export interface LayerResults {
  readonly bundle: string;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly runs: number;
  /** Wall time of `node -e "require(bundle)"` minus that of `node -e ""` (median of each), ms. */
  readonly coldProcessMs: number;
  readonly emptyNodeMs: number;
  /** require(bundle) timed inside a fresh process, the SDK clients not yet loaded (they load with it), ms. */
  readonly coldRequireMs: number;
  /** require(bundle) timed inside a fresh process after the three SDK clients were required (the layer's own cost), ms. */
  readonly requireWithSdkLoadedMs: number;
  /** Requiring the three SDK clients alone in a fresh process, ms. */
  readonly sdkOnlyMs: number;
}

function sdkNodePath(): string {
  return dirname(dirname(dirname(require.resolve('@aws-sdk/client-dynamodb/package.json'))));
}

function wall(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = now();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return ms;
}

function inside(script: string, env: NodeJS.ProcessEnv): number {
  return Number(execFileSync(process.execPath, ['-e', script], { env }).toString().trim());
}

export function runLayerBench(options: { runs: number; log: (s: string) => void }): LayerResults {
  if (!existsSync(BUNDLE)) {
    execFileSync('npx', ['projen', 'bundle:runtime'], { cwd: ROOT, stdio: 'ignore' });
  }
  const raw = readFileSync(BUNDLE);
  const env = { ...process.env, NODE_PATH: sdkNodePath(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '' };
  const runs = Math.max(9, options.runs);
  const b = JSON.stringify(BUNDLE);
  const sdk = "require('@aws-sdk/client-dynamodb');require('@aws-sdk/client-s3');require('@aws-sdk/client-lambda');";
  const timed = (body: string) => `const t=process.hrtime.bigint();${body};console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  // Warm the OS file cache first; then interleave the measurements so drift hits all of them alike.
  for (let i = 0; i < 2; i++) {
    wall(['-e', ''], env);
    wall(['-e', `require(${b})`], env);
  }
  const empty: number[] = [];
  const cold: number[] = [];
  const coldReq: number[] = [];
  const withSdk: number[] = [];
  const sdkOnly: number[] = [];
  for (let i = 0; i < runs; i++) {
    empty.push(wall(['-e', ''], env));
    cold.push(wall(['-e', `require(${b})`], env));
    coldReq.push(inside(timed(`require(${b})`), env));
    withSdk.push(inside(`${sdk}${timed(`require(${b})`)}`, env));
    sdkOnly.push(inside(timed(sdk), env));
  }
  const result: LayerResults = {
    bundle: 'assets/layer/unum/runtime.js',
    rawBytes: statSync(BUNDLE).size,
    gzipBytes: gzipSync(raw, { level: 9 }).length,
    runs,
    coldProcessMs: round(median(cold) - median(empty), 1),
    emptyNodeMs: round(median(empty), 1),
    coldRequireMs: round(median(coldReq), 1),
    requireWithSdkLoadedMs: round(median(withSdk), 2),
    sdkOnlyMs: round(median(sdkOnly), 1),
  };
  options.log(`  layer: ${result.rawBytes} B raw, ${result.gzipBytes} B gzip; cold import ${result.coldProcessMs} ms (process), `
    + `${result.coldRequireMs} ms (require, SDK included), ${result.requireWithSdkLoadedMs} ms with the SDK loaded`);
  return result;
}
