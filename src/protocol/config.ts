import { ConditionJson } from './conditions';
import { DataFlow } from './dataflow';
import type { JsonataTransition } from './jsonata';
import type { FORWARD_ACTIONS } from './permissions';
import { FailSpec, WaitSpec } from './states';

/**
 * The per-function configuration that the graph compiler emits and the
 * runtime reads. Versioned: a runtime refuses a version it does not know.
 */
export const CONFIG_VERSION = 1;

export interface FunctionConfig {
  readonly v: typeof CONFIG_VERSION;
  readonly workflow: string;
  /** This function's node name (unique in the workflow). */
  readonly node: string;
  /** The entry node creates the session record. */
  readonly entry: boolean;
  /** What to do with the committed output. */
  readonly next: Action;
  /** Evaluated in order on a user-code error; first match wins (Step Functions semantics). */
  readonly retry: readonly RetryRule[];
  /** Evaluated in order once retries are exhausted; first match wins. */
  readonly catch: readonly CatchRule[];
  /**
   * Step Functions' InputPath/Parameters/ResultSelector/ResultPath/OutputPath,
   * applied around the user code (see dataflow.ts). Absent: the input is the
   * raw input and the output is the result. Added in cdk-unum 0.x, optional.
   */
  readonly dataFlow?: DataFlow;
  /**
   * The qualified name predecessors invoke this function by (`name:alias`),
   * which its own re-invocations (a retry's deadline, a Wait or a fan-out
   * continued later) use too, so they run on the alias's version and its
   * provisioned concurrency, and IAM grants exactly one name. Absent: the
   * unqualified function, whose name the Lambda context carries.
   */
  readonly invokeName?: string;
  /**
   * Entry only: the workflow's timeout in whole seconds (Step Functions'
   * TimeoutSeconds). The entry sets the session's deadline to its start
   * plus this (Envelope.deadline). Absent: sessions have no timeout.
   */
  readonly timeoutSeconds?: number;
  /**
   * Entry only, when the workflow starts with a Choice, Parallel, Map, Pass
   * or Wait instead of a function: those states, run by the entry's runtime
   * on the session input. The input is checkpointed as the output of
   * instance (`node`, no frames, iteration 0), so a retry or a continuation
   * (a Wait, a fan-out) replays them like any egress; continuations carry
   * `node` in their envelope. The first invocation of this very function
   * that the states lead to runs in the same invocation, so the start costs
   * no invocation of its own. Absent: the entry's own code runs first.
   */
  readonly start?: StartAction;
  /**
   * The node waits for a task token (Step Functions' `.waitForTaskToken`, see callback.ts): its user code is handed
   * a token and its return value is not its output; the instance parks until the token is answered. Absent: the
   * user code's return value is the output.
   */
  readonly callback?: CallbackConfig;
}

/** A callback node's limits (FunctionConfig.callback). */
export interface CallbackConfig {
  /** Seconds between heartbeats (sendTaskHeartbeat) after which the task fails with States.HeartbeatTimeout; absent: none. */
  readonly heartbeatSeconds?: number;
  /** Seconds from parking after which the task fails with States.Timeout; absent: none (the session's timeout still holds). */
  readonly timeoutSeconds?: number;
}

/** The states a workflow starts with (FunctionConfig.start): `node` is the first of them. */
export interface StartAction {
  readonly node: string;
  readonly next: Action;
}

/**
 * The configuration a runtime accepts: a JSON object of the version it
 * speaks. A function deployed with another cdk-unum version would misread
 * the actions, so it is refused before any store request.
 */
export function parseConfig(value: unknown): FunctionConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`unum configuration must be a JSON object (got ${JSON.stringify(value)})`);
  }
  const config = value as FunctionConfig;
  if (config.v !== CONFIG_VERSION) {
    throw new Error(`unum configuration version ${config.v} is not supported by this runtime (${CONFIG_VERSION}); deploy matching versions`);
  }
  return config;
}

/**
 * Egress as a tree: structural states (choice, parallel, map, fan-in) are
 * compiled away into the actions of the function that precedes them.
 */
export type Action =
  | InvokeAction
  | ChoiceAction
  | ParallelAction
  | MapAction
  | JoinAction
  | WindowJoinAction
  | DagJoinAction
  | SkipAction
  | SucceedAction
  | FailAction
  | PassAction
  | WaitAction
  | FanOutOutputAction;

/**
 * Transform the value without running a function (Step Functions' Pass),
 * then continue with `next`. When `next` can reach a join, the transformed
 * value is checkpointed as the output of instance (node, frames, iteration)
 * so the join's reader finds it, and `node` arrives as the source.
 */
export interface PassAction {
  readonly kind: 'pass';
  readonly node: string;
  readonly dataFlow: DataFlow;
  readonly next: Action;
}

/**
 * Wait (`seconds`, or as long as `secondsPath`, `timestamp` or
 * `timestampPath` says on the value: waitUntil) before continuing with `next` (Step Functions' Wait). The
 * function that runs the egress sleeps; when the wait does not fit in its
 * remaining time it re-invokes itself with the deadline in `Envelope.waits`
 * and continues there (only the paths through the pending waits).
 */
export interface WaitAction extends WaitSpec {
  readonly kind: 'wait';
  readonly node: string;
  readonly next: Action;
}

/**
 * A Parallel's or Map's output processing, run by the arrival that completes
 * its join, in the join's scope: ResultSelector on the joined list, ResultPath
 * into the raw input (read from fanoutInputItemKey of the fan-out instance
 * when the fan-out recorded it), OutputPath. Like a Pass, the value is
 * checkpointed as the output of instance (fanout, frames, iteration) when
 * `next` can reach a join, and `fanout` arrives as the source.
 */
export interface FanOutOutputAction {
  readonly kind: 'fanOutOutput';
  readonly fanout: string;
  /**
   * resultSelector, resultPath, outputPath only (inputPath is the fan-out's); a JSONata one (queryLanguage JSONata):
   * output and assign, evaluated with `$states.result` the list and `$states.input` the raw input (recorded, see
   * needsRawInput), the assigned variables going on with the value.
   */
  readonly dataFlow: DataFlow;
  readonly next: Action;
}

/** Invoke one node asynchronously with the current frames. */
export interface InvokeAction {
  readonly kind: 'invoke';
  readonly node: string;
  readonly functionName: string;
  /** A back-edge: the successor runs in the next loop iteration. */
  readonly loop?: boolean;
}

/** First rule whose condition holds on the output; `otherwise` if none (no otherwise: States.NoChoiceMatched). */
export interface ChoiceAction {
  readonly kind: 'choice';
  readonly node: string;
  /** `jsonata`: the rule's Output (over the state's) and Assign (with the state's), when the rule matches. */
  readonly rules: ReadonlyArray<{ readonly when: ConditionJson; readonly then: Action; readonly jsonata?: JsonataTransition }>;
  readonly otherwise?: Action;
  /**
   * JSONata: the Choice's own Output (absent: its input) and Assign, whichever way it goes, with `$states.input`.
   * Added in cdk-unum 0.x, optional.
   */
  readonly jsonata?: JsonataTransition;
}

/**
 * What a Parallel or Map does when a branch or item fails for good (its
 * own function's retries and catches exhausted), or when its own evaluation
 * fails (a States.QueryEvaluationError of its Items, ItemSelector, Arguments,
 * or its join's Output or Assign, reported like a branch's failure but never
 * as a tolerated item): the whole state is
 * retried (every branch or item again, attempt + 1 in its frames), then
 * caught, like a Task's Retry and Catch. Frames of such a fan-out carry
 * `attempt`, and the fanning-out function records its FanoutOrigin so a
 * failing branch can report to it.
 */
export interface FanOutFailureHandling {
  readonly retry?: readonly RetryRule[];
  readonly catch?: readonly CatchRule[];
}

/** Run every branch on the same output; branch b pushes frame {fanout, index: b, size: branches.length}. */
export interface ParallelAction extends FanOutFailureHandling {
  readonly kind: 'parallel';
  readonly fanout: string;
  /** Reached through a back-edge: increment the iteration before fanning out. */
  readonly loop?: boolean;
  /** Step Functions' InputPath: what the branches run on (absent: `$`; null: `{}`). */
  readonly inputPath?: string | null;
  /** Record the raw input (fanoutInputItemKey) for the join's FanOutOutputAction. */
  readonly recordInput?: boolean;
  /**
   * JSONata: Step Functions' Arguments, the branches' input evaluated on `$states.input` (and the context and
   * variables) once by the fanning-out function. Added in cdk-unum 0.x, optional.
   */
  readonly arguments?: unknown;
  readonly branches: readonly Action[];
}

/**
 * Run `item` once per element of the array at `itemsPath` (or `width` times
 * on the whole output, FaaSr's ranked invocation), each pushing a frame.
 */
export interface MapAction extends FanOutFailureHandling {
  readonly kind: 'map';
  readonly fanout: string;
  /** Reached through a back-edge: increment the iteration before fanning out. */
  readonly loop?: boolean;
  /** Step Functions' InputPath, applied before itemsPath (absent: `$`; null: `{}`). */
  readonly inputPath?: string | null;
  /** Record the raw input (fanoutInputItemKey) for the join's FanOutOutputAction. */
  readonly recordInput?: boolean;
  readonly itemsPath?: string;
  /**
   * JSONata's Items instead of itemsPath: a template (a `{% %}` string or
   * a JSON array) evaluated on the Map's input with the variables in
   * scope, which must give an array.
   */
  readonly items?: unknown;
  readonly width?: number;
  /**
   * At most this many items in flight: only items [0, N) are issued here
   * (after recording the FanoutOrigin); each item's arrival at the join
   * issues item index + N (JoinAction.maxConcurrency).
   */
  readonly maxConcurrency?: number;
  /**
   * Template of each item's input: `.$` paths read the Map's input, `$$.Map.Item.*` the item (Step Functions' ItemSelector).
   * With `items` (a JSONata Map) a JSONata template instead (jsonataItemSelector): `$states.input` is the Map's input,
   * `$states.context.Map.Item.Index` / `.Value` the item.
   */
  readonly itemSelector?: unknown;
  readonly item: Action;
  /** The join that closes this map: the source an empty map arrives as when `onEmpty` is a join. */
  readonly join: string;
  /**
   * Step Functions' ToleratedFailureCount / ToleratedFailurePercentage: the
   * Map fails (States.ExceedToleratedFailureThreshold) only when more items
   * than this fail; a failed item within them arrives at the join with
   * `{ Error, Cause }` as its result, checkpointed under the Map's own name
   * in the item's scope, which `sources` lists.
   */
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  /** With tolerated failures: JoinAction.sources of this map's join (the origin arrives for a failed item). */
  readonly sources?: readonly string[];
  /** The continuation of this map's join, run with `[]` when there are no items. */
  readonly onEmpty: Action;
}

/**
 * Arrive at the join that closes the innermost frame, at slot frame.index of
 * frame.size. The arrival that observes completion pops the frame and runs
 * `then` with a fan-in reference as the value.
 */
export interface JoinAction {
  readonly kind: 'join';
  readonly join: string;
  /**
   * Everything that can arrive at this join, in a fixed order: node names
   * whose output is a branch result, or names of inner joins (a branch that
   * ends in an unjoined fan-out arrives with that fan-out's list). An arrival
   * records its source's position so the join's reader finds each slot's
   * output without another write.
   */
  readonly sources: readonly string[];
  readonly then: Action;
  /**
   * The join closes a Map with this maxConcurrency N: the arrival of item
   * i (and its duplicates, deduplicated by item i + N's checkpoint) asks the
   * function that fanned out (FanoutOrigin) to issue item i + N.
   */
  readonly maxConcurrency?: number;
}

/**
 * A partial join across the items of the innermost Map (like the stages of
 * a video encoding pipeline): the instance of `join` in item t waits for the
 * arriving node's output of items t + offset, for each offset that falls
 * inside the map. Each arrival adds itself to the join instances of items
 * index - offset; the one that completes an instance runs `then` in that
 * item's scope with the outputs in offset order (null outside the map).
 * No frame is popped.
 */
export interface WindowJoinAction {
  readonly kind: 'windowJoin';
  readonly join: string;
  readonly offsets: readonly number[];
  readonly then: Action;
}

/**
 * Arrive at a FanIn over an explicit set of predecessors (a DAG join), at
 * the predecessor's `slot`. The join instance lives `depth` frames deep: the
 * predecessors may run in branches of Parallels opened below it. The arrival
 * that completes the instance runs `then` in the join's scope with the
 * predecessors' outputs in slot order (null for a skipped predecessor).
 */
export interface DagJoinAction {
  readonly kind: 'dagJoin';
  readonly join: string;
  /** Number of frames of the join's scope (the arrival's frames beyond it are the branches it came through). */
  readonly depth: number;
  readonly slot: number;
  /** One per predecessor, in slot order: where its output checkpoint is. */
  readonly slots: readonly DagJoinSlot[];
  readonly then: Action;
  /**
   * When every predecessor was skipped, the paths through this join are
   * dead: these arrivals mark the predecessors that only it leads to as
   * skipped in turn (each may complete its own join).
   */
  readonly ifAllSkipped?: readonly DagJoinAction[];
}

export interface DagJoinSlot {
  /** The predecessor (an UnumFunction or a Pass). */
  readonly node: string;
  /** Branch indexes of the Parallels between the join's scope and the predecessor. */
  readonly branches: readonly number[];
}

/**
 * Dead-path elimination: a decision (a Choice rule, a function's success or
 * catch) was taken, so these DAG-join predecessors will never run. Each is
 * recorded as skipped at its join (the mark may complete the join, and then
 * continues it) before `next` runs.
 */
export interface SkipAction {
  readonly kind: 'skip';
  /** The arrivals that will not happen, one per skipped predecessor. */
  readonly joins: readonly DagJoinAction[];
  readonly next: Action;
}

/** End of the workflow: record the value as the session result. */
export interface SucceedAction {
  readonly kind: 'succeed';
}

/** End the session as FAILED with this error (fixed, or read from the value: failDetails). */
export interface FailAction extends FailSpec {
  readonly kind: 'fail';
  readonly node: string;
}

export interface RetryRule {
  /** Error names; `States.ALL` matches any, `States.TaskFailed` any but `States.Timeout`. */
  readonly errors: readonly string[];
  readonly intervalSeconds: number;
  /** Retries after the first attempt (0 disables). */
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitter?: 'FULL' | 'NONE';
}

export interface CatchRule {
  readonly errors: readonly string[];
  /** Where `{ Error, Cause }` goes in the node's input before it is passed on (`$` replaces it). */
  readonly resultPath: string;
  /**
   * JSONata catcher: Output (absent: `$states.errorOutput`) and Assign, evaluated with `$states.errorOutput`
   * and `$states.input` (the node's input; a Parallel's or Map's raw input), and the resultPath is then not used.
   * A failure in them fails the session (or the enclosing fan-out that handles failures): it is not caught again.
   */
  readonly jsonata?: JsonataTransition;
  readonly next: Action;
}

/** Error names with meaning in retry and catch rules (Step Functions' names). */
/**
 * Time an invocation keeps free after sleeping before a retry (to re-invoke
 * or checkpoint): a retry delay is waited in the failing invocation only if
 * delay + this margin is less than the time it has left.
 */
export const RETRY_SLEEP_MARGIN_MS = 2000;

/**
 * Time kept back from user code for the checkpoint or failure record after it: the user code of an attempt may
 * run for the invocation's remaining time less this margin, then it fails with States.Timeout.
 */
export const USER_CODE_TIMEOUT_MARGIN_MS = 500;

export const ERROR_ALL = 'States.ALL';
export const ERROR_TASK_FAILED = 'States.TaskFailed';
export const ERROR_TIMEOUT = 'States.Timeout';
export const ERROR_NO_CHOICE_MATCHED = 'States.NoChoiceMatched';
export { ERROR_QUERY_EVALUATION } from './jsonata';
/** A Map's failed items exceeded its ToleratedFailureCount or ToleratedFailurePercentage. */
export const ERROR_EXCEED_TOLERATED = 'States.ExceedToleratedFailureThreshold';

/** Whether a Parallel or Map handles its branches' failures (its frames carry `attempt`). */
export function handlesFailures(action: ParallelAction | MapAction): boolean {
  return (action.retry?.length ?? 0) > 0 || (action.catch?.length ?? 0) > 0
    || (action.kind === 'map' && (action.toleratedFailureCount !== undefined || action.toleratedFailurePercentage !== undefined));
}

/**
 * Whether `failed` failed items of `size` exceed a Map's tolerance (Step
 * Functions: the Map fails when more items fail than the count, or a
 * larger share than the percentage, allows).
 */
export function exceedsTolerance(tolerance: { toleratedFailureCount?: number; toleratedFailurePercentage?: number },
  failed: number, size: number): boolean {
  const count = tolerance.toleratedFailureCount;
  const percentage = tolerance.toleratedFailurePercentage;
  if (count === undefined && percentage === undefined) return failed > 0;
  if (count !== undefined && failed > count) return true;
  return percentage !== undefined && failed * 100 > percentage * size;
}

/** Environment variables that carry the configuration into the function. */
export const ENV = {
  /** JSON FunctionConfig when it fits the environment. */
  CONFIG: 'UNUM_CONFIG',
  /** Base64 gzip of the JSON FunctionConfig when plain JSON would not fit. */
  CONFIG_GZIP: 'UNUM_CONFIG_GZIP',
  /** Path of a JSON FunctionConfig file when even the compressed form would not fit. */
  CONFIG_FILE: 'UNUM_CONFIG_FILE',
  /** The user handler, `file.export` relative to the task root. */
  USER_HANDLER: 'UNUM_USER_HANDLER',
  TABLE: 'UNUM_TABLE',
  BUCKET: 'UNUM_BUCKET',
  /** Time to live of store items, in seconds. */
  TTL_SECONDS: 'UNUM_TTL_SECONDS',
  /** Payloads above this many bytes travel through S3. */
  PAYLOAD_THRESHOLD: 'UNUM_PAYLOAD_THRESHOLD',
  /** `1`: delete intermediate data when the session completes. */
  EAGER_GC: 'UNUM_EAGER_GC',
} as const;

/** Where the runtime layer puts its handler inside the Lambda sandbox. */
export const RUNTIME_HANDLER = '/opt/unum/runtime.handler';

/** The handler of every Python function: the runtime package in the layer's python/ directory (/opt/python is on sys.path). */
export const PYTHON_RUNTIME_HANDLER = 'unum_runtime.entry.handler';

/** The failure recorder's handler in the runtime layer (each workflow's on-failure destination). */
export const RECORDER_HANDLER = '/opt/unum/runtime.recorder';

/** Environment of the failure recorder (besides ENV.TABLE, ENV.BUCKET, ENV.TTL_SECONDS). */
export const RECORDER_ENV = {
  WORKFLOW: 'UNUM_WORKFLOW',
  ENTRY_FUNCTION: 'UNUM_ENTRY_FUNCTION',
  ENTRY_NODE: 'UNUM_ENTRY_NODE',
  /** JSON: function name → ForwardTarget, the user's own on-failure destination, which gets the record forwarded. */
  FORWARD: 'UNUM_FORWARD',
} as const;

/**
 * A user's own on-failure destination, to which the failure recorder sends
 * what Lambda would have sent it (Lambda allows one per function, and that
 * one is the recorder).
 */
export interface ForwardTarget {
  readonly kind: keyof typeof FORWARD_ACTIONS;
  /** The function ARN, queue URL, topic ARN, event bus ARN, or bucket name. */
  readonly target: string;
  /** lambda only: the function gets the record's responsePayload alone (LambdaDestination's responseOnly). */
  readonly responseOnly?: boolean;
}

/** Where Lambda writes an on-failure record in an S3 destination: this prefix, the function's name, `/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`. */
export const S3_RECORD_PREFIX = 'aws/lambda/async/';
