import { existsSync, readFileSync } from 'fs';
import { UsageError } from '../local/assembly';

/**
 * Service times of the operations a workflow session performs, in seconds.
 * The defaults are first estimates with their sources; a profile file (or
 * one recorded from a local run) replaces any of them.
 */
export interface FunctionProfile {
  /** User code seconds of one attempt. */
  readonly durationSeconds?: number;
  /** Init seconds of a new execution environment. @default from lambda-init.ts by runtime and memory */
  readonly initSeconds?: number;
  /** Probability that one attempt of the user code throws (then the node's Retry and Catch apply). @default 0 */
  readonly failureRate?: number;
  /** The output value (the simulator does not run user code). @default the function's input */
  readonly output?: unknown;
  /** Bytes of the output, for S3 spill and capacity units. @default the JSON size of the output value */
  readonly outputBytes?: number;
  /** Reserved concurrency of the function. @default none */
  readonly reservedConcurrency?: number;
}

export interface Profile {
  readonly lambda: {
    /** The caller's Invoke (InvocationType Event) request until Lambda accepts the event. */
    readonly invokeSeconds: number;
    /** From the accepted event to the handler starting (Lambda's internal event queue). */
    readonly dispatchSeconds: number;
    /** The runtime's own work per invocation (envelope parsing, config, logging). */
    readonly runtimeOverheadSeconds: number;
    /** @default 1000 */
    readonly accountConcurrency: number;
    /** @default 600 */
    readonly idleTimeoutSeconds: number;
  };
  readonly dynamodb: { readonly getSeconds: number; readonly putSeconds: number; readonly updateSeconds: number; readonly batchGetSeconds: number };
  readonly s3: { readonly putSeconds: number; readonly getSeconds: number };
  /** Per node; `*` applies to every node without its own entry. */
  readonly functions: Readonly<Record<string, FunctionProfile>>;
  /** Per Choice node: the probability of each rule, then of otherwise, instead of evaluating the rules. */
  readonly choices: Readonly<Record<string, readonly number[]>>;
  /** The local engine a profile was recorded on (`unum run --record-profile`), for `unum simulate --platform engine`. */
  readonly engine?: EngineFacts;
}

/** What the local engine's platform is beside Lambda's: it runs at most `concurrency` events at once and queues the rest (FIFO). */
export interface EngineFacts {
  readonly concurrency: number;
}

/**
 * Defaults. DynamoDB: "single-digit millisecond performance at any scale"
 * (https://aws.amazon.com/dynamodb/), so 5 ms per request, 8 ms for a
 * BatchGetItem of up to 100 keys. S3: "small object latencies ... of
 * roughly 100–200 milliseconds" (Amazon S3 performance guidelines,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html).
 * Lambda: AWS publishes no latency for an Event invoke or its queue; 20 ms
 * for the call and 30 ms to dispatch are assumptions to replace with a
 * measured profile. User code: 100 ms, the per-task assumption of the cost
 * benchmark (bench/prices.ts EXPRESS_TASK_SECONDS). Init times come from
 * lambda-init.ts. Account concurrency 1,000 and a 10-minute idle timeout are
 * the Lambda platform model's defaults.
 */
export const DEFAULT_PROFILE: Profile = {
  lambda: { invokeSeconds: 0.02, dispatchSeconds: 0.03, runtimeOverheadSeconds: 0.002, accountConcurrency: 1000, idleTimeoutSeconds: 600 },
  dynamodb: { getSeconds: 0.005, putSeconds: 0.005, updateSeconds: 0.005, batchGetSeconds: 0.008 },
  s3: { putSeconds: 0.1, getSeconds: 0.1 },
  functions: { '*': { durationSeconds: 0.1 } },
  choices: {},
};

const SECTIONS = ['lambda', 'dynamodb', 's3'] as const;
const FUNCTION_KEYS = ['durationSeconds', 'initSeconds', 'failureRate', 'output', 'outputBytes', 'reservedConcurrency'];

/** The defaults with a partial profile laid over them; every key must be known, every time a number >= 0. */
export function mergeProfile(partial: unknown, source = 'profile'): Profile {
  if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) throw new UsageError(`${source}: a profile is a JSON object`);
  const p = partial as Record<string, any>;
  const out: any = { ...DEFAULT_PROFILE };
  for (const key of Object.keys(p)) {
    // `v` and `source` are what `unum run --record-profile` writes besides the sections.
    const known = [...SECTIONS, 'functions', 'choices', 'engine'];
    if (![...known, 'v', 'source'].includes(key)) throw new UsageError(`${source}: unknown section ${JSON.stringify(key)} (known: ${known.join(', ')})`);
  }
  if (p.engine !== undefined) {
    const c = p.engine?.concurrency;
    if (!Number.isInteger(c) || c < 1 || Object.keys(p.engine).length !== 1) {
      throw new UsageError(`${source}: engine is { "concurrency": <a whole number >= 1> }, the engine's --concurrency (got ${JSON.stringify(p.engine)})`);
    }
    out.engine = { concurrency: c };
  }
  for (const section of SECTIONS) {
    if (p[section] === undefined) continue;
    const defaults = DEFAULT_PROFILE[section] as Record<string, number>;
    for (const [k, v] of Object.entries<unknown>(p[section])) {
      if (!(k in defaults)) throw new UsageError(`${source}: ${section}.${k} is not a known setting (known: ${Object.keys(defaults).join(', ')})`);
      nonNegative(v, `${source}: ${section}.${k}`);
    }
    out[section] = { ...defaults, ...p[section] };
  }
  if (p.functions !== undefined) {
    for (const [node, f] of Object.entries<Record<string, unknown>>(p.functions)) {
      for (const [k, v] of Object.entries(f)) {
        if (!FUNCTION_KEYS.includes(k)) throw new UsageError(`${source}: functions.${node}.${k} is not a known setting (known: ${FUNCTION_KEYS.join(', ')})`);
        if (k !== 'output') nonNegative(v, `${source}: functions.${node}.${k}`);
      }
      if (f.failureRate !== undefined && (f.failureRate as number) > 1) throw new UsageError(`${source}: functions.${node}.failureRate must be at most 1`);
    }
    out.functions = { ...DEFAULT_PROFILE.functions, ...p.functions, '*': { ...DEFAULT_PROFILE.functions['*'], ...p.functions['*'] } };
  }
  if (p.choices !== undefined) {
    for (const [node, probabilities] of Object.entries<unknown>(p.choices)) {
      if (!Array.isArray(probabilities) || probabilities.some((x) => typeof x !== 'number' || x < 0)) {
        throw new UsageError(`${source}: choices.${node} must be an array of probabilities (one per rule, then otherwise)`);
      }
    }
    out.choices = p.choices;
  }
  return out as Profile;
}

function nonNegative(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UsageError(`${what} must be a number >= 0 (got ${JSON.stringify(v)})`);
}

export function loadProfile(file: string): Profile {
  if (!existsSync(file)) throw new UsageError(`--profile: no such file ${file}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--profile ${file} is not JSON (${(e as Error).message})`);
  }
  return mergeProfile(parsed, `--profile ${file}`);
}

/** The profile of one node: its own settings over `*`. */
export function functionProfile(profile: Profile, node: string): FunctionProfile {
  return { ...profile.functions['*'], ...profile.functions[node] };
}
