import { choice, fail, fanIn, graph, invoke, parallel, map, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { MAX_DAG_PREDECESSORS } from '../../src/compiler/dag';
import { GraphState, WorkflowGraph } from '../../src/compiler/graph';
import { validateGraph, WorkflowGraphError } from '../../src/compiler/validate';
import { ConditionJson } from '../../src/protocol/conditions';
import { Action, FunctionConfig } from '../../src/protocol/config';

/*
 * FanIns over an explicit set of predecessors (DAG joins): where the join
 * lives, which decision skips which predecessor, and the graphs whose joins
 * could hang, run a state twice or end a scope twice.
 */

const dagJoin = (id: string, predecessors: string[], next?: string): GraphState =>
  ({ kind: 'fanIn', id, predecessors, ...(next ? { next } : {}) });
const pass = (id: string, next: string): GraphState => ({ kind: 'pass', id, dataFlow: {}, next });
const when = (path: string): ConditionJson => ({ op: 'isPresent', path, value: true });
const catchTo = (next: string) => ({ catch: [{ errors: ['States.ALL'], resultPath: '$.error', next }] });

function configs(g: WorkflowGraph): Record<string, FunctionConfig> {
  return Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));
}

function problemsOf(g: WorkflowGraph): readonly string[] {
  try {
    validateGraph(g);
  } catch (e) {
    expect(e).toBeInstanceOf(WorkflowGraphError);
    return (e as WorkflowGraphError).problems;
  }
  throw new Error('the graph was accepted');
}

const helloBye = graph('Start',
  task('Start', 'Route'),
  choice('Route', [[when('$.hello'), 'Hello']], 'Bye'),
  task('Hello', 'Greeted'), task('Bye', 'Greeted'),
  dagJoin('Greeted', ['Hello', 'Bye'], 'End'),
  task('End'));

/** start -> A, B; A -> C; A, B -> D; C, D -> Last: not series-parallel, so no nesting of Parallels expresses it. */
const crossed = graph('Start',
  task('Start', 'Fork'),
  parallel('Fork', ['A', 'B']),
  task('A', 'AFork'),
  parallel('AFork', ['C', 'AtoD']),
  task('C', 'Both'),
  pass('AtoD', 'D'),
  task('B', 'D'),
  dagJoin('D', ['AtoD', 'B'], 'Dfn'),
  task('Dfn', 'Both'),
  dagJoin('Both', ['C', 'Dfn'], 'Last'),
  task('Last'));

describe('FanIn over predecessors: compiled configuration', () => {
  test('after a Choice, each rule marks the predecessor only the other option leads to as skipped', () => {
    const c = configs(helloBye);
    const slots = [{ node: 'Hello', branches: [] }, { node: 'Bye', branches: [] }];
    const arrival = (slot: number) => ({ kind: 'dagJoin', join: 'Greeted', depth: 0, slot, slots, then: invoke('End') });
    expect(c.Start.next).toEqual({
      kind: 'choice',
      node: 'Route',
      rules: [{ when: when('$.hello'), then: { kind: 'skip', joins: [arrival(1)], next: invoke('Hello') } }],
      otherwise: { kind: 'skip', joins: [arrival(0)], next: invoke('Bye') },
    });
    expect(c.Hello.next).toEqual(arrival(0));
    expect(c.Bye.next).toEqual(arrival(1));
    expect(c.End.next).toEqual({ kind: 'succeed' });
  });

  test('a DAG that is not series-parallel: predecessors in branches of Parallels that have no join of their own', () => {
    const c = configs(crossed);
    const d = [{ node: 'AtoD', branches: [0, 1] }, { node: 'B', branches: [1] }];
    const both = [{ node: 'C', branches: [0, 0] }, { node: 'Dfn', branches: [] }];
    expect(c.Start.next).toEqual({ kind: 'parallel', fanout: 'Fork', branches: [invoke('A'), invoke('B')] });
    expect(c.A.next).toEqual({
      kind: 'parallel',
      fanout: 'AFork',
      branches: [
        invoke('C'),
        { kind: 'pass', node: 'AtoD', dataFlow: {}, next: { kind: 'dagJoin', join: 'D', depth: 0, slot: 0, slots: d, then: invoke('Dfn') } },
      ],
    });
    expect(c.B.next).toEqual({ kind: 'dagJoin', join: 'D', depth: 0, slot: 1, slots: d, then: invoke('Dfn') });
    expect(c.C.next).toEqual({ kind: 'dagJoin', join: 'Both', depth: 0, slot: 0, slots: both, then: invoke('Last') });
    expect(c.Dfn.next).toEqual({ kind: 'dagJoin', join: 'Both', depth: 0, slot: 1, slots: both, then: invoke('Last') });
    expect(c.Last.next).toEqual({ kind: 'succeed' });
  });

  test('a catch is a decision: success skips the handler, the catch skips the function that failed', () => {
    const c = configs(graph('Start',
      task('Start', 'Fork'),
      parallel('Fork', ['A', 'B']),
      task('A', 'J', catchTo('Fix')), task('Fix', 'J'), task('B', 'J'),
      dagJoin('J', ['A', 'B', 'Fix'], 'End'),
      task('End')));
    const slots = [{ node: 'A', branches: [0] }, { node: 'B', branches: [1] }, { node: 'Fix', branches: [0] }];
    const arrival = (slot: number) => ({ kind: 'dagJoin', join: 'J', depth: 0, slot, slots, then: invoke('End') });
    expect(c.A.next).toEqual({ kind: 'skip', joins: [arrival(2)], next: arrival(0) });
    expect(c.A.catch.map((k) => k.next)).toEqual([{ kind: 'skip', joins: [arrival(0)], next: invoke('Fix') }]);
    expect(c.Fix.next).toEqual(arrival(2));
  });

  test('a join inside a Parallel branch lives one frame deep and its list cascades into the outer join', () => {
    const c = configs(graph('Start',
      task('Start', 'Outer'),
      parallel('Outer', ['S0', 'S1'], 'Close'), fanIn('Close', 'Fin'), task('Fin'),
      task('S0', 'Inner'), task('S1'),
      parallel('Inner', ['A', 'B']),
      task('A', 'J'), task('B', 'J'),
      dagJoin('J', ['A', 'B'])));
    const close = { kind: 'join', join: 'Close', sources: ['J', 'S0', 'S1'], then: invoke('Fin') };
    const slots = [{ node: 'A', branches: [0] }, { node: 'B', branches: [1] }];
    expect(c.A.next).toEqual({ kind: 'dagJoin', join: 'J', depth: 1, slot: 0, slots, then: close });
    expect(c.S1.next).toEqual(close);
  });

  test('a join over predecessors inside a Map item waits per item', () => {
    const c = configs(graph('Start',
      task('Start', 'Each'),
      map('Each', 'Split', 'Done'), fanIn('Done', 'Sum'), task('Sum'),
      task('Split', 'Fork'), parallel('Fork', ['L', 'R']),
      task('L', 'Pair'), task('R', 'Pair'), dagJoin('Pair', ['L', 'R'], 'Merge'), task('Merge')));
    expect(c.L.next).toEqual({
      kind: 'dagJoin',
      join: 'Pair',
      depth: 1,
      slot: 0,
      slots: [{ node: 'L', branches: [0] }, { node: 'R', branches: [1] }],
      then: invoke('Merge'),
    });
    expect(c.Merge.next).toEqual({ kind: 'join', join: 'Done', sources: ['Merge', 'Split'], then: invoke('Sum') });
  });

  test('a join whose predecessors were all skipped skips in turn the predecessors only it leads to', () => {
    // Two decisions rule out both of AJoin's predecessors; neither alone rules out A, so AJoin passes it on.
    const c = configs(graph('Start',
      task('Start', 'First'),
      choice('First', [[when('$.a'), 'X1']], 'Second'),
      choice('Second', [[when('$.b'), 'X2']], 'B'),
      task('X1', 'AJoin'), task('X2', 'AJoin'), dagJoin('AJoin', ['X1', 'X2'], 'A'),
      task('A', 'J'), task('B', 'J'), dagJoin('J', ['A', 'B'], 'End'), task('End')));
    const j = [{ node: 'A', branches: [] }, { node: 'B', branches: [] }];
    const aJoin = [{ node: 'X1', branches: [] }, { node: 'X2', branches: [] }];
    const skipA = { kind: 'dagJoin', join: 'J', depth: 0, slot: 0, slots: j, then: invoke('End') };
    expect(c.X1.next).toEqual({ kind: 'dagJoin', join: 'AJoin', depth: 0, slot: 0, slots: aJoin, then: invoke('A'), ifAllSkipped: [skipA] });
    // Only joins that can end up all skipped carry the propagation.
    expect(c.A.next).toEqual(skipA);
  });

  test('a decision skips only predecessors of joins that stay alive', () => {
    // Taking rule 0 rules out both X and the join JX over it alone: no mark is needed for a join nobody reaches.
    const c = configs(graph('Start',
      task('Start', 'Route'),
      choice('Route', [[when('$.a'), 'A']], 'X'),
      task('X', 'JX'), dagJoin('JX', ['X'], 'Y'), task('Y', 'J'),
      task('A', 'J'),
      dagJoin('J', ['A', 'Y'], 'End'), task('End')));
    const route = c.Start.next as Extract<Action, { kind: 'choice' }>;
    expect(route.rules[0].then).toMatchObject({ kind: 'skip', joins: [{ join: 'J', slot: 1 }], next: invoke('A') });
    expect(route.otherwise).toMatchObject({ kind: 'skip', joins: [{ join: 'J', slot: 0 }], next: invoke('X') });
  });
});

describe('FanIn over predecessors: invalid graphs', () => {
  test('a predecessor that is not a state, or continues elsewhere, and a state that continues into the join unlisted', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B']),
      task('A', 'J'), task('B', 'End'),
      dagJoin('J', ['A', 'B', 'Ghost'], 'End'), task('End')))).toEqual(expect.arrayContaining([
      "FanIn 'J' waits for 'Ghost', which is not a state of this workflow: list existing states",
      "UnumFunction 'B' is a predecessor of FanIn 'J' but continues to 'End': its next state must be the FanIn",
    ]));
    expect(problemsOf(graph('Start',
      task('Start', 'Route'), choice('Route', [[when('$.a'), 'J']], 'A'),
      task('A', 'J'), dagJoin('J', ['A'], 'End'), task('End')))).toContain(
      "Choice 'Route' continues to FanIn 'J', which does not list it among its predecessors (A): list it, or continue elsewhere");
  });

  test('a predecessor that is a structural state, a duplicate, or too many', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'W']),
      task('A', 'J'), { kind: 'wait', id: 'W', seconds: 1, next: 'J' },
      dagJoin('J', ['A', 'W', 'A'], 'End'), task('End')))).toEqual(expect.arrayContaining([
      "FanIn 'J' lists a predecessor twice (A, W, A): name each once",
      "FanIn 'J' waits for Wait 'W': a predecessor must be an UnumFunction or a Pass (whose output is joined); put a function after it and list that",
    ]));
    const many = Array.from({ length: MAX_DAG_PREDECESSORS + 1 }, (_, i) => `T${i}`);
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', many),
      ...many.map((id) => task(id, 'J')), dagJoin('J', many)))).toContain(
      `FanIn 'J' has ${many.length} predecessors, more than ${MAX_DAG_PREDECESSORS}: join many like things with a Map or a Parallel and its FanIn`);
  });

  test('predecessors and itemOffsets together', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B']), task('A', 'J'), task('B', 'J'),
      { kind: 'fanIn', id: 'J', predecessors: ['A', 'B'], itemOffsets: [0, -1], next: 'End' }, task('End')))).toContain(
      "FanIn 'J' sets both predecessors and itemOffsets: a FanIn is either a join over predecessors or a window join across Map items");
  });

  test('a predecessor inside the items of a Map', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['Each', 'B']),
      map('Each', 'Item'), task('Item', 'J'), task('B', 'J'),
      dagJoin('J', ['Item', 'B'], 'End'), task('End')))).toContain(
      "FanIn 'J' waits for UnumFunction 'Item', which runs once per item of Map 'Each': close the Map with its own FanIn first and list the function after it");
  });

  test('a Parallel dissolved into a join that also keeps a next state', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B'], 'After'),
      task('A', 'J'), task('B', 'J'), task('After'),
      dagJoin('J', ['A', 'B'], 'End'), task('End')))).toEqual([
      "Parallel 'Fork' has branches that continue into FanIn 'J', so it has no join of its own and nothing to continue with: "
        + "remove its next state ('After') and continue after the FanIn instead",
    ]);
  });

  test('a branch of a dissolved Parallel that ends without reaching a join', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B', 'Lost']),
      task('A', 'J'), task('B', 'J'), task('Lost'),
      dagJoin('J', ['A', 'B'], 'End'), task('End')))).toEqual([
      "UnumFunction 'Lost' ends branch 2 of Parallel 'Fork', whose branches continue into FanIn 'J' and have no join of their own: "
        + 'continue it into a FanIn over predecessors, or end the path with a Fail',
    ]);
  });

  test('a predecessor that two decisions rule out together would leave the join waiting', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'First'),
      choice('First', [[when('$.a'), 'A']], 'Second'),
      choice('Second', [[when('$.b'), 'A']], 'B'),
      task('A', 'J'), task('B', 'J'), dagJoin('J', ['A', 'B'], 'End'), task('End')))).toEqual([
      "FanIn 'J' would wait forever for 'A' when Choice 'First' takes otherwise (to 'Second'), then Choice 'Second' takes otherwise (to 'B'): "
        + 'a predecessor is skipped only by a decision whose other options alone lead to it; make the paths to it meet in one function, and list that function',
    ]);
  });

  test('two joins left running side by side end the workflow twice', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B', 'C', 'D']),
      task('A', 'J1'), task('B', 'J1'), task('C', 'J2'), task('D', 'J2'),
      dagJoin('J1', ['A', 'B'], 'End1'), dagJoin('J2', ['C', 'D'], 'End2'), task('End1'), task('End2')))).toEqual([
      "2 paths reach (from 'End1', 'End2') the end of the top level on every run: exactly one must; "
        + 'join concurrent paths with a FanIn over predecessors and keep each path going until that FanIn',
    ]);
  });

  test('a function reached from two branches that run at the same time', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B']),
      task('A', 'J'), task('B', 'J'),
      dagJoin('J', ['A', 'B'], 'Fork2'), parallel('Fork2', ['X', 'Y']),
      task('X', 'Shared'), task('Y', 'Shared'), task('Shared', 'K'), dagJoin('K', ['Shared'], 'End'), task('End')))).toEqual(expect.arrayContaining([
      expect.stringMatching(/^UnumFunction 'Shared' is reached from UnumFunction 'Y' in branch 1 of Parallel 'Fork2' and from UnumFunction 'X' in branch 0/),
    ]));
  });

  test('a function that two joins continue to at the same time', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B', 'C', 'D']),
      task('A', 'J1'), task('B', 'J1'), task('C', 'J2'), task('D', 'J2'),
      dagJoin('J1', ['A', 'B'], 'Shared'), dagJoin('J2', ['C', 'D'], 'Shared'), task('Shared')))).toEqual([
      "UnumFunction 'Shared' would run twice in the top level on every run: it is reached on two paths that run at the same time; "
        + 'join those paths with a FanIn over predecessors first',
    ]);
  });

  test('a loop in the scope of the join', () => {
    expect(problemsOf(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B']),
      task('A', 'J'), task('B', 'J'),
      dagJoin('J', ['A', 'B'], 'Check'), task('Check', 'Again'),
      choice('Again', [[when('$.more'), 'Start']], 'Done'), { kind: 'succeed', id: 'Done' }))).toEqual([
      expect.stringMatching(/^the loop through Start, .* runs in the top level with the FanIn over predecessors 'J': a FanIn over predecessors cannot share its scope with a loop/),
    ]);
  });

  test('a Fail on a path of a dissolved branch ends the session and is accepted', () => {
    expect(() => compileWorkflow(graph('Start',
      task('Start', 'Fork'), parallel('Fork', ['A', 'B']),
      task('A', 'J', catchTo('Broken')), fail('Broken', 'A.Broken'), task('B', 'J'),
      dagJoin('J', ['A', 'B'], 'End'), task('End')))).not.toThrow();
  });
});
