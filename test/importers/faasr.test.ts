/**
 * FaaSr workflows: FaaSr's model workflow and others imported, synthesized,
 * compiled and run on the runtime against the local DynamoDB/S3 servers;
 * FaaSr's validation rules enforced with clear messages.
 */
import * as fs from 'fs';
import * as path from 'path';
import { deployImported, importDefinition } from './support';
import { UnumContext } from '../../lambda-runtime';
import { translateFaasr } from '../../src/importers/faasr';
import { ImportError } from '../../src/importers/plan';
import { World } from '../runtime/harness';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'faasr', `${name}.json`), 'utf8');

let w: World;
beforeAll(async () => {
  w = await World.create('faasr-import');
});
afterAll(async () => w.close());

async function result(input: unknown): Promise<unknown> {
  const session = await w.run(input);
  return w.result(session);
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
    const handlers = (b: boolean) => ({
      start: (args: unknown) => args,
      computeA: (args: { base: number }) => args.base,
      concurrent: (args: { scale: number }, ctx: UnumContext) => ({ rank: ctx.index + 1, max: ctx.size, value: (ctx.index + 1) * args.scale }),
      computeB: () => b,
      conditionalT: () => 'T',
      conditionalF: () => 'F',
    });
    const ranks = Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, max: 10, value: (i + 1) * 2 }));
    deployImported(w, imported, handlers(true));
    expect(await result(null)).toEqual([ranks, 'T']);
    deployImported(w, imported, handlers(false));
    const before = w.runs['end|0'];
    expect(await result(null)).toEqual([ranks, 'F']);
    expect(w.runs['end|0']).toBe(before + 1);
  });
});

test('nested joins: a split inside a branch closes before the outer join', async () => {
  const imported = importDefinition('faasr', fixture('nested'));
  deployImported(w, imported, {
    left: () => 'L', leftA: () => 'a', leftB: () => 'b', leftJoin: (list: string[]) => list.join(''), right: () => 'r',
  });
  expect(await result(1)).toEqual(['ab', 'r']);
});

test('join after a conditional: the True side runs two actions concurrently, the join awaits only the side taken', async () => {
  const imported = importDefinition('faasr', fixture('conditional-join'));
  deployImported(w, imported, { check: (x: boolean) => x, fastA: () => 'fa', fastB: () => 'fb', slow: () => 'slow' });
  expect(await result(true)).toEqual(['fa', 'fb']);
  expect(await result(false)).toBe('slow');
});

test('Arguments are the input; a one-sided conditional ends the path when the other value is returned', async () => {
  const imported = importDefinition('faasr', fixture('chain-one-sided'));
  expect(imported.definition.notes.join('\n')).toMatch(/validate: InvokeNext has no False actions/);
  const seen: unknown[] = [];
  deployImported(w, imported, {
    prepare: (args: { threshold: number }) => { seen.push(args); return { ok: args.threshold }; },
    validate: (x: { ok: number }) => x.ok > 2,
    publish: (args: { folder: string }) => `published to ${args.folder}`,
  });
  expect(await result({ ignored: true })).toBe('published to output');
  expect(seen).toEqual([{ folder: 'input', threshold: 3 }]);
  deployImported(w, imported, { prepare: () => ({ ok: 1 }), validate: (x: { ok: number }) => x.ok > 2 });
  expect(await result(null)).toBe(false);
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
