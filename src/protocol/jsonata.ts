import type { Expression } from 'jsonata';
import { DataFlowError } from './dataflow-error';
import { callIntrinsicFunction, seededRandomFraction } from './intrinsics';

/**
 * Step Functions' JSONata query language (`QueryLanguage: JSONata`),
 * evaluated with the `jsonata` package (never with `eval`):
 *
 *   input → Arguments → [user code, or nothing for a Pass] → Output (and Assign)
 *
 * A string of the form `{% expression %}`, at any depth of Arguments, Output
 * or an Assign value, is replaced by the expression's value; every other
 * value is kept as it is. Expressions read `$states.input` (the state's
 * input), `$states.result` (Output and Assign of a function: its result),
 * `$states.errorOutput` (a Catch's Output and Assign: `{ Error, Cause }`),
 * the joined list as `$states.result` (a Parallel's or Map's Output and Assign, at its join),
 * `$states.context` (the context object, context.ts) and the workflow
 * variables (`$name`), with Step Functions' own functions (`$partition`,
 * `$range`, `$hash`, `$random`, `$uuid`, `$parse`). An expression that fails, or whose value is
 * undefined (JSONata's "no match"), fails with States.QueryEvaluationError,
 * as in Step Functions.
 */
export interface JsonataFlow {
  /** Template of the user code's input (absent: the state's input). */
  readonly arguments?: unknown;
  /** Template of the state's output (absent: the result; a Pass: its input). */
  readonly output?: unknown;
  /** Workflow variables assigned by the state, each a template (evaluated before the state's own assignments take effect). */
  readonly assign?: Readonly<Record<string, unknown>>;
}

/**
 * jsonata, loaded on first use: a workflow without JSONata never pays for it at a cold start (esbuild keeps a
 * require inside a function lazy in the runtime bundle).
 */
let jsonataModule: typeof import('jsonata') | undefined;
function loadJsonata(): typeof import('jsonata') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsonataModule ??= require('jsonata') as typeof import('jsonata');
  return jsonataModule;
}

/** Expressions compiled once per process (a warm sandbox reuses them); bounded, as a workflow's set of texts is. */
const COMPILED_LIMIT = 1000;
const compiledExpressions = new Map<string, Expression>();
function compileJsonata(body: string): Expression {
  let compiled = compiledExpressions.get(body);
  if (compiled === undefined) {
    compiled = loadJsonata()(body);
    // Each evaluation binds its input, variables and $now in a frame of its own, so one compiled expression serves all.
    if (compiledExpressions.size >= COMPILED_LIMIT) compiledExpressions.clear();
    compiledExpressions.set(body, compiled);
  }
  return compiled;
}

/** The query language name, as in Amazon States Language's `QueryLanguage`. */
export const QUERY_LANGUAGE_JSONATA = 'JSONata';

/** Step Functions' error for a JSONata expression that fails or has no value. */
export const ERROR_QUERY_EVALUATION = 'States.QueryEvaluationError';

/** What `$states` holds for one evaluation. */
export interface JsonataStates {
  readonly input: unknown;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
  readonly context?: unknown;
}

/** Variable names Step Functions accepts (`$` plus a letter or underscore, then word characters), never `states`. */
const VARIABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;

/** Step Functions' JSONata has no `$eval` (use `$parse`): the expression text must not call it. */
const FORBIDDEN_FUNCTIONS = ['eval'];

/**
 * Step Functions' JSONata functions that JSONata itself lacks (or, for
 * $random, has without a seed): each is the intrinsic it replaces
 * (intrinsics.ts), so both query languages compute the same values.
 */
export const STEP_FUNCTIONS_JSONATA_FUNCTIONS: Readonly<Record<string, string>> = {
  partition: 'ArrayPartition', range: 'ArrayRange', hash: 'Hash', uuid: 'UUID', parse: 'StringToJson',
};

/** `$random()`: 0 <= n < 1; `$random(seed)`: java.util.Random(seed).nextDouble(), the generator of a seeded States.MathRandom. */
export function jsonataRandom(args: unknown[]): number {
  if (args.length > 1) throw new DataFlowError(ERROR_QUERY_EVALUATION, `$random: takes 0 to 1 arguments, got ${args.length}`);
  if (args.length === 0 || args[0] === undefined) return Math.random();
  const seed = args[0];
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `$random: the seed must be an integer, got ${JSON.stringify(seed)}`);
  }
  return seededRandomFraction(seed);
}

/** One of Step Functions' functions applied: an intrinsic's failure is the expression's, named by the JSONata function. */
export function callStepFunctionsJsonataFunction(name: string, args: unknown[]): unknown {
  if (name === 'random') return jsonataRandom(args);
  const intrinsic = STEP_FUNCTIONS_JSONATA_FUNCTIONS[name];
  if (intrinsic === undefined) throw new Error(`'$${name}' is not one of Step Functions' JSONata functions`);
  try {
    return callIntrinsicFunction(intrinsic, args.map(toJson));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `$${name}: ${message.replace(`States.${intrinsic}: `, '')}`);
  }
}

/** The functions as JSONata bindings (a workflow variable of the same name is shadowed, as a function name is reserved). */
const FUNCTION_BINDINGS: Record<string, (...args: unknown[]) => unknown> = Object.fromEntries(
  [...Object.keys(STEP_FUNCTIONS_JSONATA_FUNCTIONS), 'random'].map((name) => [name, (...args: unknown[]) => callStepFunctionsJsonataFunction(name, args)]),
);

/** Whether a value is a `{% ... %}` JSONata expression string. */
export function isJsonataExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** The expression inside `{% ... %}`. */
function jsonataBody(value: string): string {
  return value.slice(2, -2).trim();
}

/** The value of a template: each `{% %}` string, at any depth and inside arrays, replaced by its value. */
export async function evaluateJsonataTemplate(
  template: unknown, states: JsonataStates, variables: Readonly<Record<string, unknown>> | undefined, field: string,
): Promise<unknown> {
  if (isJsonataExpression(template)) return evaluateExpression(template, states, variables, field);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++) out.push(await evaluateJsonataTemplate(template[i], states, variables, `${field}[${i}]`));
    return out;
  }
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) out[key] = await evaluateJsonataTemplate(value, states, variables, `${field}.${key}`);
  return out;
}

/** The user code's input: Arguments evaluated on `$states.input` (absent: the input). */
export async function jsonataInput(
  flow: JsonataFlow, input: unknown, context?: unknown, variables?: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  if (flow.arguments === undefined) return input;
  return evaluateJsonataTemplate(flow.arguments, { input, context }, variables, 'Arguments');
}

/**
 * The state's output and the variables after it: Output and every Assign
 * value evaluated with the same `$states` and the variables from before the
 * state (so an assignment never sees another of the same state), then the
 * assignments applied. `result` absent: a Pass, whose output defaults to its input.
 */
export async function jsonataOutput(
  flow: JsonataFlow, states: JsonataStates, variables?: Readonly<Record<string, unknown>>,
): Promise<{ output: unknown; variables: Record<string, unknown> }> {
  const fallback = states.errorOutput !== undefined && states.errorOutput !== null ? states.errorOutput
    : 'result' in states ? states.result : states.input;
  const output = flow.output === undefined ? fallback : await evaluateJsonataTemplate(flow.output, states, variables, 'Output');
  const next: Record<string, unknown> = { ...(variables ?? {}) };
  for (const [name, template] of Object.entries(flow.assign ?? {})) {
    next[name] = await evaluateJsonataTemplate(template, states, variables, `Assign.${name}`);
  }
  return { output, variables: next };
}

/** Output and Assign of a JSONata catcher or Choice (templates), evaluated on the way to the next state. */
export interface JsonataTransition {
  readonly output?: unknown;
  readonly assign?: Readonly<Record<string, unknown>>;
}

/**
 * A JSONata Choice's way out, on `$states.input`: the matched rule's Output over the state's (neither: the input);
 * the state's Assign, which applies whichever way it goes, and the rule's (a name in both: the rule's), all
 * evaluated with the variables from before the Choice. `rule` absent: the Default.
 */
export async function jsonataChoiceTransition(
  state: JsonataTransition | undefined, rule: JsonataTransition | undefined, states: JsonataStates, variables?: Readonly<Record<string, unknown>>,
): Promise<{ output: unknown; variables: Record<string, unknown> }> {
  const output = rule?.output !== undefined ? rule.output : state?.output;
  const assign = { ...(state?.assign ?? {}), ...(rule?.assign ?? {}) };
  return jsonataOutput({ output, assign }, { input: states.input, context: states.context }, variables);
}

/**
 * A JSONata Map's ItemSelector for one item: the template on the Map's
 * input (`$states.input`), the context holding the item as
 * `$states.context.Map.Item.Index` and `.Value`; its value is the item's input.
 */
export async function jsonataItemSelector(
  template: unknown, mapInput: unknown, context: unknown, variables?: Readonly<Record<string, unknown>>,
): Promise<unknown> {
  return evaluateJsonataTemplate(template, { input: mapInput, context }, variables, 'ItemSelector');
}

/** A Choice rule's Condition: must evaluate to a boolean. */
export async function jsonataCondition(
  expression: string, input: unknown, context?: unknown, variables?: Readonly<Record<string, unknown>>,
): Promise<boolean> {
  const value = await evaluateJsonataTemplate(expression, { input, context }, variables, 'Condition');
  if (typeof value !== 'boolean') {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `Condition '${expression}' must evaluate to a boolean, got ${JSON.stringify(value)}`);
  }
  return value;
}

async function evaluateExpression(
  text: string, states: JsonataStates, variables: Readonly<Record<string, unknown>> | undefined, field: string,
): Promise<unknown> {
  let value: unknown;
  try {
    const compiled = compileJsonata(jsonataBody(text));
    const bindings: Record<string, unknown> = { ...(variables ?? {}), ...FUNCTION_BINDINGS, states: statesBinding(states) };
    // The input (`$`) is the state's input too, as in Step Functions.
    value = await compiled.evaluate(states.input, bindings);
  } catch (e) {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${text}' failed: ${describe(e)}`);
  }
  if (value === undefined) {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${text}' returned no value (undefined)`);
  }
  try {
    return toJson(value);
  } catch (e) {
    throw new DataFlowError(ERROR_QUERY_EVALUATION, `${field}: the JSONata expression '${text}' failed: ${(e as Error).message}`);
  }
}

/** Division by zero: jsonata-js computes Infinity (then fails on it, D3001), jsonata-python fails at once; one message for both. */
const NOT_FINITE = 'a number is not finite (Infinity or NaN, as of a division by zero)';

function statesBinding(states: JsonataStates): Record<string, unknown> {
  const out: Record<string, unknown> = { input: states.input };
  if (states.result !== undefined) out.result = states.result;
  // A null context or error output is an absent one (the runtimes pass null when no expression reads the context).
  if (states.errorOutput !== undefined && states.errorOutput !== null) out.errorOutput = states.errorOutput;
  if (states.context !== undefined && states.context !== null) out.context = states.context;
  return out;
}

/**
 * JSONata's results as plain JSON: its sequences are arrays with extra
 * properties, and functions or non-finite numbers have no JSON form.
 */
function toJson(value: unknown): unknown {
  if (typeof value === 'function' || isJsonataFunction(value)) throw new Error('it returned a function, which has no JSON value');
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(NOT_FINITE);
  if (Array.isArray(value)) return value.map(toJson).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
  return out;
}

/**
 * A JSONata error by its code (S0201, T2002, D3001...), which jsonata-js and
 * jsonata-python share; their message texts differ, so messages name the code only.
 */
/** jsonata-js's lambdas and partial applications are objects marked with these fields. */
function isJsonataFunction(value: unknown): boolean {
  return value !== null && typeof value === 'object' && ('_jsonata_lambda' in value || '_jsonata_function' in value);
}

function describe(e: unknown): string {
  if (e instanceof DataFlowError) return e.message;
  const code = (e as { code?: unknown }).code;
  if (code === 'D3001') return NOT_FINITE;
  return typeof code === 'string' ? `JSONata error ${code}` : (e as Error).message ?? String(e);
}

/** Problems of a JSONata template (each `{% %}` string must parse); each names the field. */
export function jsonataTemplateProblems(template: unknown, field: string): string[] {
  if (isJsonataExpression(template)) return expressionProblems(template, field);
  if (typeof template === 'string' && (template.trimStart().startsWith('{%') || template.trimEnd().endsWith('%}'))) {
    return [`${field}: '${template}' looks like a JSONata expression but is not of the form '{% expression %}' (no spaces outside the braces)`];
  }
  if (Array.isArray(template)) return template.flatMap((t, i) => jsonataTemplateProblems(t, `${field}[${i}]`));
  if (template === null || typeof template !== 'object') return [];
  return Object.entries(template).flatMap(([k, v]) => jsonataTemplateProblems(v, `${field}.${k}`));
}

/** Problems of one `{% %}` expression: its syntax, and Step Functions' unavailable `$eval`. */
function expressionProblems(text: string, field: string): string[] {
  const body = jsonataBody(text);
  if (body === '') return [`${field}: '${text}' is an empty JSONata expression`];
  try {
    compileJsonata(body);
  } catch (e) {
    return [`${field}: the JSONata expression '${text}' does not parse (${describe(e)})`];
  }
  return FORBIDDEN_FUNCTIONS.filter((f) => new RegExp(`\\$${f}\\s*\\(`).test(body))
    .map((f) => `${field}: '${text}' calls $${f}, which Step Functions' JSONata does not provide (use $parse)`);
}

/** Problems of a JSONata data flow (Arguments, Output, Assign): expressions that do not parse, bad variable names. */
export function jsonataFlowProblems(flow: JsonataFlow): string[] {
  const problems = [
    ...jsonataTemplateProblems(flow.arguments, 'arguments'),
    ...jsonataTemplateProblems(flow.output, 'outputs'),
  ];
  for (const [name, value] of Object.entries(flow.assign ?? {})) {
    if (!VARIABLE_PATTERN.test(name) || name === 'states') {
      problems.push(`assign: '${name}' is not a variable name (a letter or _, then letters, digits or _, at most 80; not 'states')`);
    }
    problems.push(...jsonataTemplateProblems(value, `assign.${name}`));
  }
  return problems;
}
