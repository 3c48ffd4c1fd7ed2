/**
 * FaaSr workflows: FaaSr's model workflow and others imported, synthesized,
 * compiled and run on the runtime against the local DynamoDB/S3 servers;
 * FaaSr's validation rules enforced with clear messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import { caseOf, ImportCase, stubHandlers } from './cases';
import { deployImported, importDefinition } from './support';
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
    imported.template.resourceCountIs('AWS::Lambda::Function', 7);
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
    ['not series-parallel', workflow({ s: { InvokeNext: ['a', 'b'] }, a: { InvokeNext: ['c', 'd'] }, b: { InvokeNext: ['d'] }, c: { InvokeNext: ['e'] }, d: { InvokeNext: ['e'] }, e: {} }), /series-parallel/],
  ];
  test.each(cases)('%s', (_what, json, message) => {
    expect(() => translateFaasr(json)).toThrow(ImportError);
    expect(() => translateFaasr(json)).toThrow(message);
  });
});
