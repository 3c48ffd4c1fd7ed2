/**
 * The metrics both runtimes write in CloudWatch Embedded Metric Format on
 * their log streams, and that the constructs' `metricX()` methods read. One
 * definition: the namespace, the dimension names and each metric's unit.
 */

/** The CloudWatch namespace of every cdk-unum metric. */
export const METRIC_NAMESPACE = 'cdk-unum';

/** Dimension names. Never a per-session dimension: a dimension value per session is a new metric per session. */
export const METRIC_DIMENSION = {
  WORKFLOW: 'Workflow',
  NODE: 'Node',
} as const;

/**
 * Per-workflow metrics (dimension Workflow). Each session is counted by the
 * one store write that changed it, never by a retry or a duplicate of that
 * write, so each is counted once whatever Lambda redelivers.
 */
export const WORKFLOW_METRICS = {
  /** The write that created the session record: the entry's first invocation, or the failure recorder when the start itself failed. */
  SESSIONS_STARTED: { name: 'SessionsStarted', unit: 'Count' },
  /** The write that ended the session SUCCEEDED. */
  SESSIONS_SUCCEEDED: { name: 'SessionsSucceeded', unit: 'Count' },
  /**
   * The write that ended the session FAILED (a Fail state, an error no Catch handled, an event
   * Lambda gave up on); later failures of other branches are not counted.
   */
  SESSIONS_FAILED: { name: 'SessionsFailed', unit: 'Count' },
  /** The write that ended the session TIMED_OUT (the workflow's timeout). */
  SESSIONS_TIMED_OUT: { name: 'SessionsTimedOut', unit: 'Count' },
  /** From the session's start to its terminal write, once per ended session (whichever end); none for a record without a start time. */
  SESSION_DURATION: { name: 'SessionDuration', unit: 'Milliseconds' },
} as const;

/** Per-node metrics (dimensions Workflow and Node). */
export const NODE_METRICS = {
  /**
   * Every invocation of the node's function the runtime handled: each delivery, duplicates and
   * Lambda's retries included, re-invocations that wait out a Retry interval or continue a Wait or
   * a fan-out, and events rejected as invalid.
   */
  INVOCATIONS: { name: 'Invocations', unit: 'Count' },
  /** Each time the user code threw, or ran out of time, whether a Retry or a Catch then handled it or not. */
  USER_ERRORS: { name: 'UserErrors', unit: 'Count' },
  /** Each attempt a Retry rule scheduled (run in the same invocation or a fresh one); Lambda's own retries are not counted. */
  RETRIES: { name: 'Retries', unit: 'Count' },
  /**
   * An invocation whose instance another delivery checkpointed: found the checkpoint (the user code did
   * not run; the egress ran again, idempotently), or lost the checkpoint write to a delivery running at
   * the same time (its output was dropped). Lambda's retry of an invocation that crashed after its
   * checkpoint is one. Continuations of a Wait or a fan-out are not.
   */
  DUPLICATE_DELIVERIES: { name: 'DuplicateDeliveries', unit: 'Count' },
  /** Milliseconds of each attempt of the user code, to its return, its error or its time running out. */
  USER_CODE_DURATION: { name: 'UserCodeDuration', unit: 'Milliseconds' },
  /** Each arrival of this node's branch at a fan-in join it feeds; a duplicate's repeated arrival counts again (the join counts it once). */
  JOIN_ARRIVALS: { name: 'JoinArrivals', unit: 'Count' },
  /** Joins this node completed: its arrival was the last and claimed the join, so it invoked the fan-in (once per join). */
  JOINS_FIRED: { name: 'JoinsFired', unit: 'Count' },
  /**
   * Values written to S3 because they were too large for a store item or an event: outputs, the
   * session's input and result, successors' inputs. A value already in S3 is passed by reference, not counted again.
   */
  PAYLOADS_SPILLED: { name: 'PayloadsSpilled', unit: 'Count' },
} as const;

export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
}
