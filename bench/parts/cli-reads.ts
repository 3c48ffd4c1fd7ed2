/**
 * `unum status` and `unum result` on a finished session, as a user runs them:
 * the compiled CLI in a fresh process. Side by side in one run: answered from
 * the ended-session record, and from the store itself (the record removed,
 * so DynamoDB Local and the S3 server boot as they did before the record).
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { median, now, round } from '../lib/stats';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'toolkit', 'lib', 'cli', 'main.js');
const APP = `node -r ts-node/register/transpile-only ${join(ROOT, 'examples', 'word-count', 'app.ts')}`;

export interface CliReadResults {
  readonly runs: number;
  /** Median ms of a whole `unum status <session>` process. */
  readonly statusFromRecordMs: number;
  readonly resultFromRecordMs: number;
  readonly statusFromStoreMs: number;
  readonly resultFromStoreMs: number;
  readonly storeOverRecord: number;
}

export function runCliReadBench(options: { quick: boolean; log: (s: string) => void }): CliReadResults {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npx projen compile && npx projen compile:toolkit first`);
  const work = mkdtempSync(join(tmpdir(), 'unum-bench-cli-'));
  // The compiled toolkit imports 'cdk-unum' as an installed package; here that is this repository.
  const modules = join(work, 'node_modules');
  mkdirSync(modules);
  symlinkSync(ROOT, join(modules, 'cdk-unum'));
  const env = { ...process.env, NODE_PATH: modules };
  const dataDir = join(work, 'data');
  const unum = (...args: string[]) => {
    const started = now();
    const p = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 300_000 });
    if (p.status !== 0) throw new Error(`unum ${args.join(' ')} exited ${p.status}: ${p.stderr}`);
    return now() - started;
  };
  try {
    options.log('  one word-count session into a data directory');
    unum('run', '--app', APP, '--input', `@${join(ROOT, 'examples', 'word-count', 'input.json')}`, '--data-dir', dataDir, '--session', 'bench-reads', '--json');
    const runs = options.quick ? 3 : 7;
    const times = (command: string) => Array.from({ length: runs }, () => unum(command, 'bench-reads', '--data-dir', dataDir));
    const statusFromRecord = times('status');
    const resultFromRecord = times('result');
    rmSync(join(dataDir, 'sessions'), { recursive: true });
    const storeRuns = options.quick ? 1 : 3;
    const statusFromStore = Array.from({ length: storeRuns }, () => unum('status', 'bench-reads', '--data-dir', dataDir));
    const resultFromStore = Array.from({ length: storeRuns }, () => unum('result', 'bench-reads', '--data-dir', dataDir));
    const r = {
      runs,
      statusFromRecordMs: round(median(statusFromRecord), 0),
      resultFromRecordMs: round(median(resultFromRecord), 0),
      statusFromStoreMs: round(median(statusFromStore), 0),
      resultFromStoreMs: round(median(resultFromStore), 0),
    };
    return { ...r, storeOverRecord: round(r.statusFromStoreMs / r.statusFromRecordMs, 1) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
