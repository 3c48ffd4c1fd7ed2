import { fanIn, graph, invoke, map, parallel, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState } from '../../src/compiler/graph';
import { WorkflowGraphError } from '../../src/compiler/validate';
import { FunctionConfig } from '../../src/protocol/config';

function configs(g: ReturnType<typeof graph>): Record<string, FunctionConfig> {
  return Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));
}

const withFlow = (state: GraphState, dataFlow: object): GraphState => ({ ...state, dataFlow } as GraphState);

describe('Parallel and Map data flow', () => {
  test('inputPath goes on the fan-out; resultSelector/resultPath/outputPath run after the join, before the next state', () => {
    const c = configs(graph('S', task('S', 'P'),
      withFlow(parallel('P', ['X', 'Y'], 'M'), { inputPath: '$.order', resultSelector: { 'first.$': '$[0]' }, resultPath: '$.results', outputPath: '$.results' }),
      task('X'), task('Y'), task('M')));
    expect(c.S.next).toEqual({ kind: 'parallel', fanout: 'P', inputPath: '$.order', recordInput: true, branches: [invoke('X'), invoke('Y')] });
    const output = { kind: 'fanOutOutput', fanout: 'P', dataFlow: { resultSelector: { 'first.$': '$[0]' }, resultPath: '$.results', outputPath: '$.results' }, next: invoke('M') };
    expect(c.X.next).toEqual({ kind: 'join', join: 'P', sources: ['X', 'Y'], then: output });
    expect(c.Y.next).toEqual(c.X.next);
  });

  test('the raw input is recorded only when resultPath places the list into it (or discards the list)', () => {
    const compiled = (dataFlow: object) => configs(graph('S', task('S', 'E'), withFlow(map('E', 'W', 'G'), dataFlow), task('W'), fanIn('G', 'T'), task('T'))).S.next;
    expect(compiled({ resultSelector: { 'n.$': '$[0]' } })).not.toHaveProperty('recordInput');
    expect(compiled({ resultPath: '$' })).not.toHaveProperty('recordInput');
    expect(compiled({ resultPath: null })).toMatchObject({ recordInput: true });
    expect(compiled({ inputPath: null })).toMatchObject({ inputPath: null });
    expect(compiled({ inputPath: null })).not.toHaveProperty('recordInput');
  });

  test('an empty Map runs the output processing too: onEmpty starts with it', () => {
    const c = configs(graph('S', task('S', 'E'), withFlow(map('E', 'W', 'G', { itemsPath: '$.items' }), { resultPath: '$.done' }), task('W'), fanIn('G', 'T'), task('T')));
    const output = { kind: 'fanOutOutput', fanout: 'E', dataFlow: { resultPath: '$.done' }, next: invoke('T') };
    expect(c.S.next).toMatchObject({ kind: 'map', fanout: 'E', recordInput: true, itemsPath: '$.items', join: 'G', onEmpty: output });
    expect(c.W.next).toEqual({ kind: 'join', join: 'G', sources: ['W'], then: output });
  });

  test('a Map that ends a Parallel branch with output processing arrives at the outer join under its own name, not its join\'s', () => {
    const c = configs(graph('S', task('S', 'P'), parallel('P', ['Inner', 'Y'], 'M'),
      withFlow(map('Inner', 'W', 'InnerJoin'), { resultSelector: { 'first.$': '$[0]' } }), task('W'), fanIn('InnerJoin'), task('Y'), task('M')));
    const outer = { kind: 'join', join: 'P', sources: ['Inner', 'Y'], then: invoke('M') };
    expect(c.W.next).toEqual({ kind: 'join', join: 'InnerJoin', sources: ['W'], then: { kind: 'fanOutOutput', fanout: 'Inner', dataFlow: { resultSelector: { 'first.$': '$[0]' } }, next: outer } });
    expect(c.Y.next).toEqual(outer);
  });

  test('parameters on a Parallel or Map, bad paths, and output processing on a Parallel that a DAG FanIn dissolves are refused, naming the state', () => {
    const refused = (g: ReturnType<typeof graph>) => {
      try {
        compileWorkflow(g);
      } catch (e) {
        expect(e).toBeInstanceOf(WorkflowGraphError);
        return (e as WorkflowGraphError).problems;
      }
      throw new Error('accepted');
    };
    expect(refused(graph('S', task('S', 'E'), withFlow(map('E', 'W'), { parameters: { a: 1 } }), task('W')))).toEqual([
      "Map 'E': only inputPath, resultSelector, resultPath and outputPath apply to a Map",
    ]);
    expect(refused(graph('S', task('S', 'P'), withFlow(parallel('P', ['X']), { resultPath: '$.a[0]' }), task('X')))).toEqual([
      expect.stringMatching(/^Parallel 'P': resultPath/),
    ]);
    const dag = graph('S', task('S', 'P'), withFlow(parallel('P', ['X', 'Y']), { resultPath: '$.r' }), task('X', 'J'), task('Y', 'J'),
      { kind: 'fanIn', id: 'J', predecessors: ['X', 'Y'], next: 'T' }, task('T'));
    expect(refused(dag)).toEqual([expect.stringMatching(/^Parallel 'P' has resultSelector, resultPath or outputPath, but a FanIn over predecessors closes its branches/)]);
  });
});
