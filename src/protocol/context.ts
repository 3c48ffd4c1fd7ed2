import { intrinsicPaths, isIntrinsic, parsedIntrinsic } from './intrinsics';
import { parsePath, queryPath, readPath } from './jsonpath';

/**
 * Step Functions' context object (`$$`), built from what an instance knows:
 * its envelope (session, node, attempt, Map frame), the Lambda environment
 * (region, account) and, only when a template reads them, the session
 * record's start time and input (one consistent GetItem).
 */
export interface ContextFacts {
  readonly workflow: string;
  readonly session: string;
  /** The state: a function's node or a Pass state's name. */
  readonly state: string;
  /** ISO 8601 with milliseconds: when this instance started. */
  readonly enteredTime: string;
  /** Retries already made (Envelope.attempt). */
  readonly attempt: number;
  readonly region?: string;
  readonly account?: string;
  /** From the session record: absent when no template reads it. */
  readonly startTime?: string;
  /** From the session record: absent when no template reads it. */
  readonly input?: unknown;
  /** From the session record (SESSION_ATTR.REDRIVE_COUNT): absent when no template reads it, 0 when never redriven. */
  readonly redriveCount?: number;
  /** A node that waits for a callback: its task token (`$$.Task.Token`). */
  readonly taskToken?: string;
  /** Inside a Map's itemSelector: the item. */
  readonly mapItem?: { readonly index: number; readonly value: unknown };
}

/** The fields a `$$` path may read; `*` marks those under which any path reads on into a JSON value. */
export const CONTEXT_FIELDS = [
  'Execution.Id', 'Execution.Name', 'Execution.Input.*', 'Execution.StartTime', 'Execution.RedriveCount',
  'StateMachine.Id', 'StateMachine.Name', 'State.Name', 'State.EnteredTime', 'State.RetryCount',
  'Map.Item.Index', 'Map.Item.Value.*', 'Task.Token',
] as const;

/** The account of a Lambda function ARN (`arn:aws:lambda:<region>:<account>:function:<name>`). */
export function accountOfFunctionArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** The context object: Step Functions' field names and shapes. */
export function contextObject(facts: ContextFacts): Record<string, unknown> {
  const prefix = `arn:aws:states:${facts.region ?? 'local'}:${facts.account ?? '000000000000'}`;
  const execution: Record<string, unknown> = {
    Id: `${prefix}:execution:${facts.workflow}:${facts.session}`,
    Name: facts.session,
    RedriveCount: facts.redriveCount ?? 0,
  };
  if (facts.input !== undefined) execution.Input = facts.input;
  if (facts.startTime !== undefined) execution.StartTime = facts.startTime;
  const context: Record<string, unknown> = {
    Execution: execution,
    StateMachine: { Id: `${prefix}:stateMachine:${facts.workflow}`, Name: facts.workflow },
    State: { Name: facts.state, EnteredTime: facts.enteredTime, RetryCount: facts.attempt },
  };
  if (facts.taskToken !== undefined) context.Task = { Token: facts.taskToken };
  if (facts.mapItem !== undefined) context.Map = { Item: { Index: facts.mapItem.index, Value: facts.mapItem.value } };
  return context;
}

/** Reads a `$$` path from the context object. */
export function readContextPath(context: unknown, path: string): { found: boolean; value?: unknown } {
  return readPath(context, `$${path.slice(2)}`);
}

/**
 * Why a `$$` path cannot be read (undefined: it can). `inItemSelector`:
 * `$$.Map.Item` exists only in a Map's itemSelector, as in Step Functions.
 * `taskToken`: `$$.Task` exists only in the parameters of a task that waits for a callback.
 */
export function contextPathProblem(path: string, inItemSelector: boolean, taskToken = false): string | undefined {
  let dotted: string;
  try {
    dotted = contextField(path);
  } catch (e) {
    return `${path}: ${(e as Error).message}`;
  }
  if ((dotted === 'Task' || dotted.startsWith('Task.')) && !taskToken) {
    return `${path}: task tokens are only given to a task that waits for a callback (integrationPattern WAIT_FOR_TASK_TOKEN, .waitForTaskToken), in its parameters`;
  }
  if ((dotted === 'Map' || dotted.startsWith('Map.')) && !inItemSelector) return `${path}: $$.Map.Item is only available in a Map's itemSelector`;
  const known = CONTEXT_FIELDS.some((field) => {
    const open = field.endsWith('.*');
    const base = open ? field.slice(0, -2) : field;
    return dotted === base || base.startsWith(`${dotted}.`) || dotted === '' || (open && dotted.startsWith(`${base}.`));
  });
  if (known) return undefined;
  return `${path} is not a field of the context object; the fields are ${CONTEXT_FIELDS.map((f) => `$$.${f.replace('.*', '')}`).join(', ')}`;
}

/**
 * A path a state reads, of its input or (starting with `$$`) of the context
 * object: InputPath, OutputPath and a Choice's variables (queried, so an
 * indefinite input path gives a list; a `$$` path is always definite).
 */
export function queryStatePath(document: unknown, path: string, context?: unknown): { found: boolean; value?: unknown } {
  return typeof path === 'string' && path.startsWith('$$') ? readContextPath(context, path) : queryPath(document, path);
}

/** A reference path a state reads (ItemsPath), of its input or (starting with `$$`) of the context object. */
export function readStatePath(document: unknown, path: string, context?: unknown): { found: boolean; value?: unknown } {
  return typeof path === 'string' && path.startsWith('$$') ? readContextPath(context, path) : readPath(document, path);
}

/** What a state's templates and paths read of the context object: whether it is needed, and the session record too. */
export interface ContextReads {
  readonly context: boolean;
  readonly sessionRecord: boolean;
}

/**
 * What `templates` (payload templates: `.$` values and intrinsic arguments)
 * and `paths` (InputPath, OutputPath, ItemsPath, Choice variables; absent
 * ones are null) read of the context object.
 */
export function contextReads(templates: readonly unknown[], paths: readonly unknown[]): ContextReads {
  const read = [...templates.flatMap(contextPaths), ...paths.filter((p): p is string => typeof p === 'string' && p.startsWith('$$'))];
  return { context: read.length > 0, sessionRecord: read.some(readsSessionField) };
}

/** Whether a template has a `$$` path anywhere (then the runtime builds the context object). */
export function readsContext(template: unknown): boolean {
  return contextPaths(template).length > 0;
}

/** Whether a template reads the session record's facts (Execution.Input, StartTime or RedriveCount, or an object holding them). */
export function readsSessionRecord(template: unknown): boolean {
  return contextPaths(template).some(readsSessionField);
}

function readsSessionField(path: string): boolean {
  let dotted: string;
  try {
    dotted = contextField(path);
  } catch {
    return false;
  }
  return dotted === '' || dotted === 'Execution' || dotted === 'Execution.StartTime'
    || dotted === 'Execution.Input' || dotted.startsWith('Execution.Input.') || dotted === 'Execution.RedriveCount';
}

/** A `$$` path as dotted segments after `$$` (`$$.Execution['Input']` → `Execution.Input`). */
function contextField(path: string): string {
  return parsePath(`$${path.slice(2)}`).map(String).join('.');
}

/**
 * The `$$` paths of a template, by template object: its `.$` values
 * (JSONPath), and the `$states.context` reads of its `{% %}` strings
 * (JSONata), as the `$$` paths they stand for. The runtime asks for every
 * invocation and every Map item, and the templates are the configuration's,
 * loaded once, so each is scanned once.
 */
const CONTEXT_PATHS = new WeakMap<object, readonly string[]>();

function contextPaths(template: unknown): readonly string[] {
  if (typeof template === 'string') return jsonataContextPaths(template);
  if (template === null || typeof template !== 'object') return [];
  let paths = CONTEXT_PATHS.get(template);
  if (paths === undefined) {
    paths = scanContextPaths(template);
    CONTEXT_PATHS.set(template, paths);
  }
  return paths;
}

function scanContextPaths(template: object): string[] {
  if (Array.isArray(template)) return template.flatMap(contextPaths);
  return Object.entries(template).flatMap(([key, value]) => {
    if (key.endsWith('.$')) return expressionContextPaths(value);
    return contextPaths(value);
  });
}

/** `$states.context` followed by its dotted field names, in a `{% %}` string. */
const JSONATA_CONTEXT = /\$states\.context((?:\.[A-Za-z_][A-Za-z0-9_]*)*)/g;

function jsonataContextPaths(text: string): string[] {
  if (!(text.startsWith('{%') && text.endsWith('%}'))) return [];
  return [...text.matchAll(JSONATA_CONTEXT)].map((m) => `$$${m[1]}`);
}

/** The `$$` paths a `.$` value reads: itself, or the arguments of its intrinsic function. */
function expressionContextPaths(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  if (isIntrinsic(value)) {
    try {
      return intrinsicPaths(parsedIntrinsic(value)).filter((p) => p.startsWith('$$'));
    } catch {
      return [];
    }
  }
  return value.startsWith('$$') ? [value] : [];
}
