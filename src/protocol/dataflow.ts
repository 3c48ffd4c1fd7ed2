import { contextPathProblem, readContextPath } from './context';
import { parsePath, readPath } from './jsonpath';

/**
 * Step Functions' input and output processing, kept exactly, for functions
 * (applied by the runtime around the user code) and for Pass states (applied
 * by the egress of the function before them):
 *
 *   raw input → InputPath → Parameters → [user code, or Pass `result`]
 *     → ResultSelector → ResultPath (into the raw input) → OutputPath
 *
 * Paths use the JSONPath subset of jsonpath.ts. `null` is Step Functions'
 * `null` (InputPath/OutputPath: `{}`; ResultPath: discard the result and keep
 * the raw input). Templates (Parameters, ResultSelector) are JSON objects
 * whose keys ending in `.$` take the value at a path of the input, or of
 * the context object (context.ts) for paths starting with `$$`.
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
}

/** A path or template that does not fit the input: Step Functions fails the execution (not retriable, not catchable). */
export class DataFlowError extends Error {
  constructor(name: 'States.Runtime' | 'States.ResultPathMatchFailure', message: string) {
    super(message);
    this.name = name;
  }
}

/** The user code's input: InputPath, then Parameters. */
export function effectiveInput(flow: DataFlow | undefined, raw: unknown, context?: unknown): unknown {
  if (flow === undefined) return raw;
  const selected = select(raw, flow.inputPath, 'InputPath');
  return flow.parameters === undefined ? selected : applyTemplate(flow.parameters, selected, 'Parameters', context);
}

/** The state's output from its result: ResultSelector, ResultPath into the raw input, OutputPath. */
export function stateOutput(flow: DataFlow | undefined, raw: unknown, result: unknown, context?: unknown): unknown {
  if (flow === undefined) return result;
  const selected = flow.resultSelector === undefined ? result : applyTemplate(flow.resultSelector, result, 'ResultSelector', context);
  const placed = placeResult(raw, flow.resultPath, selected);
  return select(placed, flow.outputPath, 'OutputPath');
}

/** A Pass state: its result is `result` when set, else the effective input. */
export function passOutput(flow: DataFlow, raw: unknown, context?: unknown): unknown {
  const input = effectiveInput(flow, raw, context);
  return stateOutput({ ...flow, resultSelector: undefined }, raw, flow.result !== undefined ? flow.result : input, context);
}

function select(document: unknown, path: string | null | undefined, field: string): unknown {
  if (path === undefined || path === '$') return document;
  if (path === null) return {};
  const found = readPath(document, path);
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

/** Step Functions' payload template: keys ending in `.$` take the value at their path (`$$`: of the context object). */
export function applyTemplate(template: unknown, document: unknown, field: string, context?: unknown): unknown {
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      const found = typeof value === 'string' && value.startsWith('$$') ? readContextPath(context, value) : readPath(document, value as string);
      if (!found.found) {
        throw new DataFlowError('States.Runtime', `${field}: the path '${value}' of '${key}' does not match any field of the value`);
      }
      out[key.slice(0, -2)] = found.value;
    } else {
      out[key] = applyTemplate(value, document, field, context);
    }
  }
  return out;
}

/** Checks a data flow's paths and templates; returns the problems (each naming the field). */
export function validateDataFlow(flow: DataFlow): string[] {
  const problems: string[] = [];
  const checkPath = (path: string | null | undefined, field: string) => {
    if (path === undefined || path === null) return;
    try {
      parsePath(path);
    } catch (e) {
      problems.push(`${field}: ${(e as Error).message}`);
    }
  };
  checkPath(flow.inputPath, 'inputPath');
  checkPath(flow.outputPath, 'outputPath');
  checkPath(flow.resultPath, 'resultPath');
  if (typeof flow.resultPath === 'string') {
    try {
      if (parsePath(flow.resultPath).some((s) => typeof s === 'number')) problems.push(`resultPath '${flow.resultPath}' cannot index into arrays`);
    } catch { /* reported above */ }
  }
  problems.push(...templateProblems(flow.parameters, 'parameters', false));
  problems.push(...templateProblems(flow.resultSelector, 'resultSelector', false));
  return problems;
}

/** Problems of a payload template: `.$` values must be paths of the supported subset, never in arrays. */
export function templateProblems(template: unknown, field: string, inArray: boolean): string[] {
  if (Array.isArray(template)) return template.flatMap((t) => templateProblems(t, field, true));
  if (!isObject(template)) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(template)) {
    if (!key.endsWith('.$')) {
      problems.push(...templateProblems(value, `${field}.${key}`, inArray));
      continue;
    }
    if (inArray) {
      problems.push(`${field}: '${key}' is inside an array; paths are only supported in objects`);
    } else if (typeof value !== 'string') {
      problems.push(`${field}: '${key}' must be a JSONPath string`);
    } else if (value.startsWith('$$')) {
      const problem = contextPathProblem(value, field.startsWith('itemSelector'));
      if (problem !== undefined) problems.push(`${field}: '${key}': ${problem}`);
    } else if (!value.startsWith('$')) {
      problems.push(`${field}: '${key}' is an intrinsic function or expression (${value}); only JSONPaths such as $.field are supported`);
    } else {
      try {
        parsePath(value);
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
