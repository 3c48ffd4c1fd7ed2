import { DOCS_EXAMPLES, DOCS_INPUT } from './vectors/intrinsics';
import { applyTemplate, DataFlowError, evaluateIntrinsic, templateProblems } from '../../src/protocol';

// The AWS guide "Intrinsic functions for JSONPath states in Step Functions": each example's documented result.
test.each(DOCS_EXAMPLES)('%s gives the documented result', (expression, expected) => {
  expect(evaluateIntrinsic(expression, DOCS_INPUT)).toEqual(expected);
});

test('States.UUID is a version 4 UUID, a new one each time', () => {
  const [a, b] = [evaluateIntrinsic('States.UUID()', {}), evaluateIntrinsic('States.UUID()', {})];
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(a).not.toEqual(b);
});

test('States.MathRandom without a seed stays in [start, end); with a seed it is java.util.Random\'s nextInt', () => {
  const seen = new Set(Array.from({ length: 200 }, () => evaluateIntrinsic('States.MathRandom(1, 4)', {}) as number));
  expect([...seen].sort()).toEqual([1, 2, 3]);
  // new java.util.Random(1234).nextInt(998) is 242 (checked with the JDK).
  expect(evaluateIntrinsic('States.MathRandom($.start, $.end, 1234)', DOCS_INPUT)).toBe(243);
});

test('a failing intrinsic is States.IntrinsicFailure naming the template field and key; a missing path is States.Runtime', () => {
  const fail = (template: unknown) => {
    try {
      applyTemplate(template, DOCS_INPUT, 'Parameters');
    } catch (e) {
      expect(e).toBeInstanceOf(DataFlowError);
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
    throw new Error('expected a DataFlowError');
  };
  expect(fail({ 'x.$': 'States.ArrayGetItem($.inputArray, 9)' })).toBe("States.IntrinsicFailure: Parameters: 'x.$': States.ArrayGetItem: index 9 is outside the array of 9 items");
  expect(fail({ 'x.$': 'States.ArrayLength($.nope)' })).toBe("States.Runtime: Parameters: 'x.$': the path '$.nope' does not match any field of the value");
});

test('templates are checked at synth: unknown functions and bad syntax are named with the key', () => {
  expect(templateProblems({ 'ok.$': "States.Format('{}', States.UUID())", 'list': [{ 'bad.$': 'States.Nope(1)' }] }, 'parameters'))
    .toEqual([expect.stringMatching(/^parameters\.list\[0\]: 'bad\.\$': intrinsic function 'States\.Nope\(1\)' is not valid at position 0: States\.Nope is not an intrinsic function/)]);
  expect(templateProblems({ 'a.$': "States.Format('{}' $.x)" }, 'resultSelector')).toEqual([
    "resultSelector: 'a.$': intrinsic function 'States.Format('{}' $.x)' is not valid at position 19: expected ',' or ')'",
  ]);
});
