import { createHash, randomUUID } from 'crypto';
import { DataFlowError } from './dataflow-error';
import { jsonType } from './json-type';
import { parseQuery, queryPath } from './jsonpath';

/**
 * Step Functions' intrinsic functions (`States.Format(...)` and the others),
 * the value of a payload template's `.$` key when it starts with `States.`.
 * Expressions are parsed into a tree first (so synth can check them), then
 * evaluated against the state's input and the context object. Arguments are
 * string literals ('...' with the escapes \' \{ \} \\), numbers, true, false,
 * null, JSONPaths ($.x), context paths ($$.x) and nested calls, at most
 * 10 deep as in Step Functions.
 */

export type IntrinsicArgument =
  | { readonly kind: 'string'; readonly value: string; readonly raw: string }
  | { readonly kind: 'literal'; readonly value: number | boolean | null }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: IntrinsicCall };

export interface IntrinsicCall {
  readonly name: string;
  readonly args: readonly IntrinsicArgument[];
}

/** Step Functions' limits on intrinsics. */
export const INTRINSIC_LIMITS = {
  nesting: 10,
  arrayRangeItems: 1000,
  encodedInputChars: 10_000,
} as const;

export const HASH_ALGORITHMS: Record<string, string> = { 'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

const INT32 = { min: -2147483648, max: 2147483647 };

/** True when a `.$` value is an intrinsic call rather than a path. */
export function isIntrinsic(expression: string): boolean {
  return /^States\.[A-Za-z0-9]+\(/.test(expression);
}

/** Parses an intrinsic expression; throws naming the position when it is not one Step Functions accepts. */
export function parseIntrinsic(expression: string): IntrinsicCall {
  const parser = new Parser(expression);
  const call = parser.call(1);
  parser.skipSpaces();
  if (!parser.done()) parser.fail('unexpected text after the closing parenthesis');
  return call;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  fail(what: string): never {
    throw new Error(`intrinsic function '${this.text}' is not valid at position ${this.at}: ${what}`);
  }

  skipSpaces(): void {
    while (this.text[this.at] === ' ') this.at++;
  }

  call(depth: number): IntrinsicCall {
    if (depth > INTRINSIC_LIMITS.nesting) this.fail(`intrinsic functions nest at most ${INTRINSIC_LIMITS.nesting} deep`);
    const m = /^States\.([A-Za-z0-9]+)\(/.exec(this.text.slice(this.at));
    if (!m) this.fail('expected States.<Function>(');
    const name = m[1];
    if (!(name in FUNCTIONS)) this.fail(`States.${name} is not an intrinsic function (known: ${Object.keys(FUNCTIONS).map((n) => `States.${n}`).join(', ')})`);
    this.at += m[0].length;
    const args: IntrinsicArgument[] = [];
    this.skipSpaces();
    if (this.text[this.at] === ')') {
      this.at++;
      return { name, args };
    }
    for (;;) {
      this.skipSpaces();
      args.push(this.argument(depth));
      this.skipSpaces();
      const c = this.text[this.at];
      this.at++;
      if (c === ')') return { name, args };
      if (c !== ',') { this.at--; this.fail("expected ',' or ')'"); }
    }
  }

  private argument(depth: number): IntrinsicArgument {
    const rest = this.text.slice(this.at);
    if (rest.startsWith("'")) return this.stringLiteral();
    if (rest.startsWith('States.')) return { kind: 'call', call: this.call(depth + 1) };
    if (rest.startsWith('$')) return { kind: 'path', path: this.path() };
    const literal = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=\s*[,)])/.exec(rest);
    if (!literal) this.fail('expected a string in single quotes, a number, true, false, null, a JSONPath or States.<Function>(...)');
    this.at += literal[0].length;
    return { kind: 'literal', value: JSON.parse(literal[0]) as number | boolean | null };
  }

  private stringLiteral(): IntrinsicArgument {
    const start = ++this.at;
    let value = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail('unterminated string (a quote inside a string is written \\\')');
      if (c === "'") break;
      if (c === '\\') {
        const escaped = this.text[this.at + 1];
        if (escaped === undefined || !"'{}\\".includes(escaped)) this.fail("in a string, \\ escapes only ', {, } and \\");
        value += escaped;
        this.at += 2;
        continue;
      }
      value += c;
      this.at++;
    }
    const raw = this.text.slice(start, this.at);
    this.at++;
    return { kind: 'string', value, raw };
  }

  /** A path runs to the ',' or ')' that is outside brackets, parentheses and quotes. */
  private path(): string {
    const start = this.at;
    let depth = 0;
    let quote: string | undefined;
    for (; this.at < this.text.length; this.at++) {
      const c = this.text[this.at];
      if (quote) {
        if (c === '\\') this.at++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '[' || c === '(') {
        depth++;
      } else if (c === ']' || c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        break;
      }
    }
    const path = this.text.slice(start, this.at).trimEnd();
    try {
      parseQuery(path.startsWith('$$') ? path.slice(1) : path);
    } catch (e) {
      this.fail((e as Error).message);
    }
    return path;
  }
}

/** Every path argument of a call, nested calls included (`$$` ones read the context object). */
export function intrinsicPaths(call: IntrinsicCall): string[] {
  return call.args.flatMap((arg) => (arg.kind === 'path' ? [arg.path] : arg.kind === 'call' ? intrinsicPaths(arg.call) : []));
}

/**
 * Parsed calls by expression. A template's expressions come from the
 * configuration, so each is parsed once per runtime, not once per
 * evaluation (a Map of 1,000 items would parse its itemSelector 1,000
 * times); bounded in case expressions were ever built at run time. The trees
 * are read-only.
 */
const PARSED = new Map<string, IntrinsicCall>();
const PARSED_LIMIT = 1024;

/** parseIntrinsic, memoized by expression (an expression that does not parse is not kept and throws each time). */
export function parsedIntrinsic(expression: string): IntrinsicCall {
  let call = PARSED.get(expression);
  if (call === undefined) {
    call = parseIntrinsic(expression);
    if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
    PARSED.set(expression, call);
  }
  return call;
}

/** Evaluates an intrinsic expression against the state's input (`$`) and the context object (`$$`). */
export function evaluateIntrinsic(expression: string, document: unknown, context?: unknown): unknown {
  let call: IntrinsicCall;
  try {
    call = parsedIntrinsic(expression);
  } catch (e) {
    throw new DataFlowError('States.IntrinsicFailure', (e as Error).message);
  }
  return evaluateCall(call, document, context);
}

function evaluateCall(call: IntrinsicCall, document: unknown, context: unknown): unknown {
  const args = call.args.map((arg) => argumentValue(arg, document, context));
  return FUNCTIONS[call.name](args, call);
}

function argumentValue(arg: IntrinsicArgument, document: unknown, context: unknown): unknown {
  switch (arg.kind) {
    case 'string':
    case 'literal':
      return arg.value;
    case 'call':
      return evaluateCall(arg.call, document, context);
    case 'path': {
      const fromContext = arg.path.startsWith('$$');
      if (fromContext && context === undefined) {
        throw new DataFlowError('States.Runtime', `the context path '${arg.path}' cannot be read here: no context object`);
      }
      const found = queryPath(fromContext ? context : document, fromContext ? arg.path.slice(1) : arg.path);
      if (!found.found) throw new DataFlowError('States.Runtime', `the path '${arg.path}' does not match any field of the value`);
      return found.value;
    }
  }
}

type Intrinsic = (args: unknown[], call: IntrinsicCall) => unknown;

function failure(name: string, message: string): DataFlowError {
  return new DataFlowError('States.IntrinsicFailure', `States.${name}: ${message}`);
}

function arity(name: string, args: unknown[], min: number, max: number = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : `${min} to ${max}`;
    throw failure(name, `takes ${expected} argument${max === 1 ? '' : 's'}, got ${args.length}`);
  }
}

function describe(value: unknown): string {
  const type = jsonType(value);
  if (type === 'null') return type;
  return type === 'array' || type === 'object' ? `an ${type}` : `${type} ${JSON.stringify(value)}`;
}

function expectArray(name: string, value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw failure(name, `${what} must be an array, got ${describe(value)}`);
  return value;
}

function expectString(name: string, value: unknown, what: string): string {
  if (typeof value !== 'string') throw failure(name, `${what} must be a string, got ${describe(value)}`);
  return value;
}

function expectInteger(name: string, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw failure(name, `${what} must be an integer, got ${describe(value)}`);
  return value;
}

function expectObject(name: string, value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw failure(name, `${what} must be a JSON object, got ${describe(value)}`);
  return value as Record<string, unknown>;
}

function limitLength(name: string, text: string): string {
  if (text.length > INTRINSIC_LIMITS.encodedInputChars) {
    throw failure(name, `the input has ${text.length} characters; Step Functions allows at most ${INTRINSIC_LIMITS.encodedInputChars}`);
  }
  return text;
}

/** JSON equality (key order ignored), as Step Functions compares array elements. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k)
    && jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** How States.Format writes a value into its template. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The `{}` placeholders of a Format template; escaped braces (\{ \}) are literal. */
function formatPieces(raw: string): string[] {
  const pieces: string[] = [''];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      pieces[pieces.length - 1] += raw[i + 1];
      i++;
    } else if (c === '{' && raw[i + 1] === '}') {
      pieces.push('');
      i++;
    } else {
      pieces[pieces.length - 1] += c;
    }
  }
  return pieces;
}

/**
 * java.util.Random's generator (48-bit linear congruential), so a seeded
 * States.MathRandom (and JSONata's seeded $random) gives the same number in every runtime.
 */
// java.util.Random is defined by 48-bit arithmetic on bits; BigInt keeps it exact.
/* eslint-disable no-bitwise */
function javaRandom(seed: number): (bits: number) => number {
  const MASK = (BigInt(1) << BigInt(48)) - BigInt(1);
  const MULTIPLIER = BigInt('0x5DEECE66D');
  let state = (BigInt.asIntN(64, BigInt(seed)) ^ MULTIPLIER) & MASK;
  return (bits) => {
    state = (state * MULTIPLIER + BigInt(11)) & MASK;
    return Number(BigInt.asIntN(32, state >> BigInt(48 - bits)));
  };
}

/** java.util.Random(seed).nextInt(bound). */
export function seededRandomInt(seed: number, bound: number): number {
  const next = javaRandom(seed);
  if ((bound & -bound) === bound) return Number((BigInt(bound) * BigInt(next(31))) >> BigInt(31));
  for (;;) {
    const bits = next(31);
    const value = bits % bound;
    if (bits - value + (bound - 1) <= INT32.max) return value;
  }
}

/** java.util.Random(seed).nextDouble(): 0 <= n < 1, from 53 random bits (26 then 27, as Java draws them). */
export function seededRandomFraction(seed: number): number {
  const next = javaRandom(seed);
  const high = next(26);
  return (high * 2 ** 27 + next(27)) / 2 ** 53;
}
/* eslint-enable no-bitwise */

const FUNCTIONS: Record<string, Intrinsic> = {
  Format: (args, call) => {
    if (args.length < 1) throw failure('Format', 'takes a template string and one argument per {}');
    const first = call.args[0];
    const template = expectString('Format', args[0], 'the template');
    const pieces = formatPieces(first.kind === 'string' ? first.raw : template.replace(/\\/g, '\\\\'));
    const values = args.slice(1);
    if (pieces.length - 1 !== values.length) {
      throw failure('Format', `the template has ${pieces.length - 1} placeholder${pieces.length === 2 ? '' : 's'} {} but ${values.length} argument${values.length === 1 ? ' was' : 's were'} given`);
    }
    return pieces.reduce((out, piece, i) => out + (i === 0 ? '' : formatValue(values[i - 1])) + piece, '');
  },
  StringToJson: (args) => {
    arity('StringToJson', args, 1);
    const text = expectString('StringToJson', args[0], 'the argument');
    try {
      return JSON.parse(text);
    } catch {
      throw failure('StringToJson', `the string is not JSON: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`);
    }
  },
  JsonToString: (args) => {
    arity('JsonToString', args, 1);
    return JSON.stringify(args[0]);
  },
  Array: (args) => args,
  ArrayPartition: (args) => {
    arity('ArrayPartition', args, 2);
    const array = expectArray('ArrayPartition', args[0], 'the first argument');
    const size = expectInteger('ArrayPartition', args[1], 'the chunk size');
    if (size < 1) throw failure('ArrayPartition', `the chunk size must be positive, got ${size}`);
    const chunks: unknown[][] = [];
    for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
    return chunks;
  },
  ArrayContains: (args) => {
    arity('ArrayContains', args, 2);
    return expectArray('ArrayContains', args[0], 'the first argument').some((x) => jsonEquals(x, args[1]));
  },
  ArrayRange: (args) => {
    arity('ArrayRange', args, 3);
    const [start, end, step] = args.map((a, i) => expectInteger('ArrayRange', a, ['the start', 'the end', 'the step'][i]));
    if (step === 0) throw failure('ArrayRange', 'the step must not be 0');
    const count = (end - start) / step < 0 ? 0 : Math.floor((end - start) / step) + 1;
    if (count > INTRINSIC_LIMITS.arrayRangeItems) {
      throw failure('ArrayRange', `the range has ${count} items; Step Functions allows at most ${INTRINSIC_LIMITS.arrayRangeItems}`);
    }
    return Array.from({ length: count }, (_x, i) => start + i * step);
  },
  ArrayGetItem: (args) => {
    arity('ArrayGetItem', args, 2);
    const array = expectArray('ArrayGetItem', args[0], 'the first argument');
    const index = expectInteger('ArrayGetItem', args[1], 'the index');
    if (index < 0 || index >= array.length) throw failure('ArrayGetItem', `index ${index} is outside the array of ${array.length} items`);
    return array[index];
  },
  ArrayLength: (args) => {
    arity('ArrayLength', args, 1);
    return expectArray('ArrayLength', args[0], 'the argument').length;
  },
  ArrayUnique: (args) => {
    arity('ArrayUnique', args, 1);
    const unique: unknown[] = [];
    for (const x of expectArray('ArrayUnique', args[0], 'the argument')) if (!unique.some((u) => jsonEquals(u, x))) unique.push(x);
    return unique;
  },
  Base64Encode: (args) => {
    arity('Base64Encode', args, 1);
    return Buffer.from(limitLength('Base64Encode', expectString('Base64Encode', args[0], 'the argument')), 'utf8').toString('base64');
  },
  Base64Decode: (args) => {
    arity('Base64Decode', args, 1);
    const text = limitLength('Base64Decode', expectString('Base64Decode', args[0], 'the argument'));
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) throw failure('Base64Decode', 'the argument is not base64');
    return Buffer.from(text, 'base64').toString('utf8');
  },
  Hash: (args) => {
    arity('Hash', args, 2);
    const data = limitLength('Hash', typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]));
    const algorithm = expectString('Hash', args[1], 'the algorithm');
    const node = HASH_ALGORITHMS[algorithm];
    if (!node) throw failure('Hash', `the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}, got ${JSON.stringify(algorithm)}`);
    return createHash(node).update(data, 'utf8').digest('hex');
  },
  JsonMerge: (args) => {
    arity('JsonMerge', args, 3);
    const left = expectObject('JsonMerge', args[0], 'the first argument');
    const right = expectObject('JsonMerge', args[1], 'the second argument');
    if (args[2] !== false) throw failure('JsonMerge', `the third argument (deep merge) must be false: Step Functions merges shallowly only, got ${describe(args[2])}`);
    return { ...left, ...right };
  },
  MathRandom: (args) => {
    arity('MathRandom', args, 2, 3);
    const start = expectInteger('MathRandom', args[0], 'the start');
    const end = expectInteger('MathRandom', args[1], 'the end');
    if (end <= start) throw failure('MathRandom', `the end (${end}) must be greater than the start (${start})`);
    if (args.length === 3) return start + seededRandomInt(expectInteger('MathRandom', args[2], 'the seed'), end - start);
    return start + Math.floor(Math.random() * (end - start));
  },
  MathAdd: (args) => {
    arity('MathAdd', args, 2);
    const [a, b] = args.map((x, i) => {
      const n = expectInteger('MathAdd', x, i === 0 ? 'the first argument' : 'the step');
      if (n < INT32.min || n > INT32.max) throw failure('MathAdd', `${n} is outside the 32-bit integer range`);
      return n;
    });
    return a + b;
  },
  StringSplit: (args) => {
    arity('StringSplit', args, 2);
    const text = expectString('StringSplit', args[0], 'the first argument');
    const delimiters = expectString('StringSplit', args[1], 'the delimiters');
    const tokens: string[] = [];
    let token = '';
    for (const c of text) {
      if (delimiters.includes(c)) {
        if (token !== '') tokens.push(token);
        token = '';
      } else {
        token += c;
      }
    }
    if (token !== '') tokens.push(token);
    return tokens;
  },
  UUID: (args) => {
    arity('UUID', args, 0);
    return randomUUID();
  },
};

/**
 * One intrinsic applied to argument values (not Format, whose template is
 * its source text): Step Functions' JSONata functions ($partition, $range,
 * $hash, $uuid, $parse) are these intrinsics under other names (jsonata.ts).
 */
export function callIntrinsicFunction(name: string, args: unknown[]): unknown {
  const fn = FUNCTIONS[name];
  if (!fn || name === 'Format') throw new Error(`'${name}' is not an intrinsic that takes argument values only`);
  return fn(args, { name, args: [] });
}
