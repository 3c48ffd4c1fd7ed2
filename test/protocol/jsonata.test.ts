import {
  evaluateJsonataTemplate, isJsonataFlow, jsonataCondition, jsonataInput, jsonataOutput, readsContext, readsSessionRecord, validateDataFlow,
} from '../../src/protocol';

/* JSONata's protocol functions beyond the vectors (protocol-vectors/jsonata.json): what the runtimes rely on. */

test('a template is never changed by its evaluation, and values that are not expressions come back as they are', async () => {
  const template = { a: '{% $states.input.x %}', list: ['{% 1 + 1 %}', { keep: 'plain', n: 3 }], none: null };
  const copy = JSON.parse(JSON.stringify(template));
  expect(await evaluateJsonataTemplate(template, { input: { x: 'y' } }, undefined, 'Arguments')).toEqual({ a: 'y', list: [2, { keep: 'plain', n: 3 }], none: null });
  expect(template).toEqual(copy);
});

test('results are plain JSON: sequences become arrays, and nothing keeps jsonata\'s extra properties', async () => {
  const value = await evaluateJsonataTemplate('{% $states.input.items.id %}', { input: { items: [{ id: 1 }, { id: 2 }] } }, undefined, 'Output');
  expect(JSON.stringify(value)).toBe('[1,2]');
  expect(Object.keys(value as object)).toEqual(['0', '1']);
});

test('Assign evaluates every value against the variables from before the state, and the output does not see them', async () => {
  const out = await jsonataOutput({ output: '{% $n %}', assign: { n: '{% $n + 1 %}', m: '{% $n * 10 %}' } }, { input: {}, result: 0 }, { n: 1 });
  expect(out).toEqual({ output: 1, variables: { n: 2, m: 10 } });
});

test('a condition must be a boolean: a truthy string is States.QueryEvaluationError, naming the condition', async () => {
  await expect(jsonataCondition('{% $states.input.name %}', { name: 'x' })).rejects.toMatchObject({
    name: 'States.QueryEvaluationError', message: "Condition '{% $states.input.name %}' must evaluate to a boolean, got \"x\"",
  });
  await expect(jsonataCondition('{% $states.input.n > 1 %}', { n: 2 })).resolves.toBe(true);
});

test('evaluation is concurrent-safe: many evaluations of the same expression with other inputs do not mix', async () => {
  const flow = { arguments: { v: '{% $states.input.v * 2 %}', who: '{% $who %}' } };
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => jsonataInput(flow, { v: i }, undefined, { who: `w${i}` })));
  expect(results).toEqual(Array.from({ length: 50 }, (_, i) => ({ v: i * 2, who: `w${i}` })));
});

test('the runtimes build the context object (and read the session record) only when an expression reads $states.context', () => {
  expect(readsContext({ a: '{% $states.input.x %}' })).toBe(false);
  expect(readsContext({ a: '{% $states.context.State.Name %}' })).toBe(true);
  expect(readsSessionRecord({ a: '{% $states.context.State.Name %}' })).toBe(false);
  expect(readsSessionRecord(['{% $states.context.Execution.Input.id %}'])).toBe(true);
  expect(readsSessionRecord('{% $states.context %}')).toBe(true);
  // A plain string that mentions it is no expression.
  expect(readsContext({ a: '$states.context.Execution.Input' })).toBe(false);
});

test('isJsonataFlow and validateDataFlow: the language decides which fields are allowed', () => {
  expect(isJsonataFlow({ queryLanguage: 'JSONata' })).toBe(true);
  expect(isJsonataFlow({ inputPath: '$.x' })).toBe(false);
  expect(isJsonataFlow(undefined)).toBe(false);
  expect(validateDataFlow({ queryLanguage: 'JSONata', arguments: '{% $states.input %}', lambdaResponse: true })).toEqual([]);
  expect(validateDataFlow({ queryLanguage: 'JSONata', outputPath: '$.x' })).toEqual(['outputPath is a JSONPath field: a JSONata state uses arguments and outputs instead']);
  expect(validateDataFlow({ output: 1 })).toEqual(['output is a JSONata field: set the query language to JSONata to use it']);
});

test('$uuid() and an unseeded $random() (no vector can hold their values): a v4 UUID and a number in [0, 1), another at each call', async () => {
  const states = { input: {} };
  const ids = await evaluateJsonataTemplate(['{% $uuid() %}', '{% $uuid() %}'], states, undefined, 'Output') as string[];
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(ids[0]).not.toBe(ids[1]);
  const numbers = await evaluateJsonataTemplate('{% [1..20].$random() %}', states, undefined, 'Output') as number[];
  expect(numbers).toHaveLength(20);
  for (const n of numbers) expect(n >= 0 && n < 1).toBe(true);
  expect(new Set(numbers).size).toBeGreaterThan(1);
});

test('Step Functions\' functions are there in every evaluation: Arguments, Output, Assign and a Choice condition', async () => {
  const flow = { arguments: { chunks: '{% $partition($states.input.ids, 2) %}' }, output: '{% $range(1, 3, 1) %}', assign: { h: '{% $hash("a", "MD5") %}' } };
  expect(await jsonataInput(flow, { ids: [1, 2, 3] })).toEqual({ chunks: [[1, 2], [3]] });
  expect(await jsonataOutput(flow, { input: {}, result: {} })).toEqual({ output: [1, 2, 3], variables: { h: '0cc175b9c0f1b6a831c399e269772661' } });
  expect(await jsonataCondition('{% $parse($states.input.doc).ok %}', { doc: '{"ok": true}' })).toBe(true);
  // A workflow variable of a function's name does not replace the function.
  expect(await evaluateJsonataTemplate('{% $range(0, 2, 1) %}', { input: {} }, { range: 'mine' }, 'Output')).toEqual([0, 1, 2]);
});
