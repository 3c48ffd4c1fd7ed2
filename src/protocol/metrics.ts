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

/** Per-workflow metrics (dimension Workflow). */
export const WORKFLOW_METRICS = {
  SESSIONS_STARTED: { name: 'SessionsStarted', unit: 'Count' },
  SESSIONS_SUCCEEDED: { name: 'SessionsSucceeded', unit: 'Count' },
  SESSIONS_FAILED: { name: 'SessionsFailed', unit: 'Count' },
  SESSIONS_TIMED_OUT: { name: 'SessionsTimedOut', unit: 'Count' },
  /** From the session's start to its terminal write. */
  SESSION_DURATION: { name: 'SessionDuration', unit: 'Milliseconds' },
} as const;

/** Per-node metrics (dimensions Workflow and Node). */
export const NODE_METRICS = {
  INVOCATIONS: { name: 'Invocations', unit: 'Count' },
  /** User code threw (caught, retried or not). */
  USER_ERRORS: { name: 'UserErrors', unit: 'Count' },
  /** A Retry rule scheduled another attempt. */
  RETRIES: { name: 'Retries', unit: 'Count' },
  /** An invocation whose instance was already checkpointed: user code did not run again. */
  DUPLICATE_DELIVERIES: { name: 'DuplicateDeliveries', unit: 'Count' },
  USER_CODE_DURATION: { name: 'UserCodeDuration', unit: 'Milliseconds' },
  /** A branch's arrival at a fan-in join this node feeds. */
  JOIN_ARRIVALS: { name: 'JoinArrivals', unit: 'Count' },
  /** Joins this node completed (the last arrival invokes the fan-in function). */
  JOINS_FIRED: { name: 'JoinsFired', unit: 'Count' },
  /** Outputs or successor inputs too large for an item, written to S3. */
  PAYLOADS_SPILLED: { name: 'PayloadsSpilled', unit: 'Count' },
} as const;

export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricDefinition {
  readonly name: string;
  readonly unit: MetricUnit;
}
