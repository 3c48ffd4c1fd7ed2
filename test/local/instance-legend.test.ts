import { instanceKey } from '../../src/protocol/keys';
import { describeInstance, instanceLegend } from '../../toolkit/src/local/instance-legend';
import { describeScope } from '../../toolkit/src/report/model';

/**
 * The legend `unum run` prints under its timeline: it reads every id the
 * protocol's instanceKey writes (a Retry's attempt on any frame), and counts
 * items, attempts and iterations as the report page's panel does.
 */
const frame = (index: number, iteration: number, attempt?: number) => ({ fanout: 'F', size: 9, index, iteration, ...(attempt !== undefined ? { attempt } : {}) });

test.each([
  ['top level', instanceKey('Sum', [], 0), { node: 'Sum', frames: [], iteration: 0 }],
  ['a loop iteration', instanceKey('Step', [], 3), { node: 'Step', frames: [], iteration: 3 }],
  ['a Map item', instanceKey('Square', [frame(2, 0)], 0), { node: 'Square', frames: [{ index: 2, epoch: 0 }], iteration: 0 }],
  ['a re-run fan-out', instanceKey('X', [frame(5, 0, 2)], 0), { node: 'X', frames: [{ index: 5, epoch: 0, attempt: 2 }], iteration: 0 }],
  ['only the inner fan-out re-run', instanceKey('Inner', [frame(1, 0), frame(0, 2, 1)], 4),
    { node: 'Inner', frames: [{ index: 1, epoch: 0 }, { index: 0, epoch: 2, attempt: 1 }], iteration: 4 }],
  ['only the outer fan-out re-run', instanceKey('In', [frame(3, 1, 1), frame(7, 0)], 0),
    { node: 'In', frames: [{ index: 3, epoch: 1, attempt: 1 }, { index: 7, epoch: 0 }], iteration: 0 }],
  ['a node name with a bar', instanceKey('a|b', [frame(1, 0)], 0), { node: 'a|b', frames: [{ index: 1, epoch: 0 }], iteration: 0 }],
])('%s: %s is read back into its parts', (_, key, parts) => {
  expect(describeInstance(key)).toEqual(parts);
});

test('the example counts as the report page does, and says the index the id holds', () => {
  const key = instanceKey('Inner', [frame(1, 0), frame(0, 2, 1)], 4);
  expect(key).toBe('Inner|0:1/2~1:0/4');
  const [, example, attempts] = instanceLegend(['Start|0', key]);
  expect(example).toBe('  e.g. Inner|0:1/2~1:0/4 = node Inner, item or branch 1 (index 0) of its Map or Parallel (which ran in loop iteration 3, its attempt 2), '
    + 'inside item or branch 2 (index 1) of an enclosing Map or Parallel (which ran in loop iteration 1), loop iteration 5 (index 4)');
  expect(attempts).toBe('  <node>|<fan-out iteration>~<attempt>:<item>/<iteration>: the fan-out was re-run by its Retry');
  // The report's panel names the same item 2, branch 1, attempt 2 and iteration 5.
  expect(describeScope(key, ['item %d of Outer', 'branch %d of Both'])).toBe('item 2 of Outer, branch 1 of Both (its attempt 2), iteration 5');
});

test('a session without fan-outs: the plain form, and no legend for ids it cannot read', () => {
  expect(instanceLegend(['Prepare|0', 'Boom|0'])).toEqual(['Instance ids: <node>|<iteration>', '  e.g. Prepare|0 = node Prepare, loop iteration 1 (index 0)']);
  expect(instanceLegend(['not an id'])).toEqual([]);
});
