import { CatchRule, ERROR_ALL, ERROR_TASK_FAILED, RETRY_SLEEP_MARGIN_MS, RetryRule } from 'cdk-unum/lib/protocol/config';
import type { Frame } from 'cdk-unum/lib/protocol/envelope';
import { readPath } from 'cdk-unum/lib/protocol/jsonpath';
import { ITEM_VALUE_LIMIT } from 'cdk-unum/lib/protocol/keys';
import { FunctionProfile } from './profile';
import { UsageError } from '../local/assembly';

/**
 * Pieces of the runtime's behaviour that the simulated session needs and
 * the protocol does not export as data: they mirror lambda-runtime
 * (retry.ts, egress.ts) and must follow it.
 */

/** Items a Map issues at once when it sets no MaxConcurrency (the runtime's `invokeConcurrency || 64`). */
export const ISSUE_CONCURRENCY = 64;
/** Keys per BatchGetItem, and the requests the store keeps in flight (src/client/store.ts READ_PARALLELISM). */
export const BATCH_KEYS = 100;
export const READ_PARALLELISM = 8;
/** Lambda retries a throttled event with exponential backoff from 1 s up to 5 minutes, within the event's maximum age. */
export const THROTTLE_RETRY_FIRST_SECONDS = 1;
export const THROTTLE_RETRY_MAX_SECONDS = 300;

/** What a value travels as: its JSON size, whether it went through S3, and for a join's list the reads its reader makes. */
export interface Payload {
  readonly value: unknown;
  bytes?: number;
  readonly s3?: boolean;
  readonly fanIn?: { readonly shards: number; readonly items: number; readonly units: number };
}

export interface Scope {
  readonly frames: readonly Frame[];
  readonly iteration: number;
  /** The workflow variables in scope (JSONata's Assign), handed on as the runtime's envelope carries them. */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** A scope, always made here: one object shape keeps the simulator's hot paths monomorphic. */
export function scopeOf(frames: readonly Frame[], iteration: number, variables: Readonly<Record<string, unknown>> | undefined): Scope {
  return { frames, iteration, variables };
}

/** The scope after a state's Assign: the variables it produced when it has one, else the scope as it was. */
export function assignedScope(scope: Scope, flow: { readonly assign?: unknown }, variables: Readonly<Record<string, unknown>>): Scope {
  return flow.assign === undefined ? scope : scopeOf(scope.frames, scope.iteration, variables);
}

export function payloadBytes(p: Payload): number {
  if (p.bytes === undefined) p.bytes = p.fanIn ? 0 : Buffer.byteLength(JSON.stringify(p.value ?? null));
  return p.bytes;
}

/** The checkpoint goes to S3 above the function's threshold or the item limit (runtime.ts: min(payloadThreshold, ITEM_VALUE_LIMIT)). */
export function spills(bytes: number, threshold: number): boolean {
  return bytes > Math.min(threshold, ITEM_VALUE_LIMIT);
}

/** Seconds of `requests` BatchGetItem calls READ_PARALLELISM at a time. */
export function batchSeconds(keys: number, seconds: number): number {
  return Math.ceil(Math.max(1, Math.ceil(keys / BATCH_KEYS)) / READ_PARALLELISM) * seconds;
}

const matches = (errors: readonly string[], name: string): boolean =>
  errors.some((e) => e === name || e === ERROR_ALL || e === ERROR_TASK_FAILED);

/** lambda-runtime/retry.ts retryDelayMs, in seconds: undefined when no rule matches or it is exhausted. */
export function retryDelay(rules: readonly RetryRule[], attempt: number, random: () => number, error = 'Error'): number | undefined {
  const rule = rules.find((r) => matches(r.errors, error));
  if (rule === undefined || attempt >= rule.maxAttempts) return undefined;
  let seconds = rule.intervalSeconds * rule.backoffRate ** attempt;
  if (rule.maxDelaySeconds !== undefined) seconds = Math.min(seconds, rule.maxDelaySeconds);
  if (rule.jitter === 'FULL') seconds *= random();
  return Math.round(seconds * 1000) / 1000;
}

/** Whether a retry waits in the failing invocation (retry.ts retryWait): the delay and the margin fit its remaining time. */
export function retriesInPlace(delay: number, remaining: number): boolean {
  return delay === 0 || delay + RETRY_SLEEP_MARGIN_MS / 1000 < remaining;
}

export function findCatch(rules: readonly CatchRule[], error = 'Error'): CatchRule | undefined {
  return rules.find((r) => matches(r.errors, error));
}

/** A JSONPath Map's items as the runtime computes them: the array at itemsPath of the value, or `width` copies. */
export function mapItems(fanout: string, value: unknown, itemsPath: string | undefined, width: number | undefined): unknown[] {
  if (itemsPath === undefined) return new Array(width ?? 1).fill(value);
  const found = readPath(value, itemsPath);
  if (!found.found || !Array.isArray(found.value)) {
    throw new UsageError(`map '${fanout}': itemsPath ${itemsPath} does not select an array in the simulated value ${preview(value)}; `
      + 'pass an --input that has one, or give the output of the function before the map in the profile (functions.<node>.output)');
  }
  return found.value;
}

export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The output the simulator assumes for a function: the profile's, else its input (user code is not run). */
export function outputOf(profile: FunctionProfile, input: Payload): Payload {
  if (profile.output !== undefined) return { value: profile.output, bytes: profile.outputBytes };
  return { value: input.value, bytes: profile.outputBytes ?? (input.fanIn ? undefined : input.bytes) };
}
