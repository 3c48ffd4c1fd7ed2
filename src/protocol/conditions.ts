import { queryStatePath } from './context';
import { parseStatePath } from './dataflow';
import { DataFlowError } from './dataflow-error';
import { jsonType } from './json-type';
import { isJsonataExpression, jsonataTemplateProblems } from './jsonata';

/**
 * The serialized rule language of `Condition`, evaluated by the runtime
 * against a node's output. Comparison operators follow Step Functions' Choice
 * rules: a comparison whose variable (or, for a `...Path` comparison, other
 * path) is missing is a States.Runtime error, one on a value of another type
 * is false; the type tests (isPresent, isNull, isString...) never fail.
 */
export type ConditionJson =
  | { readonly op: ComparisonOperator; readonly path: string; readonly value: string | number | boolean }
  | { readonly op: PathComparisonOperator; readonly path: string; readonly otherPath: string }
  | { readonly op: TypeTestOperator; readonly path: string; readonly value: boolean }
  | { readonly op: 'and' | 'or'; readonly conditions: readonly ConditionJson[] }
  | { readonly op: 'not'; readonly condition: ConditionJson }
  /** A JSONata Choice rule's whole Condition (`{% ... %}`), evaluated by jsonataCondition, which is async. */
  | { readonly op: 'jsonata'; readonly expression: string };

export const COMPARISON_OPERATORS = [
  'stringEquals', 'stringLessThan', 'stringGreaterThan', 'stringLessThanEquals', 'stringGreaterThanEquals', 'stringMatches',
  'numberEquals', 'numberLessThan', 'numberGreaterThan', 'numberLessThanEquals', 'numberGreaterThanEquals',
  'booleanEquals',
  'timestampEquals', 'timestampLessThan', 'timestampGreaterThan', 'timestampLessThanEquals', 'timestampGreaterThanEquals',
] as const;
export type ComparisonOperator = typeof COMPARISON_OPERATORS[number];

export type PathComparisonOperator = `${ComparisonOperator}Path`;

export const TYPE_TEST_OPERATORS = ['isPresent', 'isNull', 'isString', 'isNumeric', 'isBoolean', 'isTimestamp'] as const;
export type TypeTestOperator = typeof TYPE_TEST_OPERATORS[number];

/**
 * Evaluates a condition against a document (the node's output); paths
 * starting with `$$` read `context`, the context object (see conditionPaths).
 */
export function evaluateCondition(condition: ConditionJson, document: unknown, context?: unknown): boolean {
  switch (condition.op) {
    case 'and': return condition.conditions.every((c) => evaluateCondition(c, document, context));
    case 'or': return condition.conditions.some((c) => evaluateCondition(c, document, context));
    case 'not': return !evaluateCondition(condition.condition, document, context);
    case 'jsonata': throw new Error(`the JSONata condition '${condition.expression}' is evaluated with jsonataCondition, not evaluateCondition`);
  }
  const left = queryStatePath(document, condition.path, context);
  if ((TYPE_TEST_OPERATORS as readonly string[]).includes(condition.op)) {
    return testType(condition.op as TypeTestOperator, left) === (condition as { value: boolean }).value;
  }
  if (!left.found) throw missingPath(condition.path);
  let op = condition.op as string;
  let right: unknown;
  if ('otherPath' in condition) {
    const other = queryStatePath(document, condition.otherPath, context);
    if (!other.found) throw missingPath(condition.otherPath);
    right = other.value;
    op = op.slice(0, -'Path'.length);
  } else {
    right = condition.value;
  }
  return compare(op as ComparisonOperator, left.value, right);
}

/**
 * Step Functions fails the execution rather than take the Default: a missing
 * field is a defect of the input, which IsPresent exists to test for. The
 * wording is Step Functions' own cause text, so logs read the same.
 */
function missingPath(path: string): DataFlowError {
  return new DataFlowError('States.Runtime', `Invalid path '${path}': The choice state's condition path references an invalid value.`);
}

/** Every path a condition reads (variables and other paths), in rule order: the runtime builds the context object when one starts with `$$`. */
export function conditionPaths(condition: ConditionJson): string[] {
  switch (condition.op) {
    case 'and': case 'or': return condition.conditions.flatMap(conditionPaths);
    case 'not': return conditionPaths(condition.condition);
    case 'jsonata': return [];
  }
  return 'otherPath' in condition ? [condition.path, condition.otherPath] : [condition.path];
}

/** Checks a condition's structure, operators, value types and paths; returns the problems found. */
export function validateCondition(condition: ConditionJson): string[] {
  const problems: string[] = [];
  const visit = (c: ConditionJson, top = false): void => {
    if (c.op === 'jsonata') {
      if (!top) problems.push('a JSONata condition is a whole rule: combine conditions inside its expression, not with and/or/not');
      else if (!isJsonataExpression(c.expression)) problems.push(`a JSONata condition must be a '{% expression %}' string, got ${JSON.stringify(c.expression)}`);
      else problems.push(...jsonataTemplateProblems(c.expression, 'condition'));
      return;
    }
    if (c.op === 'and' || c.op === 'or') {
      if (!Array.isArray(c.conditions) || c.conditions.length === 0) problems.push(`'${c.op}' needs at least one condition`);
      else c.conditions.forEach((sub) => visit(sub));
      return;
    }
    if (c.op === 'not') return visit(c.condition);
    const leaf = c as { op: string; path: string; otherPath?: string; value?: unknown };
    const base = leaf.op.endsWith('Path') ? leaf.op.slice(0, -'Path'.length) : leaf.op;
    const isComparison = (COMPARISON_OPERATORS as readonly string[]).includes(base);
    const isTypeTest = (TYPE_TEST_OPERATORS as readonly string[]).includes(leaf.op);
    if (!isComparison && !isTypeTest) {
      problems.push(`unknown operator '${leaf.op}': use one of ${[...COMPARISON_OPERATORS, ...TYPE_TEST_OPERATORS, 'and', 'or', 'not'].join(', ')}`);
      return;
    }
    const paths = leaf.op.endsWith('Path') ? [leaf.path, leaf.otherPath] : [leaf.path];
    for (const path of paths) {
      try {
        parseStatePath(path as string);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (leaf.op.endsWith('Path')) return;
    const expected = isTypeTest || base === 'booleanEquals' ? 'boolean' : base.startsWith('number') ? 'number' : 'string';
    if (jsonType(leaf.value) !== expected) {
      problems.push(`${leaf.op} on '${leaf.path}' needs a ${expected} value (got ${JSON.stringify(leaf.value)})`);
    }
  };
  visit(condition, true);
  return problems;
}

function testType(op: TypeTestOperator, left: { found: boolean; value?: unknown }): boolean {
  const v = left.value;
  switch (op) {
    case 'isPresent': return left.found;
    case 'isNull': return left.found && v === null;
    case 'isString': return left.found && typeof v === 'string';
    case 'isNumeric': return left.found && typeof v === 'number';
    case 'isBoolean': return left.found && typeof v === 'boolean';
    case 'isTimestamp': return left.found && typeof v === 'string' && isTimestamp(v);
  }
}

function compare(op: ComparisonOperator, left: unknown, right: unknown): boolean {
  if (op.startsWith('string')) {
    if (typeof left !== 'string' || typeof right !== 'string') return false;
    if (op === 'stringMatches') return globMatch(left, right);
    return ordered(op.slice('string'.length), left < right ? -1 : left > right ? 1 : 0);
  }
  if (op.startsWith('number')) {
    if (typeof left !== 'number' || typeof right !== 'number') return false;
    return ordered(op.slice('number'.length), Math.sign(left - right));
  }
  if (op === 'booleanEquals') {
    return typeof left === 'boolean' && left === right;
  }
  if (typeof left !== 'string' || typeof right !== 'string' || !isTimestamp(left) || !isTimestamp(right)) return false;
  return ordered(op.slice('timestamp'.length), Math.sign(Date.parse(left) - Date.parse(right)));
}

function ordered(relation: string, cmp: number): boolean {
  switch (relation) {
    case 'Equals': return cmp === 0;
    case 'LessThan': return cmp < 0;
    case 'GreaterThan': return cmp > 0;
    case 'LessThanEquals': return cmp <= 0;
    case 'GreaterThanEquals': return cmp >= 0;
    default: throw new Error(`unknown comparison '${relation}'`);
  }
}

/** Step Functions' StringMatches: `*` matches any run of characters, `\*` a literal star. */
function globMatch(text: string, pattern: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      regex += escapeRegex(pattern[++i]);
    } else if (ch === '*') {
      regex += '.*';
    } else {
      regex += escapeRegex(ch);
    }
  }
  return new RegExp(`^${regex}$`, 's').test(text);
}

function escapeRegex(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
function isTimestamp(value: string): boolean {
  return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
}
