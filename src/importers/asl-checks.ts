/**
 * The checks an ASL definition passes before it is translated: its shape
 * (asl-validator throws a TypeError on a state that is not an object), the
 * query language (JSONPath or JSONata, per state), and asl-validator's own
 * findings on a JSONPath copy of the definition, reworded to name the state
 * and what to change.
 */

import { isJsonataExpression } from '../protocol/jsonata';
import { parsePath, parseQuery } from '../protocol/jsonpath';

type Json = Record<string, any>;

interface AslValidatorError {
  readonly 'Error code'?: string;
  readonly 'Message'?: string;
  readonly 'message'?: string;
  readonly 'schemaError'?: { readonly instancePath?: string };
}
interface AslValidation {
  readonly isValid: boolean;
  readonly errors: readonly AslValidatorError[];
}
// asl-validator ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidation = require('asl-validator');

/** Every state of a container and of its branches and item processors, with where it is; skips what is not an object. */
function* walk(container: Json, where: string): Generator<[string, Json, string]> {
  const states = container.States;
  if (states === null || typeof states !== 'object' || Array.isArray(states)) return;
  for (const [name, state] of Object.entries<unknown>(states)) {
    if (!isObject(state)) continue;
    yield [name, state, where];
    if (Array.isArray(state.Branches)) {
      for (const [i, b] of state.Branches.entries()) if (isObject(b)) yield* walk(b, `branch ${i} of '${name}'`);
    }
    const processor = state.ItemProcessor ?? state.Iterator;
    if (isObject(processor)) yield* walk(processor, `the item processor of '${name}'`);
  }
}

/** Problems with the definition's shape that asl-validator cannot report (it throws on them). */
export function shapeProblems(definition: Json): string[] {
  const problems: string[] = [];
  const check = (container: Json, where: string) => {
    if (typeof container.StartAt !== 'string') problems.push(`${where} needs "StartAt": the name of its first state`);
    const states = container.States;
    if (!isObject(states)) {
      problems.push(`${where} needs "States": an object of states by name`);
      return;
    }
    for (const [name, state] of Object.entries<unknown>(states)) {
      if (!isObject(state)) {
        problems.push(`state '${name}' (in ${where}) must be a JSON object with a "Type", not ${JSON.stringify(state)}`);
        continue;
      }
      if (typeof state.Type !== 'string') problems.push(`state '${name}' (in ${where}) needs a "Type" (Task, Pass, Choice, Wait, Parallel, Map, Succeed or Fail)`);
      if (state.Branches !== undefined) {
        if (!Array.isArray(state.Branches)) {problems.push(`state '${name}': Branches must be an array of { StartAt, States } objects`);} else {
          state.Branches.forEach((b: unknown, i: number) => {
            if (isObject(b)) check(b, `branch ${i} of '${name}'`);
            else problems.push(`state '${name}': Branches[${i}] must be a { StartAt, States } object`);
          });
        }
      }
      for (const field of ['ItemProcessor', 'Iterator']) {
        if (state[field] === undefined) continue;
        if (isObject(state[field])) check(state[field], `the ${field} of '${name}'`);
        else problems.push(`state '${name}': ${field} must be a { StartAt, States } object`);
      }
    }
  };
  check(definition, 'the state machine');
  return problems;
}

/** Fields only JSONata states (and their Choice rules and Catchers) have. */
const JSONATA_FIELDS = ['Arguments', 'Output', 'Assign', 'Items'];

/** Whether a state uses JSONata: its own QueryLanguage, else the state machine's. */
export function usesJsonata(state: Json, topJsonata: boolean): boolean {
  return state.QueryLanguage === 'JSONata' || (topJsonata && state.QueryLanguage !== 'JSONPath');
}

/**
 * The query-language problems of a definition, before schema validation
 * (asl-validator's schema predates JSONata): a JSONPath state under a
 * JSONata state machine (Step Functions refuses it too), and JSONata
 * fields on a JSONPath state.
 */
export function queryLanguageProblems(definition: Json): string[] {
  const problems: string[] = [];
  const top = definition.QueryLanguage === 'JSONata';
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONata' && definition.QueryLanguage !== 'JSONPath') {
    problems.push(`the state machine's QueryLanguage must be "JSONPath" or "JSONata", got ${JSON.stringify(definition.QueryLanguage)}`);
  }
  for (const [name, state] of walk(definition, 'the state machine')) {
    if (top && state.QueryLanguage === 'JSONPath') {
      problems.push(`state '${name}': QueryLanguage "JSONPath" inside a JSONata state machine is not allowed (as in Step Functions); make the state JSONata or the machine JSONPath`);
      continue;
    }
    if (usesJsonata(state, top)) continue;
    const rules: unknown[] = Array.isArray(state.Choices) ? state.Choices : [];
    const fields = [
      ...JSONATA_FIELDS.filter((f) => state[f] !== undefined),
      ...(rules.some((r) => isObject(r) && r.Condition !== undefined) ? ['Choices[].Condition'] : []),
    ];
    if (fields.length > 0) {
      problems.push(`state '${name}' uses the JSONata field${fields.length > 1 ? 's' : ''} ${fields.join(', ')} but its query language is JSONPath; set "QueryLanguage": "JSONata" on the state or the state machine`);
    }
  }
  return problems;
}

/**
 * A copy of the definition that asl-validator, whose schema knows only
 * JSONPath, can check for everything else (names, transitions, Retry,
 * Catch): each JSONata state without its JSONata fields and with each
 * Condition rule replaced by a trivially valid JSONPath rule. Its
 * expressions are checked by the translation, with jsonata's parser.
 */
export function jsonPathShadow(definition: Json): Json {
  const copy = structuredClone(definition);
  const top = copy.QueryLanguage === 'JSONata';
  delete copy.QueryLanguage;
  for (const [, state] of walk(copy, 'the state machine')) {
    if (!usesJsonata(state, top)) continue;
    delete state.QueryLanguage;
    for (const f of JSONATA_FIELDS) delete state[f];
    if (Array.isArray(state.Choices)) {
      state.Choices = state.Choices.map((r: unknown) => (isObject(r) && r.Condition !== undefined
        ? { Variable: '$', IsPresent: true, Next: r.Next } : r));
    }
    if (Array.isArray(state.Catch)) {
      state.Catch = state.Catch.map((c: unknown) => {
        if (!isObject(c)) return c;
        const { Output: _o, Assign: _a, ...rest } = c;
        return rest;
      });
    }
    // JSONata Wait and Fail fields may be expressions (strings) where JSONPath wants numbers.
    if (state.Type === 'Wait' && typeof state.Seconds === 'string') state.Seconds = 1;
    if (state.Type === 'Wait' && isJsonataExpression(state.Timestamp)) state.Timestamp = '2024-01-01T00:00:00Z';
    // A JSONata Map's ItemSelector may be one expression (a string) where JSONPath wants an object.
    if (state.Type === 'Map' && typeof state.ItemSelector === 'string') delete state.ItemSelector;
  }
  return copy;
}

/** asl-validator's findings, each naming the state when the finding locates one; never throws. */
export function validatorProblems(definition: Json): string[] {
  let checked: AslValidation;
  try {
    checked = validateWithStepFunctionsPaths(definition);
  } catch (e) {
    return [`asl-validator could not read the definition (${(e as Error).message}); check that every state is an object with a Type and that QueryLanguage is only at the top or on a state`];
  }
  if (checked.isValid) return [];
  return checked.errors.map((e) => reword(e));
}

/**
 * asl-validator's path grammar is narrower than Step Functions' (it refuses
 * `&&`, `||`, `!=`, nested `@` fields and slice steps in filters, and any
 * indefinite Choice `Variable`); a path-format error whose path our parser
 * accepts, with the reference-path rule where Step Functions has one, is not
 * a problem of the definition.
 */
function validateWithStepFunctionsPaths(json: Json): AslValidation {
  // asl-validator stops at the first schema error, so each path it refuses and
  // Step Functions accepts is set to '$' in a copy and the copy checked again.
  const copy = structuredClone(json);
  for (;;) {
    const checked = aslValidator(structuredClone(copy), { checkPaths: true, checkArn: true });
    if (checked.isValid) return checked;
    const accepted = checked.errors.map(acceptedPath(copy));
    if (accepted.some((a) => a === undefined)) return { isValid: false, errors: checked.errors.filter((_e, i) => accepted[i] === undefined) };
    for (const { parent, key } of accepted as Array<{ parent: Json; key: string }>) parent[key] = '$';
  }
}

function acceptedPath(json: Json): (error: AslValidatorError) => { parent: Json; key: string } | undefined {
  return (error) => {
    const instancePath = error.schemaError?.instancePath;
    const message = error.Message ?? '';
    const format = /must match format "(asl_path|asl_ref_path|asl_result_path|asl_payload_template)"/.exec(message)?.[1];
    if (format === undefined || instancePath === undefined) return undefined;
    const tokens = instancePath.split('/').slice(1).map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
    const key = tokens[tokens.length - 1];
    const parent = tokens.slice(0, -1).reduce<unknown>((at, t) => (at !== null && typeof at === 'object' ? (at as Json)[t] : undefined), json);
    const value = parent !== null && typeof parent === 'object' ? (parent as Json)[key] : undefined;
    if (typeof value !== 'string' || value === '$') return undefined;
    // Choice Variable is a Path in the States Language; ItemsPath and ResultPath are reference paths.
    const reference = (format === 'asl_ref_path' && key !== 'Variable') || format === 'asl_result_path';
    try {
      if (reference) parsePath(value);
      else parseQuery(value);
      return { parent: parent as Json, key };
    } catch {
      return undefined;
    }
  };
}

function reword(e: AslValidatorError): string {
  const message = e.Message ?? e.message ?? JSON.stringify(e);
  const code = e['Error code'];
  const exactlyOne = /^State "(.+)" MUST contain exactly one of "End", "Next"$/.exec(message);
  if (exactlyOne) return `state '${exactlyOne[1]}' needs exactly one of "Next": "<the following state>" or "End": true`;
  const missing = /target: (.+)$/.exec(message);
  if (code === 'MISSING_TRANSITION_TARGET' && missing) return `a StartAt, Next or Default names '${missing[1]}', which is not a state (in the same States object); fix the name or add the state`;
  const unreachable = /^State (.+) is not reachable$/.exec(message);
  if (unreachable) return `state '${unreachable[1]}' is not reachable from StartAt; remove it or add a transition to it`;
  if (code === 'MISSING_TERMINAL_STATE') return 'a States object has no terminal state (a Succeed, a Fail, or a state with "End": true); add one';
  const at = e.schemaError?.instancePath ? statePath(e.schemaError.instancePath) : undefined;
  return `not a valid state machine (asl-validator): ${at ? `${at}: ` : ''}${message}`;
}

/** `/States/A/Branches/0/States/B/Retry/0` → `state 'B' (Retry/0)`. */
function statePath(pointer: string): string | undefined {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let name: string | undefined;
  let rest: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] === 'States' && i + 1 < parts.length) {
      name = parts[i + 1];
      rest = parts.slice(i + 2);
      i++;
    }
  }
  return name === undefined ? undefined : `state '${name}'${rest.length > 0 ? ` (${rest.join('/')})` : ''}`;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
