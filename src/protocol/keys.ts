import { Frame } from './envelope';

/**
 * Store keys. Every key is derived from the instance alone (session, node,
 * frame indexes, loop iteration), so retries and duplicate deliveries of one
 * instance meet at the same item. Each instance is its own partition so a
 * large fan-out spreads over many partitions.
 */

/** Instance of `node` in the scope given by `frames` and `iteration`. */
export function instanceKey(node: string, frames: readonly Frame[], iteration: number): string {
  return `${node}|${scopeKey(frames, iteration)}`;
}

/**
 * The scope part of an instance key: `<epoch>:<index>` per frame (see
 * frameEpoch), then the current iteration.
 */
export function scopeKey(frames: readonly Frame[], iteration: number): string {
  return [...frames.map((f) => `${frameEpoch(f.iteration, f.attempt)}:${f.index}`), String(iteration)].join('/');
}

/**
 * What a frame's key says besides its index: the loop iteration of the
 * scope that fanned out and, when a Retry on the Parallel or Map re-ran it,
 * the attempt (Frame.attempt). Attempt 0 adds nothing, so a fan-out without
 * retries keys as before, and each re-run gets fresh instance and join keys:
 * a late result of an abandoned attempt lands at keys no one reads.
 */
export function frameEpoch(iteration: number, attempt: number | undefined): string {
  return attempt ? `${iteration}~${attempt}` : String(iteration);
}

/**
 * The join instance that the innermost frame closes: the join node in the
 * scope that fanned out (outer frames, the iteration saved in the frame).
 */
export function joinInstanceKey(join: string, frames: readonly Frame[]): string {
  if (frames.length === 0) {
    throw new Error(`join '${join}' reached with no open fan-out frame`);
  }
  const inner = frames[frames.length - 1];
  return `${join}|${[...frames.slice(0, -1).map((f) => `${frameEpoch(f.iteration, f.attempt)}:${f.index}`), frameEpoch(inner.iteration, inner.attempt)].join('/')}`;
}

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * The session that a key belongs to. Every item and payload object is bound
 * to its workflow: partition keys start with `W#<workflow>#` and objects
 * live under `unum/<workflow>/<session>/`, so workflows sharing one store
 * never meet at a key, and IAM can bound a role to one workflow
 * (`dynamodb:LeadingKeys` on the prefix, the object prefix in the ARN).
 * Workflow names contain no `#`, `*` or `?` (see the graph validation), so
 * the prefix is unambiguous and safe in IAM patterns. An Envelope is one.
 */
export interface SessionRef {
  readonly workflow: string;
  readonly session: string;
}

/** What every partition key of `workflow` starts with. */
export function workflowKeyPrefix(workflow: string): string {
  return `W#${workflow}#`;
}

export function sessionItemKey(ref: SessionRef): ItemKey {
  return { pk: `${workflowKeyPrefix(ref.workflow)}S#${ref.session}`, sk: 'SESSION' };
}

/** Partition keys of the session's checkpoints start with this (the instance key follows). */
export function checkpointKeyPrefix(ref: SessionRef): string {
  return `${workflowKeyPrefix(ref.workflow)}C#${ref.session}#`;
}

export function checkpointItemKey(ref: SessionRef, instance: string): ItemKey {
  return { pk: `${checkpointKeyPrefix(ref)}${instance}`, sk: 'C' };
}

/** Failure records share the session's partition; their sort keys start with this. */
export const FAILURE_SORT_PREFIX = 'FAIL#';

export function failureItemKey(ref: SessionRef, instance: string): ItemKey {
  return { pk: sessionItemKey(ref).pk, sk: `${FAILURE_SORT_PREFIX}${instance}` };
}

/**
 * Attributes of a failure record (failureItemKey) and of a failed fan-out
 * branch (fanoutBranchFailureItemKey) that a redrive needs: the envelope of
 * the invocation that failed (JSON) and the function name it was invoked by,
 * so a client re-invokes it without any other record of the deployment.
 * REDRIVEN: the redrive count that re-invoked it (absent: not yet); a new
 * failure of the instance replaces the record and so clears it.
 */
export const REDRIVE_ATTR = {
  ENVELOPE: 'envelope',
  FUNCTION: 'function',
  REDRIVEN: 'redriven',
} as const;

/**
 * A branch or item of a Parallel or Map that handles failures, which failed
 * for good in `attempt` (its failure went to the fan-out's origin, not to the
 * session): when the origin then fails the session, a redrive re-invokes
 * these, not the origin. It shares the fan-out's partition; with an empty
 * `branch`, its sort key is the prefix of all of that attempt's.
 */
export function fanoutBranchFailureItemKey(ref: SessionRef, fanoutInstance: string, attempt: number, branch: string): ItemKey {
  return { pk: fanoutProgressItemKey(ref, fanoutInstance).pk, sk: `B#${attempt}#${branch}` };
}

/** Partition key of a join's items (see join.ts). */
export function joinKeyBase(ref: SessionRef, joinInstance: string): string {
  return `${workflowKeyPrefix(ref.workflow)}J#${ref.session}#${joinInstance}`;
}

/** Partition key of an eager-cleanup marker partition (see gc.ts). */
export function garbageKey(ref: SessionRef, partition: number): string {
  return `${workflowKeyPrefix(ref.workflow)}G#${ref.session}#${partition}`;
}

/**
 * The parked callback of one attempt of an instance that waits for a task token (see callback.ts). Its own
 * partition, keyed by the instance and the attempt alone, so every delivery of that attempt meets the same item.
 */
export function callbackItemKey(ref: SessionRef, instance: string, attempt: number): ItemKey {
  return { pk: `${workflowKeyPrefix(ref.workflow)}K#${ref.session}#${instance}`, sk: `K#${attempt}` };
}

/** The kind of item a partition key names: S session, C checkpoint, J join, G cleanup marker, F fan-out, K callback. */
export function itemKind(pk: string): { workflow: string; kind: string; rest: string } | undefined {
  const m = /^W#([^#]+)#([SCJGFK])#(.*)$/.exec(pk);
  return m === null ? undefined : { workflow: m[1], kind: m[2], rest: m[3] };
}

/** The prefix of every payload object of `workflow` (what IAM grants on the bucket). */
export function workflowObjectPrefix(workflow: string): string {
  return `unum/${encodeURIComponent(workflow)}/`;
}

/** The prefix of the session's payload objects: the only objects an envelope may reference. */
export function sessionObjectPrefix(ref: SessionRef): string {
  return `${workflowObjectPrefix(ref.workflow)}${encodeURIComponent(ref.session)}/`;
}

/**
 * How far a fan-out (a Map instance, keyed like an instance by its fan-out
 * name and scope) has issued its items: a retry or continuation of the
 * fanning-out function resumes there instead of re-issuing every item.
 */
export function fanoutProgressItemKey(ref: SessionRef, fanoutInstance: string): ItemKey {
  return { pk: `${workflowKeyPrefix(ref.workflow)}F#${ref.session}#${fanoutInstance}`, sk: 'F' };
}

/**
 * Attribute of a bounded Map's progress item (fanoutProgressItemKey): JSON
 * of the FanoutOrigin, written once (if_not_exists) before any item is issued.
 */
export const FANOUT_ORIGIN_ATTR = 'o';

/**
 * The checkpoint attribute holding, as JSON text, the workflow variables
 * after a JSONata state's Assign, so a replay of its egress (a retry, a
 * duplicate, a continuation) hands on the same ones as the first run.
 */
export const VARIABLES_ATTR = 'vars';

/** Who issues a bounded Map's items and handles a fan-out's failures: the function that fanned out, re-invoked with Envelope.issue or Envelope.fanoutFailure. */
export interface FanoutOrigin {
  /** The (qualified) name it re-invokes itself by. */
  readonly functionName: string;
  /** Its envelope's position: node, frames, iteration (and deadline), with no input. */
  readonly node: string;
  readonly frames: readonly Frame[];
  readonly iteration: number;
  readonly deadline?: number;
  /** Its envelope's workflow variables (JSONata), which the re-invocation carries again. */
  readonly variables?: Readonly<Record<string, unknown>>;
  /** The fan-out handles its failures (Retry, Catch, tolerated failures): a failing branch reports to the origin. */
  readonly handles?: boolean;
  /** A Map's tolerated failures, which the failing item checks itself (Step Functions' ToleratedFailureCount/Percentage). */
  readonly tolerance?: { readonly toleratedFailureCount?: number; readonly toleratedFailurePercentage?: number };
}

/**
 * The raw input of a Parallel or Map instance (the value it fanned out on),
 * recorded by the fanning-out egress when the state's ResultPath places the
 * joined list into it: the join's continuation reads it back with one
 * strongly consistent read. It shares the fan-out's partition.
 */
export function fanoutInputItemKey(ref: SessionRef, fanoutInstance: string): ItemKey {
  return { pk: fanoutProgressItemKey(ref, fanoutInstance).pk, sk: 'I' };
}

/**
 * The fan-out instance as its attempt sees it: where that attempt's issue
 * progress is kept (fanoutProgressItemKey) and what Envelope.fanouts and
 * Envelope.issue name, so a retried Map issues all its items again.
 */
export function fanoutAttemptKey(fanoutInstance: string, attempt: number): string {
  return attempt ? `${fanoutInstance}~${attempt}` : fanoutInstance;
}

/**
 * Attribute of a fan-out's origin item (fanoutProgressItemKey of the
 * fan-out instance): the attempt now running of a Parallel or Map with
 * Retry, Catch or tolerated failures (absent: 0). Only the origin moves it,
 * one conditional write per retry.
 */
export const FANOUT_ATTEMPT_ATTR = 'a';

/**
 * The failure decision of one attempt of a Parallel or Map: the first
 * failing branch or item writes its instance here (if_not_exists) and only
 * it (and its own redeliveries) reports the failure to the origin, so two
 * failing branches never both retry or catch.
 */
export function fanoutFailureItemKey(ref: SessionRef, fanoutInstance: string, attempt: number): ItemKey {
  return { pk: fanoutProgressItemKey(ref, fanoutInstance).pk, sk: `X#${attempt}` };
}

/** The attribute of fanoutFailureItemKey's item naming the branch instance that claimed the attempt's failure. */
export const FANOUT_FAILURE_CLAIM_ATTR = 'c';

/** The attribute of toleratedFailuresItemKey's item holding the string set of failed item indexes. */
export const TOLERATED_FAILURES_ATTR = 'f';

/** The failed items of one attempt of a Map with tolerated failures: a string set of item indexes (idempotent). */
export function toleratedFailuresItemKey(ref: SessionRef, fanoutInstance: string, attempt: number): ItemKey {
  return { pk: fanoutProgressItemKey(ref, fanoutInstance).pk, sk: `T#${attempt}` };
}

/** S3 object key of a spilled payload or output. */
export function payloadObjectKey(ref: SessionRef, instance: string, kind: 'input' | 'output'): string {
  return `${sessionObjectPrefix(ref)}${encodeURIComponent(instance)}/${kind}.json`;
}

/**
 * The object of a start input too large to pass inline, written by whoever
 * starts the session: a name of its own, so `grantStart` can allow writing
 * these and no checkpoint output or successor input.
 */
export const START_OBJECT_NAME = 'start.json';

export function startObjectKey(ref: SessionRef): string {
  return `${sessionObjectPrefix(ref)}${START_OBJECT_NAME}`;
}

/** Attribute names shared by every item. */
export const ATTR = {
  PK: 'pk',
  SK: 'sk',
  TTL: 'expiresAt',
} as const;

/** Attribute names of the session item (pk S#<session>, sk SESSION): written by both runtimes, read by the client. */
export const SESSION_ATTR = {
  STATUS: 'status',
  WORKFLOW: 'workflow',
  START: 'startTime',
  END: 'endTime',
  INPUT_PREFIX: 'i',
  RESULT_PREFIX: 'r',
  ERROR: 'error',
  CAUSE: 'cause',
  NODE: 'failedNode',
  INSTANCE: 'failedInstance',
  /** The X-Ray trace id of the session, when its entry function is traced (one session is one trace). */
  TRACE: 'traceId',
  /** N, epoch ms: the start plus the workflow's timeout (absent without one); every envelope carries it too. */
  DEADLINE: 'deadline',
  /** N: how many times the session was redriven (absent: 0), `$$.Execution.RedriveCount`. */
  REDRIVE_COUNT: 'redriveCount',
  /** ISO 8601: when the last redrive started. */
  REDRIVE_TIME: 'redriveTime',
  /**
   * N: the redrive count whose re-invocations are not all sent yet (written with the move back to RUNNING, removed
   * after the last one). A redrive that finds it finishes that redrive's work instead of being refused.
   */
  REDRIVE_PENDING: 'redrivePending',
} as const;

/**
 * Values of SESSION_ATTR.STATUS. Every move out of RUNNING is one
 * conditional write, so the first terminal status written stays.
 * TIMED_OUT: a function found the session past its deadline.
 */
export const SESSION_STATUS = {
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMED_OUT',
} as const;

/** The longest workflow timeout (Step Functions' longest execution: one year). */
export const MAX_WORKFLOW_TIMEOUT_SECONDS = 365 * 24 * 3600;

/** Values above this many bytes of JSON never go into an item (the item limit is 400 KB): they spill to S3. */
export const ITEM_VALUE_LIMIT = 350 * 1024;

/** Partitions of a session's eager-cleanup markers (a marker's partition is a hash of it modulo this). */
export const GC_PARTITIONS = 8;

/** Map items issued between two fan-out progress records (a map this size or smaller records none). */
export const FANOUT_BATCH = 256;
