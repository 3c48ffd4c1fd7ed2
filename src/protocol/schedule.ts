import { createHash } from 'crypto';
import { SessionRef, sessionObjectPrefix } from './keys';

/**
 * Long Waits. A Wait (or what is left of it) longer than LONG_WAIT_THRESHOLD_MS is not waited out by invocations
 * re-invoking themselves (each one billed for the time it sleeps): the runtime creates an EventBridge Scheduler
 * one-time schedule that invokes its own function with the resume envelope, and ends. Shorter ones stay in the
 * invocation chain, whose precision is the runtime's clock (a schedule's is about a minute), and whose cost for
 * five minutes (one invocation sleeping) is what Scheduler's minimum latency would save at most.
 */
export const LONG_WAIT_THRESHOLD_MS = 5 * 60 * 1000;

/** Scheduler's limit on a target's Input; a larger resume envelope is stored and the schedule passes its key. */
export const SCHEDULE_INPUT_LIMIT = 256 * 1024;

/** Environment of a function whose workflow has a long Wait: the schedule group and the role Scheduler invokes with. */
export const SCHEDULE_ENV = {
  GROUP: 'UNUM_SCHEDULE_GROUP',
  ROLE_ARN: 'UNUM_SCHEDULE_ROLE_ARN',
} as const;

/** Prefix of every schedule a runtime creates (IAM and the group hold nothing else). */
export const SCHEDULE_NAME_PREFIX = 'unum-';

/**
 * The schedule that continues `waits` (Wait instance keys) of one invocation's instance. Derived from the instance
 * and the Waits alone (not their deadlines, which a duplicate delivery computes anew for a relative Wait), so every
 * delivery names the same schedule and the second CreateSchedule meets ConflictException. 64 characters at most.
 */
export function scheduleName(ref: SessionRef, instance: string, waits: readonly string[]): string {
  const digest = createHash('sha256').update(JSON.stringify([ref.workflow, ref.session, instance, [...waits].sort()])).digest('hex');
  return `${SCHEDULE_NAME_PREFIX}${digest.slice(0, 48)}`;
}

/**
 * The `at(...)` expression (UTC, whole seconds) for epoch ms, rounded up: a schedule that fired early would find the
 * Wait not over and have its invocation sleep the rest. Scheduler invokes within about a minute of that time.
 */
export function atExpression(epochMs: number): string {
  return `at(${new Date(Math.ceil(epochMs / 1000) * 1000).toISOString().slice(0, 19)})`;
}

/** Epoch ms of an `at(...)` expression in UTC; undefined for any other expression. */
export function parseAtExpression(expression: string): number | undefined {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  return m === null ? undefined : Date.parse(`${m[1]}Z`);
}

/** Where a resume envelope too large for a schedule's Input is kept (Envelope.stored names it). */
export function scheduledEnvelopeObjectKey(ref: SessionRef, name: string): string {
  return `${sessionObjectPrefix(ref)}schedules/${name}.json`;
}
