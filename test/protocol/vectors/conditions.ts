import { file, run, Vector, VectorFile } from './support';
import { ConditionJson, evaluateCondition, validateCondition } from '../../../src/protocol/conditions';
import { parsePath } from '../../../src/protocol/jsonpath';

const DOC = {
  greeting: 'hello',
  empty: '',
  star: 'a*b',
  multi: 'line1\nline2',
  trailingNl: 'hello\n',
  astral: '😀',
  bmpHigh: '\uffff',
  accent: 'é',
  count: 3,
  zero: 0,
  neg: -2.5,
  big: 9007199254740993,
  tiny: 5e-324,
  float: 0.30000000000000004,
  ok: true,
  no: false,
  nothing: null,
  list: [{ name: 'a' }, { name: 'b' }],
  obj: { 'odd key': 'x', 'q\'uote': 1 },
  when: '2026-11-21T10:00:00Z',
  whenOffset: '2026-11-21T11:00:00+01:00',
  whenMs: '2026-11-21T10:00:00.0009Z',
  leap: '2024-02-29T00:00:00Z',
  feb30: '2023-02-30T00:00:00Z',
  mar2: '2023-03-02T00:00:00Z',
  midnight24: '2026-11-20T24:00:00Z',
  nextDay: '2026-11-21T00:00:00Z',
  badHour: '2026-11-21T25:00:00Z',
  lower: '2026-11-21t10:00:00z',
  noZone: '2026-11-21T10:00:00',
  day32: '2026-01-32T00:00:00Z',
  sec60: '2026-01-01T00:00:60Z',
  offset24: '2026-01-01T00:00:00+24:00',
  year0: '0000-01-01T00:00:00Z',
  arabicDigits: '٢٠٢٦-11-21T10:00:00Z',
  h24frac: '2026-11-20T24:00:00.001Z',
  h24zeros: '2026-11-20T24:00:00.000Z',
  apr31: '2026-04-31T00:00:00Z',
  may1: '2026-05-01T00:00:00Z',
  numString: '3',
  other: 'hello',
};

const STRINGS = ['hello', 'hellp', 'hell', '', 'Hello', '😀', '\uffff', 'é', 'e'];
const NUMBERS = [3, 2.9999999999999996, 4, -2.5, 0, 9007199254740992, 5e-324, 0.3];
const TIMES = ['2026-11-21T10:00:00Z', '2026-11-21T10:00:00.000Z', '2026-11-21T09:59:59.999Z', '2026-11-21T10:00:00.001Z',
  '2026-11-21T10:00:00+00:00', '2026-11-21T05:00:00-05:00', 'not a time', '2026-11-21'];

const leaf = (op: string, path: string, value: unknown): ConditionJson => ({ op, path, value } as unknown as ConditionJson);

function conditions(): Array<[string, ConditionJson]> {
  const out: Array<[string, ConditionJson]> = [];
  const ops = ['Equals', 'LessThan', 'GreaterThan', 'LessThanEquals', 'GreaterThanEquals'];
  for (const rel of ops) {
    for (const path of ['$.greeting', '$.astral', '$.bmpHigh', '$.accent', '$.empty', '$.count', '$.missing', '$.nothing']) {
      for (const v of STRINGS) out.push([`string${rel} ${path} ${JSON.stringify(v)}`, leaf(`string${rel}`, path, v)]);
    }
    for (const path of ['$.count', '$.neg', '$.zero', '$.big', '$.tiny', '$.float', '$.numString', '$.ok', '$.missing']) {
      for (const v of NUMBERS) out.push([`number${rel} ${path} ${v}`, leaf(`number${rel}`, path, v)]);
    }
    for (const path of ['$.when', '$.whenOffset', '$.whenMs', '$.midnight24', '$.nextDay', '$.feb30', '$.lower', '$.noZone', '$.count']) {
      for (const v of TIMES) out.push([`timestamp${rel} ${path} ${v}`, leaf(`timestamp${rel}`, path, v)]);
    }
    for (const [a, b] of [['greeting', 'other'], ['greeting', 'empty'], ['count', 'zero'], ['when', 'whenOffset'], ['feb30', 'mar2'],
      ['midnight24', 'nextDay'], ['apr31', 'may1'], ['count', 'greeting'], ['count', 'missing'], ['missing', 'count']]) {
      for (const kind of ['string', 'number', 'timestamp']) {
        out.push([`${kind}${rel}Path $.${a} $.${b}`, { op: `${kind}${rel}Path`, path: `$.${a}`, otherPath: `$.${b}` } as unknown as ConditionJson]);
      }
    }
  }
  const patterns = ['hello', 'h*', '*o', 'h*l*o', '*', '', 'hel', 'a\\*b', 'a*b', 'a\\b', 'line1*', '*line2', 'line1\nline2', 'h.llo', 'h?llo',
    '(hello)', '[h]ello', 'hello\\', '\\h\\e\\l\\l\\o', '😀', '*😀*', '**', 'HELLO', '^hello$'];
  for (const path of ['$.greeting', '$.star', '$.multi', '$.trailingNl', '$.astral', '$.empty', '$.count']) {
    for (const p of patterns) out.push([`stringMatches ${path} ${JSON.stringify(p)}`, leaf('stringMatches', path, p)]);
  }
  for (const path of ['$.ok', '$.no', '$.nothing', '$.count', '$.missing']) {
    for (const v of [true, false]) out.push([`booleanEquals ${path} ${v}`, leaf('booleanEquals', path, v)]);
    out.push([`booleanEqualsPath ${path} $.ok`, { op: 'booleanEqualsPath', path, otherPath: '$.ok' } as unknown as ConditionJson]);
  }
  const typed = ['$.greeting', '$.count', '$.ok', '$.nothing', '$.missing', '$.list', '$.obj', '$.when', '$.whenMs', '$.midnight24',
    '$.feb30', '$.apr31', '$.day32', '$.sec60', '$.offset24', '$.year0', '$.badHour', '$.lower', '$.noZone', '$.arabicDigits', '$.h24frac', '$.h24zeros',
    '$.list[0].name', '$.list[2]', "$.obj['odd key']", '$.obj["q\'uote"]', "$['greeting']", '$'];
  for (const op of ['isPresent', 'isNull', 'isString', 'isNumeric', 'isBoolean', 'isTimestamp']) {
    for (const path of typed) {
      out.push([`${op} ${path} true`, leaf(op, path, true)]);
      out.push([`${op} ${path} false`, leaf(op, path, false)]);
    }
  }
  const yes = leaf('stringEquals', '$.greeting', 'hello');
  const no = leaf('numberGreaterThan', '$.count', 10);
  out.push(
    ['and yes yes', { op: 'and', conditions: [yes, yes] }], ['and yes no', { op: 'and', conditions: [yes, no] }],
    ['or no yes', { op: 'or', conditions: [no, yes] }], ['or no no', { op: 'or', conditions: [no, no] }],
    ['not yes', { op: 'not', condition: yes }], ['not no', { op: 'not', condition: no }],
    ['and of none', { op: 'and', conditions: [] }], ['or of none', { op: 'or', conditions: [] }],
    ['nested', { op: 'or', conditions: [{ op: 'and', conditions: [yes, { op: 'not', condition: no }] }, no] }],
    ['typed value mismatch: isNull with value 1', leaf('isNull', '$.nothing', 1)],
    ['isPresent without a value', { op: 'isPresent', path: '$.greeting' } as unknown as ConditionJson],
    ['stringEquals without a value', { op: 'stringEquals', path: '$.greeting' } as unknown as ConditionJson],
    ['numberEqualsPath without otherPath', { op: 'numberEqualsPath', path: '$.count' } as unknown as ConditionJson],
    ['stringEquals without a path', { op: 'stringEquals', value: 'hello' } as unknown as ConditionJson],
    ['list element field', leaf('stringEquals', '$.list[1].name', 'b')],
    ['quoted key', leaf('stringEquals', "$.obj['odd key']", 'x')],
  );
  return out;
}

const INVALID: Array<[string, unknown]> = [
  ['unknown operator', { op: 'stringContains', path: '$.a', value: 'x' }],
  ['unknown Path operator', { op: 'fooPath', path: '$.a', otherPath: '$.b' }],
  ['number with a string value', { op: 'numberEquals', path: '$.a', value: '1' }],
  ['string with a number value', { op: 'stringEquals', path: '$.a', value: 1 }],
  ['boolean with a string', { op: 'booleanEquals', path: '$.a', value: 'true' }],
  ['type test without value', { op: 'isPresent', path: '$.a' }],
  ['timestamp with a number', { op: 'timestampEquals', path: '$.a', value: 0 }],
  ['value null', { op: 'stringEquals', path: '$.a', value: null }],
  ['value object', { op: 'stringEquals', path: '$.a', value: { x: [1.5, 'é'] } }],
  ['path without $', { op: 'stringEquals', path: 'a', value: 'x' }],
  ['path with a filter', { op: 'stringEquals', path: '$.a[?(@.b)]', value: 'x' }],
  ['path missing', { op: 'stringEquals', value: 'x' }],
  ['path a number', { op: 'stringEquals', path: 5, value: 'x' }],
  ['bad otherPath', { op: 'numberEqualsPath', path: '$.a', otherPath: '$..b' }],
  ['otherPath missing', { op: 'numberEqualsPath', path: '$.a' }],
  ['empty and', { op: 'and', conditions: [] }],
  ['or without conditions', { op: 'or' }],
  ['nested problems', { op: 'and', conditions: [{ op: 'not', condition: { op: 'isNull', path: '$.x y', value: 'no' } }, { op: 'or', conditions: [] }] }],
  ['valid nested', { op: 'or', conditions: [{ op: 'not', condition: { op: 'isNull', path: '$.x', value: true } }] }],
  ['valid wildcard', { op: 'stringMatches', path: "$['a b'][0]", value: '*' }],
];

/** The part of DOC a condition reads (its paths' first fields), so each case carries a small document. */
function documentFor(c: ConditionJson): unknown {
  const fields = new Set<string>();
  const visit = (x: any): void => {
    if (x.conditions) {x.conditions.forEach(visit);} else if (x.condition) {visit(x.condition);} else {
      for (const path of [x.path, x.otherPath]) {
        if (path === undefined) continue;
        const first = parsePath(path)[0];
        if (first === undefined) fields.add('*');
        else fields.add(String(first));
      }
    }
  };
  visit(c);
  if (fields.has('*')) return DOC;
  return Object.fromEntries(Object.entries(DOC).filter(([k]) => fields.has(k)));
}

export function conditionVectors(): VectorFile {
  const cases: Vector[] = conditions().map(([name, c]) => run(`evaluate ${name}`, 'evaluateCondition', evaluateCondition, [c, documentFor(c)]));
  cases.push(run('evaluate document text with 1.0 and a big integer', 'evaluateCondition', evaluateCondition, [], {
    argsAsText: '[{"op":"numberEqualsPath","path":"$.a","otherPath":"$.b"},{"a":12345678901234567890,"b":12345678901234567891}]',
  }));
  cases.push(run('evaluate numberEquals 1.0 text', 'evaluateCondition', evaluateCondition, [], {
    argsAsText: '[{"op":"numberEquals","path":"$.a","value":1.0},{"a":1}]',
  }));
  cases.push(...INVALID.map(([name, c]) => run(`validate ${name}`, 'validateCondition', validateCondition, [c])));
  // JSONata conditions: a whole Choice rule, evaluated by jsonataCondition (jsonata.json).
  const jsonata: Array<[string, unknown]> = [
    ['jsonata', { op: 'jsonata', expression: '{% $states.input.total > 100 %}' }],
    ['jsonata does not parse', { op: 'jsonata', expression: '{% $states.input.total > %}' }],
    ['jsonata not an expression', { op: 'jsonata', expression: '$states.input.total > 100' }],
    ['jsonata not a string', { op: 'jsonata', expression: 5 }],
    ['jsonata inside not', { op: 'not', condition: { op: 'jsonata', expression: '{% true %}' } }],
    ['jsonata inside and', { op: 'and', conditions: [{ op: 'isPresent', path: '$.a', value: true }, { op: 'jsonata', expression: '{% true %}' }] }],
  ];
  cases.push(...jsonata.map(([name, c]) => run(`validate ${name}`, 'validateCondition', validateCondition, [c])));
  cases.push(run('evaluate jsonata refused', 'evaluateCondition', evaluateCondition, [{ op: 'jsonata', expression: '{% true %}' }, {}]));
  return file('Conditions (src/protocol/conditions.ts): evaluateCondition over one document, and validateCondition problems', cases);
}
