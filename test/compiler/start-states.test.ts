import { choice, graph, invoke, map, parallel, succeed, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState } from '../../src/compiler/graph';
import { FunctionConfig } from '../../src/protocol/config';

function configs(g: ReturnType<typeof graph>): Record<string, FunctionConfig> {
  return Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));
}

const pass = (id: string, next?: string): GraphState => ({ kind: 'pass', id, dataFlow: { result: { greeting: 'hello' } }, ...(next ? { next } : {}) });
const wait = (id: string, next?: string): GraphState => ({ kind: 'wait', id, seconds: 1, ...(next ? { next } : {}) });
const isHello = { op: 'stringEquals' as const, path: '$.greeting', value: 'hello' };

/**
 * A workflow may start with a Choice, Parallel, Map, Pass or Wait: no
 * identity function. The entry is the first function those states invoke;
 * its configuration carries them as `start`, which its runtime runs on the
 * session input. Every other function is compiled as before.
 */
describe('a workflow that starts with states', () => {
  test('a Parallel: the entry is the first branch\'s function, the only one with entry and start', () => {
    const g = graph('Fork', parallel('Fork', ['A', 'B', 'C'], 'Merge'), task('A'), task('B'), task('C'), task('Merge'));
    const c = configs(g);
    expect(compileWorkflow(g).entry).toBe('A');
    expect(c.A.entry).toBe(true);
    expect(c.A.start).toEqual({ node: 'Fork', next: { kind: 'parallel', fanout: 'Fork', branches: [invoke('A'), invoke('B'), invoke('C')] } });
    expect([c.B, c.C, c.Merge].map((x) => [x.entry, 'start' in x])).toEqual([[false, false], [false, false], [false, false]]);
    expect(c.A.next).toEqual({ kind: 'join', join: 'Fork', sources: ['A', 'B', 'C'], then: invoke('Merge') });
  });

  test('a Map: the entry is the item processor\'s first function', () => {
    const c = configs(graph('Each', map('Each', 'Square', 'Sum'), task('Square'), task('Sum')));
    expect(c.Square.start).toEqual({
      node: 'Each', next: { kind: 'map', fanout: 'Each', itemsPath: '$', item: invoke('Square'), join: 'Each', onEmpty: invoke('Sum') },
    });
  });

  test('a Choice: the entry is the first rule\'s function; the Choice routes before any function runs', () => {
    const c = configs(graph('Route', choice('Route', [[isHello, 'Greet']], 'Other'), task('Greet'), task('Other')));
    expect(c.Greet.start).toEqual({
      node: 'Route', next: { kind: 'choice', node: 'Route', rules: [{ when: isHello, then: invoke('Greet') }], otherwise: invoke('Other') },
    });
    expect(c.Other.entry).toBe(false);
  });

  test('a chain of Pass and Wait states, then a function', () => {
    const c = configs(graph('Shape', pass('Shape', 'Pause'), wait('Pause', 'Work'), task('Work')));
    expect(c.Work.start).toEqual({
      node: 'Shape',
      next: { kind: 'pass', node: 'Shape', dataFlow: { result: { greeting: 'hello' } }, next: { kind: 'wait', node: 'Pause', seconds: 1, next: invoke('Work') } },
    });
  });

  test('the workflow timeout goes to the entry found this way', () => {
    const c = configs({ ...graph('P', parallel('P', ['A', 'B']), task('A'), task('B')), timeoutSeconds: 30 });
    expect(c.A.timeoutSeconds).toBe(30);
    expect(c.B).not.toHaveProperty('timeoutSeconds');
  });

  test('refused: starting with states that run no function, or with a Succeed', () => {
    expect(() => compileWorkflow(graph('Route', choice('Route', [[isHello, 'Done']], 'Done'), succeed('Done')))).toThrow(
      "the workflow starts with Choice 'Route' and no path from it runs an UnumFunction: add one");
    expect(() => compileWorkflow(graph('Done', succeed('Done')))).toThrow(
      "the workflow starts with Succeed 'Done': start with an UnumFunction, or a Choice, Parallel, Map, Pass or Wait");
  });
});

test('a start Parallel with a branch that reaches its join without a function is refused, saying where', () => {
  const g = graph('Fork', parallel('Fork', ['A', 'Skip'], 'Merge'), task('A'), choice('Skip', [[isHello, 'Done']], 'Done'), succeed('Done'), task('Merge'));
  expect(() => compileWorkflow(g)).toThrow("Parallel 'Fork' has a branch or item that reaches its join without running a function (at the start of the workflow, ");
});
