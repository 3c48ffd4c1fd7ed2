/**
 * The versioned payload of every workflow invocation. User code never sees
 * it: the runtime hands over the plain value and a small context.
 */
import { sessionObjectPrefix } from './keys';

export const ENVELOPE_VERSION = 1;

/**
 * How far ahead of the receiver's clock `Envelope.notBefore` may lie: the
 * longest wait one invocation can hold (Lambda's 15-minute timeout). A
 * retry's interval must fit in its function's timeout (checked at synth),
 * so a deadline further ahead is crafted or corrupt, and is refused.
 */
export const MAX_NOT_BEFORE_AHEAD_MS = 15 * 60 * 1000;

/**
 * Prefix of the session an SQS message starts (`sqs-<messageId>`): derived
 * from the message id alone, so a redelivered message (same id) finds the
 * session it started and does not start a second one, and a producer can
 * tell the session from SendMessage's MessageId.
 */
export const SQS_SESSION_PREFIX = 'sqs-';

/** Session ids the envelope accepts. */
const SESSION_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The session an SQS message starts; undefined when the id cannot make one (SQS's ids, UUIDs, always can). */
export function sqsSessionId(messageId: unknown): string | undefined {
  const session = typeof messageId === 'string' && messageId !== '' ? `${SQS_SESSION_PREFIX}${messageId}` : undefined;
  return session !== undefined && SESSION_PATTERN.test(session) ? session : undefined;
}

export interface Frame {
  /** The fan-out (Parallel or Map) that pushed this frame. */
  readonly fanout: string;
  /** Branch or item index, from 0. */
  readonly index: number;
  readonly size: number;
  /** The loop iteration of the scope that fanned out, restored when the frame is joined. */
  readonly iteration: number;
  /**
   * Set (from 0) on the frames of a Parallel or Map that handles its
   * failures (Retry, Catch, tolerated failures): the attempt of the
   * fan-out. A branch's final failure is reported to the fan-out of the
   * innermost such frame instead of failing the session.
   */
  readonly attempt?: number;
}

/**
 * A failure reported to the function that fanned out (its FanoutOrigin),
 * which replays its egress down to the fan-out `instance` and decides
 * there: retry (attempt + 1), catch, or fail. With `item`, one item of a
 * Map with tolerated failures failed within the tolerance: the origin
 * arrives at the join for it with `{ Error, Cause }` as its result.
 */
export interface FanoutFailure {
  readonly instance: string;
  readonly attempt: number;
  readonly error: string;
  readonly cause: string;
  readonly item?: number;
  /** A retry's interval did not fit in the origin's invocation: it re-invoked itself to wait until then (epoch ms). */
  readonly notBefore?: number;
}

export type Input =
  | { readonly value: unknown }
  | { readonly s3: { readonly bucket: string; readonly key: string } }
  | { readonly fanIn: FanInRef };

/** A completed join: the runtime reads the branch outputs itself, in slot order. */
export interface FanInRef {
  readonly join: string;
  /** The join instance key (see keys.ts). */
  readonly instance: string;
  readonly size: number;
  /** JoinAction.sources of the join: the reader rebuilds each slot's checkpoint key from them. */
  readonly sources?: readonly string[];
  /** A window join lists each slot's checkpoint instance itself; null where the window leaves the map. */
  readonly instances?: ReadonlyArray<string | null>;
}

export interface Envelope {
  readonly unum: typeof ENVELOPE_VERSION;
  readonly workflow: string;
  readonly session: string;
  readonly node: string;
  readonly frames: readonly Frame[];
  readonly iteration: number;
  readonly input: Input;
  /** Retries already made for this instance (a retry re-invoked asynchronously); absent means 0. */
  readonly attempt?: number;
  /**
   * A retry re-invoked because its interval did not fit in the invocation
   * whose attempt failed: the deadline (epoch ms) before which the attempt
   * must not start. The receiver sleeps until then. Only with attempt ≥ 1,
   * and at most MAX_NOT_BEFORE_AHEAD_MS ahead of the receiver's clock.
   */
  readonly notBefore?: number;
  /**
   * Deadlines (epoch ms) of Wait states that did not fit in the invocation
   * that reached them, keyed by the Wait's instance key: the function
   * re-invoked itself with them and continues only the paths through them.
   */
  readonly waits?: Readonly<Record<string, number>>;
  /**
   * A schedule's Input stands for a resume envelope too large for it (SCHEDULE_INPUT_LIMIT): the full envelope is
   * the object at this key of the store bucket (under the session's prefix), which the receiver reads instead.
   */
  readonly stored?: string;
  /**
   * A fan-out continuation: the fanning-out function ran short of time and
   * re-invoked itself; for each Map instance (fan-out name and scope, keyed
   * like an instance) the index of the first item not yet issued.
   */
  readonly fanouts?: Readonly<Record<string, number>>;
  /**
   * A bounded Map's next item: an item of a Map with maxConcurrency N
   * finished, so it re-invoked the function that fanned out (FanoutOrigin)
   * to issue, for that Map instance, the item at this index, and nothing
   * else: the function replays its egress only down to that Map.
   */
  readonly issue?: Readonly<Record<string, number>>;
  /**
   * A resume envelope after a callback (callback.ts): the task token of attempt `attempt` of this instance was
   * claimed, so the receiver reads the outcome from the callback item instead of running the user code. Sent by
   * whoever claimed it (the client) or by the schedule of a callback's timeout; a forged one finds the item unclaimed
   * and changes nothing.
   */
  readonly callback?: true;
  /** A branch or item of a fan-out failed for good (see FanoutFailure): only that fan-out is handled. */
  readonly fanoutFailure?: FanoutFailure;
  /**
   * The session's deadline (epoch ms: its start plus the workflow's
   * timeout), set by the entry and copied into every envelope of the
   * session, so each function checks it without a store read. Past it no
   * successor is invoked and the session is recorded TIMED_OUT. Absent: no
   * timeout.
   */
  readonly deadline?: number;
  /**
   * The workflow variables (JSONata states' Assign) in scope for the
   * receiving state, by name; absent: none. They travel with the envelope,
   * as the value does, so any function can read them without a store read.
   */
  readonly variables?: Readonly<Record<string, unknown>>;
}

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unum.InvalidEnvelope';
  }
}

/** True for events that claim to be envelopes (valid or not). */
export function looksLikeEnvelope(event: unknown): boolean {
  return event !== null && typeof event === 'object' && !Array.isArray(event) && 'unum' in event;
}

/**
 * Validates an envelope addressed to `expected.node` of `expected.workflow`
 * (an S3 input must lie in `expected.bucket` under the session's own
 * prefix). `now` is the receiver's clock (default Date.now()), against
 * which a retry's notBefore is bounded. Throws EnvelopeError naming the
 * field and what was expected.
 */
export function parseEnvelope(event: unknown, expected: { workflow: string; node: string; bucket?: string; now?: number }): Envelope {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new EnvelopeError(`node '${expected.node}': the event is not a JSON object`);
  }
  const e = event as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new EnvelopeError(`node '${expected.node}': invalid envelope: ${what}`);
  };
  if (e.unum !== ENVELOPE_VERSION) {
    fail(`unsupported version ${JSON.stringify(e.unum)} (this runtime speaks ${ENVELOPE_VERSION}); deploy the same cdk-unum version to every function`);
  }
  if (e.workflow !== expected.workflow) fail(`it is for workflow ${JSON.stringify(e.workflow)}, this function belongs to '${expected.workflow}'`);
  if (e.node !== expected.node) fail(`it is for node ${JSON.stringify(e.node)}, this function is '${expected.node}'`);
  if (typeof e.session !== 'string' || !SESSION_PATTERN.test(e.session)) {
    fail('session must be 1-128 characters of [A-Za-z0-9_.:-]');
  }
  if (!Number.isInteger(e.iteration) || (e.iteration as number) < 0) fail('iteration must be a non-negative integer');
  if (!Array.isArray(e.frames)) fail('frames must be an array');
  (e.frames as unknown[]).forEach((f, i) => {
    const frame = f as Record<string, unknown>;
    if (frame === null || typeof frame !== 'object') return fail(`frames[${i}] must be an object`);
    if (typeof frame.fanout !== 'string' || frame.fanout === '') fail(`frames[${i}].fanout must be a non-empty string`);
    if (!Number.isInteger(frame.size) || (frame.size as number) < 1) fail(`frames[${i}].size must be a positive integer`);
    if (!Number.isInteger(frame.index) || (frame.index as number) < 0 || (frame.index as number) >= (frame.size as number)) {
      fail(`frames[${i}].index must be an integer in [0, size)`);
    }
    if (!Number.isInteger(frame.iteration) || (frame.iteration as number) < 0) fail(`frames[${i}].iteration must be a non-negative integer`);
    if (frame.attempt !== undefined && (!Number.isInteger(frame.attempt) || (frame.attempt as number) < 0)) {
      fail(`frames[${i}].attempt must be a non-negative integer`);
    }
  });
  if (e.attempt !== undefined && (!Number.isInteger(e.attempt) || (e.attempt as number) < 0)) fail('attempt must be a non-negative integer');
  if (e.notBefore !== undefined) {
    if (!Number.isSafeInteger(e.notBefore) || (e.notBefore as number) < 0) fail('notBefore must be a deadline in epoch milliseconds (a non-negative integer)');
    if (!((e.attempt as number) >= 1)) fail('notBefore delays a retry only: it needs attempt ≥ 1');
    const ahead = (e.notBefore as number) - (expected.now ?? Date.now());
    if (ahead > MAX_NOT_BEFORE_AHEAD_MS) {
      fail(`notBefore lies ${Math.round(ahead / 1000)} s ahead, more than the ${MAX_NOT_BEFORE_AHEAD_MS / 60000} minutes one invocation can wait`);
    }
  }
  if (e.waits !== undefined && (e.waits === null || typeof e.waits !== 'object' || Array.isArray(e.waits)
    || !Object.values(e.waits as object).every((d) => Number.isFinite(d)))) {
    fail('waits must map Wait instance keys to deadlines in epoch milliseconds');
  }
  if (e.stored !== undefined) {
    if (typeof e.stored !== 'string') fail('stored must be the key of the stored envelope');
    checkObjectReference({ bucket: expected.bucket ?? '', key: e.stored as string }, { workflow: expected.workflow, session: e.session as string },
      expected.bucket, fail);
  }
  if (e.callback !== undefined && e.callback !== true) fail('callback must be true (a resume after a claimed task token) or absent');
  if (e.fanouts !== undefined && (e.fanouts === null || typeof e.fanouts !== 'object' || Array.isArray(e.fanouts)
    || !Object.values(e.fanouts as object).every((n) => Number.isInteger(n) && n >= 0))) {
    fail('fanouts must map Map instance keys to the index of the next item to issue (a non-negative integer)');
  }
  if (e.issue !== undefined && (e.issue === null || typeof e.issue !== 'object' || Array.isArray(e.issue)
    || !Object.values(e.issue as object).every((n) => Number.isInteger(n) && n >= 0))) {
    fail('issue must map Map instance keys to the index of the item to issue (a non-negative integer)');
  }
  if (e.fanoutFailure !== undefined) {
    const f = e.fanoutFailure as Record<string, unknown>;
    if (f === null || typeof f !== 'object' || typeof f.instance !== 'string' || !Number.isInteger(f.attempt) || (f.attempt as number) < 0
      || typeof f.error !== 'string' || typeof f.cause !== 'string' || (f.item !== undefined && !(Number.isInteger(f.item) && (f.item as number) >= 0))
      || (f.notBefore !== undefined && !(Number.isSafeInteger(f.notBefore) && (f.notBefore as number) >= 0))) {
      fail('fanoutFailure needs a string instance, error and cause, a non-negative integer attempt and, if present, a non-negative integer item');
    }
  }
  if (e.deadline !== undefined && (!Number.isSafeInteger(e.deadline) || (e.deadline as number) < 0)) {
    fail('deadline must be the session\'s deadline in epoch milliseconds (a non-negative integer)');
  }
  if (e.variables !== undefined && (e.variables === null || typeof e.variables !== 'object' || Array.isArray(e.variables))) {
    fail('variables must map workflow variable names to JSON values');
  }
  parseInput(e.input, fail);
  const s3 = (e.input as { s3?: { bucket: string; key: string } }).s3;
  if (s3 !== undefined) checkObjectReference(s3, { workflow: expected.workflow, session: e.session as string }, expected.bucket, fail);
  return e as unknown as Envelope;
}

function parseInput(input: unknown, fail: (what: string) => never): void {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('input must be an object with one of value, s3, fanIn');
  const keys = Object.keys(input as object);
  if (keys.length !== 1 || !['value', 's3', 'fanIn'].includes(keys[0])) {
    fail(`input must have exactly one of value, s3, fanIn (got ${JSON.stringify(keys)})`);
  }
  const i = input as Record<string, any>;
  if ('s3' in i && (typeof i.s3?.bucket !== 'string' || typeof i.s3?.key !== 'string')) fail('input.s3 needs string bucket and key');
  if ('fanIn' in i && (typeof i.fanIn?.join !== 'string' || typeof i.fanIn?.instance !== 'string'
    || !Number.isInteger(i.fanIn?.size) || i.fanIn.size < 1)) {
    fail('input.fanIn needs string join and instance and a positive integer size');
  }
  if ('fanIn' in i && i.fanIn.sources !== undefined
    && (!Array.isArray(i.fanIn.sources) || !i.fanIn.sources.every((s: unknown) => typeof s === 'string'))) {
    fail('input.fanIn.sources must be an array of node names');
  }
  if ('fanIn' in i && i.fanIn.instances !== undefined
    && (!Array.isArray(i.fanIn.instances) || i.fanIn.instances.length !== i.fanIn.size
      || !i.fanIn.instances.every((s: unknown) => s === null || typeof s === 'string'))) {
    fail('input.fanIn.instances must list one instance key (or null) per slot');
  }
}

/**
 * A crafted reference could name any object the function's role may read
 * (IAM bounds it to the workflow, not the session): only the configured
 * bucket and this session's own prefix are accepted, without `.`/`..`
 * segments that an HTTP layer might collapse.
 */
function checkObjectReference(s3: { bucket: string; key: string }, ref: { workflow: string; session: string }, bucket: string | undefined,
  fail: (what: string) => never): void {
  if (bucket === undefined) fail('input.s3 references an object but this function has no payload bucket (UNUM_BUCKET)');
  if (s3.bucket !== bucket) fail(`input.s3 must be in the store bucket '${bucket}' (got '${s3.bucket}')`);
  const prefix = sessionObjectPrefix(ref);
  if (!s3.key.startsWith(prefix) || s3.key.split('/').some((segment) => segment === '.' || segment === '..')) {
    fail(`input.s3.key must lie under this session's prefix '${prefix}' (got '${s3.key}')`);
  }
}
