import { compileWorkflow } from '../../src/compiler/compile';
import { GraphCatch, GraphState, WorkflowGraph } from '../../src/compiler/graph';
import { validateGraph, WorkflowGraphError } from '../../src/compiler/validate';
import { ConditionJson } from '../../src/protocol/conditions';
import { Action, RetryRule } from '../../src/protocol/config';

/*
 * Invalid workflow graphs, as plain data: every problem must name the
 * offending state(s) and say how to fix it, and every problem of a graph is
 * reported in one WorkflowGraphError.
 */

// ---- builders (self-contained: the validator is tested without CDK) ----

const task = (id: string, next?: string, extra: { retry?: RetryRule[]; catch?: GraphCatch[] } = {}): GraphState =>
  ({ kind: 'task', id, functionName: `fn-${id}`, ...(next ? { next } : {}), ...extra });
const choice = (id: string, rules: Array<[ConditionJson, string]>, otherwise?: string): GraphState =>
  ({ kind: 'choice', id, choices: rules.map(([condition, next]) => ({ condition, next })), ...(otherwise ? { otherwise } : {}) });
const parallel = (id: string, branches: string[], next?: string): GraphState =>
  ({ kind: 'parallel', id, branches, ...(next ? { next } : {}) });
const map = (id: string, iterator: string | undefined, next?: string, extra: { itemsPath?: string; width?: number; maxConcurrency?: number } = { itemsPath: '$' }): GraphState =>
  ({ kind: 'map', id, ...(iterator ? { iterator } : {}), ...(next ? { next } : {}), ...extra });
const fanIn = (id: string, next?: string): GraphState => ({ kind: 'fanIn', id, ...(next ? { next } : {}) });
const succeed = (id: string): GraphState => ({ kind: 'succeed', id });
const fail = (id: string, error: string): GraphState => ({ kind: 'fail', id, error });

const graph = (start: string, ...states: GraphState[]): WorkflowGraph => ({ name: 'wf', start, states });

const done: ConditionJson = { op: 'booleanEquals', path: '$.done', value: true };
const retryRule = (overrides: Partial<RetryRule> = {}): RetryRule =>
  ({ errors: ['States.ALL'], intervalSeconds: 1, maxAttempts: 3, backoffRate: 2, ...overrides });
const catchRule = (next: string, overrides: Partial<GraphCatch> = {}): GraphCatch =>
  ({ errors: ['States.ALL'], resultPath: '$', next, ...overrides });

/** The problems of an invalid graph (fails the test if the graph is accepted or another error is thrown). */
function problemsOf(g: WorkflowGraph): readonly string[] {
  let error: unknown;
  try {
    validateGraph(g);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(WorkflowGraphError);
  const graphError = error as WorkflowGraphError;
  expect(graphError.workflow).toBe(g.name);
  // The message carries every problem, so a user who only sees the message misses nothing.
  for (const problem of graphError.problems) expect(graphError.message).toContain(problem);
  return graphError.problems;
}

/** The single problem of a graph that has exactly one. */
function onlyProblem(g: WorkflowGraph): string {
  const problems = problemsOf(g);
  expect(problems).toHaveLength(1);
  return problems[0];
}

const SCOPE_FIX = /a state runs in one scope only\. Use a separate state for each branch, close the fan-out with a FanIn before continuing, and keep loops inside one branch/;
const JOIN_FIX = /the joined list goes to an UnumFunction first; put a function between them/;
const GUARD_FIX = /has no guard: add a Choice in the loop with a branch that leaves it/;

describe('validateGraph rejects', () => {
  describe('shape of the graph', () => {
    test('a workflow with no states', () => {
      const p = onlyProblem({ name: 'wf', start: 'A', states: [] });
      expect(p).toMatch(/^the workflow has no states: pass a definition that starts with an UnumFunction$/);
    });

    // A Choice, Parallel or Map may start a workflow (test/compiler/start-states.test.ts); a FanIn may not.
    test('an entry that is a FanIn', () => {
      const p = onlyProblem(graph('Join', fanIn('Join', 'A'), task('A')));
      expect(p).toMatch(/the workflow starts with FanIn 'Join': start with an UnumFunction, or a Choice, Parallel, Map, Pass or Wait/);
    });

    test('two states with the same name', () => {
      const p = onlyProblem(graph('A', task('A', 'B'), task('B', 'C'), task('C'), choice('B', [[done, 'C']])));
      expect(p).toMatch(/two states are named 'B' \(UnumFunction 'B' and Choice 'B'\): names must be unique in a workflow; give one of them another id/);
    });

    test("a name with '|' (the store key separator)", () => {
      const p = onlyProblem(graph('A', task('A', 'B|C'), task('B|C')));
      expect(p).toMatch(/UnumFunction 'B\|C': the name must be 1-80 characters of letters, digits and _\.:\+=@- \(it becomes part of store keys\)/);
    });

    test("a name with '/'", () => {
      const p = onlyProblem(graph('A', task('A', 'Fork/1'), parallel('Fork/1', ['B']), task('B')));
      expect(p).toMatch(/Parallel 'Fork\/1': the name must be 1-80 characters of letters, digits and _\.:\+=@-/);
    });

    test('a name longer than 80 characters (80 is fine)', () => {
      const long = 'N'.repeat(81);
      const p = onlyProblem(graph('A', task('A', long), task(long, 'M'.repeat(80)), task('M'.repeat(80))));
      expect(p).toMatch(new RegExp(`UnumFunction '${long}': the name must be 1-80 characters`));
    });

    test('an empty name', () => {
      const p = onlyProblem(graph('A', task('A', 'S'), { kind: 'succeed', id: 'S' }, fail('', 'E')));
      // The empty-named Fail is also unreachable; only the name problem is reported before reachability.
      expect(p).toMatch(/Fail '': the name must be 1-80 characters/);
    });

    test('an invalid workflow name', () => {
      const p = onlyProblem({ name: 'word count', start: 'A', states: [task('A')] });
      expect(p).toMatch(/workflow name 'word count' must be 1-80 characters of letters, digits and _\.:\+=@-/);
    });

    test('a state that is not reachable from the start', () => {
      const p = onlyProblem(graph('A', task('A', 'B'), task('B'), task('Orphan', 'B')));
      expect(p).toMatch(/UnumFunction 'Orphan' is not reachable from the start 'A': chain it into the definition or remove it/);
    });

    test('a labelled state is named by its label', () => {
      const p = onlyProblem(graph('A', task('A'), { kind: 'task', id: 'X', functionName: 'f', label: "UnumFunction 'X' (Stack/Flow/X)" }));
      expect(p).toMatch(/UnumFunction 'X' \(Stack\/Flow\/X\) is not reachable from the start 'A'/);
    });

    test('a start state that does not exist: the message names it', () => {
      const problems = problemsOf(graph('Nope', task('A')));
      expect(problems).toContainEqual(expect.stringMatching(/the start state 'Nope' does not exist/));
    });

    test('a start state that does not exist: the message says how to fix it', () => {
      const p = onlyProblem(graph('Nope', task('A'), task('B')));
      expect(p).toMatch(/the start state 'Nope' does not exist[:;,] .*\b(set|use|add|choose)\b/);
    });

    test('a reference to a missing state: the message names both states', () => {
      const p = onlyProblem(graph('A', task('A', 'Missing')));
      expect(p).toMatch(/UnumFunction 'A' continues to 'Missing', which is not a state of this workflow/);
    });

    test('missing states are reported for every kind of edge', () => {
      const problems = problemsOf(graph('A',
        task('A', 'C', { catch: [catchRule('NoHandler')] }),
        choice('C', [[done, 'NoRule']], 'P'),
        parallel('P', ['NoBranch'], 'M'),
        map('M', 'NoItem', 'J'),
        fanIn('J', 'NoTarget')));
      expect(problems).toEqual([
        "UnumFunction 'A' continues to 'NoHandler', which is not a state of this workflow",
        "Choice 'C' continues to 'NoRule', which is not a state of this workflow",
        "Parallel 'P' continues to 'NoBranch', which is not a state of this workflow",
        "Map 'M' continues to 'NoItem', which is not a state of this workflow",
        "FanIn 'J' continues to 'NoTarget', which is not a state of this workflow",
      ].map((m) => expect.stringContaining(m)));
    });

    test('a reference to a missing state: the message says how to fix it', () => {
      const p = onlyProblem(graph('A', task('A', 'Missing')));
      expect(p).toMatch(/continues to 'Missing', which is not a state of this workflow[:;,] .*\b(add|define|point|chain)\b/);
    });
  });

  describe('fan-out scopes', () => {
    test('a state reached from two branches of a Parallel', () => {
      const p = onlyProblem(graph('Start',
        task('Start', 'Fork'), parallel('Fork', ['Left', 'Right'], 'Join'),
        task('Left', 'Shared'), task('Right', 'Shared'), task('Shared'),
        fanIn('Join')));
      expect(p).toMatch(/UnumFunction 'Shared' is reached from UnumFunction 'Right' in branch 1 of Parallel 'Fork' and from UnumFunction 'Left' in branch 0 of Parallel 'Fork'/);
      expect(p).toMatch(SCOPE_FIX);
    });

    test('the same state as two branches of a Parallel', () => {
      const p = onlyProblem(graph('Start', task('Start', 'Fork'), parallel('Fork', ['Work', 'Work']), task('Work')));
      expect(p).toMatch(/UnumFunction 'Work' is reached from Parallel 'Fork' in branch 1 of Parallel 'Fork' and from Parallel 'Fork' in branch 0 of Parallel 'Fork'/);
      expect(p).toMatch(SCOPE_FIX);
    });

    test("a branch that continues into the Parallel's own next state (no FanIn)", () => {
      const p = onlyProblem(graph('Start',
        task('Start', 'Fork'), parallel('Fork', ['Left', 'Right'], 'After'),
        task('Left', 'After'), task('Right'), task('After')));
      expect(p).toMatch(/UnumFunction 'After' is reached from UnumFunction 'Left' in branch 0 of Parallel 'Fork' and from Parallel 'Fork' in the top level/);
      expect(p).toMatch(SCOPE_FIX);
    });

    test("a loop that leaves a Map's items (back-edge to the state before the Map)", () => {
      const p = onlyProblem(graph('Load',
        task('Load', 'Each'), map('Each', 'Work', 'Gather'), task('Work', 'Again'),
        choice('Again', [[done, 'Load']]), fanIn('Gather', 'Total'), task('Total')));
      expect(p).toMatch(/UnumFunction 'Load' is reached from Choice 'Again' in the items of Map 'Each' and from UnumFunction 'Load' in the top level/);
      expect(p).toMatch(SCOPE_FIX);
    });

    test('an item processor that loops back to its own Map', () => {
      const problems = problemsOf(graph('Load', task('Load', 'Each'), map('Each', 'Work'), task('Work', 'Each')));
      expect(problems).toEqual([
        expect.stringMatching(/Map 'Each' is reached from UnumFunction 'Work' in the items of Map 'Each' and from UnumFunction 'Load' in the top level: a state runs in one scope only/),
        // The cycle has no Choice either: both are said.
        expect.stringMatching(/the loop Each -> Work -> Each has no guard/),
      ]);
    });

    test('a state shared by the items of two different Maps', () => {
      const p = onlyProblem(graph('A',
        task('A', 'M1'), map('M1', 'Shared', 'J1'), fanIn('J1', 'B'),
        task('B', 'M2'), map('M2', 'Shared', 'J2'), fanIn('J2'), task('Shared')));
      expect(p).toMatch(/UnumFunction 'Shared' is reached from Map 'M2' in the items of Map 'M2' and from Map 'M1' in the items of Map 'M1'/);
    });
  });

  describe('FanIn placement and what may follow a join', () => {
    test('a FanIn after a function instead of after its fan-out', () => {
      const p = onlyProblem(graph('A', task('A', 'Join'), fanIn('Join', 'B'), task('B')));
      expect(p).toMatch(/FanIn 'Join' is reached from UnumFunction 'A', which is not a Parallel or Map: a FanIn directly follows the fan-out it joins \(parallel\.next\(fanIn\)\)/);
    });

    test('a FanIn at the end of a Parallel branch', () => {
      const problems = problemsOf(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B'], 'Join'), task('B', 'Join'), fanIn('Join')));
      expect(problems).toContainEqual(expect.stringMatching(/FanIn 'Join' is reached from UnumFunction 'B', which is not a Parallel or Map: a FanIn directly follows the fan-out it joins/));
      expect(problems).toContainEqual(expect.stringMatching(/FanIn 'Join' is reached from .*: a state runs in one scope only/));
    });

    test('a FanIn as the first state of a branch', () => {
      const p = onlyProblem(graph('A', task('A', 'Fork'), parallel('Fork', ['Join', 'B']), task('B'), fanIn('Join')));
      expect(p).toMatch(/FanIn 'Join' is reached from Parallel 'Fork', which is not a Parallel or Map: a FanIn directly follows the fan-out it joins/);
    });

    test('a FanIn reached from a Choice', () => {
      const p = onlyProblem(graph('A', task('A', 'Pick'), choice('Pick', [[done, 'Join']], 'B'), task('B'), fanIn('Join')));
      expect(p).toMatch(/FanIn 'Join' is reached from Choice 'Pick', which is not a Parallel or Map/);
    });

    test('one FanIn after two fan-outs', () => {
      const problems = problemsOf(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B'], 'Join'), task('B'),
        fanIn('Join', 'C'), task('C', 'Pick'), choice('Pick', [[done, 'D']], 'Each'),
        map('Each', 'Item', 'Join'), task('Item'), task('D')));
      expect(problems).toContainEqual(expect.stringMatching(/FanIn 'Join' follows Parallel 'Fork' and Map 'Each': a FanIn joins one fan-out; create one FanIn per Parallel or Map/));
    });

    test('a Parallel followed directly by a Choice', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B', 'C'], 'Pick'), task('B'), task('C'),
        choice('Pick', [[done, 'D']], 'E'), task('D'), task('E')));
      expect(p).toMatch(/Parallel 'Fork' is followed by Choice 'Pick'/);
      expect(p).toMatch(JOIN_FIX);
    });

    test('a Map followed directly by a Parallel', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Each'), map('Each', 'Item', 'Fork'), task('Item'),
        parallel('Fork', ['B', 'C']), task('B'), task('C')));
      expect(p).toMatch(/Map 'Each' is followed by Parallel 'Fork'/);
      expect(p).toMatch(JOIN_FIX);
    });

    test('a Parallel followed directly by a Map', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B'], 'Each'), task('B'), map('Each', 'Item'), task('Item')));
      expect(p).toMatch(/Parallel 'Fork' is followed by Map 'Each'/);
      expect(p).toMatch(JOIN_FIX);
    });

    test('a FanIn followed directly by a Map', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B'], 'Join'), task('B'),
        fanIn('Join', 'Each'), map('Each', 'Item'), task('Item')));
      expect(p).toMatch(/FanIn 'Join' is followed by Map 'Each'/);
      expect(p).toMatch(JOIN_FIX);
    });

    test('a FanIn followed directly by a Choice', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Fork'), parallel('Fork', ['B'], 'Join'), task('B'),
        fanIn('Join', 'Pick'), choice('Pick', [[done, 'C']], 'D'), task('C'), task('D')));
      expect(p).toMatch(/FanIn 'Join' is followed by Choice 'Pick'/);
      expect(p).toMatch(JOIN_FIX);
    });
  });

  describe('structural states', () => {
    test('a Parallel without branches', () => {
      const p = onlyProblem(graph('A', task('A', 'Fork'), parallel('Fork', [], 'Join'), fanIn('Join')));
      expect(p).toMatch(/^Parallel 'Fork' has no branches: add them with branch\(\)$/);
    });

    test('a Map without an item processor', () => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', undefined, 'B'), task('B')));
      expect(p).toMatch(/^Map 'Each' has no item processor: set one with itemProcessor\(\)$/);
    });

    test('a Map with both itemsPath and width', () => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', 'Item', undefined, { itemsPath: '$.items', width: 4 }), task('Item')));
      expect(p).toMatch(/Map 'Each' sets both itemsPath and width: use itemsPath to map over an array, width for a fixed number of ranked copies/);
    });

    test.each([0, -3, 2.5])('a Map with width %p', (width) => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', 'Item', undefined, { width }), task('Item')));
      expect(p).toMatch(new RegExp(`Map 'Each': width must be a positive integer \\(got ${String(width).replace('.', '\\.')}\\)`));
    });

    test.each([
      ['items', /Map 'Each': itemsPath JSONPath 'items' must start with '\$'/],
      // ItemsPath is a reference path in Step Functions: one node, no wildcards.
      ['$.items[*]', /Map 'Each': itemsPath JSONPath '\$\.items\[\*\]' is not a reference path: this field names one node/],
      ['$..deep', /Map 'Each': itemsPath JSONPath '\$\.\.deep' is not a reference path/],
      ['$.items[?(x)]', /Map 'Each': itemsPath JSONPath '\$\.items\[\?\(x\)\]' is not supported at '\[\?\(x\)\]'/],
    ])('a Map with itemsPath %p', (itemsPath, message) => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', 'Item', undefined, { itemsPath }), task('Item')));
      expect(p).toMatch(message);
    });

    test('a Map with a negative maxConcurrency', () => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', 'Item', undefined, { itemsPath: '$', maxConcurrency: -1 }), task('Item')));
      expect(p).toMatch(/Map 'Each': maxConcurrency must be a non-negative integer \(0 means no limit\)/);
    });

    test('a Choice without rules', () => {
      const p = onlyProblem(graph('A', task('A', 'Pick'), choice('Pick', [], 'B'), task('B')));
      expect(p).toMatch(/^Choice 'Pick' has no when\(\) rules: add at least one$/);
    });

    test('a Choice with a bad condition path', () => {
      const p = onlyProblem(graph('A', task('A', 'Pick'),
        choice('Pick', [[done, 'B'], [{ op: 'stringEquals', path: 'status', value: 'ok' }, 'B']], 'C'), task('B'), task('C')));
      expect(p).toMatch(/^Choice 'Pick': rule 1: JSONPath 'status' must start with '\$'$/);
    });

    test('a Choice with bad paths nested in and/not and in a path comparison', () => {
      const problems = problemsOf(graph('A', task('A', 'Pick'), choice('Pick', [
        [{ op: 'and', conditions: [done, { op: 'not', condition: { op: 'isPresent', path: '$.a[*', value: true } }] }, 'B'],
        [{ op: 'numberLessThanPath', path: '$.used', otherPath: 'quota' }, 'B'],
        [{ op: 'or', conditions: [] }, 'B'],
        [{ op: 'stringMatches', path: '$.name', value: 3 } as unknown as ConditionJson, 'B'],
      ], 'C'), task('B'), task('C')));
      expect(problems).toEqual([
        expect.stringMatching(/^Choice 'Pick': rule 0: JSONPath '\$\.a\[\*' is not supported at '': expected '\]'/),
        expect.stringMatching(/^Choice 'Pick': rule 1: JSONPath 'quota' must start with '\$'/),
        expect.stringMatching(/^Choice 'Pick': rule 2: 'or' needs at least one condition/),
        expect.stringMatching(/^Choice 'Pick': rule 3: stringMatches on '\$\.name' needs a string value \(got 3\)/),
      ]);
    });

    test('a Choice with an unknown operator or a value of the wrong type', () => {
      const problems = problemsOf(graph('A', task('A', 'Pick'), choice('Pick', [
        [{ op: 'stringEqual', path: '$.status', value: 'ok' } as unknown as ConditionJson, 'B'],
        [{ op: 'numberEquals', path: '$.count', value: '3' }, 'B'],
      ], 'C'), task('B'), task('C')));
      expect(problems).toEqual([
        expect.stringMatching(/^Choice 'Pick': rule 0: .*'stringEqual'/),
        expect.stringMatching(/^Choice 'Pick': rule 1: .*numberEquals.*number/),
      ]);
    });

    test('a Fail without an error name', () => {
      const p = onlyProblem(graph('A', task('A', 'Pick'), choice('Pick', [[done, 'B']], 'Broken'), task('B'), fail('Broken', '')));
      expect(p).toMatch(/^Fail 'Broken' needs an error name \(or leave it out for States.Fail\)$/);
    });
  });

  describe('loops', () => {
    test('a loop without a guard', () => {
      const p = onlyProblem(graph('Init', task('Init', 'Step'), task('Step', 'Check'), task('Check', 'Step')));
      expect(p).toMatch(/the loop Step -> Check -> Step has no guard: add a Choice in the loop with a branch that leaves it \(e\.g\. when\(done, exit\)\.otherwise\(again\)\)/);
    });

    test('a function that continues to itself', () => {
      const p = onlyProblem(graph('A', task('A', 'Spin'), task('Spin', 'Spin')));
      expect(p).toMatch(/the loop Spin -> Spin/);
      expect(p).toMatch(GUARD_FIX);
    });

    test('a loop whose Choice never leaves it', () => {
      const p = onlyProblem(graph('A', task('A', 'Step'), task('Step', 'Pick'), choice('Pick', [[done, 'Step']], 'Step')));
      expect(p).toMatch(/the loop Step -> Pick -> Step/);
      expect(p).toMatch(GUARD_FIX);
    });

    test('a loop of structural states only', () => {
      const p = onlyProblem(graph('A', task('A', 'First'),
        choice('First', [[done, 'Second']], 'Out'), choice('Second', [[done, 'First']], 'Out'), task('Out')));
      expect(p).toMatch(/^the loop First -> Second -> First runs no UnumFunction: a loop must do work between its checks$/);
    });

    test('a catch handler that loops back without a guard', () => {
      const p = onlyProblem(graph('A', task('A', 'Work'), task('Work', 'Done', { catch: [catchRule('Recover')] }), task('Recover', 'Work'), task('Done')));
      expect(p).toMatch(/the loop Work -> Recover -> Work/);
      expect(p).toMatch(GUARD_FIX);
    });

    test('a loop through a fan-out and its join without a guard', () => {
      const p = onlyProblem(graph('A', task('A', 'Fork'), parallel('Fork', ['B'], 'Join'), task('B'), fanIn('Join', 'C'), task('C', 'Fork')));
      expect(p).toMatch(/the loop Fork -> Join -> C -> Fork/);
      expect(p).toMatch(GUARD_FIX);
    });

    test('a loop without a guard inside a Map item', () => {
      const p = onlyProblem(graph('A', task('A', 'Each'), map('Each', 'Poll'), task('Poll', 'Wait'), task('Wait', 'Poll')));
      expect(p).toMatch(/the loop Poll -> Wait -> Poll/);
      expect(p).toMatch(GUARD_FIX);
    });

    test('a loop that shares a component with a guarded loop but has no guard of its own', () => {
      const p = onlyProblem(graph('A',
        task('A', 'Work'),
        task('Work', 'Again'),
        task('Again', 'Work', { catch: [catchRule('Recover')] }),
        task('Recover', 'Retry'),
        choice('Retry', [[done, 'Done']], 'Work'),
        task('Done')));
      expect(p).toMatch(/the loop Work -> Again -> Work/);
      expect(p).toMatch(GUARD_FIX);
    });
  });

  describe('retry and catch', () => {
    test('a retry with a negative maxAttempts', () => {
      const p = onlyProblem(graph('A', task('A', undefined, { retry: [retryRule(), retryRule({ maxAttempts: -1 })] })));
      expect(p).toMatch(/^UnumFunction 'A': retry 1 maxAttempts must be a non-negative integer$/);
    });

    test('a retry with a fractional maxAttempts', () => {
      const p = onlyProblem(graph('A', task('A', undefined, { retry: [retryRule({ maxAttempts: 1.5 })] })));
      expect(p).toMatch(/UnumFunction 'A': retry 0 maxAttempts must be a non-negative integer/);
    });

    test('a retry with backoffRate below 1', () => {
      const p = onlyProblem(graph('A', task('A', undefined, { retry: [retryRule({ backoffRate: 0.5 })] })));
      expect(p).toMatch(/^UnumFunction 'A': retry 0 backoffRate must be at least 1$/);
    });

    test('a retry without errors', () => {
      const p = onlyProblem(graph('A', task('A', undefined, { retry: [retryRule({ errors: [] })] })));
      expect(p).toMatch(/^UnumFunction 'A': retry 0 lists no errors; use States\.ALL to retry every error$/);
    });

    test('a retry with a zero interval', () => {
      const p = onlyProblem(graph('A', task('A', undefined, { retry: [retryRule({ intervalSeconds: 0 })] })));
      expect(p).toMatch(/^UnumFunction 'A': retry 0 interval must be positive$/);
    });

    test('a retry with a negative maxDelaySeconds or an unknown jitter', () => {
      const problems = problemsOf(graph('A', task('A', undefined, {
        retry: [retryRule({ maxDelaySeconds: -5 }), { ...retryRule(), jitter: 'HALF' } as unknown as RetryRule],
      })));
      expect(problems).toEqual([
        expect.stringMatching(/^UnumFunction 'A': retry 0 .*maxDelay.*positive/),
        expect.stringMatching(/^UnumFunction 'A': retry 1 .*jitter.*FULL.*NONE/),
      ]);
    });

    test('a catch with a bad resultPath', () => {
      const p = onlyProblem(graph('A', task('A', 'B', { catch: [catchRule('Handler', { resultPath: 'error' })] }), task('B'), task('Handler')));
      expect(p).toMatch(/^UnumFunction 'A': catch 0 resultPath JSONPath 'error' must start with '\$'$/);
    });

    test('a catch with a wildcard resultPath', () => {
      const p = onlyProblem(graph('A', task('A', 'B', { catch: [catchRule('Handler', { resultPath: '$.errors[*]' })] }), task('B'), task('Handler')));
      expect(p).toMatch(/UnumFunction 'A': catch 0 resultPath JSONPath '\$\.errors\[\*\]' is not a reference path: this field names one node/);
    });

    test('a catch without errors', () => {
      const p = onlyProblem(graph('A', task('A', 'B', { catch: [catchRule('Handler', { errors: [] })] }), task('B'), task('Handler')));
      expect(p).toMatch(/^UnumFunction 'A': catch 0 lists no errors; use States\.ALL to catch every error$/);
    });
  });

  describe('several problems at once', () => {
    test('every problem of the graph is in one error', () => {
      const problems = problemsOf(graph('A',
        task('A', 'Fork', { retry: [retryRule({ backoffRate: 0 })] }),
        parallel('Fork', [], 'Pick'),
        choice('Pick', [], 'B'),
        task('B', 'Each'),
        map('Each', undefined, undefined, { itemsPath: 'x' }),
        task('Lonely'),
        fail('Broken', ''),
        task('Spin', 'Spin')));
      expect(problems).toEqual(expect.arrayContaining([
        expect.stringMatching(/UnumFunction 'A': retry 0 backoffRate must be at least 1/),
        expect.stringMatching(/Parallel 'Fork' has no branches/),
        expect.stringMatching(/Parallel 'Fork' is followed by Choice 'Pick'/),
        expect.stringMatching(/Choice 'Pick' has no when\(\) rules/),
        expect.stringMatching(/Map 'Each' has no item processor/),
        expect.stringMatching(/Map 'Each': itemsPath JSONPath 'x' must start with '\$'/),
        expect.stringMatching(/UnumFunction 'Lonely' is not reachable/),
        expect.stringMatching(/Fail 'Broken' is not reachable/),
        expect.stringMatching(/UnumFunction 'Spin' is not reachable/),
      ]));
      expect(problems).toHaveLength(9);
    });

    test('naming problems are all reported before the graph is walked', () => {
      const problems = problemsOf({ name: 'bad name', start: 'Nope', states: [task('A|1', 'Gone'), task('A|1'), task('x'.repeat(81))] });
      expect(problems).toEqual([
        expect.stringMatching(/workflow name 'bad name'/),
        expect.stringMatching(/UnumFunction 'A\|1': the name must be/),
        expect.stringMatching(/two states are named 'A\|1'/),
        expect.stringMatching(/UnumFunction 'A\|1': the name must be/),
        expect.stringMatching(/UnumFunction 'x{81}': the name must be/),
        expect.stringMatching(/the start state 'Nope' does not exist/),
        expect.stringMatching(/UnumFunction 'A\|1' continues to 'Gone', which is not a state of this workflow/),
      ]);
    });

    test('scope, placement and loop problems of one graph are reported together', () => {
      const problems = problemsOf(graph('A',
        task('A', 'Fork'), parallel('Fork', ['L', 'R'], 'Join'),
        task('L', 'Shared'), task('R', 'Shared'), task('Shared'),
        fanIn('Join', 'Loop'), task('Loop', 'Loop2'), task('Loop2', 'Loop'), task('Stray', 'Join')));
      expect(problems).toEqual(expect.arrayContaining([
        expect.stringMatching(/UnumFunction 'Shared' is reached from UnumFunction 'R' .* and from UnumFunction 'L'/),
        expect.stringMatching(/UnumFunction 'Stray' is not reachable/),
        expect.stringMatching(/FanIn 'Join' is reached from UnumFunction 'Stray', which is not a Parallel or Map/),
        expect.stringMatching(/the loop Loop -> Loop2 -> Loop has no guard/),
      ]));
      expect(problems).toHaveLength(4);
    });
  });
});

/** Every join action in an action tree. */
function joins(action: Action | undefined): Array<Extract<Action, { kind: 'join' }>> {
  if (!action) return [];
  switch (action.kind) {
    case 'join': return [action, ...joins(action.then)];
    case 'choice': return [...action.rules.flatMap((r) => joins(r.then)), ...joins(action.otherwise)];
    case 'parallel': return action.branches.flatMap(joins);
    case 'map': return [...joins(action.item), ...joins(action.onEmpty)];
    default: return [];
  }
}

describe('valid edge cases compile', () => {
  const configs = (g: WorkflowGraph) => Object.fromEntries(compileWorkflow(g).functions.map((c) => [c.node, c]));

  test('a loop guarded by a Choice', () => {
    const c = configs(graph('Init', task('Init', 'Step'), task('Step', 'Check'), choice('Check', [[done, 'Finish']], 'Step'), task('Finish')));
    expect(c.Step.next).toEqual({
      kind: 'choice',
      node: 'Check',
      rules: [{ when: done, then: { kind: 'invoke', node: 'Finish', functionName: 'fn-Finish' } }],
      otherwise: { kind: 'invoke', node: 'Step', functionName: 'fn-Step', loop: true },
    });
  });

  test('a loop whose guard exits through otherwise', () => {
    const c = configs(graph('Init', task('Init', 'Step'), task('Step', 'Check'), choice('Check', [[done, 'Step']], 'Finish'), task('Finish')));
    expect(c.Step.next).toMatchObject({ kind: 'choice', rules: [{ then: { node: 'Step', loop: true } }], otherwise: { node: 'Finish' } });
  });

  test('a guarded loop back to the entry and a guarded loop around a fan-out', () => {
    const c = configs(graph('Entry',
      task('Entry', 'Fork'), parallel('Fork', ['B', 'C'], 'Join'), task('B'), task('C'),
      fanIn('Join', 'Merge'), task('Merge', 'Again'), choice('Again', [[done, 'Entry'], [{ op: 'isPresent', path: '$.more', value: true }, 'Fork']], 'End'),
      succeed('End')));
    expect(c.Merge.next).toMatchObject({
      kind: 'choice',
      rules: [{ then: { kind: 'invoke', node: 'Entry', loop: true } }, { then: { kind: 'parallel', fanout: 'Fork', loop: true } }],
      otherwise: { kind: 'succeed' },
    });
  });

  test('a Choice whose branches converge', () => {
    const c = configs(graph('Greet', task('Greet', 'Pick'), choice('Pick', [[done, 'Hello']], 'Bye'), task('Hello', 'World'), task('Bye', 'World'), task('World')));
    expect(c.Hello.next).toEqual({ kind: 'invoke', node: 'World', functionName: 'fn-World' });
    expect(c.Bye.next).toEqual({ kind: 'invoke', node: 'World', functionName: 'fn-World' });
  });

  test('a catch handler that rejoins the main path', () => {
    const c = configs(graph('A', task('A', 'B', { catch: [catchRule('Handler', { errors: ['Timeout'], resultPath: '$.error' })] }), task('Handler', 'B'), task('B')));
    expect(c.A.catch).toEqual([{ errors: ['Timeout'], resultPath: '$.error', next: { kind: 'invoke', node: 'Handler', functionName: 'fn-Handler' } }]);
  });

  test('Succeed inside a Map item ends the item', () => {
    const c = configs(graph('A', task('A', 'Each'), map('Each', 'Item', 'Join'), task('Item', 'Stop'), succeed('Stop'), fanIn('Join', 'Total'), task('Total')));
    expect(c.Item.next).toMatchObject({ kind: 'join', join: 'Join', sources: ['Item'], then: { node: 'Total' } });
  });

  test('Fail in a Choice branch', () => {
    const c = configs(graph('A', task('A', 'Ok'), choice('Ok', [[done, 'B']], 'Broken'), task('B'), fail('Broken', 'Invalid')));
    expect(c.A.next).toMatchObject({ kind: 'choice', otherwise: { kind: 'fail', node: 'Broken', error: 'Invalid' } });
  });

  test('a Fan-out followed by Succeed or Fail, and names using every allowed character', () => {
    const name = 'a.b:c+d=e@f-g_h'.padEnd(80, 'x');
    const c = configs(graph(name, task(name, 'Each'), map('Each', 'Item', 'End', { width: 3 }), task('Item'), succeed('End')));
    expect(c[name].next).toMatchObject({ kind: 'map', width: 3, item: { kind: 'invoke', node: 'Item' } });
  });

  test('a Choice without otherwise, inside a Parallel branch that closes at a FanIn', () => {
    const c = configs(graph('A',
      task('A', 'Fork'), parallel('Fork', ['B', 'C'], 'Join'), task('B', 'Pick'), choice('Pick', [[done, 'D']]), task('D'), task('C'),
      fanIn('Join', 'E'), task('E')));
    expect(c.B.next).toMatchObject({ kind: 'choice', node: 'Pick', rules: [{ then: { kind: 'invoke', node: 'D' } }] });
    expect(c.B.next).not.toHaveProperty('otherwise');
    const join = { kind: 'join', join: 'Join', sources: ['B', 'C', 'D'], then: { kind: 'invoke', node: 'E', functionName: 'fn-E' } };
    expect(c.C.next).toEqual(join);
    expect(c.D.next).toEqual(join);
  });

  // A path of a fan-out made only of structural states has no output for the join to read: rejected.
  test.each([
    ['a Map item that starts with a Choice whose otherwise skips the item', graph('A',
      task('A', 'Each'), map('Each', 'Relevant', 'Join'), choice('Relevant', [[done, 'Work']], 'Skip'), task('Work'), succeed('Skip'),
      fanIn('Join', 'Total'), task('Total'))],
    ['a Parallel branch that is only a Succeed', graph('A',
      task('A', 'Fork'), parallel('Fork', ['Work', 'Nothing'], 'Join'), task('Work'), succeed('Nothing'), fanIn('Join', 'Total'), task('Total'))],
  ])('%s: every arrival at a join is one of its sources', (_name, g) => {
    let compiled;
    try {
      compiled = compileWorkflow(g);
    } catch (e) {
      // Rejecting the graph is an acceptable fix if the message names the fan-out and the fix.
      expect(e).toBeInstanceOf(WorkflowGraphError);
      expect((e as WorkflowGraphError).problems.join('\n')).toMatch(/(Map 'Each'|Parallel 'Fork').*(add|put|start).*UnumFunction/);
      return;
    }
    const a = compiled.functions.find((f) => f.node === 'A')!;
    const arrivalsFromA = joins(a.next);
    expect(arrivalsFromA.length).toBeGreaterThan(0);
    for (const join of arrivalsFromA) expect(join.sources).toContain('A');
  });
});
