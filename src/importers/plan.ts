import { createHash } from 'crypto';
import { ConditionJson } from '../protocol/conditions';
import { QueryLanguage } from '../query-language';

/**
 * What an importer produces: the workflow as a flat list of states with
 * edges by id, in the vocabulary of the library's constructs. Pure data, so
 * the same plan builds constructs (WorkflowDefinition) and prints TypeScript
 * (`unum import`).
 */
export interface Plan {
  /** Suggested workflow name. */
  readonly name: string;
  /** Id of the entry state (always a task). */
  readonly start: string;
  readonly states: readonly PlanState[];
  /** What the import could not carry over but does not need to (with what replaces it). */
  readonly notes: readonly string[];
  /** How long a session may run, in whole seconds (the state machine's TimeoutSeconds; UnumWorkflowProps.timeout). */
  readonly timeoutSeconds?: number;
}

export type PlanState = PlanTask | PlanPass | PlanWait | PlanChoice | PlanParallel | PlanMap | PlanFanIn | PlanWindow | PlanSucceed | PlanFail;

interface PlanBase {
  /** Construct id and node name (letters, digits, _.:+=@-). */
  readonly id: string;
  /** Name of the state or action in the imported definition. */
  readonly source?: string;
  readonly comment?: string;
}

/** Data-flow fields as the constructs take them (`DISCARD` for Step Functions' null). */
export interface PlanDataFlow {
  readonly inputPath?: string;
  readonly parameters?: Record<string, unknown>;
  readonly resultSelector?: Record<string, unknown>;
  readonly resultPath?: string;
  readonly outputPath?: string;
  /** false: the result is wrapped as lambda:invoke's response (UnumFunctionProps.payloadResponseOnly). */
  readonly payloadResponseOnly?: boolean;
  /** `JSONata`: arguments, outputs and assign replace the JSONPath fields (JsonataDataFlowProps). */
  readonly queryLanguage?: QueryLanguage;
  readonly arguments?: unknown;
  readonly outputs?: unknown;
  readonly assign?: Record<string, unknown>;
}

export interface PlanRetry {
  readonly errors: string[];
  readonly intervalSeconds?: number;
  readonly maxAttempts?: number;
  readonly backoffRate?: number;
  readonly maxDelaySeconds?: number;
  readonly jitter?: 'FULL' | 'NONE';
}

export interface PlanCatch {
  readonly errors: string[];
  readonly resultPath?: string;
  /** A JSONata catcher's Output and Assign (CatchProps outputs/assign). */
  readonly outputs?: unknown;
  readonly assign?: Record<string, unknown>;
  readonly next: string;
}

export interface PlanTask extends PlanBase {
  readonly kind: 'task';
  /** Keys to look the user's UnumFunction up by, in order (state name, resource, function name). */
  readonly functionKeys: readonly string[];
  /** A function the importer supplies itself: `identity` returns its input (an entry before a non-task start). */
  readonly builtin?: 'identity';
  /** Existing Python code to run as it is (an imported unum function's directory). */
  readonly python?: PlanPythonCode;
  readonly dataFlow?: PlanDataFlow;
  readonly timeoutSeconds?: number;
  /** The task waits for a task token (`lambda:invoke.waitForTaskToken`): its function needs integrationPattern WAIT_FOR_TASK_TOKEN. */
  readonly callback?: boolean;
  /** A callback task's TimeoutSeconds: its taskTimeout (its function's own timeout is not this). */
  readonly taskTimeoutSeconds?: number;
  /** A callback task's HeartbeatSeconds: its heartbeat. */
  readonly heartbeatSeconds?: number;
  readonly retry?: readonly PlanRetry[];
  readonly catch?: readonly PlanCatch[];
  readonly next?: string;
}

/** A Python function's code: a directory (relative to the imported definition), its module file and function. */
export interface PlanPythonCode {
  readonly entry: string;
  /** The module file, e.g. `app.py`. */
  readonly index: string;
  /** The function in it, e.g. `lambda_handler`. */
  readonly handler: string;
  /** Lambda runtime name, e.g. `python3.12`. */
  readonly runtime: string;
  readonly memorySize?: number;
}

export interface PlanPass extends PlanBase {
  readonly kind: 'pass';
  readonly inputPath?: string;
  readonly parameters?: Record<string, unknown>;
  readonly result?: unknown;
  readonly resultPath?: string;
  readonly outputPath?: string;
  /** `JSONata`: outputs and assign replace the JSONPath fields. */
  readonly queryLanguage?: QueryLanguage;
  readonly outputs?: unknown;
  readonly assign?: Record<string, unknown>;
  readonly next?: string;
}

/** Exactly one of seconds, secondsPath, timestamp, timestampPath (WaitSpec); JSONata: seconds or timestamp may be `{% %}`. */
export interface PlanWait extends PlanBase {
  readonly kind: 'wait';
  readonly seconds?: number | string;
  readonly secondsPath?: string;
  readonly timestamp?: string;
  readonly timestampPath?: string;
  /** JSONata: the Wait's Output and Assign, evaluated once the wait is over. */
  readonly outputs?: unknown;
  readonly assign?: Record<string, unknown>;
  readonly next?: string;
}

export interface PlanChoice extends PlanBase {
  readonly kind: 'choice';
  /** A FaaSr True/False choice: it branches on whether the task before it returned `true`. */
  readonly onBooleanResult?: boolean;
  /** `outputs`/`assign`: a JSONata rule's Output and Assign (ChoiceTransitionOptions). */
  readonly rules: ReadonlyArray<{
    readonly condition: ConditionJson; readonly next: string; readonly outputs?: unknown; readonly assign?: Record<string, unknown>;
  }>;
  readonly otherwise?: string;
  /** A JSONata Choice's own Output and Assign (ChoiceProps). */
  readonly outputs?: unknown;
  readonly assign?: Record<string, unknown>;
}

/** A Parallel's or Map's data flow as the constructs take it (no parameters). */
export type PlanFanOutDataFlow = Omit<PlanDataFlow, 'parameters'>;

export interface PlanParallel extends PlanBase {
  readonly kind: 'parallel';
  readonly branches: readonly string[];
  readonly dataFlow?: PlanFanOutDataFlow;
  readonly retry?: readonly PlanRetry[];
  readonly catch?: readonly PlanCatch[];
  readonly next?: string;
}

export interface PlanMap extends PlanBase {
  readonly kind: 'map';
  readonly iterator: string;
  readonly itemsPath?: string;
  /** JSONata's Items (MapProps.items): a `{% %}` expression or a JSON array. */
  readonly items?: unknown;
  readonly width?: number;
  readonly maxConcurrency?: number;
  readonly dataFlow?: PlanFanOutDataFlow;
  readonly itemSelector?: unknown;
  readonly retry?: readonly PlanRetry[];
  readonly catch?: readonly PlanCatch[];
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  readonly next?: string;
}

/**
 * A FanIn over an explicit set of predecessors (a DAG join). Each
 * predecessor (a task or a pass) has this FanIn as its `next`; the FanIn
 * chains them itself when it is built.
 */
export interface PlanFanIn extends PlanBase {
  readonly kind: 'fanIn';
  readonly predecessors: readonly string[];
  readonly next?: string;
}

/**
 * A window FanIn inside a Map's item processor (`itemOffsets`): item i's
 * next state gets the outputs of the state before it at items i + offset,
 * in offset order (null outside the Map). Chained by `next` like any state.
 */
export interface PlanWindow extends PlanBase {
  readonly kind: 'window';
  readonly itemOffsets: readonly number[];
  readonly next?: string;
}

export interface PlanSucceed extends PlanBase {
  readonly kind: 'succeed';
  /** JSONata: the value the path ends with. */
  readonly outputs?: unknown;
}

export interface PlanFail extends PlanBase {
  readonly kind: 'fail';
  readonly error?: string;
  readonly cause?: string;
  readonly errorPath?: string;
  readonly causePath?: string;
}

/** A definition that cannot be imported faithfully; lists every problem, each naming its state and why. */
export class ImportError extends Error {
  constructor(public readonly format: string, public readonly problems: readonly string[]) {
    super(`cannot import the ${format} definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ImportError';
  }
}

const NAME = /^[A-Za-z0-9_.:+=@-]{1,80}$/;
const MAX_NAME = 80;

/**
 * A valid workflow name from a definition's file name: without the
 * directory and the `.asl.json`/`.json`/`.yaml` suffix, other characters
 * replaced by `-`, and, when longer than the 80-character limit, shortened
 * with a hash of the whole name appended so that two long names stay apart.
 */
export function workflowNameFromFile(file: string): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/(\.asl)?\.(json|ya?ml)$/i, '').replace(/\.asl$/i, '');
  const cleaned = base.replace(/[^A-Za-z0-9_.:+=@-]+/g, '-').replace(/^-+|-+$/g, '') || 'imported';
  if (cleaned.length <= MAX_NAME) return cleaned;
  const hash = createHash('sha256').update(base).digest('hex').slice(0, 8);
  return `${cleaned.slice(0, MAX_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** FaaSr's True/False successors: a Choice on the action's boolean result. Returns its id. */
export function pushResultChoice(states: PlanState[], ids: IdAllocator, from: string, whenTrue: string, whenFalse: string): string {
  const id = ids.allocate(`${from}-result`);
  states.push({
    kind: 'choice',
    id,
    comment: `on the boolean result of ${from}`,
    onBooleanResult: true,
    rules: [{ condition: { op: 'booleanEquals', path: '$', value: true }, next: whenTrue }],
    otherwise: whenFalse,
  });
  return id;
}

/** Gives imported names a node-safe, unique id (names become store keys and construct ids). */
export class IdAllocator {
  private readonly used = new Set<string>();

  /** The id for `name`: the name itself when it is safe and free, else a cleaned, numbered variant. */
  allocate(name: string): string {
    let base = NAME.test(name) ? name : name.replace(/[^A-Za-z0-9_.:+=@-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 72) || 'State';
    let id = base;
    for (let i = 2; this.used.has(id); i++) id = `${base}-${i}`;
    this.used.add(id);
    return id;
  }

  reserve(id: string): void {
    this.used.add(id);
  }

  has(id: string): boolean {
    return this.used.has(id);
  }
}
