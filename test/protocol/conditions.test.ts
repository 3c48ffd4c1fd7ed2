import { Condition } from '../../src';
import { evaluateCondition, validateCondition } from '../../src/protocol/conditions';
import { parsePath, readPath, writePath } from '../../src/protocol/jsonpath';

const doc = {
  'greeting': 'hello',
  'count': 3,
  'ok': true,
  'nothing': null,
  'when': '2026-11-21T10:00:00Z',
  'later': '2026-11-22T00:00:00+01:00',
  'list': [{ name: 'a' }, { name: 'b' }],
  'odd key': 'x',
  'quota': 5,
};
const holds = (c: Condition) => evaluateCondition(c._toJson(), doc);

describe('conditions, as the runtime evaluates them', () => {
  test.each([
    [Condition.stringEquals('$.greeting', 'hello'), true],
    [Condition.stringEquals('$.greeting', 'bye'), false],
    [Condition.stringEquals('$.count', '3'), false],
    [Condition.stringLessThan('$.greeting', 'world'), true],
    [Condition.stringGreaterThanEquals('$.greeting', 'hello'), true],
    [Condition.stringMatches('$.greeting', 'he*o'), true],
    [Condition.stringMatches('$.greeting', 'h\\*'), false],
    [Condition.numberEquals('$.count', 3), true],
    [Condition.numberGreaterThan('$.count', 3), false],
    [Condition.numberGreaterThanEquals('$.count', 3), true],
    [Condition.numberLessThan('$.count', 4), true],
    [Condition.numberLessThanEquals('$.greeting', 4), false],
    [Condition.booleanEquals('$.ok', true), true],
    [Condition.isBoolean('$.missing'), false],
    [Condition.isPresent('$.nothing'), true],
    [Condition.isNotPresent('$.missing'), true],
    [Condition.isNull('$.nothing'), true],
    [Condition.isNotNull('$.count'), true],
    [Condition.isString('$.greeting'), true],
    [Condition.isNumeric('$.greeting'), false],
    [Condition.isBoolean('$.ok'), true],
    [Condition.isTimestamp('$.when'), true],
    [Condition.isTimestamp('$.greeting'), false],
    [Condition.timestampLessThan('$.when', '2026-11-21T10:00:01Z'), true],
    [Condition.timestampGreaterThan('$.later', '2026-11-21T22:00:00Z'), true],
    [Condition.stringEquals('$.list[1].name', 'b'), true],
    [Condition.stringEquals("$['odd key']", 'x'), true],
    [Condition.comparePaths('numberLessThan', '$.count', '$.quota'), true],
    [Condition.not(Condition.isNull('$.missing')), true],
    [Condition.and(Condition.isPresent('$.count'), Condition.numberEquals('$.count', 3)), true],
    [Condition.or(Condition.booleanEquals('$.ok', false), Condition.stringEquals('$.greeting', 'hello')), true],
    [Condition.not(Condition.booleanEquals('$.ok', true)), false],
  ])('%# %j', (condition, expected) => {
    expect(holds(condition)).toBe(expected);
  });

  test('conditions are data: they serialize to JSON and back unchanged', () => {
    const c = Condition.and(Condition.stringEquals('$.a', 'x'), Condition.not(Condition.isNull('$.b')));
    expect(JSON.parse(JSON.stringify(c.renderCondition()))).toEqual({
      op: 'and', conditions: [{ op: 'stringEquals', path: '$.a', value: 'x' }, { op: 'not', condition: { op: 'isNull', path: '$.b', value: true } }],
    });
  });

  // Step Functions: a comparison needs its field (IsPresent tests for one); another type is only false.
  test('a comparison on a missing variable or other path is States.Runtime naming the path, a type test never fails', () => {
    const fails = (c: Condition, path: string) => {
      let error: Error | undefined;
      try {
        holds(c);
      } catch (e) {
        error = e as Error;
      }
      expect(error?.name).toBe('States.Runtime');
      expect(error?.message).toBe(`Invalid path '${path}': The choice state's condition path references an invalid value.`);
    };
    fails(Condition.booleanEquals('$.missing', false), '$.missing');
    fails(Condition.stringEquals('$.list[5].name', 'a'), '$.list[5].name');
    fails(Condition.comparePaths('numberLessThan', '$.count', '$.missing'), '$.missing');
    fails(Condition.comparePaths('numberLessThan', '$.missing', '$.count'), '$.missing');
    fails(Condition.not(Condition.numberEquals('$.missing', 1)), '$.missing');
    // An earlier rule that decides the and/or is not followed by the failing one, as the rules read left to right.
    expect(holds(Condition.and(Condition.isPresent('$.missing'), Condition.numberEquals('$.missing', 1)))).toBe(false);
    expect(holds(Condition.numberEquals('$.greeting', 1))).toBe(false);
    expect(holds(Condition.comparePaths('stringEquals', '$.count', '$.greeting'))).toBe(false);
    for (const test of [Condition.isPresent, Condition.isNotPresent, Condition.isNull, Condition.isNotNull, Condition.isString, Condition.isNumeric,
      Condition.isBoolean, Condition.isTimestamp]) {
      expect(() => holds(test('$.missing'))).not.toThrow();
    }
  });

  // Bad paths are refused by Choice.when(), which can name the Choice (test/constructs/validation.test.ts).
  test('bad paths are found by validateCondition, bad values and operators when the condition is built', () => {
    expect(validateCondition(Condition.stringEquals('greeting', 'x')._toJson())).toEqual([expect.stringMatching(/JSONPath 'greeting' must start with '\$'/)]);
    expect(validateCondition(Condition.stringEquals('$.a[?(@.b.size())]', 'x')._toJson())).toEqual([expect.stringMatching(/is not supported at '\(\)\)\]'/)]);
    expect(validateCondition(Condition.stringEquals('$.a[*].b', 'x')._toJson())).toEqual([]);
    expect(() => Condition.numberEquals('$.a', NaN)).toThrow(/finite number/);
    expect(() => Condition.comparePaths('isNull', '$.a', '$.b')).toThrow(/not a comparison operator/);
    expect(() => Condition.and()).toThrow(/at least one/);
  });
});

describe('JSONPath subset', () => {
  test('parse, read and write', () => {
    expect(parsePath("$.a.b[2]['c d']")).toEqual(['a', 'b', 2, 'c d']);
    expect(readPath({ a: [1, 2] }, '$.a[1]')).toEqual({ found: true, value: 2 });
    expect(readPath({ a: [1, 2] }, '$.a[2]')).toEqual({ found: false });
    expect(readPath({ a: { b: 1 } }, '$.a.toString')).toEqual({ found: false });
    expect(writePath({ x: 1 }, '$.error', { Error: 'E' })).toEqual({ x: 1, error: { Error: 'E' } });
    expect(writePath({ x: 1 }, '$', 'replaced')).toBe('replaced');
    expect(writePath('scalar', '$.error.info', 1)).toEqual({ error: { info: 1 } });
  });
});
