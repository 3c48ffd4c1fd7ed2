import type { Failure } from '../client';
import type { OnFailureRecord, SessionReport } from '../local/engine';

/**
 * What one test session did, in the terms a test asserts on: the session's
 * status, output and error; every instance of every node with its input,
 * output, error and attempts; every invocation; the store requests. Built
 * by WorkflowTestRunner.run in both modes from the same records, so an
 * assertion means the same in fast and faithful mode.
 */

/** One enclosing fan-out of an instance (a Map item or a Parallel branch). */
export interface InstanceFrame {
  /** The Map or Parallel state. */
  readonly fanout: string;
  /** The item or branch index, from 0. */
  readonly index: number;
  /** Items or branches of that fan-out. */
  readonly size: number;
}

export interface InstanceError {
  readonly error: string;
  readonly cause?: string;
}

/** One run of one node in a session (a node inside a Map has one instance per item). */
export interface InstanceResult {
  readonly node: string;
  /** The instance key (`Node|<scope>`), as the store and the report name it. */
  readonly instance: string;
  /** Enclosing fan-outs, outermost first (empty outside any). */
  readonly frames: readonly InstanceFrame[];
  /** The innermost fan-out index (0 outside fan-outs): `result.instance('Square', 3)`. */
  readonly index: number;
  /** The loop iteration. */
  readonly iteration: number;
  /** Runs of the user code: 1, plus one per retry of the node's Retry policy. */
  readonly attempts: number;
  /** Lambda invocations of this instance (Lambda's own retries and duplicate deliveries included). */
  readonly invocations: number;
  /** The state's input as it was delivered (before its InputPath or Parameters); undefined when it could not be read. */
  readonly input?: unknown;
  /** The committed output (after ResultSelector/ResultPath/OutputPath); undefined when the instance did not commit. */
  readonly output?: unknown;
  /** Why the instance failed (the session's failure record, else the last invocation's error, else Lambda's on-failure record). */
  readonly error?: InstanceError;
  readonly outcome: 'committed' | 'failed' | 'incomplete';
  /** When its first invocation started and its last one ended. */
  readonly startedAt: Date;
  readonly endedAt: Date;
}

/** One Lambda invocation of a workflow function. */
export interface InvocationResult {
  readonly functionName: string;
  readonly node: string;
  readonly instance: string;
  /** Lambda's delivery attempt of the event (0, then 1, 2 for its async retries). */
  readonly attempt: number;
  readonly duplicate: boolean;
  /** The invocation started a new sandbox (fast mode: the function's first invocation). */
  readonly cold: boolean;
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly error?: { readonly errorType: string; readonly errorMessage: string };
}

/** A task parked at a callback (WAIT_FOR_TASK_TOKEN): answer its token with runner.sendTaskSuccess/Failure. */
export interface ParkedTask {
  readonly node: string;
  readonly instance: string;
  /** The innermost fan-out index (0 outside fan-outs). */
  readonly index: number;
  /** The Retry attempt that waits (each attempt has its own token). */
  readonly attempt: number;
  /** The task token the node's code was handed (`$$.Task.Token`). */
  readonly token: string;
}

/** A line a function wrote (its logs and metrics). */
export interface FunctionLogLine {
  readonly functionName: string;
  /** The workflow node, for a workflow function. */
  readonly node?: string;
  readonly line: string;
}

export interface WorkflowTestResultProps {
  readonly report: SessionReport;
  readonly instances: readonly InstanceResult[];
  readonly invocations: readonly InvocationResult[];
  readonly logs: readonly FunctionLogLine[];
  readonly mode: string;
  /** Tasks waiting for a task token when the result was read. @default - none */
  readonly parked?: readonly ParkedTask[];
}

export class WorkflowTestResult {
  readonly workflow: string;
  readonly session: string;
  /** The mode the session ran in (fast or faithful). */
  readonly mode: string;
  /** SUCCEEDED, FAILED, TIMED_OUT, or RUNNING when it did not end (see parked for the tasks it waits for). */
  readonly status: string;
  /** Every task waiting for its task token (the session is RUNNING with nothing else to do), in instance order. */
  readonly parked: readonly ParkedTask[];
  /** The session's output (SUCCEEDED only). */
  readonly output?: unknown;
  /** The failure that ended the session. */
  readonly error?: Failure;
  readonly durationMs: number;
  /** Every instance, in the order they started. */
  readonly allInstances: readonly InstanceResult[];
  /** Every invocation of a workflow function, in the order they ended. */
  readonly invocations: readonly InvocationResult[];
  /** Store requests by operation, as DynamoDB Local and s3rver received them. */
  readonly store: SessionReport['store'];
  /** Events Lambda gave up on (retries exhausted), as sent to the on-failure destination. */
  readonly onFailure: readonly OnFailureRecord[];
  readonly logs: readonly FunctionLogLine[];
  /** The engine's full report (what `unum run` prints). */
  readonly report: SessionReport;

  constructor(props: WorkflowTestResultProps) {
    const r = props.report;
    this.report = r;
    this.workflow = r.workflow;
    this.session = r.session;
    this.mode = props.mode;
    this.status = r.status;
    if (r.status === 'SUCCEEDED') this.output = r.result;
    if (r.error !== undefined) this.error = r.error;
    this.durationMs = r.durationMs;
    this.allInstances = props.instances;
    this.invocations = props.invocations;
    this.store = r.store;
    this.onFailure = r.onFailure;
    this.logs = props.logs;
    this.parked = props.parked ?? [];
  }

  /**
   * The task token a parked node waits for: the one at this fan-out index, or the only one. Throws naming the
   * parked nodes when there is no such task (the session ended, or parks elsewhere).
   */
  taskToken(node: string, index?: number): string {
    const found = this.parked.filter((p) => p.node === node && (index === undefined || p.index === index));
    if (found.length === 1) return found[0].token;
    const parked = this.parked.map((p) => p.instance).join(', ') || 'none';
    if (found.length === 0) {
      throw new Error(`node '${node}' does not wait for a task token${index === undefined ? '' : ` at index ${index}`} in session ${this.session} `
        + `(status ${this.status}; parked: ${parked})`);
    }
    throw new Error(`node '${node}' has ${found.length} parked tasks (${parked}): pass the fan-out index`);
  }

  /** The instances of one node, by fan-out index (throws naming the nodes that ran when it has none). */
  instances(node: string): InstanceResult[] {
    const found = this.allInstances.filter((i) => i.node === node);
    if (found.length === 0) {
      const ran = [...new Set(this.allInstances.map((i) => i.node))];
      throw new Error(`no instance of node '${node}' ran in session ${this.session}; nodes that ran: ${ran.join(', ') || 'none'}`);
    }
    return found.sort((a, b) => a.instance.localeCompare(b.instance, 'en', { numeric: true }));
  }

  /**
   * One instance of a node: the one at this innermost fan-out index (a Map item, a Parallel branch), or the only one.
   * Throws naming the node and the instances it has when there is no such instance, or several without an index.
   */
  instance(node: string, index?: number): InstanceResult {
    const all = this.instances(node);
    const found = index === undefined ? all : all.filter((i) => i.index === index);
    if (found.length === 1) return found[0];
    const keys = all.map((i) => i.instance).join(', ');
    if (found.length === 0) throw new Error(`node '${node}' has no instance at index ${index} in session ${this.session}; it has ${keys}`);
    throw new Error(`node '${node}' has ${found.length} instances${index === undefined ? '' : ` at index ${index}`} (${keys}): `
      + 'pass the fan-out index, or use instances()');
  }

  /** The instances that failed (an error recorded), in the order they started. */
  failures(): InstanceResult[] {
    return this.allInstances.filter((i) => i.error !== undefined);
  }
}
