import { JSONPath } from 'jsonpath-plus';

/**
 * Reference paths (Step Functions' ResultPath and ItemsPath, writePath) use:
 * `$`, `$.field`, `$.a.b`, `$.list[0]`, `$['odd key']`. No filters, no
 * wildcards, no scripts: paths are data, never evaluated as code.
 */

export type PathSegment = string | number;

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses a path; throws with the offending position when it is outside the subset. */
export function parsePath(path: string): PathSegment[] {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new Error(`JSONPath '${path}' must start with '$'`);
  }
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) {
      if (isQuery(path)) {
        throw new Error(`JSONPath '${path}' is not a reference path: this field names one node, with fields and indexes ($.field, $.list[0], $['key']), no wildcards, slices, filters or '..'`);
      }
      throw new Error(`JSONPath '${path}' is not supported at '${rest}': use $.field, $.list[0] or $['key']`);
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]).replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return segments;
}

function isQuery(path: string): boolean {
  try {
    parseQuery(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads the value at a reference path; `found` is false when any segment is missing. */
export function readPath(document: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of parsePath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)
        || !Object.prototype.hasOwnProperty.call(current, segment)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}

/**
 * Returns a copy of `document` with `value` placed at `path` (Step Functions'
 * ResultPath): `$` replaces the whole document, missing objects are created.
 */
export function writePath(document: unknown, path: string, value: unknown): unknown {
  const segments = parsePath(path);
  if (segments.length === 0) return value;
  const root: any = isPlainObject(document) ? { ...document } : {};
  let cursor = root;
  segments.forEach((segment, i) => {
    if (typeof segment === 'number') {
      throw new Error(`ResultPath '${path}' cannot index into arrays`);
    }
    if (i === segments.length - 1) {
      cursor[segment] = value;
    } else {
      cursor[segment] = isPlainObject(cursor[segment]) ? { ...cursor[segment] } : {};
      cursor = cursor[segment];
    }
  });
  return root;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/*
 * Step Functions' full JSONPath (InputPath, OutputPath, template `.$` values,
 * Choice `Variable`): Jayway JsonPath semantics. A definite path (fields and
 * indexes only) yields its value; an indefinite one (wildcard, slice, index
 * union, filter, `..`) yields the list of matches, possibly empty. The
 * grammar below is ours (it decides what is a path); matches are found by
 * jsonpath-plus, with its script evaluation replaced by the filter language
 * parsed here, so a path never runs as code.
 */

/** One step of a query path. */
export type QuerySegment =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'union'; readonly indexes: readonly number[] }
  | { readonly kind: 'filter'; readonly filter: FilterExpr }
  | { readonly kind: 'descent'; readonly then: QuerySegment };

/** A filter's expression: `@` paths, literals, comparisons, `&&`, `||`, existence. */
export type FilterExpr =
  | { readonly kind: 'and' | 'or'; readonly left: FilterExpr; readonly right: FilterExpr }
  | { readonly kind: 'compare'; readonly op: FilterOperator; readonly left: FilterOperand; readonly right: FilterOperand }
  | { readonly kind: 'exists'; readonly path: readonly PathSegment[] };

export type FilterOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type FilterOperand = { readonly kind: 'current'; readonly path: readonly PathSegment[] } | { readonly kind: 'literal'; readonly value: unknown };

export interface QueryPath {
  readonly definite: boolean;
  readonly segments: readonly QuerySegment[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*/;
const INTEGER = /^-?\d+/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;

class Scanner {
  pos = 0;
  constructor(readonly text: string, readonly path: string) {}
  get rest(): string { return this.text.slice(this.pos); }
  get done(): boolean { return this.pos >= this.text.length; }
  skipSpaces(): void { while (this.text[this.pos] === ' ') this.pos++; }
  eat(token: string): boolean {
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }
  match(pattern: RegExp): string | undefined {
    const m = pattern.exec(this.rest);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
  fail(what: string): never {
    throw new Error(`JSONPath '${this.path}' is not supported at '${this.rest}': ${what}`);
  }
  quoted(): string | undefined {
    const quote = this.text[this.pos];
    if (quote !== "'" && quote !== '"') return undefined;
    let out = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const ch = this.text[i];
      if (ch === '\\' && i + 1 < this.text.length) {
        out += this.text[++i];
      } else if (ch === quote) {
        this.pos = i + 1;
        return out;
      } else {
        out += ch;
      }
    }
    return this.fail('the quoted name is not closed');
  }
}

/** Parses a Step Functions path; throws with the offending position when it is not one. */
export function parseQuery(path: string): QueryPath {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new Error(`JSONPath '${path}' must start with '$'`);
  }
  if (path.startsWith('$$')) throw new Error(`JSONPath '${path}' reads the context object, which is not a path of the input`);
  const scanner = new Scanner(path, path);
  scanner.pos = 1;
  const segments: QuerySegment[] = [];
  while (!scanner.done) {
    if (scanner.eat('..')) {
      const name = scanner.match(IDENTIFIER);
      if (name !== undefined) segments.push({ kind: 'descent', then: { kind: 'field', name } });
      else if (scanner.eat('*')) segments.push({ kind: 'descent', then: { kind: 'wildcard' } });
      else if (scanner.text[scanner.pos] === '[') segments.push({ kind: 'descent', then: bracket(scanner) });
      else scanner.fail("'..' must be followed by a field name, '*' or a bracket");
    } else if (scanner.eat('.')) {
      const name = scanner.match(IDENTIFIER);
      if (name !== undefined) segments.push({ kind: 'field', name });
      else if (scanner.eat('*')) segments.push({ kind: 'wildcard' });
      else scanner.fail("'.' must be followed by a field name or '*'; use $['key'] for other names");
    } else if (scanner.text[scanner.pos] === '[') {
      segments.push(bracket(scanner));
    } else {
      scanner.fail("use $.field, $['key'], $.list[0], [*], [1:], [0,2], [?(@.x > 1)] or ..field");
    }
  }
  // Jayway counts a single index, negative included, as definite.
  const definite = segments.every((s) => s.kind === 'field' || s.kind === 'index');
  if (!definite) segments.forEach((s) => checkQuerySegment(path, s.kind === 'descent' ? s.then : s));
  return { definite, segments };
}

// Names that jsonpath-plus's tokenizer keeps as one literal property.
const LIBRARY_SAFE_NAME = /^[^'"[\]\\;~^`,:()?@*#$%]+$/;

function checkQuerySegment(path: string, segment: QuerySegment): void {
  if (segment.kind === 'field' && (!LIBRARY_SAFE_NAME.test(segment.name) || /^\.*$/.test(segment.name))) {
    throw new Error(`JSONPath '${path}': the field name '${segment.name}' can only be used in a path of fields and indexes, without wildcards, slices, filters or '..'`);
  }
  if (segment.kind === 'union' && segment.indexes.some((i) => i < 0)) {
    throw new Error(`JSONPath '${path}': an index union takes non-negative indexes only, such as [0,2]`);
  }
}

function bracket(scanner: Scanner): QuerySegment {
  scanner.eat('[');
  let segment: QuerySegment;
  const name = scanner.quoted();
  if (name !== undefined) {
    segment = { kind: 'field', name };
  } else if (scanner.eat('*')) {
    segment = { kind: 'wildcard' };
  } else if (scanner.eat('?(')) {
    const filter = filterOr(scanner);
    scanner.skipSpaces();
    if (!scanner.eat(')')) scanner.fail("the filter must end with ')'");
    segment = { kind: 'filter', filter };
  } else {
    segment = indexes(scanner);
  }
  if (!scanner.eat(']')) scanner.fail("expected ']'");
  return segment;
}

function indexes(scanner: Scanner): QuerySegment {
  const integer = (): number | undefined => {
    const text = scanner.match(INTEGER);
    if (text === undefined) return undefined;
    const n = Number(text);
    if (!Number.isSafeInteger(n)) scanner.fail('the index is too large');
    return n;
  };
  const first = integer();
  if (scanner.text[scanner.pos] === ':') {
    scanner.eat(':');
    const end = integer();
    let step: number | undefined;
    if (scanner.eat(':')) {
      step = integer();
      if (step !== undefined && step <= 0) scanner.fail('a slice step must be a positive integer');
    }
    return { kind: 'slice', start: first, end, step };
  }
  if (first === undefined) scanner.fail("expected an index, a slice, '*', a quoted name or a filter");
  const all = [first];
  while (scanner.eat(',')) {
    const next = integer();
    if (next === undefined) scanner.fail('an index union lists integers only, such as [0,2]');
    all.push(next);
  }
  return all.length > 1 ? { kind: 'union', indexes: all } : { kind: 'index', index: first };
}

function filterOr(scanner: Scanner): FilterExpr {
  let left = filterAnd(scanner);
  for (;;) {
    scanner.skipSpaces();
    if (!scanner.eat('||')) return left;
    left = { kind: 'or', left, right: filterAnd(scanner) };
  }
}

function filterAnd(scanner: Scanner): FilterExpr {
  let left = filterTerm(scanner);
  for (;;) {
    scanner.skipSpaces();
    if (!scanner.eat('&&')) return left;
    left = { kind: 'and', left, right: filterTerm(scanner) };
  }
}

const OPERATORS: readonly FilterOperator[] = ['==', '!=', '<=', '>=', '<', '>'];

function filterTerm(scanner: Scanner): FilterExpr {
  scanner.skipSpaces();
  if (scanner.eat('(')) {
    const inner = filterOr(scanner);
    scanner.skipSpaces();
    if (!scanner.eat(')')) scanner.fail("expected ')'");
    return inner;
  }
  const left = operand(scanner);
  scanner.skipSpaces();
  const op = OPERATORS.find((o) => scanner.eat(o));
  if (op === undefined) {
    if (left.kind !== 'current') scanner.fail('a literal alone is not a filter; compare it with an @ path');
    return { kind: 'exists', path: left.path };
  }
  const right = operand(scanner);
  return { kind: 'compare', op, left, right };
}

function operand(scanner: Scanner): FilterOperand {
  scanner.skipSpaces();
  if (scanner.eat('@')) {
    const path: PathSegment[] = [];
    for (;;) {
      if (scanner.eat('.')) {
        const name = scanner.match(IDENTIFIER);
        if (name === undefined) scanner.fail("'@.' must be followed by a field name");
        path.push(name);
      } else if (scanner.text[scanner.pos] === '[') {
        scanner.eat('[');
        const name = scanner.quoted();
        const index = name === undefined ? scanner.match(/^\d+/) : undefined;
        if (name === undefined && index === undefined) scanner.fail("inside a filter, '@' paths take fields and indexes only");
        path.push(name ?? Number(index));
        if (!scanner.eat(']')) scanner.fail("expected ']'");
      } else {
        return { kind: 'current', path };
      }
    }
  }
  const text = scanner.quoted();
  if (text !== undefined) return { kind: 'literal', value: text };
  for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
    if (scanner.eat(word)) return { kind: 'literal', value };
  }
  const number = scanner.match(NUMBER);
  if (number !== undefined) return { kind: 'literal', value: Number(number) };
  return scanner.fail("a filter compares '@' paths with string, number, true, false or null literals (no scripts)");
}

/**
 * Reads a Step Functions path: a definite path gives `found` and the value;
 * an indefinite one is always found and gives the list of its matches.
 */
export function queryPath(document: unknown, path: string): { found: boolean; value?: unknown } {
  const query = parseQuery(path);
  if (query.definite) return walk(document, query.segments.map((s) => (s.kind === 'field' ? s.name : (s as { index: number }).index)));
  return { found: true, value: matches(document, query) };
}

function walk(document: unknown, segments: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of segments) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const index = segment < 0 ? current.length + segment : segment;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (!isPlainObject(current) || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
      current = current[segment];
    }
  }
  return { found: true, value: current };
}

// A filter is handed to jsonpath-plus as a numbered placeholder; its "script"
// evaluator (this function, the same one for every call so that the library's
// script cache stays valid) looks the parsed filter up in the sandbox.
interface FilterSandbox { readonly filters: readonly FilterExpr[]; _$_v?: unknown }
const NEVER = -1;
function evaluateFilterScript(script: string, sandbox: FilterSandbox): boolean {
  const n = Number(script.slice(1));
  return n !== NEVER && testFilter(sandbox.filters[n], sandbox._$_v);
}

function matches(document: unknown, query: QueryPath): unknown[] {
  const filters: FilterExpr[] = [];
  const expression = '$' + query.segments.map((s) => librarySegment(s, filters)).join('');
  if (document === null || typeof document !== 'object') {
    // jsonpath-plus returns nothing for a scalar document; so does Jayway for any selector.
    return [];
  }
  const found = JSONPath({
    path: expression,
    json: document as object,
    wrap: true,
    resultType: 'all',
    // The library types the sandbox as a Map; it is used as a plain object.
    eval: evaluateFilterScript as never,
    sandbox: { filters } as never,
    ignoreEvalErrors: false,
  }) as unknown as Array<{ value: unknown; pointer: string }>;
  // jsonpath-plus follows JavaScript's own properties (a string's indexes, an
  // array's `length`); JSON has neither, so each match's location is checked.
  return found.filter((m) => isJsonLocation(document, m.pointer)).map((m) => m.value);
}

function librarySegment(segment: QuerySegment, filters: FilterExpr[]): string {
  switch (segment.kind) {
    case 'field': return `['${segment.name}']`;
    case 'index':
      // jsonpath-plus has no negative index; the one-element slice is the same element.
      if (segment.index >= 0) return `[${segment.index}]`;
      return segment.index === -1 ? '[-1:]' : `[${segment.index}:${segment.index + 1}]`;
    case 'wildcard': return '[*]';
    case 'union': return `[${segment.indexes.join(',')}]`;
    case 'slice':
      // jsonpath-plus reads an end of 0 as "to the end"; it selects nothing.
      if (segment.end === 0) return `[?(#${NEVER})]`;
      return `[${segment.start ?? ''}:${segment.end ?? ''}${segment.step !== undefined ? `:${segment.step}` : ''}]`;
    case 'filter':
      filters.push(segment.filter);
      return `[?(#${filters.length - 1})]`;
    case 'descent': return '..' + librarySegment(segment.then, filters);
  }
}

function isJsonLocation(document: unknown, pointer: string): boolean {
  let current: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= current.length) return false;
      current = current[Number(token)];
    } else if (isPlainObject(current) && Object.prototype.hasOwnProperty.call(current, token)) {
      current = current[token];
    } else {
      return false;
    }
  }
  return true;
}

/** Jayway's filter semantics: a missing field or a comparison across types is false, never an error. */
function testFilter(filter: FilterExpr, item: unknown): boolean {
  switch (filter.kind) {
    case 'and': return testFilter(filter.left, item) && testFilter(filter.right, item);
    case 'or': return testFilter(filter.left, item) || testFilter(filter.right, item);
    case 'exists': return walk(item, filter.path).found;
  }
  const left = operandValue(filter.left, item);
  const right = operandValue(filter.right, item);
  if (!left.found || !right.found) return filter.op === '!=' && left.found !== right.found;
  const a = left.value;
  const b = right.value;
  if (filter.op === '==') return jsonEqual(a, b);
  if (filter.op === '!=') return !jsonEqual(a, b);
  const comparable = (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string');
  if (!comparable) return false;
  const cmp = (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
  switch (filter.op) {
    case '<': return cmp < 0;
    case '<=': return cmp <= 0;
    case '>': return cmp > 0;
    default: return cmp >= 0;
  }
}

function operandValue(side: FilterOperand, item: unknown): { found: boolean; value?: unknown } {
  return side.kind === 'literal' ? { found: true, value: side.value } : walk(item, side.path);
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}
