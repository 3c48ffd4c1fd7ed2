import { file, run, runAsync, Vector, VectorFile } from './support';
import {
  callStepFunctionsJsonataFunction, evaluateJsonataTemplate, isJsonataExpression, jsonataChoiceTransition, jsonataCondition, jsonataFlowProblems,
  jsonataInput, jsonataItemSelector, jsonataOutput, jsonataRandom, jsonataTemplateProblems,
} from '../../../src/protocol/jsonata';
import { FailSpec, hasJsonataFields, jsonataFailDetails, jsonataWaitUntil, MAX_WAIT_SECONDS, WaitSpec } from '../../../src/protocol/states';

const INPUT = {
  orderId: 'o-1',
  customer: { name: 'María', tier: 'gold' },
  total: 150,
  rate: 0.1,
  flag: false,
  nothing: null,
  text: 'Hello, World',
  lines: [{ sku: 'a', price: 2, qty: 3 }, { sku: 'b', price: 3.5, qty: 1 }, { sku: 'c', price: 10, qty: 0 }],
  tags: ['x', 'y', 'z'],
  emoji: 'a😀b',
  big: 9007199254740991,
};
const RESULT = { Payload: { status: 'ok', lines: [{ price: 2 }, { price: 3 }] }, StatusCode: 200 };
const CONTEXT = {
  Execution: { Id: 'arn:aws:states:local:000000000000:execution:wf:s-1', Name: 's-1', Input: { orderId: 'o-1' }, StartTime: '2026-01-01T00:00:00.000Z' },
  State: { Name: 'Price', EnteredTime: '2026-01-01T00:00:01.000Z', RetryCount: 0 },
  StateMachine: { Id: 'arn:aws:states:local:000000000000:stateMachine:wf', Name: 'wf' },
};
const VARIABLES = { customerName: 'María', count: 2, limits: { max: 100 }, list: [1, 2, 3], none: null };

/** Expressions evaluated on the input, result, context and variables: the language as both runtimes must agree on it. */
const EXPRESSIONS: Array<[string, string]> = [
  ['whole input', '$states.input'], ['field', '$states.input.orderId'], ['root is the input', '$.customer.name'],
  ['missing field', '$states.input.nope'], ['null field', '$states.input.nothing'], ['false field', '$states.input.flag'],
  ['array mapping', '$states.input.lines.sku'], ['singleton sequence', '$states.input.lines[sku = "b"].price'],
  ['filter to array', '$states.input.lines[price > 2]'], ['index', '$states.input.lines[0]'], ['negative index', '$states.input.tags[-1]'],
  ['sum', '$sum($states.input.lines.price)'], ['sum of products', '$sum($states.input.lines.(price * qty))'],
  ['count', '$count($states.input.lines)'], ['average', '$average($states.input.lines.price)'],
  ['max min', '[$max($states.input.lines.price), $min($states.input.lines.price)]'],
  ['arithmetic float', '$states.input.total * $states.input.rate'], ['division', '1 / 3'], ['integer division', '$floor(7 / 2)'],
  ['round', '$round(2.675, 2)'], ['round half even', '[$round(0.5), $round(1.5), $round(2.5)]'], ['power', '$power(2, 10)'],
  ['sqrt', '$sqrt(2)'], ['abs', '$abs(-3.5)'], ['modulo', '7 % 3'], ['big integer', '$states.input.big'],
  ['string concat number', '"n=" & $states.input.total & "/" & $states.input.rate'], ['string of float', '$string(0.1 + 0.2)'],
  ['string of object', '$string($states.input.customer)'], ['string of big float', '$string(1e21)'], ['string of small float', '$string(1e-7)'],
  ['number', '$number("12.50")'], ['number of bad string', '$number("abc")'],
  ['uppercase', '$uppercase($states.input.customer.name)'], ['lowercase', '$lowercase($states.input.text)'],
  ['substring', '$substring($states.input.text, 7, 5)'], ['substring negative', '$substring($states.input.text, -5)'],
  ['length', '$length($states.input.text)'], ['length of emoji', '$length($states.input.emoji)'],
  ['substring of emoji', '$substring($states.input.emoji, 1, 1)'],
  ['split', '$split($states.input.text, ", ")'], ['join', '$join($states.input.tags, "-")'], ['contains', '$contains($states.input.text, "World")'],
  ['trim', '$trim("  a   b  ")'], ['pad', '$pad("7", 3, "0")'], ['replace string', '$replace($states.input.text, "o", "0")'],
  ['regex match', '$contains($states.input.text, /w.rld/i)'], ['regex replace', '$replace($states.input.text, /[aeiou]/, "_")'],
  ['exists', '[$exists($states.input.nothing), $exists($states.input.nope)]'], ['type', '[$type($states.input.nothing), $type($states.input.tags), $type(1)]'],
  ['boolean', '[$boolean(""), $boolean("a"), $boolean(0), $boolean([]), $boolean({})]'], ['not', '$not($states.input.flag)'],
  ['conditional', '$states.input.total > 100 ? "big" : "small"'], ['and or', '$states.input.total > 100 and ($states.input.flag or true)'],
  ['in', '"y" in $states.input.tags'], ['range', '[1..5]'], ['map', '$map($states.input.tags, function($v, $i) { $v & $i })'],
  ['filter function', '$filter($states.input.lines, function($l) { $l.qty > 0 }).sku'], ['reduce', '$reduce([1, 2, 3, 4], function($a, $b) { $a + $b })'],
  ['sort', '$sort($states.input.lines, function($a, $b) { $a.price < $b.price }).sku'], ['reverse', '$reverse($states.input.tags)'],
  ['append', '$append($states.input.tags, ["w"])'], ['distinct', '$distinct([1, 2, 2, "a", "a"])'], ['keys', '$keys($states.input.customer)'],
  ['merge', '$merge([$states.input.customer, {"tier": "platinum"}])'], ['lookup', '$lookup($states.input.customer, "tier")'],
  ['object constructor', '{"id": $states.input.orderId, "skus": $states.input.lines.sku}'],
  ['object grouping', '$states.input.lines{sku: price}'], ['array constructor', '[$states.input.orderId, $states.input.nope, 1]'],
  ['block with bindings', '($t := $states.input.total; $d := $t * 0.1; $t - $d)'], ['spread', '$spread($states.input.customer)'],
  ['each', '$each($states.input.customer, function($v, $k) { $k & "=" & $v })'], ['zip', '$zip([1, 2], ["a", "b"])'],
  ['variable', '$customerName'], ['variable object', '$limits.max'], ['variable list sum', '$sum($list)'], ['variable null', '$none'],
  ['undefined variable', '$undefinedVariable'], ['variables with input', '$states.input.total > $limits.max'],
  ['result', '$states.result.Payload'], ['result field sum', '$sum($states.result.Payload.lines.price)'], ['result status', '$states.result.StatusCode'],
  ['context execution', '$states.context.Execution.Name'], ['context input', '$states.context.Execution.Input.orderId'],
  ['context state', '$states.context.State.Name & "#" & $states.context.State.RetryCount'],
  ['error output', '$states.errorOutput.Error'],
  ['type error', '$states.input.orderId + 1'], ['function on wrong type', '$uppercase(1)'], ['sum of strings', '$sum($states.input.tags)'],
  ['unknown function', '$nosuchfunction(1)'], ['string of infinity', '$string(1/0)'], ['division by zero', '1 / 0'],
  ['formatNumber', '$formatNumber(1234.5, "#,##0.00")'], ['formatBase', '$formatBase(255, 16)'], ['base64', '$base64encode("hi")'],
  ['encodeUrlComponent', '$encodeUrlComponent("a b&c")'], ['match', '$match("ab12cd34", /[0-9]+/).match'],
  ['date from millis', '$fromMillis(0)'], ['date to millis', '$toMillis("2026-01-01T00:00:00.000Z")'],
  ['single lambda', 'function($x) { $x }'], ['empty array', '[]'], ['empty object', '{}'], ['nested arrays', '[[1, 2], [3]]'],
  ['string of nested floats', '$string({"a": 0.1 + 0.2, "b": [1.5, 1e21, "é"], "c": null})'], ['string pretty', '$string({"a": 1}, true)'],
  ['number hex', '$number("0x1F")'], ['string of lambda in object', '$string({"f": function($x) { $x }})'],
  ['sf partition', '$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)'], ['sf partition remainder', '$partition($states.input.tags, 2)'],
  ['sf partition of a filter', '$partition($states.input.lines[price > 1].sku, 1)'], ['sf partition bad size', '$partition([1, 2], 0)'],
  ['sf partition not an array', '$partition("abc", 2)'], ['sf range', '$range(0, 10, 2)'], ['sf range descending', '$range(10, 1, -3)'],
  ['sf range empty', '$range(5, 1, 1)'], ['sf range zero step', '$range(1, 5, 0)'], ['sf range float', '$range(1, 5.5, 1)'],
  ['sf range too long', '$range(0, 1000000, 1)'], ['sf hash', '$hash($states.input.text, "SHA-256")'],
  ['sf hash algorithms', '[$hash("a", "MD5"), $hash("a", "SHA-1"), $hash("a", "SHA-384"), $hash("a", "SHA-512")]'],
  ['sf hash of an object', '$hash($states.input.customer, "MD5")'], ['sf hash of emoji', '$hash($states.input.emoji, "SHA-256")'],
  ['sf hash bad algorithm', '$hash("a", "SHA-3")'], ['sf hash one argument', '$hash("a")'],
  ['sf random seeded', '$random(42)'], ['sf random seeded from input', '$random($states.input.total)'], ['sf random bad seed', '$random("x")'],
  ['sf random two arguments', '$random(1, 2)'], ['sf random in range', '$floor($random(7) * 100)'],
  ['sf parse', '$parse(\'{"a": [1, 2.5, null], "b": {"c": "é"}}\')'], ['sf parse scalar', '$parse("12")'], ['sf parse null', '$parse("null")'],
  ['sf parse bad', '$parse("{nope")'], ['sf parse not a string', '$parse(1)'], ['sf parse then path', '$parse(\'{"a": {"b": 3}}\').a.b'],
  ['sf uuid arguments', '$uuid(1)'], ['sf uuid is a v4', '$contains($uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)'],
  ['sf random unseeded in [0, 1)', '($r := $random(); $r >= 0 and $r < 1)'], ['sf functions over a variable', '$partition($list, 2)'],
  ['flatten by path', '[[1, 2], [3]].$'], ['string literal', '"plain"'], ['number literal', '1.50'], ['negative zero', '-0'],
];

const ERROR_OUTPUT = { Error: 'Boom', Cause: 'it broke' };

export async function jsonataVectors(): Promise<VectorFile> {
  const cases: Vector[] = [];
  const states = { input: INPUT, result: RESULT, context: CONTEXT, errorOutput: ERROR_OUTPUT };
  for (const [name, expression] of EXPRESSIONS) {
    cases.push(await runAsync(`expression ${name}`, 'evaluateJsonataTemplate', evaluateJsonataTemplate, [`{% ${expression} %}`, states, VARIABLES, 'Output'], { json: true }));
  }
  const templates: Array<[string, unknown]> = [
    ['static object', { static: 'Hello', n: 1, nested: { list: [1, 'a', null, true] } }],
    ['mixed', { 'static': 'Hello', 'title': '{% $states.input.customer.tier %}', 'name': '{% $customerName %}', 'not-evaluated': '$customerName' }],
    ['in arrays', { list: ['{% $states.input.orderId %}', 2, ['{% $count($list) %}', { deep: '{% $states.input.total %}' }]] }],
    ['not an expression: spaces outside', { a: ' {% $states.input.orderId %}', b: '{% 1 %} ' }],
    ['not an expression: text around', 'id: {% $states.input.orderId %}'], ['no spaces inside', '{%$states.input.orderId%}'],
    ['missing value in object', { a: '{% $states.input.nope %}' }], ['missing value in array', ['{% $states.input.nope %}']],
    ['key with dollar suffix kept', { 'a.$': '$.orderId' }], ['scalar', 42], ['null', null], ['string', 'plain'],
    ['error names the field', { outer: { inner: ['ok', '{% $states.input.orderId * 2 %}'] } }],
  ];
  for (const [name, template] of templates) {
    cases.push(await runAsync(`template ${name}`, 'evaluateJsonataTemplate', evaluateJsonataTemplate, [template, states, VARIABLES, 'Arguments'], { json: true }));
  }
  const flows: Array<[string, unknown]> = [
    ['empty', {}],
    ['arguments', { arguments: { id: '{% $states.input.orderId %}', total: '{% $states.input.total %}' } }],
    ['arguments expression', { arguments: '{% $states.input.lines %}' }],
    ['arguments context', { arguments: { execution: '{% $states.context.Execution.Name %}', input: '{% $states.context.Execution.Input %}' } }],
    ['arguments no result', { arguments: '{% $states.result %}' }],
    ['output', { output: '{% $states.result.Payload %}' }],
    ['output object', { output: { orderId: '{% $states.input.orderId %}', status: '{% $states.result.Payload.status %}', name: '{% $customerName %}' } }],
    ['assign', { assign: { orderId: '{% $states.input.orderId %}', status: '{% $states.result.Payload.status %}', fixed: { a: [1] } } }],
    ['assign sees variables before the state', { assign: { count: '{% $count + 1 %}', next: '{% $count * 10 %}' } }],
    ['assign and output read the old value', { assign: { count: '{% $count + 1 %}' }, output: { count: '{% $count %}' } }],
    ['assign overwrites', { assign: { customerName: 'Ana' } }],
    ['assign null', { assign: { cleared: null, fromNull: '{% $states.input.nothing %}' } }],
    ['assign missing value', { assign: { x: '{% $states.input.nope %}' } }],
    ['output error', { output: '{% $states.result.Payload.status + 1 %}' }],
  ];
  for (const [name, flow] of flows) {
    cases.push(await runAsync(`jsonataInput ${name}`, 'jsonataInput', jsonataInput, [flow, INPUT, CONTEXT, VARIABLES], { json: true }));
    cases.push(await runAsync(`jsonataOutput ${name}`, 'jsonataOutput', jsonataOutput, [flow, { input: INPUT, result: RESULT, context: CONTEXT }, VARIABLES], { json: true }));
    cases.push(await runAsync(`jsonataOutput pass ${name}`, 'jsonataOutput', jsonataOutput, [flow, { input: INPUT }, VARIABLES], { json: true }));
    cases.push(await runAsync(`jsonataOutput catch ${name}`, 'jsonataOutput', jsonataOutput, [flow, { input: INPUT, errorOutput: ERROR_OUTPUT }, VARIABLES], { json: true }));
    cases.push(run(`jsonataFlowProblems ${name}`, 'jsonataFlowProblems', jsonataFlowProblems, [flow]));
  }
  cases.push(await runAsync('jsonataInput without variables', 'jsonataInput', jsonataInput, [{ arguments: '{% $states.input.orderId %}' }, INPUT], { json: true }));
  cases.push(await runAsync('jsonataOutput without variables', 'jsonataOutput', jsonataOutput, [{ assign: { a: 1 } }, { input: INPUT, result: null }], { json: true }));
  cases.push(await runAsync('jsonataOutput null result', 'jsonataOutput', jsonataOutput, [{}, { input: INPUT, result: null }, {}], { json: true }));
  cases.push(await runAsync('jsonataInput null context is absent', 'jsonataInput', jsonataInput,
    [{ arguments: '{% $exists($states.context) %}' }, INPUT, null, {}], { json: true }));
  const transitions: Array<[string, unknown, unknown]> = [
    ['neither', undefined, undefined],
    ['rule output over the state\'s', { output: { state: true } }, { output: { tier: '{% $states.input.customer.tier %}' } }],
    ['state output on the default', { output: '{% $states.input.total %}' }, undefined],
    ['rule null output', { output: 1 }, { output: null }],
    ['assigns merged, the rule\'s wins', { assign: { a: 1, count: '{% $count + 1 %}' } }, { assign: { a: 2, b: '{% $count %}' } }],
    ['assign reads the context', undefined, { assign: { state: '{% $states.context.State.Name %}' } }],
    ['rule output error', undefined, { output: '{% $states.input.nope %}' }],
    ['state assign error', { assign: { x: '{% $states.input.total.nope %}' } }, { output: 1 }],
  ];
  for (const [name, state, rule] of transitions) {
    cases.push(await runAsync(`jsonataChoiceTransition ${name}`, 'jsonataChoiceTransition', jsonataChoiceTransition,
      [state ?? null, rule ?? null, { input: INPUT, context: CONTEXT }, VARIABLES], { json: true }));
  }
  const conditions = [
    '$states.input.total > 100', '$states.input.total < 100', '$states.input.customer.tier = "gold" and $count > 1',
    '$states.input.nope = 1', '$exists($states.input.nope)', '$states.input.orderId', '$states.input.nope', '$states.input.flag',
    '"y" in $states.input.tags', '$states.context.State.Name = "Price"', '$limits.max >= $states.input.total', '$states.input.orderId > 1',
  ];
  for (const condition of conditions) {
    cases.push(await runAsync(`jsonataCondition ${condition}`, 'jsonataCondition', jsonataCondition, [`{% ${condition} %}`, INPUT, CONTEXT, VARIABLES]));
  }
  const values: unknown[] = ['{% 1 %}', '{%%}', '{% %}', '{% 1 + %}', 'plain', '{% $eval("1") %}', '{% $states.input.( %}', ' {% 1 %}', '{% 1 %} ', 'a {% 1 %}',
    { a: ['{% [1, %}'] }, ['{% "x" %}', '{% } %}'], 42, null, '{%x%}', '{% $parse("1") %}', '{% "unterminated %}'];
  values.forEach((v, i) => {
    cases.push(run(`isJsonataExpression ${i}`, 'isJsonataExpression', isJsonataExpression, [v]));
    cases.push(run(`jsonataTemplateProblems ${i}`, 'jsonataTemplateProblems', jsonataTemplateProblems, [v, 'outputs']));
  });
  cases.push(run('jsonataRandom seeded', 'jsonataRandom', jsonataRandom, [[42]]));
  cases.push(run('jsonataRandom bad seed', 'jsonataRandom', jsonataRandom, [[1.5]]));
  cases.push(run('jsonataRandom too many', 'jsonataRandom', jsonataRandom, [[1, 2]]));
  const calls: Array<[string, unknown[]]> = [
    ['partition', [[1, 2, 3], 2]], ['range', [0, 4, 2]], ['hash', ['x', 'MD5']], ['parse', ['[1]']], ['random', [3]], ['partition', [[1], -1]],
    ['uuid', [1]], ['eval', ['1']],
  ];
  calls.forEach(([name, args], i) => cases.push(run(`callStepFunctionsJsonataFunction ${name} ${i}`, 'callStepFunctionsJsonataFunction',
    callStepFunctionsJsonataFunction, [name, args])));
  cases.push(run('jsonataFlowProblems bad variable names', 'jsonataFlowProblems', jsonataFlowProblems,
    [{ assign: { 'ok_1': 1, '1bad': 2, 'states': 3, 'has-dash': 4, '': 5, [`v${'x'.repeat(80)}`]: 6 } }]));
  cases.push(run('jsonataFlowProblems bad expressions', 'jsonataFlowProblems', jsonataFlowProblems,
    [{ arguments: { a: '{% ( %}' }, output: ['{% 1 + %}'], assign: { v: '{% $eval("x") %}' } }]));
  const NOW = Date.UTC(2024, 7, 18, 17, 0, 0);
  const scope = { input: { wait: 30, at: '2024-08-18T17:33:00Z', code: 'Timeout', n: 3 }, context: CONTEXT, variables: VARIABLES };
  const fails: Array<[string, FailSpec]> = [
    ['error and cause expressions', { error: '{% "Order." & $states.input.code %}', cause: '{% "after " & $states.input.n & " tries by " & $states.context.State.Name %}' }],
    ['an expression error, a fixed cause', { error: '{% $states.input.code %}', cause: 'fixed' }],
    ['no error: States.Fail, an expression cause', { cause: '{% $string($states.input.n) %}' }],
    ['error not a string', { error: '{% $states.input.n %}' }],
    ['cause has no value', { error: 'E', cause: '{% $states.input.missing %}' }],
  ];
  for (const [name, spec] of fails) cases.push(await runAsync(`jsonataFailDetails ${name}`, 'jsonataFailDetails', jsonataFailDetails, [spec, scope]));
  const waits: Array<[string, WaitSpec]> = [
    ['seconds expression', { seconds: '{% $states.input.wait * 2 %}' }], ['seconds from a variable', { seconds: '{% $count %}' }],
    ['seconds a fraction', { seconds: '{% $states.input.wait / 7 %}' }], ['seconds negative', { seconds: '{% -1 %}' }],
    ['seconds past the limit', { seconds: `{% ${MAX_WAIT_SECONDS + 1} %}` }], ['seconds a string', { seconds: '{% "10" %}' }],
    ['timestamp expression', { timestamp: '{% $states.input.at %}' }], ['timestamp not a timestamp', { timestamp: '{% $states.input.code %}' }],
    ['timestamp too far ahead', { timestamp: '{% "9999-12-31T23:59:59Z" %}' }], ['timestamp has no value', { timestamp: '{% $states.input.missing %}' }],
  ];
  for (const [name, spec] of waits) cases.push(await runAsync(`jsonataWaitUntil ${name}`, 'jsonataWaitUntil', jsonataWaitUntil, [spec, scope, NOW]));
  // A Parallel's or Map's join: $states.result is the joined list, $states.input the fan-out's input.
  const joined = [{ left: 5, ok: true }, { right: 40, ok: false }, { sku: 'c', ok: true }];
  const joins: Array<[string, unknown]> = [
    ['merge', { output: '{% $merge($states.result) %}' }],
    ['filter and assign', { output: '{% $states.result[ok] %}', assign: { n: '{% $sum($states.result.right) %}', first: '{% $states.result[0] %}', who: '{% $customerName %}' } }],
    ['assign sees the variables from before', { assign: { count: '{% $count + 1 %}', was: '{% $count %}' } }],
    ['input beside the result', { output: { order: '{% $states.input.orderId %}', size: '{% $sum($states.result.left) %}' } }],
    ['no output keeps the list', { assign: { a: 1 } }],
    ['fails', { output: '{% $states.result.left + "x" %}' }],
    ['no value', { assign: { gone: '{% $states.result.missing %}' } }],
  ];
  for (const [name, flow] of joins) {
    cases.push(await runAsync(`jsonataOutput join ${name}`, 'jsonataOutput', jsonataOutput, [flow, { input: INPUT, result: joined, context: CONTEXT }, VARIABLES], { json: true }));
  }
  cases.push(await runAsync('jsonataOutput join empty list', 'jsonataOutput', jsonataOutput,
    [{ output: { items: '{% $states.result %}', none: '{% $not($exists($states.result[0])) %}' } }, { input: INPUT, result: [] }, VARIABLES], { json: true }));
  // A JSONata Map's ItemSelector: the context holds the item (contextObject's Map.Item).
  const itemContext = { ...CONTEXT, Map: { Item: { Index: 2, Value: { sku: 'c', qty: 3 } } } };
  const selectors: Array<[string, unknown, unknown]> = [
    ['item, index, input and a variable', {
      i: '{% $states.context.Map.Item.Index %}', sku: '{% $states.context.Map.Item.Value.sku %}', order: '{% $states.input.orderId %}', max: '{% $limits.max %}', fixed: [1, 'x'],
    }, itemContext],
    ['a whole expression', '{% $merge([$states.context.Map.Item.Value, {"at": $states.context.Map.Item.Index}]) %}', itemContext],
    ['no value', { sku: '{% $states.context.Map.Item.Value.nope %}' }, itemContext],
    ['fails', '{% $states.context.Map.Item.Value.sku + 1 %}', itemContext],
    ['a null context is absent', { has: '{% $exists($states.context) %}' }, null],
  ];
  for (const [name, template, context] of selectors) {
    cases.push(await runAsync(`jsonataItemSelector ${name}`, 'jsonataItemSelector', jsonataItemSelector, [template, INPUT, context, VARIABLES], { json: true }));
  }
  const specs: Array<FailSpec & WaitSpec> = [{ error: 'E' }, { cause: '{% 1 %}' }, { seconds: 3 }, { timestamp: '{% $x %}' }, { secondsPath: '$.s' }];
  specs.forEach((spec, i) => cases.push(run(`hasJsonataFields ${i}`, 'hasJsonataFields', hasJsonataFields, [spec])));
  return file('JSONata: templates, Arguments, Output, Assign and Choice conditions (jsonata.ts), as jsonata-js evaluates them, with Step Functions\' own functions ($partition, $range, $hash, $random, $uuid, $parse)', cases);
}
