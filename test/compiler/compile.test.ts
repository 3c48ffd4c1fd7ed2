import { choice, fail, fanIn, graph, invoke, map, parallel, succeed, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { FunctionConfig } from '../../src/protocol/config';

function configs(g: ReturnType<typeof graph>): Record<string, FunctionConfig> {
  return Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));
}

const isHello = { op: 'stringEquals' as const, path: '$.greeting', value: 'hello' };

describe('compileWorkflow', () => {
  test('a function invoked through an alias carries that name for its own re-invocations; an unqualified one carries none', () => {
    const c = configs(graph('A', task('A', 'B', { functionName: 'fn-A:live' }), task('B')));
    expect(c.A.invokeName).toBe('fn-A:live');
    expect('invokeName' in c.B).toBe(false);
  });

  test('chain: each function invokes the next, the last ends the session', () => {
    const c = configs(graph('A', task('A', 'B'), task('B', 'C'), task('C')));
    expect(c.A).toEqual({ v: 1, workflow: 'wf', node: 'A', entry: true, next: invoke('B'), retry: [], catch: [] });
    expect(c.B).toEqual({ v: 1, workflow: 'wf', node: 'B', entry: false, next: invoke('C'), retry: [], catch: [] });
    expect(c.C.next).toEqual({ kind: 'succeed' });
    expect(Object.keys(c)).toEqual(['A', 'B', 'C']);
  });

  test('the workflow timeout goes into the entry\'s configuration only', () => {
    const c = configs({ ...graph('A', task('A', 'B'), task('B')), timeoutSeconds: 30 });
    expect(c.A).toEqual({ v: 1, workflow: 'wf', node: 'A', entry: true, next: invoke('B'), retry: [], catch: [], timeoutSeconds: 30 });
    expect(c.B).not.toHaveProperty('timeoutSeconds');
    expect(configs(graph('A', task('A'))).A).not.toHaveProperty('timeoutSeconds');
  });

  test('parallel with sub-chains then an explicit join', () => {
    const c = configs(graph('Start',
      task('Start', 'Fork'),
      parallel('Fork', ['Left1', 'Right'], 'Join'),
      task('Left1', 'Left2'), task('Left2'), task('Right'),
      fanIn('Join', 'Merge'), task('Merge')));
    expect(c.Start.next).toEqual({ kind: 'parallel', fanout: 'Fork', branches: [invoke('Left1'), invoke('Right')] });
    expect(c.Left1.next).toEqual(invoke('Left2'));
    const join = { kind: 'join', join: 'Join', sources: ['Left1', 'Left2', 'Right'], then: invoke('Merge') };
    expect(c.Left2.next).toEqual(join);
    expect(c.Right.next).toEqual(join);
    expect(c.Merge.next).toEqual({ kind: 'succeed' });
  });

  test('parallel followed directly by a function gets an implicit join named after the fan-out', () => {
    const c = configs(graph('S', task('S', 'P'), parallel('P', ['X', 'Y'], 'M'), task('X'), task('Y'), task('M')));
    expect(c.X.next).toEqual({ kind: 'join', join: 'P', sources: ['X', 'Y'], then: invoke('M') });
  });

  test('map then join: items from the array, empty map continues with the join target', () => {
    const c = configs(graph('Numbers',
      task('Numbers', 'Each'), map('Each', 'Identity', 'Gather', { maxConcurrency: 16 }), task('Identity'),
      fanIn('Gather', 'Collect'), task('Collect')));
    expect(c.Numbers.next).toEqual({
      kind: 'map',
      fanout: 'Each',
      itemsPath: '$',
      maxConcurrency: 16,
      item: invoke('Identity'),
      join: 'Gather',
      onEmpty: invoke('Collect'),
    });
    expect(c.Identity.next).toEqual({ kind: 'join', join: 'Gather', sources: ['Identity'], then: invoke('Collect'), maxConcurrency: 16 });
  });

  test('map -> join -> map -> join (word count)', () => {
    const c = configs(graph('Split',
      task('Split', 'CountChunks'), map('CountChunks', 'Count', 'Counted', { itemsPath: '$.chunks' }), task('Count'),
      fanIn('Counted', 'Partition'), task('Partition', 'ReduceAll'),
      map('ReduceAll', 'Reduce', 'Reduced', { itemsPath: '$.partitions' }), task('Reduce'),
      fanIn('Reduced', 'Merge'), task('Merge')));
    expect(c.Split.next).toMatchObject({ kind: 'map', fanout: 'CountChunks', itemsPath: '$.chunks', item: invoke('Count'), onEmpty: invoke('Partition') });
    expect(c.Count.next).toEqual({ kind: 'join', join: 'Counted', sources: ['Count'], then: invoke('Partition') });
    expect(c.Partition.next).toMatchObject({ kind: 'map', fanout: 'ReduceAll', itemsPath: '$.partitions', item: invoke('Reduce'), join: 'Reduced' });
    expect(c.Reduce.next).toEqual({ kind: 'join', join: 'Reduced', sources: ['Reduce'], then: invoke('Merge') });
    expect(c.Merge.next).toEqual({ kind: 'succeed' });
  });

  test('choice whose branches converge (hello/bye): conditions are compiled into the predecessor', () => {
    const c = configs(graph('Greet',
      task('Greet', 'HelloOrBye'), choice('HelloOrBye', [[isHello, 'Hello']], 'Bye'),
      task('Hello', 'World'), task('Bye', 'World'), task('World')));
    expect(c.Greet.next).toEqual({ kind: 'choice', node: 'HelloOrBye', rules: [{ when: isHello, then: invoke('Hello') }], otherwise: invoke('Bye') });
    expect(c.Hello.next).toEqual(invoke('World'));
    expect(c.Bye.next).toEqual(invoke('World'));
  });

  test('choice then join inside a parallel: each path arrives at the join', () => {
    const c = configs(graph('S',
      task('S', 'P'), parallel('P', ['B', 'C'], 'J'),
      task('B', 'Pick'), choice('Pick', [[{ op: 'booleanEquals', path: '$', value: true }, 'T']], 'F'), task('T'), task('F'),
      task('C'), fanIn('J', 'End'), task('End')));
    const join = { kind: 'join', join: 'J', sources: ['B', 'C', 'F', 'T'], then: invoke('End') };
    expect(c.T.next).toEqual(join);
    expect(c.F.next).toEqual(join);
    expect(c.C.next).toEqual(join);
    expect(c.B.next).toMatchObject({ kind: 'choice', otherwise: invoke('F') });
  });

  test('loop: the back-edge increments the iteration, the forward edge does not', () => {
    const c = configs(graph('Init',
      task('Init', 'Step'), task('Step', 'Done'),
      choice('Done', [[{ op: 'numberGreaterThanEquals', path: '$.count', value: 3 }, 'Finish']], 'Step'), task('Finish')));
    expect(c.Init.next).toEqual(invoke('Step'));
    expect(c.Step.next).toEqual({
      kind: 'choice',
      node: 'Done',
      rules: [{ when: { op: 'numberGreaterThanEquals', path: '$.count', value: 3 }, then: invoke('Finish') }],
      otherwise: invoke('Step', true),
    });
  });

  test('a loop back to a fan-out increments the iteration before the frame is pushed', () => {
    const c = configs(graph('S',
      task('S', 'P'), parallel('P', ['X', 'Y'], 'M'), task('X'), task('Y'), task('M', 'Again'),
      choice('Again', [[{ op: 'booleanEquals', path: '$.more', value: true }, 'P']], 'End'), task('End')));
    expect(c.M.next).toMatchObject({ rules: [{ then: { kind: 'parallel', fanout: 'P', loop: true, branches: [invoke('X'), invoke('Y')] } }] });
    expect(c.S.next).toEqual({ kind: 'parallel', fanout: 'P', branches: [invoke('X'), invoke('Y')] });
  });

  test('nested map of chains: inner join continues in the outer item, outer join after', () => {
    const c = configs(graph('Batches',
      task('Batches', 'EachBatch'), map('EachBatch', 'Prepare', 'AllBatches', { itemsPath: '$.batches' }),
      task('Prepare', 'EachItem'), map('EachItem', 'Work', 'BatchDone', { itemsPath: '$.items' }),
      task('Work', 'Check'), task('Check'), fanIn('BatchDone', 'Combine'), task('Combine'),
      fanIn('AllBatches', 'Total'), task('Total')));
    expect(c.Batches.next).toMatchObject({ kind: 'map', fanout: 'EachBatch', item: invoke('Prepare'), onEmpty: invoke('Total') });
    expect(c.Prepare.next).toMatchObject({ kind: 'map', fanout: 'EachItem', item: invoke('Work'), onEmpty: invoke('Combine') });
    expect(c.Work.next).toEqual(invoke('Check'));
    expect(c.Check.next).toEqual({ kind: 'join', join: 'BatchDone', sources: ['Check', 'Work'], then: invoke('Combine') });
    expect(c.Combine.next).toEqual({ kind: 'join', join: 'AllBatches', sources: ['Combine', 'Prepare'], then: invoke('Total') });
  });

  test("FaaSr's model workflow: a ranked map that ends its branch cascades into the outer join", () => {
    const c = configs(graph('start',
      task('start', 'Fork'), parallel('Fork', ['computeA', 'computeB'], 'AllDone'),
      task('computeA', 'Ranks'), map('Ranks', 'concurrent', undefined, { itemsPath: undefined, width: 10 }), task('concurrent'),
      task('computeB', 'IsTrue'), choice('IsTrue', [[{ op: 'booleanEquals', path: '$', value: true }, 'conditionalT']], 'conditionalF'),
      task('conditionalT'), task('conditionalF'), fanIn('AllDone', 'end'), task('end')));
    const outer = { kind: 'join', join: 'AllDone', sources: ['Ranks', 'computeA', 'computeB', 'conditionalF', 'conditionalT'], then: invoke('end') };
    expect(c.start.next).toEqual({ kind: 'parallel', fanout: 'Fork', branches: [invoke('computeA'), invoke('computeB')] });
    expect(c.computeA.next).toEqual({ kind: 'map', fanout: 'Ranks', width: 10, item: invoke('concurrent'), join: 'Ranks', onEmpty: outer });
    expect(c.concurrent.next).toEqual({ kind: 'join', join: 'Ranks', sources: ['concurrent'], then: outer });
    expect(c.conditionalT.next).toEqual(outer);
    expect(c.conditionalF.next).toEqual(outer);
    expect(c.end.next).toEqual({ kind: 'succeed' });
  });

  test('ranked copies that open a Parallel branch and end it are accepted: they are never empty, so the branch always runs a function', () => {
    const c = configs(graph('start',
      task('start', 'Fork'), parallel('Fork', ['Ranks', 'other'], 'AllDone'),
      map('Ranks', 'copy', undefined, { itemsPath: undefined, width: 3 }), task('copy'), task('other'),
      fanIn('AllDone', 'end'), task('end')));
    const outer = { kind: 'join', join: 'AllDone', sources: ['Ranks', 'other'], then: invoke('end') };
    expect(c.start.next).toMatchObject({ kind: 'parallel', branches: [{ kind: 'map', width: 3, onEmpty: outer }, invoke('other')] });
  });

  test('retry and catch: the handler is resolved like any successor, Fail and Succeed are terminal actions', () => {
    const retry = { errors: ['Timeout'], intervalSeconds: 2, maxAttempts: 5, backoffRate: 1.5 };
    const c = configs(graph('A',
      task('A', 'B', { retry: [retry], catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Recover' }] } as any),
      task('B', 'Ok'), succeed('Ok'), task('Recover', 'Boom'), fail('Boom', 'Unrecoverable')));
    expect(c.A.retry).toEqual([retry]);
    expect(c.A.catch).toEqual([{ errors: ['States.ALL'], resultPath: '$.error', next: invoke('Recover') }]);
    expect(c.B.next).toEqual({ kind: 'succeed' });
    expect(c.Recover.next).toEqual({ kind: 'fail', node: 'Boom', error: 'Unrecoverable' });
  });

  test('Succeed inside a map item ends the item, not the session', () => {
    const c = configs(graph('S', task('S', 'M'), map('M', 'Item', 'Done'), task('Item', 'Stop'), succeed('Stop'), task('Done')));
    expect(c.Item.next).toEqual({ kind: 'join', join: 'M', sources: ['Item'], then: invoke('Done') });
  });

  test('a parallel that ends the workflow makes the joined list the result', () => {
    const c = configs(graph('S', task('S', 'P'), parallel('P', ['X', 'Y']), task('X'), task('Y')));
    expect(c.X.next).toEqual({ kind: 'join', join: 'P', sources: ['X', 'Y'], then: { kind: 'succeed' } });
  });

  test('the configuration of a 10,000-way map does not grow with the width', () => {
    const small = configs(graph('S', task('S', 'M'), map('M', 'I', 'J', { itemsPath: undefined, width: 10 }), task('I'), fanIn('J', 'E'), task('E')));
    const large = configs(graph('S', task('S', 'M'), map('M', 'I', 'J', { itemsPath: undefined, width: 10_000 }), task('I'), fanIn('J', 'E'), task('E')));
    expect(JSON.stringify(large.S).length - JSON.stringify(small.S).length).toBe(3);
  });
});

describe('window joins (partial joins across map items)', () => {
  const fold = (offsets: number[]) => graph('Split',
    task('Split', 'Chunks'), map('Chunks', 'Encode', 'Encoded'), task('Encode', 'WithPrevious'),
    { kind: 'fanIn', id: 'WithPrevious', itemOffsets: offsets, next: 'Rebase' }, task('Rebase'),
    fanIn('Encoded', 'Fold'), task('Fold'));

  test('the first stage arrives at its neighbours\' window joins; the second stage ends the item', () => {
    const c = configs(fold([0, -1]));
    expect(c.Encode.next).toEqual({ kind: 'windowJoin', join: 'WithPrevious', offsets: [0, -1], then: invoke('Rebase') });
    expect(c.Rebase.next).toEqual({ kind: 'join', join: 'Encoded', sources: ['Encode', 'Rebase'], then: invoke('Fold') });
  });

  test.each([
    [[], /itemOffsets must be 1 to 16 distinct integers/],
    [[0, 0], /itemOffsets must be 1 to 16 distinct integers/],
    [[0.5], /itemOffsets must be 1 to 16 distinct integers/],
  ])('offsets %j are rejected', (offsets, message) => {
    expect(() => compileWorkflow(fold(offsets))).toThrow(message);
  });

  test('a window join outside a map, closing a fan-out, or not followed by a function is rejected', () => {
    expect(() => compileWorkflow(graph('A', task('A', 'W'), { kind: 'fanIn', id: 'W', itemOffsets: [0], next: 'B' }, task('B'))))
      .toThrow(/FanIn 'W' \(itemOffsets\) joins neighbouring items of a Map: put it in a Map's item processor/);
    expect(() => compileWorkflow(graph('A', task('A', 'M'), map('M', 'I', 'W'), task('I'), { kind: 'fanIn', id: 'W', itemOffsets: [0], next: 'B' }, task('B'))))
      .toThrow(/FanIn 'W' has itemOffsets, so it joins neighbouring items inside a Map's item processor; it cannot close Map 'M'/);
    expect(() => compileWorkflow(graph('A', task('A', 'M'), map('M', 'I'), task('I', 'W'), { kind: 'fanIn', id: 'W', itemOffsets: [0, -1] })))
      .toThrow(/FanIn 'W' \(itemOffsets\) must be followed by the UnumFunction that receives the neighbouring outputs/);
  });
});
