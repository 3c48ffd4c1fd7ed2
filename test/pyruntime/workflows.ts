/**
 * The workflows of the Python runtime's tests and of the bench's Python part,
 * compiled by the pure compiler (src/compiler) into the FunctionConfig each
 * function receives. Prints `{ name: CompiledWorkflow }` as JSON.
 *
 *   node -r ts-node/register/transpile-only test/pyruntime/workflows.ts
 */
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState, WorkflowGraph } from '../../src/compiler/graph';
import { ConditionJson } from '../../src/protocol/conditions';
import { CHARGE_FLOW, ITEM_SELECTOR, PATHS as CONTEXT_PATHS, STAMP_PARAMETERS } from '../support/context-fixture';

const task = (id: string, next?: string, extra: object = {}): GraphState =>
  ({ kind: 'task', id, functionName: `fn-${id}`, ...(next ? { next } : {}), ...extra } as GraphState);
const choice = (id: string, choices: Array<[ConditionJson, string]>, otherwise?: string): GraphState =>
  ({ kind: 'choice', id, choices: choices.map(([condition, next]) => ({ condition, next })), ...(otherwise ? { otherwise } : {}) });
const parallel = (id: string, branches: string[], next?: string): GraphState => ({ kind: 'parallel', id, branches, ...(next ? { next } : {}) });
const map = (id: string, iterator: string, next: string, itemsPath = '$.items'): GraphState =>
  ({ kind: 'map', id, iterator, itemsPath, next });
const fanIn = (id: string, next?: string, predecessors?: string[]): GraphState =>
  ({ kind: 'fanIn', id, ...(next ? { next } : {}), ...(predecessors ? { predecessors } : {}) });
/** A JSONata catcher handing `{ error, cause, input }` to Handler. */
const caughtByHandler = (error: string) => [{
  errors: [error],
  resultPath: '$',
  jsonata: { output: { error: '{% $states.errorOutput.Error %}', cause: '{% $states.errorOutput.Cause %}', input: '{% $states.input %}' } },
  next: 'Handler',
}];
const graph = (name: string, start: string, ...states: GraphState[]): WorkflowGraph => ({ name, start, states });

const workflows: WorkflowGraph[] = [
  // lambda:invoke's response shape (payloadResponseOnly false): the Choice reads $.invoked.StatusCode, Report $.Payload.
  graph('lambda-response', 'Score',
    task('Score', 'Check', { dataFlow: { lambdaResponse: true, resultPath: '$.invoked' } }),
    choice('Check', [[{ op: 'numberEquals', path: '$.invoked.StatusCode', value: 200 }, 'Report']]),
    task('Report', undefined, { dataFlow: { lambdaResponse: true, resultSelector: { 'score.$': '$.Payload.score', 'version.$': '$.ExecutedVersion' } } })),
  graph('chain', 'A', task('A', 'B'), task('B', 'C'), task('C')),
  graph('choice', 'Classify',
    task('Classify', 'Route'),
    choice('Route', [
      [{ op: 'numberGreaterThan', path: '$.n', value: 10 }, 'Big'],
      [{ op: 'stringEquals', path: '$.kind', value: 'zero' }, 'Zero'],
    ], 'Small'),
    task('Big'), task('Zero'), task('Small')),
  graph('parallel', 'Start',
    task('Start', 'Fork'),
    parallel('Fork', ['Left', 'Right'], 'Join'),
    task('Left'), task('Right'),
    fanIn('Join', 'Merge'),
    task('Merge')),
  // Run with 10 items (one shard) and with more than 64 (a sharded join).
  graph('map', 'Split',
    task('Split', 'Each'),
    map('Each', 'Square', 'Gather'),
    task('Square'),
    fanIn('Gather', 'Sum'),
    task('Sum')),
  // Retry and Catch on a Parallel whose two branches fail: one report per attempt, one retry, one catch.
  graph('parallel-retry-catch', 'Start',
    task('Start', 'Fork'),
    {
      ...parallel('Fork', ['Left', 'Right']),
      retry: [{ errors: ['States.ALL'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }],
      catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Handler' }],
    } as GraphState,
    task('Left'), task('Right'), task('Handler')),
  // Parallel and Map options: data flow on the fan-out and the join side, a bounded Map.
  graph('parallel-flow', 'Start',
    task('Start', 'Fork'),
    { ...parallel('Fork', ['Left', 'Right'], 'Merge'), dataFlow: { inputPath: '$.order', resultSelector: { 'left.$': '$[0]', 'right.$': '$[1]' }, resultPath: '$.r' } } as GraphState,
    task('Left'), task('Right'), task('Merge')),
  graph('map-bounded', 'Split',
    task('Split', 'Each'),
    { ...map('Each', 'Square', 'Gather'), maxConcurrency: 3, dataFlow: { resultPath: '$.squares' } } as GraphState,
    task('Square'),
    fanIn('Gather', 'Sum'),
    task('Sum')),
  // A bounded Map fanned out by the egress of whichever item completed the join before it.
  graph('map-after-join', 'Split',
    task('Split', 'Each'),
    map('Each', 'Square', 'Gather'),
    task('Square'),
    fanIn('Gather', 'Shape'),
    { kind: 'pass', id: 'Shape', dataFlow: { parameters: { 'items.$': '$' } }, next: 'Again' },
    { ...map('Again', 'Cube', 'Cubed'), maxConcurrency: 2 } as GraphState,
    task('Cube'),
    fanIn('Cubed', 'Sum'),
    task('Sum')),
  // A join over predecessors after a choice: the branch not taken is skipped, not waited for.
  graph('dag', 'Start',
    task('Start', 'Route'),
    choice('Route', [[{ op: 'isPresent', path: '$.hello', value: true }, 'Hello']], 'Bye'),
    task('Hello', 'Greeted'), task('Bye', 'Greeted'),
    fanIn('Greeted', 'End', ['Hello', 'Bye']),
    task('End')),
  graph('retry', 'Flaky',
    task('Flaky', 'Done', {
      retry: [{ errors: ['TransientError'], intervalSeconds: 0.01, maxAttempts: 2, backoffRate: 2 }],
      catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Recover' }],
    }),
    task('Recover', 'Done'),
    task('Done')),
  // The faults suite's workflow: a map joined inside a Parallel branch, the outer join, a choice, a fan-in-free result.
  graph('composite', 'A',
    task('A', 'P'),
    parallel('P', ['M', 'B'], 'J2'),
    map('M', 'W', 'J1'), task('W'), fanIn('J1', 'Tally'), task('Tally'),
    task('B'),
    fanIn('J2', 'Agg'),
    task('Agg', 'Ok'),
    choice('Ok', [[{ op: 'isPresent', path: '$.sum', value: true }, 'Fin']]),
    task('Fin')),
  // The context object $$ (test_context_object.py, the same as test/runtime/context.test.ts).
  graph('context', 'Charge',
    task('Charge', 'Stamp', {
      retry: [{ errors: ['TransientError'], intervalSeconds: 0.01, maxAttempts: 2, backoffRate: 1 }],
      dataFlow: CHARGE_FLOW,
    }),
    { kind: 'pass', id: 'Stamp', dataFlow: { parameters: STAMP_PARAMETERS } } as GraphState),
  graph('contextMap', 'Split',
    task('Split', 'Each'),
    { ...map('Each', 'Work', 'Gather'), itemSelector: ITEM_SELECTOR } as GraphState,
    task('Work'),
    fanIn('Gather', 'Agg'),
    task('Agg')),
  // $$ in paths: a Choice's Variable and ...Path operand, ItemsPath, InputPath and OutputPath (the same as test/runtime/context.test.ts).
  graph('contextPaths', 'First',
    task('First', 'Route'),
    choice('Route', [[CONTEXT_PATHS.route, 'Split']], 'Other'),
    task('Split', 'Each'),
    map('Each', 'Work', 'Gather', CONTEXT_PATHS.itemsPath),
    task('Work'),
    fanIn('Gather', 'Agg'),
    task('Agg', undefined, { dataFlow: CONTEXT_PATHS.agg }),
    task('Other', undefined, { dataFlow: CONTEXT_PATHS.other })),
  graph('wait', 'A', task('A', 'Pause'), { kind: 'wait', id: 'Pause', seconds: 1, next: 'B' } as GraphState, task('B')),
  // A function invoked through an alias (its predecessors' name for it is fn-A:live): it re-invokes itself through the alias too.
  graph('aliased', 'A',
    task('A', 'Pause', { functionName: 'fn-A:live', retry: [{ errors: ['TransientError'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }] }),
    { kind: 'wait', id: 'Pause', seconds: 1, next: 'B' } as GraphState, task('B')),
  graph('aliasedMap', 'Split',
    task('Split', 'Each', { functionName: 'fn-Split:live' }),
    map('Each', 'Square', 'Gather'),
    task('Square'),
    fanIn('Gather', 'Sum'),
    task('Sum')),
  graph('loop', 'Init',
    task('Init', 'Step'), task('Step', 'Enough'),
    choice('Enough', [[{ op: 'numberGreaterThanEquals', path: '$.count', value: 3 }, 'Finish']], 'Step'),
    task('Finish')),
  // The workflow timeout (FunctionConfig.timeoutSeconds on the entry): test_timeout.py.
  { ...graph('timeout-chain', 'A', task('A', 'B'), task('B', 'C'), task('C')), timeoutSeconds: 1 },
  { ...graph('timeout-minute', 'A', task('A', 'B'), task('B')), timeoutSeconds: 60 },
  { ...graph('timeout-join', 'A', task('A', 'P'), parallel('P', ['X', 'Y'], 'J'), task('X'), task('Y'), fanIn('J', 'C'), task('C')), timeoutSeconds: 1 },
  { ...graph('timeout-wait', 'A', task('A', 'Pause'), { kind: 'wait', id: 'Pause', seconds: 3600, next: 'B' } as GraphState, task('B')), timeoutSeconds: 1 },
  { ...graph('timeout-wait-later', 'A', task('A', 'Pause'), { kind: 'wait', id: 'Pause', seconds: 3600, next: 'B' } as GraphState, task('B')), timeoutSeconds: 2 },
  // Workflows that start with states (FunctionConfig.start on the entry): test_start_states.py.
  graph('start-parallel', 'Fork', parallel('Fork', ['A', 'B', 'C'], 'Merge'), task('A'), task('B'), task('C'), task('Merge')),
  graph('start-map', 'Each', map('Each', 'Square', 'Sum'), task('Square'), task('Sum')),
  graph('start-choice', 'Route', choice('Route', [[{ op: 'numberGreaterThan', path: '$.n', value: 10 }, 'Big']], 'Small'), task('Big'), task('Small')),
  graph('start-wait', 'Pause', { kind: 'wait', id: 'Pause', secondsPath: '$.wait', next: 'Work' } as GraphState, task('Work')),
  // JSONata Wait and Fail (test_jsonata_states.py).
  graph('jsonata-wait', 'A', task('A', 'Pause'), { kind: 'wait', id: 'Pause', seconds: '{% $states.input.wait %}', next: 'B' } as GraphState, task('B')),
  graph('jsonata-fail', 'A', task('A', 'Boom'),
    { kind: 'fail', id: 'Boom', error: '{% "Order." & $uppercase($states.input.code) %}', cause: '{% $states.context.State.Name & ": late" %}' } as GraphState),
  // JSONata errors of a Task go to its Retry and Catch; a catcher's and a Choice's Output/Assign (test_jsonata_states.py).
  graph('jsonata-catch', 'A',
    task('A', 'B', {
      dataFlow: {
        queryLanguage: 'JSONata',
        arguments: '{% $states.context.State.RetryCount < 1 ? $states.input.missing : $states.input %}',
        output: '{% $states.result.total + 1 %}',
        assign: { never: 1 },
      },
      retry: [{ errors: ['States.QueryEvaluationError'], intervalSeconds: 0.001, maxAttempts: 1, backoffRate: 1 }],
      catch: [{
        errors: ['States.ALL'],
        resultPath: '$',
        next: 'Fallback',
        jsonata: { output: { order: '{% $states.input.order %}', why: '{% $states.errorOutput.Cause %}' }, assign: { failed: '{% $states.errorOutput.Error %}' } },
      }],
    }),
    task('B'),
    task('Fallback', undefined, { dataFlow: { queryLanguage: 'JSONata', output: '{% $merge([$states.input, {"failed": $failed, "never": $exists($never)}]) %}' } })),
  graph('jsonata-choice', 'A', task('A', 'Tier'),
    {
      kind: 'choice',
      id: 'Tier',
      jsonata: { assign: { checked: '{% $states.input.total %}', tier: 'none' } },
      choices: [{
        condition: { op: 'jsonata', expression: '{% $states.input.total > 100 %}' },
        next: 'Report',
        jsonata: { output: { gold: '{% $states.input.total %}', before: '{% $exists($tier) %}' }, assign: { tier: 'gold' } },
      }],
      otherwise: 'Report',
    } as GraphState,
    task('Report', undefined, { dataFlow: { queryLanguage: 'JSONata', output: { value: '{% $states.input %}', tier: '{% $tier %}', checked: '{% $checked %}' } } })),
  // JSONata Output/Assign at a Parallel's and a Map's join, a JSONata Map's ItemSelector (test_jsonata_fanout.py).
  graph('jsonata-parallel', 'A',
    task('A', 'P'),
    {
      ...parallel('P', ['L', 'R'], 'J'),
      dataFlow: { queryLanguage: 'JSONata', output: '{% $merge($states.result) %}', assign: { total: '{% $states.result[0].left + $states.result[1].right %}', seen: '{% $states.input.tag %}' } },
    } as GraphState,
    task('L'), task('R'), fanIn('J', 'Next'),
    task('Next', undefined, { dataFlow: { queryLanguage: 'JSONata', output: { got: '{% $states.input %}', total: '{% $total %}', seen: '{% $seen %}' } } })),
  graph('jsonata-map', 'Split',
    task('Split', 'M', { dataFlow: { queryLanguage: 'JSONata', assign: { rate: 2 } } }),
    {
      kind: 'map',
      id: 'M',
      iterator: 'W',
      next: 'G',
      items: '{% $states.input.orders %}',
      itemSelector: {
        index: '{% $states.context.Map.Item.Index %}',
        sku: '{% $states.context.Map.Item.Value.sku %}',
        qty: '{% $states.context.Map.Item.Value.qty * $rate %}',
        shop: '{% $states.input.shop %}',
      },
      dataFlow: { queryLanguage: 'JSONata', output: '{% $states.result[ok].(shop & "/" & sku & "#" & index & "x" & qty) %}', assign: { count: '{% $count($states.result[ok]) %}' } },
    } as GraphState,
    task('W'), fanIn('G', 'Agg'),
    task('Agg', undefined, { dataFlow: { queryLanguage: 'JSONata', output: { out: '{% $states.input %}', count: '{% $count %}' } } })),
  // A JSONata Parallel's Arguments; branches ending in a Wait and a Succeed with Output (test_jsonata_fanout.py).
  graph('jsonata-parallel-arguments', 'A',
    task('A', 'P'),
    {
      ...parallel('P', ['L', 'R']),
      dataFlow: {
        queryLanguage: 'JSONata',
        arguments: { n: '{% $states.input.item.n %}' },
        output: { left: '{% $states.result[0] %}', right: '{% $states.result[1] %}', tag: '{% $states.input.tag %}' },
      },
    } as GraphState,
    task('L', 'Rest'),
    { kind: 'wait', id: 'Rest', seconds: 0, dataFlow: { queryLanguage: 'JSONata', output: { left: '{% $states.input.left * 2 %}' }, assign: { rested: '{% $states.input.left %}' } } } as GraphState,
    task('R', 'Done'),
    { kind: 'succeed', id: 'Done', dataFlow: { queryLanguage: 'JSONata', output: '{% $merge([$states.input, {"state": $states.context.State.Name}]) %}' } } as GraphState),
  // A JSONata catcher's Output and Assign on a Parallel: the error, the raw input, the variables (test_jsonata_fanout.py);
  // the origin A assigns nothing, so $seen reaches the catcher only if the failure report carries A's envelope variables.
  graph('jsonata-parallel-catch', 'Pre',
    task('Pre', 'A', { dataFlow: { queryLanguage: 'JSONata', assign: { seen: 'before' } } }),
    task('A', 'P'),
    {
      ...parallel('P', ['L', 'R'], 'Next'),
      catch: [{
        errors: ['BranchFailed'],
        resultPath: '$',
        jsonata: {
          output: { why: '{% $states.errorOutput.Error & ": " & $states.errorOutput.Cause %}', n: '{% $states.input.n %}' },
          assign: { seen: '{% $seen & "+" & $states.errorOutput.Error %}' },
        },
        next: 'Handler',
      }],
    } as GraphState,
    task('L'), task('R'), task('Next'),
    task('Handler', undefined, { dataFlow: { queryLanguage: 'JSONata', output: { got: '{% $states.input %}', seen: '{% $seen %}' } } })),
  // A JSONata Map's own Items, ItemSelector and join Output errors, and a Parallel's Arguments error, go to its own Retry and
  // Catch (test_jsonata_fanout.py; test/runtime/jsonata-fanout-failures.test.ts in Node).
  graph('jsonata-map-own-failure', 'Start',
    task('Start', 'M'),
    {
      kind: 'map',
      id: 'M',
      iterator: 'W',
      next: 'Agg',
      items: '{% $states.input.orders %}',
      itemSelector: { qty: '{% $states.context.Map.Item.Value.qty * 2 %}' },
      toleratedFailureCount: 5,
      dataFlow: { queryLanguage: 'JSONata', output: '{% $states.input.strict ? $states.result.qty + "x" : $sum($states.result.qty) %}' },
      retry: [{ errors: ['States.QueryEvaluationError'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }],
      catch: caughtByHandler('States.QueryEvaluationError'),
    } as GraphState,
    task('W'), task('Agg'), task('Handler')),
  graph('jsonata-parallel-own-failure', 'Start',
    task('Start', 'P'),
    {
      ...parallel('P', ['L', 'R'], 'Next'),
      dataFlow: { queryLanguage: 'JSONata', arguments: { n: '{% $states.input.n + 1 %}' } },
      catch: caughtByHandler('States.ALL'),
    } as GraphState,
    task('L'), task('R'), task('Next'), task('Handler')),
  { ...graph('timeout-retry', 'A', task('A', undefined, { retry: [{ errors: ['States.ALL'], intervalSeconds: 600, maxAttempts: 3, backoffRate: 1 }] })), timeoutSeconds: 1 },
];

process.stdout.write(JSON.stringify(Object.fromEntries(workflows.map((g) => [g.name, compileWorkflow(g)]))));
