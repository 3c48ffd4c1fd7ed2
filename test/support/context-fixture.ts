/**
 * The context object ($$) workflows both runtimes run with the same values:
 * test/runtime/context.test.ts builds them as action trees for the Node
 * runtime, test/pyruntime/workflows.ts compiles them for the Python runtime's
 * tests/test_context_object.py. One definition, so the two cannot drift.
 */
import { ConditionJson } from '../../src/protocol/conditions';

/** The 'Charge' function: Parameters and ResultSelector reading Execution, StateMachine and State. */
export const CHARGE_FLOW = {
  parameters: {
    'name.$': '$$.Execution.Name',
    'id.$': '$$.Execution.Id',
    'x.$': '$$.Execution.Input.x',
    'start.$': '$$.Execution.StartTime',
    'state.$': '$$.State.Name',
    'retries.$': '$$.State.RetryCount',
    'machine.$': '$$.StateMachine.Name',
    'own.$': '$.x',
  },
  resultSelector: { 'value.$': '$.x', 'by.$': '$$.State.Name', 'retries.$': '$$.State.RetryCount' },
};

/** The Pass 'Stamp' after Charge. */
export const STAMP_PARAMETERS = { 'order.$': '$', 'pass.$': '$$.State.Name', 'name.$': '$$.Execution.Name' };

/** A Map's itemSelector reading the Map's input and $$.Map.Item. */
export const ITEM_SELECTOR = { 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'prefix.$': '$.prefix', 'fixed': 1 };

/** $$ in paths: the Choice 'Route', the Map's ItemsPath, and the data flows of 'Agg' and 'Other'. */
export const PATHS = {
  route: { op: 'stringEqualsPath', path: '$$.Execution.Input.mode', otherPath: '$.mode' } as ConditionJson,
  itemsPath: '$$.Execution.Input.items',
  agg: { inputPath: '$$.Execution.Input', parameters: { 'items.$': '$.items' }, outputPath: '$$.State.Name' },
  other: { outputPath: '$$.Execution.Input.mode' },
};
