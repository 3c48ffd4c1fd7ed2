import { fanIn, graph, invoke, map, parallel, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { FunctionConfig } from '../../src/protocol/config';

function configs(g: ReturnType<typeof graph>): Record<string, FunctionConfig> {
  return Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));
}

/**
 * A fan-out may end a branch of another: its join arrives at the enclosing
 * join, and an empty Map arrives as an empty slot (which reads as []), so no
 * function is needed after it.
 */
describe('a fan-out that ends a branch or an item processor', () => {
  test('a Map ends a Parallel branch (issue 14: it was refused as "a path made only of Choice/Succeed states")', () => {
    const c = configs(graph('S',
      task('S', 'P'), parallel('P', ['M', 'X'], 'After'), map('M', 'A'), task('A', 'B'), task('B'), task('X'), task('After')));
    const outer = { kind: 'join', join: 'P', sources: ['M', 'X'], then: invoke('After') };
    expect(c.S.next).toEqual({
      kind: 'parallel',
      fanout: 'P',
      branches: [
        { kind: 'map', fanout: 'M', itemsPath: '$', item: invoke('A'), join: 'M', onEmpty: outer },
        invoke('X'),
      ],
    });
    expect(c.B.next).toEqual({ kind: 'join', join: 'M', sources: ['A', 'B'], then: outer });
    expect(c.X.next).toEqual(outer);
  });

  test('a Map ends the item processor of an outer Map', () => {
    const c = configs(graph('S', task('S', 'Outer'), map('Outer', 'Inner', 'Gather'), map('Inner', 'W'), task('W'), fanIn('Gather', 'T'), task('T')));
    const outer = { kind: 'join', join: 'Gather', sources: ['Inner'], then: invoke('T') };
    expect(c.S.next).toMatchObject({ kind: 'map', fanout: 'Outer', item: { kind: 'map', fanout: 'Inner', onEmpty: outer }, onEmpty: invoke('T') });
    expect(c.W.next).toEqual({ kind: 'join', join: 'Inner', sources: ['W'], then: outer });
  });

  test('a Parallel ends a Parallel branch, and a Parallel ends a Map item', () => {
    const c = configs(graph('S',
      task('S', 'P'), parallel('P', ['Q', 'Z']), parallel('Q', ['X', 'Y']), task('X'), task('Y'), task('Z')));
    const outer = { kind: 'join', join: 'P', sources: ['Q', 'Z'], then: { kind: 'succeed' } };
    expect(c.X.next).toEqual({ kind: 'join', join: 'Q', sources: ['X', 'Y'], then: outer });
    expect(c.Z.next).toEqual(outer);

    const m = configs(graph('S', task('S', 'M'), map('M', 'Q'), parallel('Q', ['X', 'Y']), task('X'), task('Y')));
    expect(m.Y.next).toEqual({ kind: 'join', join: 'Q', sources: ['X', 'Y'], then: { kind: 'join', join: 'M', sources: ['Q'], then: { kind: 'succeed' } } });
  });

  test('a Map that is a whole Parallel branch, inside another Parallel branch', () => {
    const c = configs(graph('S',
      task('S', 'P'), parallel('P', ['Q', 'Z']), parallel('Q', ['M']), map('M', 'W'), task('W'), task('Z')));
    const p = { kind: 'join', join: 'P', sources: ['Q', 'Z'], then: { kind: 'succeed' } };
    const q = { kind: 'join', join: 'Q', sources: ['M'], then: p };
    expect(c.W.next).toEqual({ kind: 'join', join: 'M', sources: ['W'], then: q });
    expect(c.S.next).toMatchObject({ branches: [{ branches: [{ kind: 'map', onEmpty: q }] }, invoke('Z')] });
  });
});
