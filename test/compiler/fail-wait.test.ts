import { graph, task } from './graphs';
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState } from '../../src/compiler/graph';

const wait = (extra: object): GraphState => ({ kind: 'wait', id: 'W', next: 'B', ...extra } as GraphState);
const fail = (extra: object): GraphState => ({ kind: 'fail', id: 'F', ...extra } as GraphState);

describe('Fail with errorPath/causePath and Wait with dynamic times', () => {
  test('compiled into the action of the function before them', () => {
    const w = compileWorkflow(graph('A', task('A', 'W'), wait({ secondsPath: '$.wait' }), task('B'))).functions[0];
    expect(w.next).toEqual({ kind: 'wait', node: 'W', secondsPath: '$.wait', next: { kind: 'invoke', node: 'B', functionName: 'fn-B' } });
    const t = compileWorkflow(graph('A', task('A', 'W'), wait({ timestamp: '2024-08-18T17:33:00Z' }), task('B'))).functions[0];
    expect(t.next).toMatchObject({ kind: 'wait', timestamp: '2024-08-18T17:33:00Z' });
    const f = compileWorkflow(graph('A', task('A', 'F'), fail({ errorPath: '$.Error', causePath: '$.Cause' }))).functions[0];
    expect(f.next).toEqual({ kind: 'fail', node: 'F', errorPath: '$.Error', causePath: '$.Cause' });
  });

  test.each([
    [wait({}), "Wait 'W' must set exactly one of seconds, secondsPath, timestamp, timestampPath (it sets none)"],
    [wait({ seconds: 1, secondsPath: '$.s' }), "Wait 'W' must set exactly one of seconds, secondsPath, timestamp, timestampPath (it sets seconds, secondsPath)"],
    [wait({ timestamp: '2024-08-18 17:33:00' }), "Wait 'W': timestamp '2024-08-18 17:33:00' is not an RFC 3339 timestamp such as 2024-08-18T17:33:00Z (uppercase T, Z or a numeric offset)"],
    [wait({ secondsPath: 'wait' }), "Wait 'W': secondsPath JSONPath 'wait' must start with '$'"],
    [wait({ seconds: 100_000_000 }), "Wait 'W': seconds must be an integer from 0 to 99999999 (got 100000000)"],
    [fail({ error: 'E', errorPath: '$.e' }), "Fail 'F' sets both error and errorPath: use one"],
    [fail({ cause: 'c', causePath: '$.c' }), "Fail 'F' sets both cause and causePath: use one"],
    [fail({ causePath: '$..c' }), "Fail 'F': causePath JSONPath '$..c' is not a reference path: this field names one node"],
  ])('refused: %j', (state, problem) => {
    const states = state.kind === 'wait' ? [task('A', 'W'), state, task('B')] : [task('A', 'F'), state];
    expect(() => compileWorkflow(graph('A', ...states))).toThrow(problem);
  });
});
