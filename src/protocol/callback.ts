import { randomBytes, timingSafeEqual } from 'crypto';
import { SessionRef, sessionObjectPrefix } from './keys';

/**
 * Callbacks (Step Functions' `.waitForTaskToken`). A function marked to wait for a task token gets a token (in its
 * context and as `$$.Task.Token`); when its code returns, the runtime does not checkpoint: the instance stays parked
 * in its callback item (callbackItemKey) and nothing runs. `sendTaskSuccess` / `sendTaskFailure` claim the item with
 * one conditional write (state WAITING → SUCCEEDED / FAILED), then invoke the node's function with the envelope the
 * item keeps, marked `callback` (a resume envelope): that invocation reads the claimed outcome instead of running
 * the user code, and goes on as if the code had returned it (output processing, checkpoint, successors) or thrown
 * it (Retry, Catch, failing the session). See docs/callbacks.md.
 */

/** A token is this, then the binding (base64url JSON of workflow, session, instance, attempt), `.`, the secret. */
export const TASK_TOKEN_PREFIX = 'unum1.';

/** Random bytes of a token's secret: unguessable (256 bits), so only who was handed the token can answer it. */
export const TASK_TOKEN_SECRET_BYTES = 32;

/** Step Functions' limit on a task token's length, which ours stay below for workflows, sessions and instances of usual sizes. */
export const TASK_TOKEN_MAX_LENGTH = 2048;

/** What a token names: one attempt of one instance of one session of one workflow. */
export interface TaskTokenBinding extends SessionRef {
  readonly instance: string;
  readonly attempt: number;
}

/**
 * Attributes of a callback item. The secret itself is kept (not a hash): a Lambda retry of the waiting invocation
 * must hand its user code the same token again. Whoever may read callback items may answer them anyway.
 */
export const CALLBACK_ATTR = {
  STATE: 'state',
  SECRET: 'secret',
  /** The resume envelope (the waiting invocation's, marked `callback`), under this value prefix (inline or in S3). */
  ENVELOPE_PREFIX: 'e',
  /** The (qualified) function name that envelope is invoked by. */
  FUNCTION: 'function',
  /** SUCCEEDED: the output, under this value prefix (inline, or spilled to callbackOutputObjectKey). */
  OUTPUT_PREFIX: 'o',
  /** FAILED: the error and cause the claim gave. */
  ERROR: 'error',
  CAUSE: 'cause',
  /** N, epoch ms: when the attempt started (taskTimeout counts from it), and the last heartbeat (or the start). */
  STARTED: 'startedAt',
  HEARTBEAT: 'heartbeatAt',
  /** ISO 8601: when it was parked, and when it was claimed. */
  CREATED: 'createdAt',
  CLAIMED: 'claimedAt',
  /** ISO 8601: when the claiming client's resume invocation was accepted. A claim without it may not have reached the task. */
  DELIVERED: 'deliveredAt',
} as const;

/**
 * States of a callback item. Only WAITING can be claimed, once: the first claim wins and every later use of the
 * token is refused. CANCELLED: the user code that was handed the token failed (its attempt is over).
 */
export const CALLBACK_STATE = {
  WAITING: 'WAITING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELLED: 'CANCELLED',
} as const;

/** The error of a callback task whose heartbeat stopped (Step Functions' name); a taskTimeout fails it with States.Timeout. */
export const ERROR_HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';

/** The error a sendTaskFailure without one reports (Step Functions leaves it empty; a Catch needs a name to match). */
export const CALLBACK_DEFAULT_ERROR = 'States.TaskFailed';

/** A token that cannot be used: nothing was changed. `reason` says which rule refused it. */
export class TaskTokenError extends Error {
  constructor(message: string, readonly reason: 'InvalidToken' | 'TaskDoesNotExist' | 'TaskAlreadyClosed' | 'WrongWorkflow') {
    super(message);
    this.name = `Unum.${reason}`;
  }
}

/** A fresh secret (base64url). */
export function newTaskTokenSecret(): string {
  return randomBytes(TASK_TOKEN_SECRET_BYTES).toString('base64url');
}

/** Constant-time comparison of a presented secret with the stored one. */
export function secretMatches(presented: string, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(stored);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function encodeTaskToken(binding: TaskTokenBinding, secret: string): string {
  const bound = Buffer.from(JSON.stringify([binding.workflow, binding.session, binding.instance, binding.attempt])).toString('base64url');
  return `${TASK_TOKEN_PREFIX}${bound}.${secret}`;
}

/** The binding and secret of a token; TaskTokenError (InvalidToken) when it is not one this protocol made. */
export function parseTaskToken(token: unknown): { binding: TaskTokenBinding; secret: string } {
  const invalid = (why: string): never => {
    throw new TaskTokenError(`invalid task token: ${why}; pass the token exactly as the waiting function was given it ($$.Task.Token)`, 'InvalidToken');
  };
  if (typeof token !== 'string') return invalid('it is not a string');
  if (token.length > TASK_TOKEN_MAX_LENGTH) return invalid(`it is longer than ${TASK_TOKEN_MAX_LENGTH} characters`);
  if (!token.startsWith(TASK_TOKEN_PREFIX)) return invalid(`it does not start with '${TASK_TOKEN_PREFIX}'`);
  const parts = token.slice(TASK_TOKEN_PREFIX.length).split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]{43}$/.test(parts[1])) {
    return invalid('it is not <binding>.<secret> in base64url');
  }
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    return invalid('its binding is not JSON');
  }
  if (!Array.isArray(fields) || fields.length !== 4 || !fields.slice(0, 3).every((f) => typeof f === 'string' && f !== '')
    || !Number.isInteger(fields[3]) || fields[3] < 0) {
    return invalid('its binding is not [workflow, session, instance, attempt]');
  }
  const [workflow, session, instance, attempt] = fields as [string, string, string, number];
  return { binding: { workflow, session, instance, attempt }, secret: parts[1] };
}

/** The folder of the session's objects that holds callbacks' spilled outputs and resume envelopes. */
export const CALLBACK_OBJECT_DIR = 'callbacks';

/** Where a callback's output or resume envelope too large for the item is kept. */
export function callbackObjectKey(binding: TaskTokenBinding, kind: 'output' | 'envelope'): string {
  return `${sessionObjectPrefix(binding)}${CALLBACK_OBJECT_DIR}/${encodeURIComponent(binding.instance)}/${binding.attempt}/${kind}.json`;
}
