import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { StoreResults } from './store';
import { readConfig } from '../../lambda-runtime/index';
import { Action, FunctionConfig } from '../../src/protocol';
import { loadAssembly, synthesize } from '../../toolkit/src/local/assembly';
import { round } from '../lib/stats';
import { BenchServers, BenchWorld, RunResult } from '../lib/world';
import { EXPRESS_TASK_SECONDS, PRICES } from '../prices';

/**
 * Part 2: US dollars per 1 million executions of each example app, from the
 * requests counted while the example's own (bundled) functions run on the
 * real runtime in process, set against Step Functions Standard and Express
 * and against the original unum's per-transition model.
 */

export const ROOT = join(__dirname, '..', '..');

export interface CostRow {
  readonly workflow: string;
  readonly ok: boolean;
  /** Task instances (user-code runs = Lambda invocations). */
  readonly tasks: number;
  readonly lambdaInvocations: number;
  /** Step Functions Standard state transitions of the same execution. */
  readonly sfnTransitions: number;
  /** Longest chain of tasks (the Express duration assumption). */
  readonly depth: number;
  readonly storeRequests: number;
  readonly rcu: number;
  readonly wcu: number;
  readonly s3Put: number;
  readonly s3Get: number;
  /** Dollars per 1M executions. */
  readonly usd: {
    /** Lambda requests: the same in every model (Step Functions invokes the same functions). */
    readonly lambdaRequests: number;
    /** cdk-unum orchestration: DynamoDB + S3 requests of the runtime. */
    readonly unum: number;
    readonly sfnStandard: number;
    readonly sfnExpress: number;
    readonly originalUnum: number;
  };
  readonly ratios: { readonly standardOverUnum: number; readonly expressOverUnum: number; readonly originalOverUnum: number };
  readonly originalUnumModel: { readonly rcu: number; readonly wcu: number; readonly joins: Record<string, number> };
}

const M = 1e6;

function unumDollars(r: { rcu: number; wcu: number; s3Put: number; s3Get: number }): number {
  return r.wcu * PRICES.dynamodb.perWriteUnit + r.rcu * PRICES.dynamodb.perReadUnit
    + r.s3Put * PRICES.s3.perPutRequest + r.s3Get * PRICES.s3.perGetRequest;
}

/**
 * Step Functions Standard bills every state entered: each task, each Map,
 * Parallel, Choice, Pass and Wait evaluation (the runtime's egress evaluates
 * exactly these, once per state entered). Joins have no state of their own
 * there (the Map/Parallel completes) and the implicit end is no state.
 */
export function sfnTransitions(r: RunResult): number {
  const tasks = Object.values(r.userRuns).reduce((a, b) => a + b, 0);
  const structural = ['map', 'parallel', 'choice', 'pass', 'wait', 'fail'].reduce((n, k) => n + (r.egress[k] ?? 0), 0);
  return tasks + structural;
}

/**
 * The original unum (LedgeDash/unum runtime/ds.py) per transition: a
 * strongly consistent read of its checkpoint, the conditional checkpoint
 * write, and the GC delete of that checkpoint; at a fan-in of N, every
 * branch creates (conditionally) and updates one bitmap item holding N
 * booleans (~2N + 40 bytes, so ceil(size/1 KB) WCU each: O(N²) in total) and
 * the aggregator reads the N branch outputs. Its fan-out GC bitmaps are left
 * out, so this is a lower bound of what it costs.
 */
export function originalUnum(r: RunResult): { rcu: number; wcu: number; joins: Record<string, number> } {
  let rcu = 0;
  let wcu = 0;
  for (const bytes of r.store.checkpointBytes) {
    const size = Math.max(bytes, 1);
    rcu += Math.ceil(size / 4096); // consistent read
    wcu += 2 * Math.ceil(size / 1024); // write + GC delete
  }
  const joins: Record<string, number> = {};
  for (const [joinKey, n] of Object.entries(r.store.joinArrivals)) {
    const bitmap = 40 + 3 + 2 * n;
    wcu += 2 * n * Math.ceil(bitmap / 1024);
    rcu += n; // the aggregator's batch read of N small outputs (1 RCU each, strongly consistent)
    joins[joinKey.split('#').pop()!] = n;
  }
  return { rcu, wcu, joins };
}

/** Longest chain of task nodes from the entry (back-edges skipped). */
export function depthOf(configs: FunctionConfig[]): number {
  const byNode = new Map(configs.map((c) => [c.node, c]));
  const succ = (a: Action | undefined, out: Set<string>): void => {
    if (a === undefined) return;
    switch (a.kind) {
      case 'invoke': if (!a.loop) out.add(a.node); break;
      case 'pass': case 'wait': succ(a.next, out); break;
      case 'choice': a.rules.forEach((r) => succ(r.then, out)); succ(a.otherwise, out); break;
      case 'parallel': a.branches.forEach((b) => succ(b, out)); break;
      case 'map': succ(a.item, out); succ(a.onEmpty, out); break;
      case 'join': case 'windowJoin': succ(a.then, out); break;
      case 'dagJoin': succ(a.then, out); a.ifAllSkipped?.forEach((j) => succ(j, out)); break;
      case 'skip': a.joins.forEach((j) => succ(j, out)); succ(a.next, out); break;
      default: break;
    }
  };
  const memo = new Map<string, number>();
  const depth = (node: string, seen: Set<string>): number => {
    if (memo.has(node)) return memo.get(node)!;
    if (seen.has(node)) return 0;
    seen.add(node);
    const out = new Set<string>();
    const c = byNode.get(node)!;
    succ(c.next, out);
    c.catch.forEach((k) => succ(k.next, out));
    const d = 1 + Math.max(0, ...[...out].map((n) => depth(n, seen)));
    seen.delete(node);
    memo.set(node, d);
    return d;
  };
  const entry = configs.find((c) => c.entry)!;
  return depth(entry.node, new Set());
}

export function costRow(workflow: string, r: RunResult, ok: boolean, depth: number): CostRow {
  const tasks = Object.values(r.userRuns).reduce((a, b) => a + b, 0);
  const transitions = sfnTransitions(r);
  const counts = { rcu: r.store.rcu, wcu: r.store.wcu, s3Put: r.store.s3PutClass, s3Get: r.store.s3GetClass };
  const original = originalUnum(r);
  const unum = unumDollars(counts) * M;
  const expressSeconds = Math.ceil((depth * EXPRESS_TASK_SECONDS) / 0.1) * 0.1;
  const sfn = PRICES.stepFunctions;
  const usd = {
    lambdaRequests: r.lambdaInvocations * PRICES.lambda.perRequest * M,
    unum,
    sfnStandard: transitions * sfn.standardPerTransition * M,
    sfnExpress: (sfn.expressPerRequest + expressSeconds * sfn.expressMinMemoryGb * sfn.expressPerGbSecond) * M,
    originalUnum: unumDollars({ rcu: original.rcu, wcu: original.wcu, s3Put: 0, s3Get: 0 }) * M,
  };
  return {
    workflow,
    ok,
    tasks,
    lambdaInvocations: r.lambdaInvocations,
    sfnTransitions: transitions,
    depth,
    storeRequests: r.store.dynamodbRequests + r.store.s3Requests,
    ...counts,
    usd: Object.fromEntries(Object.entries(usd).map(([k, v]) => [k, round(v, 4)])) as CostRow['usd'],
    ratios: {
      standardOverUnum: round(usd.sfnStandard / unum, 2),
      expressOverUnum: round(usd.sfnExpress / unum, 2),
      originalOverUnum: round(usd.originalUnum / unum, 2),
    },
    originalUnumModel: original,
  };
}

export interface CostResults {
  readonly examples: CostRow[];
  /** Orchestration dollars per 1M chain transitions (target ≤ $1.5). */
  readonly chain: { readonly steadyState: number; readonly allIn: number; readonly sfnStandard: number; readonly originalUnum: number };
  readonly shapes: CostRow[];
  readonly expressTaskSeconds: number;
}

export async function runCostBench(servers: BenchServers, store: StoreResults, shapeRuns: Record<string, { run: RunResult; depth: number }>,
  options: { log: (s: string) => void }): Promise<CostResults> {
  const dir = join(ROOT, 'examples');
  const names = readdirSync(dir).filter((n) => existsSync(join(dir, n, 'app.ts')) && existsSync(join(dir, n, 'expected.json'))).sort();
  const rows: CostRow[] = [];
  for (const name of names) {
    const outdir = mkdtempSync(join(tmpdir(), `unum-bench-${name}-`));
    await synthesize({ app: `node -r ts-node/register/transpile-only ${JSON.stringify(join(dir, name, 'app.ts'))}`, outdir, cwd: ROOT });
    const app = loadAssembly(outdir);
    const input = JSON.parse(readFileSync(join(dir, name, 'input.json'), 'utf8'));
    const expected = JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8'));
    for (const wf of app.workflows) {
      const world = await BenchWorld.create(servers, app, wf.name);
      await world.run(input); // warm-up: user modules loaded
      const r = await world.run(input);
      const ok = r.status === 'SUCCEEDED' && JSON.stringify(r.result) === JSON.stringify(expected);
      const depth = depthOf(wf.functions.map((f) => readConfig({ ...f.environment, LAMBDA_TASK_ROOT: f.codeDir })));
      rows.push(costRow(`${name}`, r, ok, depth));
      options.log(`  ${name}: ${r.lambdaInvocations} invocations, ${r.store.dynamodbRequests + r.store.s3Requests} store requests${ok ? '' : ' (RESULT DIFFERS FROM expected.json)'}`);
      await world.close();
    }
  }
  const shapes = Object.entries(shapeRuns).map(([name, { run, depth }]) => costRow(name, run, run.status === 'SUCCEEDED', depth));
  const chain = store.shapes.find((s) => s.shape === 'chain of 10')!;
  const steady = chain.steadyTransition ?? {};
  // A middle node of the chain: its checkpoint read (1 RCU) and conditional write (1 WCU), nothing else.
  const steadyUsd = ((steady.GetItemCommand ?? 0) * PRICES.dynamodb.perReadUnit + (steady.PutItemCommand ?? 0) * PRICES.dynamodb.perWriteUnit) * M;
  const chainRow = shapes.find((s) => s.workflow === 'chain of 10');
  return {
    examples: rows,
    shapes,
    chain: {
      steadyState: round(steadyUsd, 4),
      allIn: round(unumDollars({ rcu: chain.rcu, wcu: chain.wcu, s3Put: 0, s3Get: 0 }) * M / chain.transitions, 4),
      sfnStandard: round(PRICES.stepFunctions.standardPerTransition * M, 4),
      originalUnum: chainRow ? round(chainRow.usd.originalUnum / chainRow.tasks, 4) : NaN,
    },
    expressTaskSeconds: EXPRESS_TASK_SECONDS,
  };
}
