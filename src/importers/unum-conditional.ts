import { ConditionJson } from '../protocol/conditions';

/**
 * The `Conditional` expressions of original unum configurations
 * (`$ret == 'hello'`, `$0 == $size - 1`, `$0 < $size-1 and $0 > 0`). The
 * original runtime substituted the variables into the string and ran
 * Python's `eval`; here a small grammar parses exactly the subset those
 * expressions use, and anything else is an error, never code:
 *
 *   or      := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | compare
 *   compare := sum (('==' | '!=' | '<' | '<=' | '>' | '>=') sum)?
 *   sum     := unary (('+' | '-') unary)*
 *   unary   := '-' unary | atom
 *   atom    := number | string | True | False | None | '(' or ')'
 *            | '$ret' ('.' name | '[' string | integer ']')* | '$size' | '$' digits
 */

export type CondExpr =
  | { readonly kind: 'or' | 'and'; readonly items: readonly CondExpr[] }
  | { readonly kind: 'not'; readonly item: CondExpr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: CondExpr; readonly right: CondExpr }
  | { readonly kind: 'arith'; readonly op: '+' | '-'; readonly left: CondExpr; readonly right: CondExpr }
  | { readonly kind: 'neg'; readonly item: CondExpr }
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  /** `$ret` and a path into it. */
  | { readonly kind: 'ret'; readonly path: ReadonlyArray<string | number> }
  /** `$N`: the fan-out index N levels out (0 = the innermost). */
  | { readonly kind: 'index'; readonly level: number }
  | { readonly kind: 'size' };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** A Conditional that cannot be parsed or kept; the message says why, without the function (the caller adds it). */
export class ConditionalError extends Error {}

type Token = { readonly type: 'num' | 'str' | 'op' | 'word' | 'var'; readonly text: string; readonly value?: string | number; readonly at: number };

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', '+', '-', '.'];
const WORDS = new Set(['and', 'or', 'not', 'True', 'False', 'None']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) { i++; continue; }
    const at = i;
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(source.slice(i))!;
      tokens.push({ type: 'num', text: m[0], value: Number(m[0]), at });
      i += m[0].length;
      continue;
    }
    if (c === '\'' || c === '"') {
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\') {
          const e = source[i + 1];
          if (e !== '\\' && e !== '\'' && e !== '"') throw new ConditionalError(`unsupported escape '\\${e ?? ''}' in a string at ${i + 1}`);
          value += e;
          i += 2;
        } else {
          value += source[i++];
        }
      }
      if (i >= source.length) throw new ConditionalError(`unterminated string starting at ${at + 1}`);
      i++;
      tokens.push({ type: 'str', text: source.slice(at, i), value, at });
      continue;
    }
    if (c === '$') {
      const m = /^\$(ret|size|[0-9]+)\b/.exec(source.slice(i));
      if (!m) throw new ConditionalError(`unknown variable at ${at + 1}: use $ret, $size or $0, $1, …`);
      tokens.push({ type: 'var', text: m[0], at });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i))!;
      tokens.push({ type: 'word', text: m[0], at });
      i += m[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ConditionalError(`unexpected '${c}' at ${at + 1}`);
    tokens.push({ type: 'op', text: op, at });
    i += op.length;
  }
  return tokens;
}

/** Parses a Conditional; throws ConditionalError naming what is not allowed. */
export function parseConditional(source: string): CondExpr {
  if (typeof source !== 'string' || source.trim() === '') throw new ConditionalError('the Conditional must be a non-empty string');
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const where = (t: Token | undefined) => (t ? `'${t.text}' at ${t.at + 1}` : 'the end');
  const isOp = (text: string) => peek()?.type === 'op' && peek()!.text === text;
  const isWord = (text: string) => peek()?.type === 'word' && peek()!.text === text;
  const expect = (text: string) => {
    if (!isOp(text)) throw new ConditionalError(`expected '${text}' but found ${where(peek())}`);
    pos++;
  };

  const or = (): CondExpr => {
    const items = [and()];
    while (isWord('or')) { pos++; items.push(and()); }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const and = (): CondExpr => {
    const items = [not()];
    while (isWord('and')) { pos++; items.push(not()); }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const not = (): CondExpr => {
    if (isWord('not')) { pos++; return { kind: 'not', item: not() }; }
    return compare();
  };
  const compare = (): CondExpr => {
    const left = sum();
    const t = peek();
    if (t?.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      pos++;
      const right = sum();
      const next = peek();
      if (next?.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(next.text)) {
        throw new ConditionalError(`chained comparison at ${next.at + 1}: write it with 'and'`);
      }
      return { kind: 'compare', op: t.text as CompareOp, left, right };
    }
    return left;
  };
  const sum = (): CondExpr => {
    let left = unary();
    while (isOp('+') || isOp('-')) {
      const op = tokens[pos++].text as '+' | '-';
      left = { kind: 'arith', op, left, right: unary() };
    }
    return left;
  };
  const unary = (): CondExpr => {
    if (isOp('-')) { pos++; return { kind: 'neg', item: unary() }; }
    return atom();
  };
  const atom = (): CondExpr => {
    const t = peek();
    if (!t) throw new ConditionalError('the expression ends too early');
    pos++;
    switch (t.type) {
      case 'num': return { kind: 'literal', value: t.value as number };
      case 'str': return { kind: 'literal', value: t.value as string };
      case 'word':
        if (t.text === 'True' || t.text === 'False') return { kind: 'literal', value: t.text === 'True' };
        if (t.text === 'None') return { kind: 'literal', value: null };
        throw new ConditionalError(WORDS.has(t.text)
          ? `unexpected '${t.text}' at ${t.at + 1}`
          : `unknown name '${t.text}' at ${t.at + 1}: only $ret, $size, $N, literals, comparisons and and/or/not are allowed`);
      case 'var': {
        if (t.text === '$size') return { kind: 'size' };
        if (t.text !== '$ret') return { kind: 'index', level: Number(t.text.slice(1)) };
        const path: Array<string | number> = [];
        for (;;) {
          if (isOp('.')) {
            pos++;
            const name = peek();
            if (name?.type !== 'word' || WORDS.has(name.text)) throw new ConditionalError(`expected a field name after '.' but found ${where(name)}`);
            pos++;
            path.push(name.text);
          } else if (isOp('[')) {
            pos++;
            const key = peek();
            if (key?.type === 'str') path.push(key.value as string);
            else if (key?.type === 'num' && Number.isInteger(key.value)) path.push(key.value as number);
            else throw new ConditionalError(`expected a string or an integer index in [ ] but found ${where(key)}`);
            pos++;
            expect(']');
          } else {
            return { kind: 'ret', path };
          }
        }
      }
      case 'op':
        if (t.text === '(') {
          const inner = or();
          expect(')');
          return inner;
        }
        throw new ConditionalError(`unexpected ${where(t)}`);
    }
  };

  const expr = or();
  if (pos < tokens.length) {
    const t = tokens[pos];
    throw new ConditionalError(t.type === 'op' && t.text === '(' ? `calls are not allowed (at ${t.at + 1})` : `unexpected ${where(t)}`);
  }
  return expr;
}

/** Whether the expression reads the fan-out index or size ($N, $size), which cdk-unum's Conditions cannot see. */
export function usesFanOut(e: CondExpr): boolean {
  switch (e.kind) {
    case 'index': case 'size': return true;
    case 'ret': case 'literal': return false;
    case 'or': case 'and': return e.items.some(usesFanOut);
    case 'not': case 'neg': return usesFanOut(e.item);
    case 'compare': case 'arith': return usesFanOut(e.left) || usesFanOut(e.right);
  }
}

/**
 * `$0 == $size - 1` (either way round): only the last instance of a map
 * invokes the fan-in. cdk-unum's join protocol lets whichever branch
 * completes the join invoke it, so the condition is not needed.
 */
export function isLastInstance(e: CondExpr): boolean {
  if (e.kind !== 'compare' || e.op !== '==') return false;
  const isIndex = (x: CondExpr) => x.kind === 'index' && x.level === 0;
  const isSizeMinusOne = (x: CondExpr) => x.kind === 'arith' && x.op === '-' && x.left.kind === 'size'
    && x.right.kind === 'literal' && x.right.value === 1;
  return (isIndex(e.left) && isSizeMinusOne(e.right)) || (isIndex(e.right) && isSizeMinusOne(e.left));
}

const FLIP: Record<CompareOp, CompareOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const SUFFIX: Record<Exclude<CompareOp, '!='>, string> = { '==': 'Equals', '<': 'LessThan', '<=': 'LessThanEquals', '>': 'GreaterThan', '>=': 'GreaterThanEquals' };

/**
 * The Condition that decides like the expression on `$ret` (the function's
 * output): comparisons of `$ret` (or a field of it) with a literal, combined
 * with and/or/not. Throws ConditionalError for what has no Condition.
 */
export function toConditionJson(e: CondExpr): ConditionJson {
  switch (e.kind) {
    case 'or': case 'and': return { op: e.kind, conditions: e.items.map(toConditionJson) };
    case 'not': return { op: 'not', condition: toConditionJson(e.item) };
    case 'compare': break;
    case 'ret': throw new ConditionalError(`'${show(e)}' alone tests Python truthiness, which has no Condition: compare it, e.g. ${show(e)} == True`);
    default: throw new ConditionalError(`'${show(e)}' is not a condition: compare $ret with a literal`);
  }
  if (usesFanOut(e)) throw new ConditionalError(`'${show(e)}' reads the fan-out index or size ($N, $size), which cdk-unum Conditions cannot see`);
  let { op, left, right } = e;
  if (left.kind !== 'ret' && right.kind === 'ret') {
    [left, right] = [right, left];
    op = FLIP[op];
  }
  if (left.kind !== 'ret') throw new ConditionalError(`'${show(e)}' does not read $ret: a comparison needs $ret on one side`);
  const path = jsonPath(left.path);
  if (right.kind === 'neg' && right.item.kind === 'literal' && typeof right.item.value === 'number') right = { kind: 'literal', value: -right.item.value };
  if (right.kind === 'ret') {
    throw new ConditionalError(`'${show(e)}' compares two parts of $ret, whose type the import cannot know: compare one with a literal`);
  }
  if (right.kind !== 'literal') throw new ConditionalError(`'${show(e)}': the other side of a comparison with $ret must be a literal`);
  const value = right.value;
  const negate = (c: ConditionJson): ConditionJson => (op === '!=' ? { op: 'not', condition: c } : c);
  if (value === null) {
    if (op !== '==' && op !== '!=') throw new ConditionalError(`'${show(e)}': None can only be compared with == or !=`);
    return negate({ op: 'isNull', path, value: true });
  }
  if (typeof value === 'boolean') {
    if (op !== '==' && op !== '!=') throw new ConditionalError(`'${show(e)}': True/False can only be compared with == or !=`);
    return negate({ op: 'booleanEquals', path, value });
  }
  const kind = typeof value === 'string' ? 'string' : 'number';
  const base = SUFFIX[op === '!=' ? '==' : op];
  return negate({ op: `${kind}${base}` as 'stringEquals', path, value } as ConditionJson);
}

function jsonPath(path: ReadonlyArray<string | number>): string {
  return '$' + path.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `['${p.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}']`)).join('');
}

/** The expression written back in the configuration's syntax (for messages). */
export function show(e: CondExpr): string {
  switch (e.kind) {
    case 'or': case 'and': return e.items.map((i) => (i.kind === 'or' || i.kind === 'and' ? `(${show(i)})` : show(i))).join(` ${e.kind} `);
    case 'not': return `not ${show(e.item)}`;
    case 'neg': return `-${show(e.item)}`;
    case 'compare': return `${show(e.left)} ${e.op} ${show(e.right)}`;
    case 'arith': return `${show(e.left)} ${e.op} ${show(e.right)}`;
    case 'literal': return e.value === null ? 'None' : typeof e.value === 'boolean' ? (e.value ? 'True' : 'False') : typeof e.value === 'string' ? `'${e.value}'` : String(e.value);
    case 'ret': return '$ret' + e.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    case 'index': return `$${e.level}`;
    case 'size': return '$size';
  }
}
