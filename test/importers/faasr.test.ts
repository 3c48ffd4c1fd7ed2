/**
 * FaaSr workflows: FaaSr's model workflow and others imported, synthesized,
 * compiled and run on the runtime against the local DynamoDB/S3 servers;
 * FaaSr's validation rules enforced with clear messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import { caseOf, ImportCase, stubHandlers } from './cases';
import { deployImported, importDefinition, nodeFunctionCount } from './support';
import { translateFaasr } from '../../src/importers/faasr';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'faasr', `${name}.json`), 'utf8');

let w: World;
beforeAll(async () => {
  w = await World.create('faasr-import');
});
afterAll(async () => w.close());

/** Runs every input of the case (cases.ts: stubs and expected results shared with engine.test.ts) and expects its result. */
async function expectRuns(c: ImportCase): Promise<void> {
  for (const r of c.runs) {
    const session = await w.run(r.input);
    const d = await w.client.describeSession(session);
    expect(d.status === 'SUCCEEDED' ? { status: d.status, result: await w.result(session) } : { status: d.status, error: d.error?.error }).toEqual(r.expected);
  }
}

describe('the FaaSr model workflow (start → computeA → concurrent(10), computeB → True/False, end)', () => {
  const imported = importDefinition('faasr', fixture('model'));

  test('translates to Parallel[computeA → Map(width 10), computeB → Choice] → end, one function per action', () => {
    const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
    expect(byId.start).toMatchObject({ kind: 'task', next: 'start-fanout', dataFlow: { parameters: { base: 7, divisor: 7 } } });
    expect(byId['start-fanout']).toMatchObject({ kind: 'parallel', branches: ['computeA', 'computeB'], next: 'end' });
    expect(byId.computeA).toMatchObject({ next: 'concurrent-ranks' });
    expect(byId['concurrent-ranks']).toMatchObject({ kind: 'map', iterator: 'concurrent', width: 10 });
    expect(byId['computeB-result']).toMatchObject({ kind: 'choice', rules: [{ condition: { op: 'booleanEquals', path: '$', value: true }, next: 'conditionalT' }], otherwise: 'conditionalF' });
    expect(imported.workflow.workflowName).toBe('wf');
    expect(imported.definition.suggestedName).toBe('faasr-model');
    expect(nodeFunctionCount(imported.template)).toBe(7);
  });

  test('compute servers and data stores are accepted and reported as not applicable, with what replaces them', () => {
    const notes = imported.definition.notes.join('\n');
    expect(notes).toMatch(/ComputeServers: not applicable — every action runs as an AWS Lambda function/);
    expect(notes).toMatch(/DataStores: not applicable — .*IntermediaryStore/);
    expect(notes).toMatch(/concurrent: the function is written in Python/);
  });

  test('runs: ranks 1..10 with max rank 10, only the branch taken is awaited, end fires once with the joined list', async () => {
    // The result is [[{ rank, max: 10, value: rank * 2 } for ranks 1..10], 'T' or 'F' as computeB returns true or false].
    deployImported(w, imported, stubHandlers(caseOf('faasr-model-true')));
    await expectRuns(caseOf('faasr-model-true'));
    deployImported(w, imported, stubHandlers(caseOf('faasr-model-false')));
    const before = w.runs['end|0'];
    await expectRuns(caseOf('faasr-model-false'));
    expect(w.runs['end|0']).toBe(before + 1);
  });
});

test('nested joins: a split inside a branch closes before the outer join', async () => {
  const imported = importDefinition('faasr', fixture('nested'));
  deployImported(w, imported, stubHandlers(caseOf('faasr-nested')));
  await expectRuns(caseOf('faasr-nested'));
});

test('join after a conditional: the True side runs two actions concurrently, the join awaits only the side taken', async () => {
  const imported = importDefinition('faasr', fixture('conditional-join'));
  deployImported(w, imported, stubHandlers(caseOf('faasr-conditional-join')));
  await expectRuns(caseOf('faasr-conditional-join'));
});

test('Arguments are the input; a one-sided conditional ends the path when the other value is returned', async () => {
  const imported = importDefinition('faasr', fixture('chain-one-sided'));
  expect(imported.definition.notes.join('\n')).toMatch(/validate: InvokeNext has no False actions/);
  const seen: unknown[] = [];
  // prepare as its stub, but its input captured here rather than logged.
  deployImported(w, imported, { ...stubHandlers(caseOf('faasr-chain-one-sided')), prepare: (args: { threshold: number }) => { seen.push(args); return { ok: args.threshold }; } });
  await expectRuns(caseOf('faasr-chain-one-sided'));
  expect(seen).toEqual([{ folder: 'input', threshold: 3 }]);
  deployImported(w, imported, stubHandlers(caseOf('faasr-chain-one-sided-low')));
  await expectRuns(caseOf('faasr-chain-one-sided-low'));
});

describe('DAGs that are not series-parallel: FanIns over predecessors', () => {
  test('start -> A, B; A -> C, D; B -> R(3); R -> D; C, D -> end: Parallels without a join of their own, a FanIn before each action with several predecessors', () => {
    const imported = importDefinition('faasr', fixture('crossed'));
    const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
    expect(byId.start).toMatchObject({ kind: 'task', next: 'start-fanout' });
    expect(byId['start-fanout']).toEqual(expect.objectContaining({ kind: 'parallel', branches: ['A', 'B'] }));
    expect(byId['start-fanout']).not.toHaveProperty('next');
    expect(byId.A).toMatchObject({ next: 'A-fanout' });
    // A reaches D's join through a Pass, so the branch has a state whose next is the join.
    expect(byId['A-fanout']).toMatchObject({ kind: 'parallel', branches: ['C', 'A-to-D'] });
    expect(byId['A-to-D']).toEqual(expect.objectContaining({ kind: 'pass', next: 'D-join' }));
    expect(byId.B).toMatchObject({ next: 'R-ranks' });
    expect(byId['R-ranks']).toMatchObject({ kind: 'map', iterator: 'R', width: 3, next: 'R-to-D' });
    expect(byId['D-join']).toMatchObject({ kind: 'fanIn', predecessors: ['A-to-D', 'R-to-D'], next: 'D' });
    expect(byId.C).toMatchObject({ next: 'end-join' });
    expect(byId.D).toMatchObject({ next: 'end-join' });
    expect(byId['end-join']).toMatchObject({ kind: 'fanIn', predecessors: ['C', 'D'], next: 'end' });
    expect(byId.end).not.toHaveProperty('next');
    expect(imported.definition.notes.join('\n')).toMatch(/the DAG does not nest into Parallels that each close with their own FanIn, so its joins are FanIns over predecessors/);
    expect(nodeFunctionCount(imported.template)).toBe(7);
    // The joins live at the top level; their predecessors run up to two Parallel branches deep.
    const config = (node: string) => imported.configs.find((c) => c.node === node)!;
    expect(config('C').next).toMatchObject({
      kind: 'dagJoin', join: 'end-join', depth: 0, slot: 0, slots: [{ node: 'C', branches: [0, 0] }, { node: 'D', branches: [] }],
    });
    expect(config('R').next).toMatchObject({ kind: 'join', join: 'R-ranks' });
    expect(config('R').next).toHaveProperty('then', expect.objectContaining({
      kind: 'pass', node: 'R-to-D', next: expect.objectContaining({ kind: 'dagJoin', join: 'D-join', slot: 1, slots: [{ node: 'A-to-D', branches: [0, 1] }, { node: 'R-to-D', branches: [1] }] }),
    }));
  });

  test('runs: each action with several predecessors runs once, with their outputs in ActionList order', async () => {
    const imported = importDefinition('faasr', fixture('crossed'));
    deployImported(w, imported, stubHandlers(caseOf('faasr-crossed')));
    const before = { D: w.runs['D|0'] ?? 0, end: w.runs['end|0'] ?? 0 };
    await expectRuns(caseOf('faasr-crossed'));
    expect(w.runs['D|0']).toBe(before.D + 2);
    expect(w.runs['end|0']).toBe(before.end + 2);
  });

  test('a True/False conditional feeding a join: the join waits for the side taken only, null for the other', async () => {
    const imported = importDefinition('faasr', fixture('conditional-crossed'));
    const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
    expect(byId['check-result']).toMatchObject({ kind: 'choice', rules: [{ next: 'fast' }], otherwise: 'slow' });
    expect(byId['merge-join']).toMatchObject({ kind: 'fanIn', predecessors: ['left-to-merge', 'fast', 'slow'], next: 'merge' });
    expect(byId['report-join']).toMatchObject({ kind: 'fanIn', predecessors: ['merge', 'audit'], next: 'report' });
    deployImported(w, imported, stubHandlers(caseOf('faasr-conditional-crossed')));
    // Runs of a node's instances in every scope (fast and slow run in a Parallel branch).
    const runs = (node: string) => Object.entries(w.runs).filter(([key]) => key.startsWith(`${node}|`)).reduce((n, [, v]) => n + v, 0);
    const before = { merge: runs('merge'), fast: runs('fast'), slow: runs('slow') };
    await expectRuns(caseOf('faasr-conditional-crossed'));
    expect({ merge: runs('merge'), fast: runs('fast'), slow: runs('slow') }).toEqual({ merge: before.merge + 2, fast: before.fast + 1, slow: before.slow + 1 });
  });

  test('several ends are joined by one FanIn whose list is the result: a one-sided conditional, ranked copies at the end of a path', async () => {
    const imported = importDefinition('faasr', fixture('multi-end'));
    const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
    expect(byId['workflow-end']).toMatchObject({ kind: 'fanIn', predecessors: ['join1', 'gate-false-end', 'publish-copies-done'] });
    expect(byId['workflow-end']).not.toHaveProperty('next');
    expect(byId['publish-ranks']).toMatchObject({ kind: 'map', width: 2, next: 'publish-copies-done' });
    expect(imported.definition.notes.join('\n')).toMatch(
      /joined by the FanIn 'workflow-end': the session result lists the output of join1; the result of gate when it is false; the list of the copies of publish \(null for one that did not run\)/);
    deployImported(w, imported, stubHandlers(caseOf('faasr-multi-end')));
    await expectRuns(caseOf('faasr-multi-end'));
  });

  test('ranked copies with several successors (formerly rejected): a Pass after the copies starts them, each runs once after all copies', async () => {
    const json = JSON.stringify({
      FunctionInvoke: 's',
      ActionList: { s: { InvokeNext: ['r(2)', 'z'] }, r: { InvokeNext: ['x', 'y'] }, x: { InvokeNext: ['y'] }, y: {}, z: { InvokeNext: ['y'] } },
    });
    const imported = importDefinition('faasr', json);
    const byId = Object.fromEntries(imported.plan.states.map((s) => [s.id, s]));
    expect(byId['r-ranks']).toMatchObject({ kind: 'map', next: 'r-copies-done' });
    expect(byId['r-copies-done']).toMatchObject({ kind: 'pass', next: 'r-fanout' });
    expect(byId['r-fanout']).toMatchObject({ kind: 'parallel', branches: ['x', 'r-to-y'] });
    expect(byId['y-join']).toMatchObject({ kind: 'fanIn', predecessors: ['r-to-y', 'x', 'z'], next: 'y' });
    deployImported(w, imported, {
      r: (n: number, ctx: { index: number }) => n + ctx.index,
      x: (copies: number[]) => copies.length,
      z: (n: number) => -n,
    });
    // y gets [r's copies, x, z].
    expect(await w.result(await w.run(10))).toEqual([[10, 11], 2, -10]);
  });

  test('an action both True/False results can rule out runs once or not at all: a join left with no predecessor skips what follows it', async () => {
    const json = JSON.stringify({
      FunctionInvoke: 'c1',
      ActionList: { c1: { InvokeNext: [{ True: ['a'], False: ['c2'] }] }, c2: { InvokeNext: [{ True: ['a'], False: ['b'] }] }, a: {}, b: {} },
    });
    const imported = importDefinition('faasr', json);
    const outcome = { c1: true, c2: true };
    deployImported(w, imported, { c1: () => outcome.c1, c2: () => outcome.c2, a: () => 'a ran', b: () => 'b ran' });
    // The session result lists the ends in ActionList order: a, then b.
    expect(await w.result(await w.run(null))).toEqual(['a ran', null]);
    Object.assign(outcome, { c1: false, c2: true });
    expect(await w.result(await w.run(null))).toEqual(['a ran', null]);
    Object.assign(outcome, { c1: false, c2: false });
    expect(await w.result(await w.run(null))).toEqual([null, 'b ran']);
  });
});

describe('FaaSr validation rules', () => {
  const workflow = (actions: Record<string, unknown>, entry = Object.keys(actions)[0]) =>
    JSON.stringify({ ActionList: actions, FunctionInvoke: entry });
  const cases: Array<[string, string, RegExp]> = [
    ['single entry', workflow({ a: { InvokeNext: ['c'] }, b: { InvokeNext: ['c'] }, c: {} }), /single entry: FunctionInvoke is 'a', but the actions without predecessors are 'a', 'b'/],
    ['FunctionInvoke names an action', workflow({ a: {} }, 'missing'), /FunctionInvoke "missing" must name an action/],
    ['DAG', workflow({ a: { InvokeNext: ['b'] }, b: { InvokeNext: ['c'] }, c: { InvokeNext: ['b'] } }), /must be a DAG: b -> c -> b is a cycle/],
    ['ranked action with one predecessor', workflow({ a: { InvokeNext: ['b', 'c'] }, b: { InvokeNext: ['r(3)'] }, c: { InvokeNext: ['r(3)'] }, r: {} }), /ranked action 'r' \(invoked as r\(3\)\) must have exactly one predecessor/],
    ['no ranked after ranked', workflow({ a: { InvokeNext: ['r(2)'] }, r: { InvokeNext: ['s(2)'] }, s: {} }), /ranked action 'r' invokes ranked action 's\(2\)'/],
    ['no mixed conditional/unconditional predecessors', workflow({ a: { InvokeNext: ['b', { True: ['c'] }] }, b: { InvokeNext: ['c'] }, c: {} }), /action 'c' has both conditional \('a'\) and unconditional \('b'\) predecessors/],
    ['unknown successor', workflow({ a: { InvokeNext: ['nope'] } }), /action 'a' invokes 'nope', which is not in ActionList/],
    ['DAG (a cycle through a join)', workflow({ s: { InvokeNext: ['a', 'b'] }, a: { InvokeNext: ['j'] }, b: { InvokeNext: ['j'] }, j: { InvokeNext: ['a'] } }), /must be a DAG: a -> j -> a is a cycle/],
    ['no True/False after ranked copies', workflow({ a: { InvokeNext: ['r(2)'] }, r: { InvokeNext: [{ True: ['b'] }] }, b: {} }), /ranked action 'r' has True\/False successors \('b'\): its copies return one result each/],
  ];
  test.each(cases)('%s', (_what, json, message) => {
    expect(() => translateFaasr(json)).toThrow(ImportError);
    expect(() => translateFaasr(json)).toThrow(message);
  });

  test('a DAG that is not series-parallel is accepted (formerly rejected): FanIns over predecessors', () => {
    const plan = translateFaasr(workflow({ s: { InvokeNext: ['a', 'b'] }, a: { InvokeNext: ['c', 'd'] }, b: { InvokeNext: ['d'] }, c: { InvokeNext: ['e'] }, d: { InvokeNext: ['e'] }, e: {} }));
    const joins = plan.states.filter((s) => s.kind === 'fanIn');
    expect(joins).toEqual([
      expect.objectContaining({ id: 'd-join', predecessors: ['a-to-d', 'b'], next: 'd' }),
      expect.objectContaining({ id: 'e-join', predecessors: ['c', 'd'], next: 'e' }),
    ]);
  });
});
