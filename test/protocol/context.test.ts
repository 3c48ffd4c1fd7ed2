import { contextObject, contextPathProblem, readsContext, readsSessionRecord } from '../../src/protocol/context';
import { applyTemplate, templateProblems } from '../../src/protocol/dataflow';

/*
 * The context object against Step Functions' documentation ("Accessing
 * execution data from the Context object"): its field layout, the
 * `"ExecutionID.$": "$$.Execution.Id"` example, and the Map state's
 * ItemSelector example (ContextIndex / ContextValue).
 */
const facts = {
  workflow: 'stateMachineName',
  session: 'executionName',
  state: 'TaskName',
  enteredTime: '2019-03-26T20:14:13.192Z',
  attempt: 0,
  region: 'us-east-1',
  account: '123456789012',
  startTime: '2019-03-26T20:14:13.192Z',
  input: { key: 'value' },
};

test('the documented layout: Execution, State, StateMachine; Id is the execution ARN', () => {
  expect(contextObject(facts)).toEqual({
    Execution: {
      Id: 'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName',
      Input: { key: 'value' },
      Name: 'executionName',
      StartTime: '2019-03-26T20:14:13.192Z',
      RedriveCount: 0,
    },
    State: { EnteredTime: '2019-03-26T20:14:13.192Z', Name: 'TaskName', RetryCount: 0 },
    StateMachine: { Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:stateMachineName', Name: 'stateMachineName' },
  });
  expect(applyTemplate({ 'ExecutionID.$': '$$.Execution.Id' }, {}, 'Parameters', contextObject(facts)))
    .toEqual({ ExecutionID: 'arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName' });
});

test('the documented ItemSelector example: each item with its index', () => {
  const selector = { 'ContextIndex.$': '$$.Map.Item.Index', 'ContextValue.$': '$$.Map.Item.Value' };
  const item = { 'prod': 'R31', 'dest-code': 9511, 'quantity': 1344 };
  expect(applyTemplate(selector, {}, 'ItemSelector', contextObject({ ...facts, mapItem: { index: 0, value: item } })))
    .toEqual({ ContextIndex: 0, ContextValue: item });
  expect(templateProblems(selector, 'itemSelector')).toEqual([]);
  expect(templateProblems(selector, 'parameters')).toEqual([
    "parameters: 'ContextIndex.$': $$.Map.Item.Index: $$.Map.Item is only available in a Map's itemSelector",
    "parameters: 'ContextValue.$': $$.Map.Item.Value: $$.Map.Item is only available in a Map's itemSelector",
  ]);
});

test('task tokens and unknown fields are refused; the session record is read only for Input and StartTime', () => {
  expect(contextPathProblem('$$.Task.Token', false)).toBe('$$.Task.Token: task tokens are only given to a task that waits for a callback '
    + '(integrationPattern WAIT_FOR_TASK_TOKEN, .waitForTaskToken), in its parameters');
  expect(contextPathProblem('$$.Task.Token', false, true)).toBeUndefined();
  expect(contextPathProblem('$$.Execution.RoleArn', false)).toMatch(/^\$\$\.Execution\.RoleArn is not a field of the context object; the fields are \$\$\.Execution\.Id, \$\$\.Execution\.Name, /);
  expect(contextPathProblem('$$.Execution.Input.any.depth', false)).toBeUndefined();
  expect([readsContext({ 'a.$': '$.x' }), readsContext({ n: { 'a.$': '$$.State.Name' } })]).toEqual([false, true]);
  expect([{ 'a.$': '$$.Execution.Name' }, { 'a.$': '$$.Execution.Input.x' }, { 'a.$': '$$.Execution.StartTime' }, { 'a.$': '$$' }].map(readsSessionRecord))
    .toEqual([false, true, true, true]);
});
