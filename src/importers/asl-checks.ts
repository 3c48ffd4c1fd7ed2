/**
 * The checks an ASL definition passes before it is translated: its shape
 * (asl-validator throws a TypeError on a state that is not an object), the
 * query language (JSONata is refused here, in one place, until it is
 * supported), and asl-validator's own findings, reworded to name the state
 * and what to change.
 */

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

/** Fields only JSONata states have (Assign too: workflow variables arrive with JSONata support). */
const JSONATA_FIELDS = ['Arguments', 'Output', 'Assign'];

/**
 * The one refusal of JSONata definitions, made before schema validation
 * (asl-validator's schema predates JSONata): undefined when the definition
 * is JSONPath only. Replace this when JSONata is supported.
 */
export function jsonataRefusal(definition: Json): string | undefined {
  const top = definition.QueryLanguage === 'JSONata';
  const states: string[] = [];
  for (const [name, state] of walk(definition, 'the state machine')) {
    const rules: unknown[] = Array.isArray(state.Choices) ? state.Choices : [];
    const uses = state.QueryLanguage === 'JSONata'
      || JSONATA_FIELDS.some((f) => state[f] !== undefined)
      || rules.some((r) => isObject(r) && (r.Condition !== undefined || r.Assign !== undefined || r.Output !== undefined));
    if (uses) states.push(name);
  }
  if (!top && states.length === 0) return undefined;
  const where = [
    ...(top ? ['the state machine (QueryLanguage "JSONata")'] : []),
    ...(states.length > 0 ? [`state${states.length > 1 ? 's' : ''} ${states.map((s) => `'${s}'`).join(', ')}`] : []),
  ].join(' and ');
  return `JSONata is not supported yet: ${where} use${top || states.length > 1 ? '' : 's'} it (QueryLanguage "JSONata", Arguments, Output, Assign or a Choice Condition); `
    + 'only JSONPath definitions can be imported: rewrite them with Parameters, ResultSelector, ResultPath and Variable-based Choice rules';
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
