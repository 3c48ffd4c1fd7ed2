import { LEVELS, writeLine } from './log';
import {
  METRIC_DIMENSION, METRIC_NAMESPACE, MetricDefinition, NODE_METRICS, WORKFLOW_METRICS,
} from '../src/protocol';

/**
 * Metrics in CloudWatch Embedded Metric Format: what one invocation did is
 * collected here and written as one JSON line on the function's log stream
 * when the invocation ends (CloudWatch Logs extracts the metrics; no API
 * call, no dependency). Workflow metrics carry the dimension Workflow, node
 * metrics Workflow and Node; a session id is a plain property, never a
 * dimension (one metric per session would be a new metric each time).
 */

export type NodeMetric = keyof typeof NODE_METRICS;
export type SessionEnd = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

/** A terminal session write that took effect: when the session started and when it ended (ISO times). */
export interface SessionEnded {
  readonly startedAt?: string;
  readonly endedAt: string;
}

const ENDS: Record<SessionEnd, MetricDefinition> = {
  SUCCEEDED: WORKFLOW_METRICS.SESSIONS_SUCCEEDED,
  FAILED: WORKFLOW_METRICS.SESSIONS_FAILED,
  TIMED_OUT: WORKFLOW_METRICS.SESSIONS_TIMED_OUT,
};

/** Receives the EMF line (default: stdout as it is, which Lambda keeps; its console would hide the document under `message`). */
export type LineWriter = (line: string) => void;

export class Metrics {
  private readonly workflowValues = new Map<MetricDefinition, number[]>();
  private readonly nodeValues = new Map<MetricDefinition, number[]>();

  /** `node` undefined: only workflow metrics (the failure recorder is no node). */
  constructor(private readonly workflow: string, private readonly node?: string,
    private readonly properties: Record<string, string> = {}, private readonly write: LineWriter = writeLine) {}

  count(metric: NodeMetric, n = 1): void {
    add(this.nodeValues, NODE_METRICS[metric], n, true);
  }

  userCodeDuration(ms: number): void {
    add(this.nodeValues, NODE_METRICS.USER_CODE_DURATION, ms, false);
  }

  sessionStarted(): void {
    add(this.workflowValues, WORKFLOW_METRICS.SESSIONS_STARTED, 1, true);
  }

  sessionSucceeded(ended: SessionEnded): void {
    this.sessionEnded('SUCCEEDED', ended);
  }

  sessionFailed(ended: SessionEnded): void {
    this.sessionEnded('FAILED', ended);
  }

  /**
   * A session recorded TIMED_OUT (the workflow's timeout): counted, with its
   * duration. Call it only when this write ended the session (its RUNNING
   * condition held), with the start from its UPDATED_OLD answer, as
   * succeedSession does; outside a node, `new Metrics(workflow, undefined, { session })`.
   */
  sessionTimedOut(ended: SessionEnded): void {
    this.sessionEnded('TIMED_OUT', ended);
  }

  private sessionEnded(end: SessionEnd, ended: SessionEnded): void {
    add(this.workflowValues, ENDS[end], 1, true);
    const start = ended.startedAt === undefined ? NaN : Date.parse(ended.startedAt);
    const duration = Date.parse(ended.endedAt) - start;
    // A session record without a readable start (written by an older runtime) still counts, without a duration.
    if (Number.isFinite(duration)) add(this.workflowValues, WORKFLOW_METRICS.SESSION_DURATION, Math.max(0, duration), false);
  }

  /** The EMF document of what was recorded, or undefined when nothing was. */
  document(timestamp = Date.now(), env: NodeJS.ProcessEnv = process.env): Record<string, unknown> | undefined {
    const directives: Record<string, unknown>[] = [];
    const doc: Record<string, unknown> = { ...this.properties, [METRIC_DIMENSION.WORKFLOW]: this.workflow };
    const emit = (values: Map<MetricDefinition, number[]>, dimensions: string[]): void => {
      if (values.size === 0) return;
      const metrics = [...values.keys()].map((m) => ({ Name: m.name, Unit: m.unit }));
      directives.push({ Namespace: METRIC_NAMESPACE, Dimensions: [dimensions], Metrics: metrics });
      values.forEach((v, m) => { doc[m.name] = v.length === 1 ? v[0] : v; });
    };
    emit(this.workflowValues, [METRIC_DIMENSION.WORKFLOW]);
    if (this.node !== undefined) {
      doc[METRIC_DIMENSION.NODE] = this.node;
      emit(this.nodeValues, [METRIC_DIMENSION.WORKFLOW, METRIC_DIMENSION.NODE]);
    }
    if (directives.length === 0) return undefined;
    const level = lambdaLogLevel(env);
    return { ...(level === undefined ? {} : { level }), _aws: { Timestamp: timestamp, CloudWatchMetrics: directives }, ...doc };
  }

  /** Writes the line (at most once per invocation: the values are cleared). */
  flush(): void {
    const doc = this.document();
    this.workflowValues.clear();
    this.nodeValues.clear();
    if (doc !== undefined) this.write(JSON.stringify(doc));
  }
}

/** Counts add up in one value; durations keep one value each (EMF takes up to 100 values per metric). */
function add(values: Map<MetricDefinition, number[]>, metric: MetricDefinition, n: number, sum: boolean): void {
  const v = values.get(metric);
  if (v === undefined) values.set(metric, [n]);
  else if (sum) v[0] += n;
  else if (v.length < 100) v.push(n);
}

/**
 * With Lambda's log-level filtering (JSON log format, AWS_LAMBDA_LOG_LEVEL),
 * a line without a level counts as INFO, so the metrics line carries the
 * configured level itself and no setting drops metrics. UNUM_LOG_LEVEL never applies: the line bypasses the logger.
 */
function lambdaLogLevel(env: NodeJS.ProcessEnv): string | undefined {
  const level = env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase();
  if (env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() !== 'JSON' || level === undefined || !(LEVELS as readonly string[]).includes(level.toLowerCase())) return undefined;
  return level;
}
