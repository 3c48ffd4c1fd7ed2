import { file, run, Vector, VectorFile } from './support';
import { applyTemplate, DataFlow, effectiveInput, isJsonataFlow, needsRawInput, passOutput, stateOutput, templateProblems, validateDataFlow } from '../../../src/protocol/dataflow';

const RAW = { order: { id: 'o-1', items: [{ sku: 'a', qty: 2 }, { sku: 'b', qty: 1.5 }], total: 12.0 }, user: 'ü', flag: false, nothing: null, 10: 'ten', 2: 'two' };
const RESULT = { status: 'ok', count: 3, detail: { code: 200, tags: ['x', 'y'] } };

const FLOWS: Array<[string, DataFlow]> = [
  ['empty', {}],
  ['inputPath field', { inputPath: '$.order' }], ['inputPath $', { inputPath: '$' }], ['inputPath null', { inputPath: null }],
  ['inputPath deep', { inputPath: '$.order.items[1].qty' }], ['inputPath missing', { inputPath: '$.nope' }],
  ['parameters static', { parameters: { fixed: 1, nested: { deep: [1, { 'k.$': '$.not-a-path-in-array' }] } } }],
  ['parameters paths', { parameters: { 'id.$': '$.order.id', 'first.$': '$.order.items[0]', 'whole.$': '$', 'lit': 'x', 'obj': { 'u.$': '$.user' } } }],
  ['parameters after inputPath', { inputPath: '$.order', parameters: { 'n.$': '$.total', 'items.$': '$.items' } }],
  ['parameters missing path', { parameters: { 'x.$': '$.absent' } }],
  ['parameters non-string path', { parameters: { 'x.$': 5 } as unknown }],
  ['parameters bad path', { parameters: { 'x.$': '$..x' } }],
  ['parameters null', { parameters: null }], ['parameters array', { parameters: [1, { 'a.$': '$.user' }] }],
  ['parameters number', { parameters: 42 }],
  ['parameters order: integer keys first', { parameters: { 'b.$': '$.user', '10': 'ten', '2': { 'c.$': '$.flag' }, 'a': 1 } }],
  ['parameters error order', { parameters: { 'b.$': '$.missing1', '3': { 'c.$': '$.missing2' } } }],
  ['parameters key and key.$', { parameters: { 'a': 1, 'a.$': '$.user' } }],
  ['resultSelector', { resultSelector: { 'code.$': '$.detail.code', 's.$': '$.status' } }],
  ['resultSelector missing', { resultSelector: { 'code.$': '$.detail.nope' } }],
  ['resultPath field', { resultPath: '$.result' }], ['resultPath deep new', { resultPath: '$.a.b.c' }],
  ['resultPath into existing object', { resultPath: '$.order.result' }], ['resultPath $', { resultPath: '$' }],
  ['resultPath null', { resultPath: null }], ['resultPath through a string', { resultPath: '$.user.x' }],
  ['resultPath through null', { resultPath: '$.nothing.x' }], ['resultPath index', { resultPath: '$.order.items[0]' }],
  ['resultPath bad', { resultPath: 'result' }],
  ['outputPath', { outputPath: '$.detail' }], ['outputPath null', { outputPath: null }], ['outputPath missing', { outputPath: '$.none' }],
  ['all stages', { inputPath: '$.order', parameters: { 'id.$': '$.id' }, resultSelector: { 'c.$': '$.count' }, resultPath: '$.out', outputPath: '$.out' }],
  ['pass result', { result: { fixed: [1, 2] }, resultPath: '$.r' }], ['pass result null', { result: null }],
  ['pass result with selector ignored', { result: { a: 1 }, resultSelector: { 'x.$': '$.nope' } }],
  ['pass parameters only', { parameters: { 'u.$': '$.user' } }],
  // Step Functions accepts `.$` keys in objects inside arrays, at any depth.
  ['parameters paths in arrays', { parameters: { 'list': [{ 'a.$': '$.user' }, 1, [{ 'f.$': '$.flag' }, 'x']], 'n.$': '$.order.total' } }],
  ['parameters array path missing', { parameters: { list: [{ 'a.$': '$.absent' }] } }],
  // Indefinite paths yield lists (Jayway JsonPath, which Step Functions uses).
  ['inputPath wildcard', { inputPath: '$.order.items[*].sku' }], ['inputPath filter', { inputPath: '$.order.items[?(@.qty > 1.5)]' }],
  ['inputPath slice', { inputPath: '$.order.items[1:]' }], ['inputPath descent', { inputPath: '$..qty' }],
  ['inputPath empty match', { inputPath: '$.order.items[?(@.qty > 100)]' }], ['inputPath negative index', { inputPath: '$.order.items[-1].sku' }],
  ['parameters indefinite', { parameters: { 'skus.$': '$.order.items[*].sku', 'big.$': "$.order.items[?(@.sku == 'a')].qty", 'two.$': '$.order.items[0,1].qty' } }],
  ['resultSelector indefinite', { resultSelector: { 'tags.$': '$.detail.tags[-1:]', 'all.$': '$..code' } }],
  ['outputPath indefinite', { outputPath: '$.detail.tags[*]' }],
  ['resultPath indefinite refused', { resultPath: '$.items[*]' }], ['resultPath filter refused', { resultPath: '$[?(@.a)]' }],
  ['inputPath filter reads own fields only', { inputPath: '$.order.items[?(@.qty.constructor)]' }],
  ['inputPath script refused', { inputPath: "$.order.items[?(@.qty.toString() == '2')]" }],
  // lambda:invoke's response (docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html): { ExecutedVersion, Payload, StatusCode }.
  ['lambdaResponse', { lambdaResponse: true }],
  ['lambdaResponse false', { lambdaResponse: false }],
  ['lambdaResponse OutputPath $.Payload', { lambdaResponse: true, outputPath: '$.Payload' }],
  ['lambdaResponse ResultSelector', { lambdaResponse: true, resultSelector: { 'code.$': '$.Payload.detail.code', 'status.$': '$.StatusCode', 'v.$': '$.ExecutedVersion' } }],
  ['lambdaResponse ResultPath', { lambdaResponse: true, resultPath: '$.invoked' }],
  ['lambdaResponse ResultSelector missing', { lambdaResponse: true, resultSelector: { 'x.$': '$.status' } }],
  ['lambdaResponse not a boolean', { lambdaResponse: 'yes' } as unknown as DataFlow],
  // JSONata data flows: validateDataFlow checks them; JSONPath stages ignore the JSONata fields (jsonata.json evaluates them).
  ['jsonata', { queryLanguage: 'JSONata', arguments: { a: '{% $states.input.user %}' }, output: '{% $states.result %}', assign: { v: 1 } }],
  ['jsonata with JSONPath fields', { queryLanguage: 'JSONata', inputPath: '$.order', resultPath: '$.r' }],
  ['jsonata bad expression', { queryLanguage: 'JSONata', arguments: { a: '{% $states.input. %}' } }],
  ['jsonata assign not an object', { queryLanguage: 'JSONata', assign: [1] } as unknown as DataFlow],
  ['jsonata fields without the language', { arguments: { a: 1 }, output: 2 }],
  ['unknown query language', { queryLanguage: 'XPath' } as unknown as DataFlow],
];
const RAWS: Array<[string, unknown]> = [['object', RAW], ['array', [1, 2]], ['string', 'plain'], ['null', null]];

export function dataflowVectors(): VectorFile {
  const cases: Vector[] = [];
  for (const [name, flow] of FLOWS) {
    for (const [rawName, raw] of RAWS) {
      cases.push(run(`effectiveInput ${name} / ${rawName}`, 'effectiveInput', effectiveInput, [flow, raw], { json: true }));
      cases.push(run(`stateOutput ${name} / ${rawName}`, 'stateOutput', stateOutput, [flow, raw, RESULT], { json: true }));
      cases.push(run(`passOutput ${name} / ${rawName}`, 'passOutput', passOutput, [flow, raw], { json: true }));
    }
    cases.push(run(`validateDataFlow ${name}`, 'validateDataFlow', validateDataFlow, [flow]));
    cases.push(run(`needsRawInput ${name}`, 'needsRawInput', needsRawInput, [flow]));
    cases.push(run(`isJsonataFlow ${name}`, 'isJsonataFlow', isJsonataFlow, [flow]));
  }
  // The version Lambda ran (an alias resolves to a version number).
  for (const version of ['$LATEST', '7']) {
    cases.push(run(`stateOutput lambdaResponse version ${version}`, 'stateOutput', stateOutput, [{ lambdaResponse: true, resultPath: '$.r' }, RAW, RESULT, version], { json: true }));
  }
  cases.push(run('stateOutput lambdaResponse of null', 'stateOutput', stateOutput, [{ lambdaResponse: true }, RAW, null, '3'], { json: true }));
  const templates: unknown[] = [
    { 'a.$': '$$.Execution.Id' }, { 'a.$': 'States.Format(1)' }, { 'a.$': 3 }, { list: [{ 'a.$': '$.x' }] }, [{ 'b.$': '$.y' }],
    { x: { y: { 'z.$': '$[bad' } } }, { 'ok.$': '$.fine' }, 'scalar', null,
    { list: [1, [{ 'deep.$': '$.y' }], { 'bad.$': '$[?(x)]' }] }, { 'many.$': '$..x' }, [[{ 'n.$': 5 }]],
  ];
  templates.forEach((t, i) => cases.push(run(`templateProblems ${i}`, 'templateProblems', templateProblems, [t, 'parameters'])));
  templates.forEach((t, i) => cases.push(run(`applyTemplate ${i}`, 'applyTemplate', applyTemplate, [t, { fine: 1, x: 2, y: 3 }, 'Parameters'], { json: true })));
  cases.push(run('applyTemplate numbers from text', 'applyTemplate', applyTemplate, [], {
    json: true, argsAsText: '[{"a.$":"$.n","b":2.50,"c":[1.0,1e21,1e-7,-0.0],"9":"nine","1":{"z":1,"0":0}},{"n":100.0},"Parameters"]',
  }));
  // Number::toString's forms, which every checkpoint, envelope and key the runtimes write depends on.
  cases.push(run('applyTemplate number forms from text', 'applyTemplate', applyTemplate, [], {
    json: true,
    argsAsText: '[{"n.$":"$"},[0.1,1e-6,1e-7,123e-20,5e-324,1.7976931348623157e308,9007199254740993,-1e21,1e300,100,1.5e16,12345678.9,-0.000001,0.000001234,1e20,1.0e0],"Parameters"]',
  }));
  cases.push(run('applyTemplate error order from text: integer keys are visited first', 'applyTemplate', applyTemplate, [], {
    argsAsText: '[{"b.$":"$.missing1","3":{"c.$":"$.missing2"}},{},"Parameters"]',
  }));
  cases.push(run('applyTemplate escapes from text', 'applyTemplate', applyTemplate, [], {
    json: true, argsAsText: '[{"s.$":"$.s"},{"s":"\\u0000\\u001f\\u007f\\u2028\\"\\\\/\\ud83d\\ude00\\ud800"},"Parameters"]',
  }));
  return file('Data flow (src/protocol/dataflow.ts): InputPath, Parameters, ResultSelector, ResultPath, OutputPath, Pass states; errors by name', cases);
}
