import { file, run, Vector, VectorFile } from './support';
import {
  accountOfFunctionArn, contextObject, contextPathProblem, ContextFacts, readContextPath, readsContext, readsSessionRecord,
} from '../../../src/protocol/context';
import { applyTemplate, effectiveInput, passOutput, stateOutput, templateProblems } from '../../../src/protocol/dataflow';

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
};
const BARE: ContextFacts = { workflow: 'orders', session: 's-1', state: 'First', enteredTime: '2020-01-01T00:00:00.000Z', attempt: 0 };
const IN_MAP: ContextFacts = { ...BARE, mapItem: { index: 3, value: { id: 'i-3', tags: ['a'] } } };

const PATHS = [
  '$$', '$$.Execution', '$$.Execution.Id', '$$.Execution.Name', '$$.Execution.Input', '$$.Execution.Input.x', '$$.Execution.Input.list[1]',
  '$$.Execution.StartTime', '$$.Execution.RedriveCount', '$$.Execution.RoleArn', '$$.StateMachine.Id', '$$.StateMachine.Name',
  '$$.State', '$$.State.Name', '$$.State.EnteredTime', '$$.State.RetryCount', '$$.State.Nope', '$$.Map.Item.Index', '$$.Map.Item.Value',
  '$$.Map.Item.Value.id', "$$['Execution']['Name']", '$$.Map', '$$.Task.Token', '$$.Task', '$$.Nope', '$$.Execution.', '$$.Execution.Input.deep.er',
];

export function contextVectors(): VectorFile {
  const cases: Vector[] = [];
  const facts: Array<[string, ContextFacts]> = [['full', FACTS], ['bare', BARE], ['in map', IN_MAP]];
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
    { 'e.$': '$$.Execution' }, { 'all.$': '$$' }, { 'id.$': '$$.Execution.Id' }, { 'l.$': ['$$.Execution.Input'] }, { list: [{ 'n.$': '$$.State.Name' }] },
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
  return file('Context object $$ (src/protocol/context.ts): its fields, $$ paths in templates, synth checks', cases);
}
