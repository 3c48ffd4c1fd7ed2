import { file, run, Vector, VectorFile } from './support';
import { conditionPaths, ConditionJson, evaluateCondition, validateCondition } from '../../../src/protocol/conditions';
import {
  accountOfFunctionArn, contextObject, contextPathProblem, ContextFacts, contextReads, queryStatePath, readContextPath, readsContext,
  readsSessionRecord, readStatePath,
} from '../../../src/protocol/context';
import {
  applyTemplate, effectiveInput, parseStatePath, passOutput, stateOutput, templateProblems, validateDataFlow,
} from '../../../src/protocol/dataflow';

/** An execution as Step Functions' context object documentation shows it, in cdk-unum's terms. */
const FACTS: ContextFacts = {
  workflow: 'orders',
  session: 's-42',
  state: 'Charge',
  enteredTime: '2019-03-26T20:14:13.192Z',
  attempt: 2,
  region: 'us-east-1',
  account: '123456789012',
  startTime: '2019-03-26T20:14:13.192Z',
  input: { x: 1, key: 'value', list: [7, 8] },
  redriveCount: 2,
};
const BARE: ContextFacts = { workflow: 'orders', session: 's-1', state: 'First', enteredTime: '2020-01-01T00:00:00.000Z', attempt: 0 };
const IN_MAP: ContextFacts = { ...BARE, mapItem: { index: 3, value: { id: 'i-3', tags: ['a'] } } };
/** A task that waits for a callback: `$$.Task.Token` is its attempt's token. */
const WAITING: ContextFacts = { ...BARE, taskToken: 'unum1.WyJvcmRlcnMiLCJzLTEiLCJGaXJzdHwwIiwwXQ.secret' };

const PATHS = [
  '$$', '$$.Execution', '$$.Execution.Id', '$$.Execution.Name', '$$.Execution.Input', '$$.Execution.Input.x', '$$.Execution.Input.list[1]',
  '$$.Execution.StartTime', '$$.Execution.RedriveCount', '$$.Execution.RoleArn', '$$.StateMachine.Id', '$$.StateMachine.Name',
  '$$.State', '$$.State.Name', '$$.State.EnteredTime', '$$.State.RetryCount', '$$.State.Nope', '$$.Map.Item.Index', '$$.Map.Item.Value',
  '$$.Map.Item.Value.id', "$$['Execution']['Name']", '$$.Map', '$$.Task.Token', '$$.Task', '$$.Nope', '$$.Execution.', '$$.Execution.Input.deep.er',
];

export function contextVectors(): VectorFile {
  const cases: Vector[] = [];
  const facts: Array<[string, ContextFacts]> = [['full', FACTS], ['bare', BARE], ['in map', IN_MAP], ['waiting for a callback', WAITING]];
  for (const [name, f] of facts) cases.push(run(`contextObject ${name}`, 'contextObject', contextObject, [f]));
  for (const path of PATHS) {
    for (const [name, f] of facts) cases.push(run(`readContextPath ${path} / ${name}`, 'readContextPath', readContextPath, [contextObject(f), path]));
    cases.push(run(`contextPathProblem ${path}`, 'contextPathProblem', contextPathProblem, [path, false]));
    cases.push(run(`contextPathProblem ${path} in itemSelector`, 'contextPathProblem', contextPathProblem, [path, true]));
  }
  const arns = ['arn:aws:lambda:eu-west-1:123456789012:function:orders-Charge', 'arn:aws:lambda:eu-west-1:12345:function:f', 'not-an-arn', ''];
  arns.forEach((arn, i) => cases.push(run(`accountOfFunctionArn ${i}`, 'accountOfFunctionArn', accountOfFunctionArn, [arn])));
  const templates: unknown[] = [
    { 'name.$': '$$.Execution.Name' }, { 'x.$': '$.x' }, { deep: { 'i.$': '$$.Execution.Input.x' } }, { 's.$': '$$.Execution.StartTime' },
    { 'e.$': '$$.Execution' }, { 'r.$': '$$.Execution.RedriveCount' }, { 'all.$': '$$' }, { 'id.$': '$$.Execution.Id' }, { 'l.$': ['$$.Execution.Input'] }, { list: [{ 'n.$': '$$.State.Name' }] },
    'scalar', null, { 'bad.$': '$$[' },
    // JSONata: $states.context in {% %} strings, at any depth.
    '{% $states.context.Execution.Name %}', '{% $states.context.Execution.Input.orderId %}', { a: ['{% $states.context %}'] },
    { s: '{% $states.context.State.RetryCount + 1 %}' }, '$states.context.Execution.Input', '{% $states.input %}',
    { t: '{% $states.context.Execution.StartTime & $states.context.State.Name %}' }, '{% $states.context["Execution"] %}',
  ];
  templates.forEach((t, i) => {
    cases.push(run(`readsContext ${i}`, 'readsContext', readsContext, [t]));
    cases.push(run(`readsSessionRecord ${i}`, 'readsSessionRecord', readsSessionRecord, [t]));
  });
  const ctx = contextObject(FACTS);
  // The documented Parameters example: "comment": "Selecting what I care about.", "MyDetails": {"size.$": "$.product.details.size", ...}, "MyContext.$": "$$.Execution.Name" ... .
  const documented = {
    'comment': 'Selecting what I care about.',
    'MyDetails': { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', 'StaticValue': 'foo' },
    'execution.$': '$$.Execution.Id',
    'retries.$': '$$.State.RetryCount',
    'input.$': '$$.Execution.Input.key',
  };
  const input = { product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' } };
  cases.push(run('applyTemplate with context (documented Parameters example)', 'applyTemplate', applyTemplate, [documented, input, 'Parameters', ctx], { json: true }));
  cases.push(run('applyTemplate context path missing', 'applyTemplate', applyTemplate, [{ 'v.$': '$$.Map.Item.Value' }, {}, 'Parameters', ctx]));
  cases.push(run('applyTemplate context without context object', 'applyTemplate', applyTemplate, [{ 'v.$': '$$.Execution.Name' }, {}, 'Parameters']));
  cases.push(run('applyTemplate map item', 'applyTemplate', applyTemplate,
    [{ 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'id.$': '$$.Map.Item.Value.id', 'prefix.$': '$.prefix' }, { prefix: 'p' }, 'ItemSelector', contextObject(IN_MAP)], { json: true }));
  cases.push(run('effectiveInput with context', 'effectiveInput', effectiveInput, [{ inputPath: '$.product', parameters: { 'sku.$': '$.sku', 'n.$': '$$.Execution.Name' } }, input, ctx], { json: true }));
  cases.push(run('stateOutput with context', 'stateOutput', stateOutput, [{ resultSelector: { 'r.$': '$.r', 'state.$': '$$.State.Name' }, resultPath: '$.out' }, input, { r: 1 }, '$LATEST', ctx], { json: true }));
  cases.push(run('passOutput with context', 'passOutput', passOutput, [{ parameters: { 'entered.$': '$$.State.EnteredTime', 'sm.$': '$$.StateMachine.Name' } }, input, ctx], { json: true }));
  const checked: unknown[] = [
    { 'a.$': '$$.Execution.Input.x', 'b.$': '$$.State.RetryCount' }, { 'a.$': '$$.Task.Token' }, { 'a.$': '$$.Execution.RoleArn' },
    { 'i.$': '$$.Map.Item.Index' }, { nested: { 'v.$': '$$.Map.Item.Value' } },
  ];
  checked.forEach((t, i) => {
    cases.push(run(`templateProblems context ${i} / parameters`, 'templateProblems', templateProblems, [t, 'parameters']));
    cases.push(run(`templateProblems context ${i} / itemSelector`, 'templateProblems', templateProblems, [t, 'itemSelector']));
  });
  cases.push(...statePathVectors(ctx, input));
  return file('Context object $$ (src/protocol/context.ts): its fields, $$ paths in templates and in InputPath, OutputPath, ItemsPath and Choice variables, synth checks', cases);
}

/** `$$` in the paths of a state (Step Functions: InputPath, OutputPath, ItemsPath, a Choice's Variable and ...Path operands). */
function statePathVectors(ctx: unknown, input: unknown): Vector[] {
  const cases: Vector[] = [];
  const doc = { items: [1, 2], x: { y: 3 } };
  const paths = ['$$.Execution.Input', '$$.Execution.Input.list', '$$.Execution.Input.list[1]', '$$.Execution.Input.nope', '$$.State.Name', '$.items', '$.items[*]', '$.x.y', '$.nope'];
  for (const path of paths) {
    cases.push(run(`queryStatePath ${path}`, 'queryStatePath', queryStatePath, [doc, path, ctx], { json: true }));
    cases.push(run(`readStatePath ${path}`, 'readStatePath', readStatePath, [doc, path, ctx], { json: true }));
    cases.push(run(`queryStatePath ${path} without context`, 'queryStatePath', queryStatePath, [doc, path]));
    cases.push(run(`parseStatePath ${path}`, 'parseStatePath', parseStatePath, [path]));
  }
  for (const path of ['$$.Map.Item.Value', '$$.Task.Token', '$$.Nope', '$$[', 'nope']) cases.push(run(`parseStatePath ${path}`, 'parseStatePath', parseStatePath, [path]));
  const reads: Array<[unknown[], unknown[]]> = [
    [[], []], [[{ 'a.$': '$.a' }], ['$.x', null]], [[], ['$$.State.Name']], [[], ['$$.Execution.Input.items']], [[{ 'n.$': '$$.Execution.Name' }], [null]],
    [[{ 's.$': '$$.Execution.StartTime' }], []], [[undefined], [undefined, '$$.Execution']], [[], ['$$']], [[], ['$$[']],
  ];
  reads.forEach(([templates, p], i) => cases.push(run(`contextReads ${i}`, 'contextReads', contextReads, [templates, p.map((x) => x ?? null)])));
  cases.push(run('effectiveInput InputPath $$.Execution.Input', 'effectiveInput', effectiveInput,
    [{ inputPath: '$$.Execution.Input', parameters: { 'first.$': '$.list[0]', 'state.$': '$$.State.Name' } }, input, ctx], { json: true }));
  cases.push(run('effectiveInput InputPath $$ missing', 'effectiveInput', effectiveInput, [{ inputPath: '$$.Execution.Input.nope' }, input, ctx]));
  cases.push(run('stateOutput OutputPath $$.Execution.Input.key', 'stateOutput', stateOutput, [{ outputPath: '$$.Execution.Input.key' }, input, { r: 1 }, '$LATEST', ctx], { json: true }));
  cases.push(run('passOutput InputPath and OutputPath of $$', 'passOutput', passOutput,
    [{ inputPath: '$$.Execution', outputPath: '$$.State' }, input, ctx], { json: true }));
  const conditions: ConditionJson[] = [
    { op: 'stringEquals', path: '$$.Execution.Input.key', value: 'value' },
    { op: 'numberEqualsPath', path: '$.x.y', otherPath: '$$.State.RetryCount' },
    { op: 'numberLessThanPath', path: '$$.Execution.Input.x', otherPath: '$$.Execution.Input.list[0]' },
    { op: 'isPresent', path: '$$.Execution.Input.nope', value: false },
    { op: 'stringEquals', path: '$$.Execution.Input.nope', value: 'x' },
    { op: 'and', conditions: [{ op: 'isString', path: '$$.State.Name', value: true }, { op: 'not', condition: { op: 'booleanEquals', path: '$.ok', value: true } }] },
  ];
  conditions.forEach((c, i) => {
    cases.push(run(`evaluateCondition with context ${i}`, 'evaluateCondition', evaluateCondition, [c, { x: { y: 2 }, ok: false }, ctx]));
    cases.push(run(`conditionPaths ${i}`, 'conditionPaths', conditionPaths, [c]));
    cases.push(run(`validateCondition with context ${i}`, 'validateCondition', validateCondition, [c]));
  });
  cases.push(run('validateCondition $$.Map.Item in a Choice', 'validateCondition', validateCondition, [{ op: 'isPresent', path: '$$.Map.Item.Value', value: true }]));
  cases.push(run('validateDataFlow $$ paths', 'validateDataFlow', validateDataFlow, [{ inputPath: '$$.Execution.Input', outputPath: '$$.Task.Token' }]));
  return cases;
}
