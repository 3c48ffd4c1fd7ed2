import { contextPathProblem, queryStatePath, readContextPath } from './context';
import { DataFlowError } from './dataflow-error';
import { evaluateIntrinsic, intrinsicPaths, isIntrinsic, parseIntrinsic } from './intrinsics';
import { jsonataFlowProblems, QUERY_LANGUAGE_JSONATA } from './jsonata';
import { parsePath, parseQuery, queryPath } from './jsonpath';

/**
 * Step Functions' input and output processing, kept exactly, for functions
 * (applied by the runtime around the user code) and for Pass states (applied
 * by the egress of the function before them):
 *
 *   raw input → InputPath → Parameters → [user code, or Pass `result`]
 *     → ResultSelector → ResultPath (into the raw input) → OutputPath
 *
 * InputPath, OutputPath and template paths are full paths (queryPath: an
 * indefinite one gives a list); ResultPath is a reference path. `null` is Step Functions'
 * `null` (InputPath/OutputPath: `{}`; ResultPath: discard the result and keep
 * the raw input). Templates (Parameters, ResultSelector) are JSON values
 * whose object keys ending in `.$`, at any depth and inside arrays, take the
 * value at a path of the input, of the context object (context.ts) for
 * paths starting with `$$`, or of an intrinsic function (intrinsics.ts).
 */
export interface DataFlow {
  /** Selects the effective input from the raw input (absent: `$`). */
  readonly inputPath?: string | null;
  /** Payload template applied to the effective input (absent: the effective input). */
  readonly parameters?: unknown;
  /** Pass states only: the static result (absent: the effective input is the result). */
  readonly result?: unknown;
  /** Payload template applied to the result (absent: the result). */
  readonly resultSelector?: unknown;
  /** Where the result goes in the raw input (absent: `$`, the result replaces it; null: discarded). */
  readonly resultPath?: string | null;
  /** Selects the output (absent: `$`). */
  readonly outputPath?: string | null;
  /**
   * Functions only: the result is first wrapped as the response of Step
   * Functions' `arn:aws:states:::lambda:invoke` integration,
   * `{ ExecutedVersion, Payload, StatusCode }` (absent or false: the result
   * as the function returned it, as for a function ARN resource).
   */
  readonly lambdaResponse?: boolean;
  /**
   * `JSONata`: the state uses Step Functions' JSONata query language
   * (jsonata.ts) instead: `arguments`, `output` and `assign` replace the
   * JSONPath fields, which must be absent (`lambdaResponse` stays: it shapes
   * `$states.result`). Absent: JSONPath.
   */
  readonly queryLanguage?: typeof QUERY_LANGUAGE_JSONATA;
  /** JSONata only: template of the user code's input (absent: the input). */
  readonly arguments?: unknown;
  /** JSONata only: template of the state's output (absent: the result; a Pass: its input). */
  readonly output?: unknown;
  /** JSONata only: the workflow variables the state assigns. */
  readonly assign?: Readonly<Record<string, unknown>>;
}

/** The JSONPath fields, which a JSONata data flow must not have. */
const JSONPATH_FIELDS = ['inputPath', 'parameters', 'resultSelector', 'resultPath', 'outputPath'] as const;
/** The JSONata fields, which a JSONPath data flow must not have. */
const JSONATA_FIELDS = ['arguments', 'output', 'assign'] as const;

/** Whether a data flow is evaluated with JSONata (the runtime's async paths). */
export function isJsonataFlow(flow: DataFlow | undefined): boolean {
  return flow?.queryLanguage === QUERY_LANGUAGE_JSONATA;
}

export { DataFlowError } from './dataflow-error';

/** The user code's input: InputPath, then Parameters. */
export function effectiveInput(flow: DataFlow | undefined, raw: unknown, context?: unknown): unknown {
  if (flow === undefined) return raw;
  const selected = select(raw, flow.inputPath, 'InputPath', context);
  return flow.parameters === undefined ? selected : applyTemplate(flow.parameters, selected, 'Parameters', context);
}

/**
 * The state's output from its result: the lambda:invoke response when
 * `lambdaResponse` (with the function's `executedVersion`), ResultSelector,
 * ResultPath into the raw input, OutputPath.
 */
export function stateOutput(
  flow: DataFlow | undefined, raw: unknown, result: unknown, executedVersion: string = '$LATEST', context?: unknown,
): unknown {
  if (flow === undefined) return result;
  const response = flow.lambdaResponse === true ? lambdaInvokeResponse(result, executedVersion) : result;
  const selected = flow.resultSelector === undefined ? response : applyTemplate(flow.resultSelector, response, 'ResultSelector', context);
  const placed = placeResult(raw, flow.resultPath, selected);
  return select(placed, flow.outputPath, 'OutputPath', context);
}

/** A Pass state: its result is `result` when set, else the effective input. */
export function passOutput(flow: DataFlow, raw: unknown, context?: unknown): unknown {
  const input = effectiveInput(flow, raw, context);
  const result = flow.result !== undefined ? flow.result : input;
  return stateOutput({ ...flow, resultSelector: undefined, lambdaResponse: undefined }, raw, result, undefined, context);
}

/**
 * What Step Functions' lambda:invoke integration returns for a successful
 * synchronous invocation: Lambda's Invoke response with the function's
 * result as Payload (the SDK's HTTP metadata, SdkHttpMetadata and
 * SdkResponseMetadata, is not reproduced).
 */
function lambdaInvokeResponse(payload: unknown, executedVersion: string): unknown {
  return { ExecutedVersion: executedVersion, Payload: payload, StatusCode: 200 };
}

/**
 * Whether a state's output reads its raw input: a ResultPath that places the result into it (or discards it),
 * or a JSONata Output or Assign (which may read `$states.input`, or `$`, at a Parallel's or Map's join).
 */
export function needsRawInput(flow: DataFlow | undefined): boolean {
  if (isJsonataFlow(flow)) return flow!.output !== undefined || flow!.assign !== undefined;
  return flow?.resultPath !== undefined && flow.resultPath !== '$';
}

function select(document: unknown, path: string | null | undefined, field: string, context: unknown): unknown {
  if (path === undefined || path === '$') return document;
  if (path === null) return {};
  const found = queryStatePath(document, path, context);
  if (!found.found) throw new DataFlowError('States.Runtime', `${field} '${path}' does not match any field of the value`);
  return found.value;
}

function placeResult(raw: unknown, path: string | null | undefined, result: unknown): unknown {
  if (path === undefined) return result;
  if (path === null) return raw;
  const segments = parsePath(path);
  if (segments.length === 0) return result;
  if (!isObject(raw)) {
    throw new DataFlowError('States.ResultPathMatchFailure', `ResultPath '${path}' cannot be applied: the input is not a JSON object`);
  }
  const root: Record<string, unknown> = { ...raw };
  let cursor = root;
  segments.forEach((segment, i) => {
    if (typeof segment === 'number') {
      throw new DataFlowError('States.ResultPathMatchFailure', `ResultPath '${path}' cannot index into arrays`);
    }
    if (i === segments.length - 1) {
      cursor[segment] = result;
      return;
    }
    const existing = cursor[segment];
    if (existing !== undefined && !isObject(existing)) {
      throw new DataFlowError('States.ResultPathMatchFailure', `ResultPath '${path}' cannot be applied: '${segment}' is not a JSON object in the input`);
    }
    const copy = { ...(existing as Record<string, unknown> | undefined ?? {}) };
    cursor[segment] = copy;
    cursor = copy;
  });
  return root;
}

/** Step Functions' payload template: keys ending in `.$` take the value at their path. */
export function applyTemplate(template: unknown, document: unknown, field: string, context?: unknown): unknown {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, document, field, context));
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      out[key.slice(0, -2)] = templateValue(value as string, document, field, key, context);
    } else {
      out[key] = applyTemplate(value, document, field, context);
    }
  }
  return out;
}

/** The value of one `.$` key: an intrinsic function's result, or the value at a path. */
function templateValue(expression: string, document: unknown, field: string, key: string, context: unknown): unknown {
  if (typeof expression === 'string' && isIntrinsic(expression)) {
    try {
      return evaluateIntrinsic(expression, document, context);
    } catch (e) {
      if (e instanceof DataFlowError) throw new DataFlowError(e.name, `${field}: '${key}': ${e.message}`);
      throw e;
    }
  }
  const found = typeof expression === 'string' && expression.startsWith('$$') ? readContextPath(context, expression) : queryPath(document, expression);
  if (!found.found) {
    throw new DataFlowError('States.Runtime', `${field}: the path '${expression}' of '${key}' does not match any field of the value`);
  }
  return found.value;
}

/** Checks a data flow's paths and templates; returns the problems (each naming the field). */
export function validateDataFlow(flow: DataFlow, taskToken = false): string[] {
  const problems: string[] = [];
  if (flow.queryLanguage !== undefined && flow.queryLanguage !== QUERY_LANGUAGE_JSONATA) {
    problems.push(`queryLanguage must be '${QUERY_LANGUAGE_JSONATA}' or absent (JSONPath), got ${JSON.stringify(flow.queryLanguage)}`);
  }
  const jsonata = flow.queryLanguage === QUERY_LANGUAGE_JSONATA;
  for (const field of jsonata ? JSONPATH_FIELDS : JSONATA_FIELDS) {
    if (flow[field] !== undefined) {
      problems.push(jsonata ? `${field} is a JSONPath field: a JSONata state uses arguments and outputs instead`
        : `${field} is a JSONata field: set the query language to JSONata to use it`);
    }
  }
  if (jsonata) {
    if (flow.assign !== undefined && (flow.assign === null || typeof flow.assign !== 'object' || Array.isArray(flow.assign))) {
      problems.push('assign must be an object of variable names to values');
    } else {
      problems.push(...jsonataFlowProblems(flow));
    }
  }
  const checkPath = (path: string | null | undefined, field: string, parse: (p: string) => unknown) => {
    if (path === undefined || path === null) return;
    try {
      parse(path);
    } catch (e) {
      problems.push(`${field}: ${(e as Error).message}`);
    }
  };
  checkPath(flow.inputPath, 'inputPath', parseStatePath);
  checkPath(flow.outputPath, 'outputPath', parseStatePath);
  checkPath(flow.resultPath, 'resultPath', parsePath);
  if (typeof flow.resultPath === 'string') {
    try {
      if (parsePath(flow.resultPath).some((s) => typeof s === 'number')) problems.push(`resultPath '${flow.resultPath}' cannot index into arrays`);
    } catch { /* reported above */ }
  }
  problems.push(...templateProblems(flow.parameters, 'parameters', taskToken));
  problems.push(...templateProblems(flow.resultSelector, 'resultSelector'));
  if (flow.lambdaResponse !== undefined && typeof flow.lambdaResponse !== 'boolean') problems.push('lambdaResponse must be true or false');
  return problems;
}

/**
 * Checks a path of the input or (`$$`) of the context object, as InputPath,
 * OutputPath and Choice variables take them; throws naming the problem.
 */
export function parseStatePath(path: string): void {
  if (typeof path === 'string' && path.startsWith('$$')) {
    const problem = contextPathProblem(path, false);
    if (problem !== undefined) throw new Error(problem);
    return;
  }
  parseQuery(path);
}

/** Problems of a payload template: `.$` values, at any depth and inside arrays, must be paths. */
export function templateProblems(template: unknown, field: string, taskToken = false): string[] {
  if (Array.isArray(template)) return template.flatMap((t, i) => templateProblems(t, `${field}[${i}]`, taskToken));
  if (!isObject(template)) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      problems.push(...templateProblems(value, `${field}.${key}`, taskToken));
      continue;
    }
    if (typeof value !== 'string') {
      problems.push(`${field}: '${key}' must be a JSONPath string`);
    } else if (value.startsWith('$$')) {
      const problem = contextPathProblem(value, field.startsWith('itemSelector'), taskToken);
      if (problem !== undefined) problems.push(`${field}: '${key}': ${problem}`);
    } else if (isIntrinsic(value)) {
      problems.push(...intrinsicProblems(value, field, key, taskToken));
    } else if (!value.startsWith('$')) {
      problems.push(`${field}: '${key}' must be a JSONPath such as $.field or an intrinsic function such as States.Format('{}', $.x), got '${value}'`);
    } else {
      try {
        parseQuery(value);
      } catch (e) {
        problems.push(`${field}: '${key}': ${(e as Error).message}`);
      }
    }
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Problems of an intrinsic expression: its syntax, and the context fields its `$$` arguments read. */
function intrinsicProblems(expression: string, field: string, key: string, taskToken: boolean): string[] {
  try {
    return intrinsicPaths(parseIntrinsic(expression))
      .filter((path) => path.startsWith('$$'))
      .flatMap((path) => contextPathProblem(path, field.startsWith('itemSelector'), taskToken) ?? [])
      .map((problem) => `${field}: '${key}': ${problem}`);
  } catch (e) {
    return [`${field}: '${key}': ${(e as Error).message}`];
  }
}
