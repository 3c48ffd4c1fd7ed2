/**
 * What a Fail or a Wait does with its input (Step Functions' ErrorPath and
 * CausePath, SecondsPath, Timestamp and TimestampPath). Both runtimes decide
 * with these functions, so a Fail records the same error and a Wait ends at
 * the same instant whichever language its functions are written in.
 */
import { DataFlowError } from './dataflow';
import { jsonType } from './json-type';
import { ERROR_QUERY_EVALUATION, evaluateJsonataTemplate, isJsonataExpression } from './jsonata';
import { readPath } from './jsonpath';

/**
 * Fields of the info line both runtimes log when a Wait or a Retry interval
 * sleeps inside an invocation: the session report reads them to draw the wait, which would
 * otherwise look like the function's own time.
 */
export const WAIT_LOG_FIELDS = { STATE: 'waitState', MS: 'waitMs', KIND: 'waitKind' } as const;
/** What a logged sleep waits for: a Wait state, or the interval before a Retry's next attempt. */
export const WAIT_LOG_KINDS = { WAIT: 'wait', RETRY: 'retry' } as const;

/** The longest wait, in seconds (Step Functions' Seconds limit; a timestamp may not lie further ahead). */
export const MAX_WAIT_SECONDS = 99_999_999;

/** A Fail's error and cause: fixed, read from its input, or (a `{% %}` string) a JSONata expression's value. */
export interface FailSpec {
  readonly error?: string;
  readonly cause?: string;
  readonly errorPath?: string;
  readonly causePath?: string;
}

/** How long a Wait waits: exactly one of the four (Step Functions' Wait fields); `seconds` and `timestamp` may be `{% %}` JSONata expressions. */
export interface WaitSpec {
  readonly seconds?: number | string;
  readonly secondsPath?: string;
  readonly timestamp?: string;
  readonly timestampPath?: string;
}

/**
 * The error and cause a Fail records. ErrorPath and CausePath must select a
 * string in the Fail's input, else the session fails with States.Runtime
 * (the error the Step Functions console shows for such a path).
 */
export function failDetails(fail: FailSpec, input: unknown): { error: string; cause?: string } {
  const error = fail.errorPath !== undefined ? stringAt(input, fail.errorPath, 'ErrorPath') : fail.error ?? 'States.Fail';
  const cause = fail.causePath !== undefined ? stringAt(input, fail.causePath, 'CausePath') : fail.cause;
  return cause === undefined ? { error } : { error, cause };
}

function stringAt(input: unknown, path: string, field: string): string {
  const found = readPath(input, path);
  if (!found.found || typeof found.value !== 'string') {
    const got = found.found ? `a ${jsonType(found.value)}` : 'nothing';
    throw new DataFlowError('States.Runtime', `${field} ${path} must select a string in the Fail state's input (it selects ${got})`);
  }
  return found.value;
}

/**
 * When a Wait that starts at `nowMs` ends, in epoch ms. A SecondsPath must
 * select an integer from 0 to MAX_WAIT_SECONDS and a TimestampPath an RFC
 * 3339 timestamp, else States.Runtime; a timestamp in the past ends the
 * wait at once. A timestamp's fraction of a second is dropped, as Step
 * Functions does.
 */
export function waitUntil(wait: WaitSpec, input: unknown, nowMs: number): number {
  if (wait.secondsPath !== undefined) {
    const found = readPath(input, wait.secondsPath);
    const seconds = found.value;
    if (!found.found || typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      const got = found.found ? JSON.stringify(seconds) ?? 'undefined' : 'nothing';
      throw new DataFlowError('States.Runtime', `SecondsPath ${wait.secondsPath} must select a non-negative integer number of seconds (it selects ${got})`);
    }
    if (seconds > MAX_WAIT_SECONDS) {
      throw new DataFlowError('States.Runtime', `SecondsPath ${wait.secondsPath} selects ${seconds} seconds, more than the longest wait (${MAX_WAIT_SECONDS} s)`);
    }
    return nowMs + seconds * 1000;
  }
  let text: unknown = wait.timestamp;
  let field = 'Timestamp';
  if (wait.timestampPath !== undefined) {
    const found = readPath(input, wait.timestampPath);
    if (!found.found) throw new DataFlowError('States.Runtime', `TimestampPath ${wait.timestampPath} selects nothing in the Wait state's input`);
    text = found.value;
    field = `TimestampPath ${wait.timestampPath}`;
  }
  if (text === undefined) return nowMs + Number(wait.seconds ?? 0) * 1000;
  const at = parseTimestamp(text);
  if (at === undefined) {
    throw new DataFlowError('States.Runtime', `${field} ${JSON.stringify(text)} is not an RFC 3339 timestamp such as 2024-08-18T17:33:00Z`);
  }
  if (at - nowMs > MAX_WAIT_SECONDS * 1000) {
    throw new DataFlowError('States.Runtime', `${field} ${text} is more than the longest wait (${MAX_WAIT_SECONDS} s) ahead`);
  }
  return Math.max(at, nowMs);
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp (uppercase T and Z, or a numeric offset) in epoch
 * ms, whole seconds; undefined when it is not one or names no real instant
 * (2024-02-30, year 0). Parsed field by field so both runtimes agree exactly.
 */
export function parseTimestamp(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const monthDays = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > monthDays[month - 1] || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (m[7] !== undefined) {
    const [oh, om] = [Number(m[8]), Number(m[9])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[7] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, not Date.UTC, which reads years below 100 as 19xx.
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  return utc.getTime() - offsetMinutes * 60_000;
}


/** What `$states` and the variables hold when a Fail's or a Wait's JSONata expressions are evaluated. */
export interface JsonataScope {
  readonly input: unknown;
  readonly context?: unknown;
  readonly variables?: Readonly<Record<string, unknown>>;
}

/** Whether a Fail or a Wait has a JSONata expression (and so must be evaluated with jsonataFailDetails or jsonataWaitUntil). */
export function hasJsonataFields(spec: FailSpec & WaitSpec): boolean {
  return [spec.error, spec.cause, spec.seconds, spec.timestamp].some(isJsonataExpression);
}

/** A Fail's error and cause when either is a JSONata expression: each must evaluate to a string (else States.QueryEvaluationError). */
export async function jsonataFailDetails(fail: FailSpec, scope: JsonataScope): Promise<{ error: string; cause?: string }> {
  const error = await jsonataString(fail.error ?? 'States.Fail', scope, 'Error');
  const cause = fail.cause === undefined ? undefined : await jsonataString(fail.cause, scope, 'Cause');
  return cause === undefined ? { error } : { error, cause };
}

async function jsonataString(template: string, scope: JsonataScope, field: string): Promise<string> {
  if (!isJsonataExpression(template)) return template;
  const value = await evaluateJsonataTemplate(template, { input: scope.input, context: scope.context }, scope.variables, field);
  if (typeof value !== 'string') {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${template}' must evaluate to a string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * When a Wait whose Seconds or Timestamp is a JSONata expression ends: the
 * expression's value must be an integer from 0 to MAX_WAIT_SECONDS or an
 * RFC 3339 timestamp (else States.QueryEvaluationError, as in Step Functions).
 */
export async function jsonataWaitUntil(wait: WaitSpec, scope: JsonataScope, nowMs: number): Promise<number> {
  const field = isJsonataExpression(wait.seconds) ? 'Seconds' : 'Timestamp';
  const template = (field === 'Seconds' ? wait.seconds : wait.timestamp) as string;
  const value = await evaluateJsonataTemplate(template, { input: scope.input, context: scope.context }, scope.variables, field);
  const bad = field === 'Seconds'
    ? typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WAIT_SECONDS
    : parseTimestamp(value) === undefined;
  if (bad) {
    const want = field === 'Seconds' ? `an integer number of seconds from 0 to ${MAX_WAIT_SECONDS}` : 'an RFC 3339 timestamp such as 2024-08-18T17:33:00Z';
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${template}' must evaluate to ${want}, got ${JSON.stringify(value)}`);
  }
  try {
    return waitUntil(field === 'Seconds' ? { seconds: value as number } : { timestamp: value as string }, undefined, nowMs);
  } catch (e) {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${template}': ${(e as Error).message}`);
  }
}
