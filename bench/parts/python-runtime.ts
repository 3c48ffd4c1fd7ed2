import { execFileSync, spawnSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join } from 'path';
import { gzipSync } from 'zlib';
import { BUNDLE, ROOT } from './layer';
import { median, round } from '../lib/stats';

/**
 * Part 8: the Python runtime (issue 12). Its size in the layer asset
 * (assets/layer/python/unum_runtime, as `npx projen bundle:runtime` copies
 * it), the cold import time of `unum_runtime.entry` in fresh Python
 * processes without bytecode caches (Lambda's /opt is read-only) next to the
 * Node runtime's cold require of runtime.js, and the store requests per
 * workflow of the two runtimes side by side (they must be equal), counted by
 * the engine's counting proxy (lambda-runtime/python/tests/bench_requests.py).
 */

const PACKAGE = join(ROOT, 'assets', 'layer', 'python', 'unum_runtime');
const PYTHON_DIR = join(ROOT, 'lambda-runtime', 'python');

export interface PythonRuntimeResults {
  readonly files: number;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  readonly runs: number;
  readonly python: string;
  readonly boto3: string;
  /** `import unum_runtime.entry` timed inside a fresh process, no bytecode cache, ms (median). */
  readonly importEntryMs: number;
  /** The first invocation's set-up: import + boto3 + the three clients, as the entry's cold start does, ms (median). */
  readonly coldStartMs: number;
  /** boto3 and the three clients alone, ms (median). */
  readonly boto3OnlyMs: number;
  /** `require(runtime.js)` in a fresh node process (it loads its SDK clients with it), ms (median). */
  readonly nodeRequireMs: number;
  readonly requests: ReadonlyArray<{ case: string; node: Record<string, number>; python: Record<string, number>; equal: boolean }>;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** The virtualenv's Python, provisioned by run-tests.sh (boto3 pinned to the Lambda runtime's). */
function python(): string {
  const bin = join(PYTHON_DIR, '.venv', 'bin', 'python');
  if (!existsSync(bin)) execFileSync('bash', [join(PYTHON_DIR, 'run-tests.sh'), '--version'], { stdio: 'ignore' });
  return bin;
}

function timedPython(bin: string, body: string): number {
  const script = `import time\nt=time.perf_counter()\n${body}\nprint((time.perf_counter()-t)*1000)`;
  const r = spawnSync(bin, ['-c', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PYTHONPATH: dirname(PACKAGE), PYTHONDONTWRITEBYTECODE: '1', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' },
  });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr.toString()}`);
  return Number(r.stdout.toString().trim().split('\n').pop());
}

export function runPythonRuntimeBench(options: { runs: number; requests: boolean; log: (s: string) => void }): PythonRuntimeResults {
  if (!existsSync(PACKAGE) || !existsSync(BUNDLE)) execFileSync('npx', ['projen', 'bundle:runtime'], { cwd: ROOT, stdio: 'ignore' });
  const sources = files(PACKAGE).filter((f) => f.endsWith('.py'));
  const raw = sources.reduce((n, f) => n + statSync(f).size, 0);
  const gzip = gzipSync(Buffer.concat(sources.map((f) => readFileSync(f)))).length;
  const bin = python();
  const version = (code: string) => execFileSync(bin, ['-c', code]).toString().trim();
  const clients = "import boto3\nfor s in ('dynamodb', 's3', 'lambda'): boto3.client(s)";
  const nodeEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NODE_OPTIONS: '' };
  const nodeScript = `const t=process.hrtime.bigint();require(${JSON.stringify(BUNDLE)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const runs = Math.max(9, options.runs);
  const m = { entry: [] as number[], cold: [] as number[], boto3: [] as number[], node: [] as number[] };
  // Interleaved, after one warm-up of the OS file cache, so drift hits all of them alike.
  for (let i = -1; i < runs; i++) {
    const sample = {
      entry: timedPython(bin, 'import unum_runtime.entry'),
      cold: timedPython(bin, `import unum_runtime.entry\n${clients}`),
      boto3: timedPython(bin, clients),
      node: Number(execFileSync(process.execPath, ['-e', nodeScript], { env: nodeEnv }).toString().trim()),
    };
    if (i >= 0) (Object.keys(m) as Array<keyof typeof m>).forEach((k) => m[k].push(sample[k]));
  }
  let requests: PythonRuntimeResults['requests'] = [];
  if (options.requests) {
    options.log('  store requests per workflow, Node and Python runtimes (DynamoDB Local, s3rver)');
    const out = execFileSync(bin, [join(PYTHON_DIR, 'tests', 'bench_requests.py')], { cwd: PYTHON_DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    requests = JSON.parse(out.toString());
  }
  return {
    files: sources.length,
    rawBytes: raw,
    gzipBytes: gzip,
    runs,
    python: version('import sys; print(sys.version.split()[0])'),
    boto3: version('import boto3; print(boto3.__version__)'),
    importEntryMs: round(median(m.entry), 1),
    coldStartMs: round(median(m.cold), 1),
    boto3OnlyMs: round(median(m.boto3), 1),
    nodeRequireMs: round(median(m.node), 1),
    requests,
  };
}
