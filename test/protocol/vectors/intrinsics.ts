import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

/** The input of the AWS guide's examples ("Intrinsic functions for JSONPath states in Step Functions"). */
export const DOCS_INPUT = {
  name: 'Arnav',
  inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
  duplicates: [1, 2, 3, 3, 3, 3, 3, 3, 4],
  json1: { a: { a1: 1, a2: 2 }, b: 2 },
  json2: { a: { a3: 1, a4: 2 }, c: 3 },
  Id: 123456,
  ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe/1.2.3' },
  escaped: '{"number": 20}',
  start: 1,
  end: 999,
  value1: 111,
  step: -1,
  inputString: '1,2,3,4,5',
  splitter: ',',
  toEncode: 'Data to encode',
  toDecode: 'RGF0YSB0byBlbmNvZGU=',
  hashInput: 'input data',
};

/** Each example of the AWS guide with the result the guide gives: the jest test asserts them too. */
export const DOCS_EXAMPLES: Array<[string, unknown]> = [
  ["States.Format('Hello, my name is {}.', $.name)", 'Hello, my name is Arnav.'],
  ['States.StringToJson($.escaped)', { number: 20 }],
  ['States.JsonToString($.json1)', '{"a":{"a1":1,"a2":2},"b":2}'],
  ['States.Array($.Id)', [123456]],
  ['States.ArrayPartition($.inputArray, 4)', [[1, 2, 3, 4], [5, 6, 7, 8], [9]]],
  ['States.ArrayContains($.inputArray, 5)', true],
  ['States.ArrayRange(1, 9, 2)', [1, 3, 5, 7, 9]],
  ['States.ArrayGetItem($.inputArray, 5)', 6],
  ['States.ArrayLength($.inputArray)', 9],
  ['States.ArrayUnique($.duplicates)', [1, 2, 3, 4]],
  ['States.Base64Encode($.toEncode)', 'RGF0YSB0byBlbmNvZGU='],
  ['States.Base64Decode($.toDecode)', 'Data to encode'],
  ["States.Hash($.hashInput, 'SHA-1')", 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
  ['States.JsonMerge($.json1, $.json2, false)', { a: { a3: 1, a4: 2 }, b: 2, c: 3 }],
  ['States.MathAdd($.value1, $.step)', 110],
  ['States.StringSplit($.inputString, $.splitter)', ['1', '2', '3', '4', '5']],
  ["States.StringSplit('This.is+a,test=string', '.+,=')", ['This', 'is', 'a', 'test', 'string']],
  // The guide's nine-deep nesting example, on a recipe ARN ending in a version.
  ["States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
    + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1), "
    + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 2))", '1.2.3'],
];

const MORE: string[] = [
  "States.Format('{} and {}', $.Id, $.json1)", "States.Format('\\{{}\\} \\\\ \\'q\\'', $.name)", "States.Format('{}', $.inputArray[?(@ > 7)])",
  "States.Format('{}{}', true, null)", "States.Format('{}', 1.5)", "States.Format('no placeholders')", "States.Format('{}')",
  "States.Format('{}', $.Id, $.Id)", 'States.Format($.name)', "States.Format('x {}', $$.Execution.Name)",
  "States.Array('Foo', 2020, $.Id, null, true, States.Array())", 'States.Array()',
  "States.StringToJson('not json')", 'States.StringToJson($.Id)', 'States.JsonToString($.name)', 'States.JsonToString($.inputArray)',
  'States.ArrayPartition($.inputArray, 10)', 'States.ArrayPartition($.inputArray, 0)', 'States.ArrayPartition($.name, 2)',
  'States.ArrayPartition(States.Array(), 3)', 'States.ArrayContains($.inputArray, 10)', 'States.ArrayContains(States.Array($.json1), $.json1)',
  'States.ArrayContains(States.Array(1), true)', 'States.ArrayRange(10, 1, -3)', 'States.ArrayRange(1, 1, 5)', 'States.ArrayRange(5, 1, 1)',
  'States.ArrayRange(1, 1000, 1)', 'States.ArrayRange(1, 1001, 1)', 'States.ArrayRange(1, 9, 0)', 'States.ArrayRange(1.5, 9, 1)',
  'States.ArrayGetItem($.inputArray, 9)', 'States.ArrayGetItem($.inputArray, -1)', 'States.ArrayGetItem($.inputArray, 0)',
  'States.ArrayLength(States.Array())', 'States.ArrayLength($.json1)',
  'States.ArrayUnique(States.Array($.json1, $.json1, $.json2, 1, true, 1.0))',
  "States.Base64Encode('')", "States.Base64Encode('héllo ✓')", "States.Base64Decode('aMOpbGxvIOKckw==')", "States.Base64Decode('not base64!')",
  "States.Base64Decode('YQ')", 'States.Base64Encode($.Id)',
  "States.Hash('input data', 'MD5')", "States.Hash('input data', 'SHA-256')", "States.Hash('input data', 'SHA-384')",
  "States.Hash('input data', 'SHA-512')", "States.Hash('input data', 'sha-1')", "States.Hash('héllo', 'SHA-256')", "States.Hash($.json1, 'MD5')",
  'States.JsonMerge($.json1, $.json2, true)', 'States.JsonMerge($.json1, $.inputArray, false)', 'States.JsonMerge($.json1, $.json2)',
  'States.MathRandom($.start, $.end, 1234)', 'States.MathRandom(0, 1024, -5)', 'States.MathRandom(10, 17, 42)', 'States.MathRandom(5, 5)',
  'States.MathRandom(1, 2)', 'States.MathRandom(1.5, 2)',
  'States.MathAdd(2147483647, 0)', 'States.MathAdd(2147483648, 0)', 'States.MathAdd(1.5, 1)', 'States.MathAdd(1.0, 2)', "States.MathAdd('1', 2)",
  "States.StringSplit(',,a,,b,', ',')", "States.StringSplit('abc', '')", "States.StringSplit('', ',')", 'States.StringSplit($.Id, $.splitter)',
  'States.UUID(1)', 'States.Unknown($.x)', 'States.Format(', "States.Format('a' $.x)", "States.Format('unterminated)", "States.Format('\\n')",
  'States.ArrayLength($.absent)', 'States.ArrayLength($.inputArray) extra', 'States.ArrayLength($.inputArray[1:])',
  'States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1))))))))))',
  'States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1)))))))))))',
  "States.Array( 1 ,  'a' , $.Id )", 'States.Array(01)', 'States.Array(-2.5e3)', 'States.Array($.inputArray[?(@ == 3 || @ == 4)], $.json1.a)',
];

const CONTEXT = { Execution: { Name: 'session-1', Input: { x: 1 } }, State: { Name: 'Greet' } };

export function intrinsicVectors(): VectorFile {
  const cases: Vector[] = [];
  DOCS_EXAMPLES.forEach(([expression], i) => cases.push(run(`docs example ${i}: ${expression.slice(0, 60)}`, 'evaluateIntrinsic', P.evaluateIntrinsic, [expression, DOCS_INPUT], { json: true })));
  MORE.forEach((expression, i) => cases.push(run(`case ${i}: ${expression.slice(0, 60)}`, 'evaluateIntrinsic', P.evaluateIntrinsic, [expression, DOCS_INPUT, CONTEXT], { json: true })));
  cases.push(run('context path without a context object', 'evaluateIntrinsic', P.evaluateIntrinsic, ["States.Format('{}', $$.State.Name)", DOCS_INPUT], { json: true }));
  ['States.UUID()', "States.Format('{}', $.x)", 'States.Nope()', "States.Format('{}' , States.Array(1) )", 'notAnIntrinsic', 'States.Array ($.x)'].forEach((e, i) => {
    cases.push(run(`isIntrinsic ${i}`, 'isIntrinsic', P.isIntrinsic, [e]));
  });
  const calls = ["States.Format('{}', $.a[?(@.b == ',)')])", "States.Array($['odd,key'], 'x')", 'States.Array($$.Map.Item.Value)', 'States.Array($$)'];
  calls.forEach((e, i) => {
    cases.push(run(`parseIntrinsic ${i}`, 'parseIntrinsic', P.parseIntrinsic, [e], { json: true }));
    cases.push(run(`intrinsicPaths ${i}`, 'intrinsicPaths', P.intrinsicPaths, [P.parseIntrinsic(e)]));
    // The memoized parse gives the same tree (twice: the second from the cache).
    cases.push(run(`parsedIntrinsic ${i}`, 'parsedIntrinsic', P.parsedIntrinsic, [e], { json: true }));
    cases.push(run(`parsedIntrinsic ${i} again`, 'parsedIntrinsic', P.parsedIntrinsic, [e], { json: true }));
  });
  cases.push(run('parsedIntrinsic that does not parse', 'parsedIntrinsic', P.parsedIntrinsic, ["States.Format('unclosed"]));
  ([[1234, 998], [0, 1], [42, 7], [-5, 1024], [2 ** 40, 1000], [-(2 ** 40), 3], [7, 2 ** 30]] as Array<[number, number]>).forEach(([seed, bound]) => {
    cases.push(run(`seededRandomInt ${seed} ${bound}`, 'seededRandomInt', P.seededRandomInt, [seed, bound]));
  });
  // $random(seed) in JSONata: java.util.Random(seed).nextDouble() (new Random(42).nextDouble() is 0.7275636800328681 in Java).
  [42, 0, 1, -5, 1234, 2 ** 40, -(2 ** 40)].forEach((seed) => {
    cases.push(run(`seededRandomFraction ${seed}`, 'seededRandomFraction', P.seededRandomFraction, [seed]));
  });
  const direct: Array<[string, unknown[]]> = [
    ['ArrayPartition', [[1, 2, 3, 4, 5], 2]], ['ArrayRange', [1, 9, 2]], ['Hash', ['input data', 'SHA-1']], ['StringToJson', ['{"a":[1,2.5,null]}']],
    ['ArrayPartition', [[1], 0]], ['Format', ['{}', 1]], ['Nope', []], ['UUID', [1]],
  ];
  direct.forEach(([name, args], i) => cases.push(run(`callIntrinsicFunction ${name} ${i}`, 'callIntrinsicFunction', P.callIntrinsicFunction, [name, args])));
  const pairs: Array<[unknown, unknown]> = [
    [1, 1.0], [1, true], [0, false], [null, null], [null, {}], ['1', 1], [[1, [2]], [1, [2]]], [[1, 2], [2, 1]],
    [{ a: 1, b: [true] }, { b: [true], a: 1 }], [{ a: 1 }, { a: 1, b: null }], [{ a: null }, { b: null }], [[], {}],
  ];
  pairs.forEach(([a, b], i) => cases.push(run(`jsonEquals ${i}`, 'jsonEquals', P.jsonEquals, [a, b])));
  const templates: Array<[string, unknown]> = [
    ['intrinsics in a template', { 'greeting.$': "States.Format('Hi {}', $.name)", 'nested': { 'chunks.$': 'States.ArrayPartition($.inputArray, 5)' }, 'list': [{ 'n.$': 'States.ArrayLength($.inputArray)' }] }],
    ['a failing intrinsic names the field and key', { 'x.$': 'States.ArrayGetItem($.inputArray, 20)' }],
    ['a missing path inside an intrinsic', { 'x.$': 'States.ArrayLength($.nope)' }],
  ];
  templates.forEach(([name, template]) => cases.push(run(`applyTemplate ${name}`, 'applyTemplate', P.applyTemplate, [template, DOCS_INPUT, 'Parameters'], { json: true })));
  const problems: Array<[string, unknown]> = [
    ['valid intrinsics', { 'a.$': "States.Format('{}', $.x)", 'b.$': 'States.UUID()' }],
    ['unknown intrinsic', { 'a.$': 'States.Nope($.x)' }],
    ['bad syntax', { 'a.$': "States.Format('{}' $.x)" }],
    ['not a path nor an intrinsic', { 'a.$': 'Format($.x)' }],
    ['a context field in an intrinsic', { 'a.$': "States.Format('{} {}', $$.Execution.Name, $$.Task.Token)" }],
    ['a Map item outside itemSelector', { 'a.$': 'States.Array($$.Map.Item.Index)' }],
  ];
  problems.forEach(([name, template]) => cases.push(run(`templateProblems ${name}`, 'templateProblems', P.templateProblems, [template, 'parameters'])));
  return file('Intrinsic functions (src/protocol/intrinsics.ts): the AWS guide\'s examples, every function\'s edge cases and errors, seeded MathRandom (java.util.Random), and intrinsics in payload templates', cases);
}
