/**
 * Original unum applications (unum-template.yaml + unum_config.json):
 * the fixtures under test/fixtures/unum-apps (our own apps in that format)
 * translate to the expected plan and compile, through real CDK synth, to
 * the expected per-function continuations; what cannot be kept is refused
 * naming the function and the field; `unum import` writes the app.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { gunzipSync } from 'zlib';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { importDefinition } from './support';
import { UnumFunction, UnumWorkflow } from '../../src';
import { buildPlan } from '../../src/importers/build';
import { generateTypeScript } from '../../src/importers/codegen';
import { ImportError, Plan, PlanState } from '../../src/importers/plan';
import { ConditionalError, isLastInstance, parseConditional, show, toConditionJson } from '../../src/importers/unum-conditional';
import { translateUnumTemplate, UnumApp } from '../../src/importers/unum-template';
import { Action, ENV, evaluateCondition, FunctionConfig } from '../../src/protocol';
import { loadUnumApp, runImport } from '../../toolkit/src/cli/import';

const APPS = path.join(__dirname, '..', 'fixtures', 'unum-apps');

function load(name: string): UnumApp {
  const read = loadUnumApp(path.join(APPS, name, 'unum-template.yaml'));
  if (typeof read === 'string') throw new Error(read);
  return read;
}

function byId(plan: Plan): Record<string, PlanState> {
  return Object.fromEntries(plan.states.map((s) => [s.id, s]));
}

/** Builds a fixture's plan with Python UnumFunctions on its directories, synthesizes it, and returns each node's compiled configuration. */
function synth(plan: Plan, appDir: string): FunctionConfig[] {
  const stack = new Stack(new App(), 'Unum', { env: { account: '123456789012', region: 'us-east-1' } });
  const functions: Record<string, UnumFunction> = {};
  for (const s of plan.states) {
    if (s.kind !== 'task' || !s.python) continue;
    functions[s.functionKeys[0]] = new UnumFunction(stack, s.id, {
      runtime: lambda.Runtime.PYTHON_3_12,
      entry: path.join(appDir, s.python.entry),
      index: s.python.index,
      handler: s.python.handler,
      ...(s.timeoutSeconds ? { timeout: Duration.seconds(s.timeoutSeconds) } : {}),
    });
  }
  const workflow = new UnumWorkflow(stack, 'Workflow', { workflowName: plan.name, definition: buildPlan(stack, plan, functions, 'unum') });
  Template.fromStack(stack);
  return workflow.functions.map((f) => readConfig(f._environment));
}

/** Each node's continuation, in a line. */
function compile(plan: Plan, app: string): Record<string, string> {
  return Object.fromEntries(synth(plan, path.join(APPS, app)).map((c) => [c.node, `${c.entry ? 'entry ' : ''}${summarize(c.next)}`]));
}

/** A continuation tree in a line: invoke(X), map(item → then), join(then), choice(...). */
function summarize(a: Action): string {
  switch (a.kind) {
    case 'invoke': return a.node;
    case 'choice': return `choice(${a.rules.map((r) => `${JSON.stringify(r.when)} → ${summarize(r.then)}`).join('; ')}${a.otherwise ? `; else ${summarize(a.otherwise)}` : ''})`;
    case 'parallel': return `parallel(${a.branches.map(summarize).join(', ')})`;
    case 'map': return `map(${summarize(a.item)})`;
    case 'join': return `join → ${summarize(a.then)}`;
    case 'windowJoin': return `window ${JSON.stringify(a.offsets)} → ${summarize(a.then)}`;
    case 'succeed': return 'succeed';
    case 'skip': return `skip → ${summarize(a.next)}`;
    default: return a.kind;
  }
}

function readConfig(env: Record<string, string>): FunctionConfig {
  if (env[ENV.CONFIG]) return JSON.parse(env[ENV.CONFIG]);
  return JSON.parse(gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP], 'base64')).toString());
}

function refusal(unumApp: UnumApp): string {
  try {
    translateUnumTemplate(unumApp);
  } catch (e) {
    if (e instanceof ImportError) return e.message;
    throw e;
  }
  throw new Error('the import was expected to be refused');
}

/** A one-off app: template functions named by `configs`, each in its own lower-case directory. */
function oneOff(configs: Record<string, unknown>, start = Object.keys(configs)[0], extra: Record<string, unknown> = {}): UnumApp {
  const Functions = Object.fromEntries(Object.keys(configs).map((n) => [n, { Properties: { CodeUri: `${n.toLowerCase()}/`, Runtime: 'python3.12', ...(n === start ? { Start: true } : {}), ...(extra[n] as object ?? {}) } }]));
  return { template: { Globals: { ApplicationName: 'one-off' }, Functions }, configs };
}

describe('fixtures', () => {
  test('chain (the oldest configuration style): Greet → Shout → Sign, Python functions from their own directories', () => {
    const plan = translateUnumTemplate(load('chain'));
    const s = byId(plan);
    expect(plan.name).toBe('fixture-chain');
    expect(plan.start).toBe('Greet');
    expect(s.Greet).toMatchObject({ kind: 'task', next: 'Shout', python: { entry: 'greet', index: 'app.py', handler: 'lambda_handler', runtime: 'python3.12' } });
    expect(s.Shout).toMatchObject({ next: 'Sign' });
    expect(s.Sign).toMatchObject({ timeoutSeconds: 10 });
    expect((s.Sign as { next?: string }).next).toBeUndefined();
    expect(plan.notes.join('\n')).toMatch(/Greet: Runtime python3.8 is older than the Python runtimes cdk-unum runs \(python3.11, python3.12, python3.13\); it runs on python3.12/);
    expect(plan.notes.join('\n')).toMatch(/Globals.Checkpoint \(false\): not applicable/);
    expect(compile(plan, 'chain')).toEqual({ Greet: 'entry Shout', Shout: 'Sign', Sign: 'succeed' });
  });

  test('choice then merge: $ret conditionals become a Choice, both paths continue into Report', () => {
    const plan = translateUnumTemplate(load('choice-merge'));
    const s = byId(plan);
    expect(s.Triage).toMatchObject({ next: 'Triage-choice' });
    expect(s['Triage-choice']).toEqual(expect.objectContaining({
      kind: 'choice',
      rules: [
        { condition: { op: 'stringEquals', path: '$', value: 'small' }, next: 'Small' },
        { condition: { op: 'stringEquals', path: '$', value: 'large' }, next: 'Large' },
      ],
      otherwise: 'Triage-no-match',
    }));
    expect(s.Small).toMatchObject({ next: 'Report' });
    expect(s.Large).toMatchObject({ next: 'Report' });
    const c = compile(plan, 'choice-merge');
    expect(c.Triage).toBe('entry choice({"op":"stringEquals","path":"$","value":"small"} → Small; {"op":"stringEquals","path":"$","value":"large"} → Large; else succeed)');
    expect(c.Small).toBe('Report');
    expect(c.Large).toBe('Report');
  });

  test('parallel: a Next list becomes a Parallel whose branches end in the Fan-in they name, joined into Combine', () => {
    const plan = translateUnumTemplate(load('parallel'));
    const s = byId(plan);
    expect(s.Split).toMatchObject({ next: 'Split-parallel' });
    expect(s['Split-parallel']).toMatchObject({ kind: 'parallel', branches: ['Upper', 'Lower'], next: 'Combine' });
    expect(s.Lower).toMatchObject({ next: 'Reverse' });
    expect((s.Upper as { next?: string }).next).toBeUndefined();
    const c = compile(plan, 'parallel');
    expect(c.Split).toBe('entry parallel(Upper, Lower)');
    expect(c.Upper).toBe('join → Combine');
    expect(c.Reverse).toBe('join → Combine');
  });

  test('map then fan-in: InputType Map is a Map; the last-item Conditional on the Fan-in is dropped for the join', () => {
    const plan = translateUnumTemplate(load('map-fanin'));
    const s = byId(plan);
    expect(s.Chunks).toMatchObject({ next: 'Chunks-map' });
    expect(s['Chunks-map']).toMatchObject({ kind: 'map', iterator: 'Count', next: 'Total' });
    expect(plan.notes.join('\n')).toMatch(/Count: Conditional '\$0 == \$size - 1' .* is not needed/);
    const c = compile(plan, 'map-fanin');
    expect(c.Chunks).toBe('entry map(Count)');
    expect(c.Count).toBe('join → Total');
    expect(c.Total).toBe('succeed');
  });

  test('map of maps: the inner Fan-in ($1.*) closes the inner Map, the outer one the outer Map', () => {
    const plan = translateUnumTemplate(load('map-of-maps'));
    const s = byId(plan);
    expect(s['Matrix-map']).toMatchObject({ kind: 'map', iterator: 'Row', next: 'Grand' });
    expect(s.Row).toMatchObject({ next: 'Row-map' });
    expect(s['Row-map']).toMatchObject({ kind: 'map', iterator: 'Cell', next: 'RowSum' });
    const c = compile(plan, 'map-of-maps');
    expect(c.Matrix).toBe('entry map(Row)');
    expect(c.Row).toBe('map(Cell)');
    expect(c.Cell).toBe('join → RowSum');
    expect(c.RowSum).toBe('join → Grand');
  });

  test('fold (ExCamera-style): Values of the item and its predecessor become a window FanIn in the item, then the Map\'s fan-in', () => {
    const plan = translateUnumTemplate(load('fold'));
    const s = byId(plan);
    expect(s['Items-map']).toMatchObject({ kind: 'map', iterator: 'Leaf', next: 'Fold' });
    expect(s.Leaf).toMatchObject({ next: 'Leaf-window' });
    expect(s['Leaf-window']).toMatchObject({ kind: 'window', itemOffsets: [0, -1], next: 'Rebase' });
    expect(s.Rebase).not.toHaveProperty('next');
    expect(plan.notes.join('\n')).toMatch(/Leaf: the Fan-in \["Leaf-unumIndex-\$0","Leaf-unumIndex-\(\$0-1\)"\] is a window FanIn \(itemOffsets \[0,-1\]\); .* Rebase must accept null/);
    const c = compile(plan, 'fold');
    expect(c.Items).toBe('entry map(Leaf)');
    expect(c.Leaf).toBe('window [0,-1] → Rebase');
    expect(c.Rebase).toBe('join → Fold');
    expect(c.Fold).toBe('succeed');
    const generated = generateTypeScript(plan, { codeDir: '../unum-apps/fold' }).code;
    expect(generated).toContain("const leafWindow = new FanIn(this, 'Leaf-window', { itemOffsets: [0, -1], comment: 'Rebase of item i gets Leaf of items i, i-1' });");
    expect(generated).toContain('leafWindow.next(rebase);');
  });

  test('fold-recurrence: a step that waits for its own previous step, and index rewriting, are refused naming the function and the field', () => {
    const message = refusal(load('fold-recurrence'));
    expect(message).toMatch(/function 'Acc', field 'Next Payload Modifiers\[0\]': '\$0=\$0\+1' rewrites the fan-out index/);
    expect(message).toMatch(/function 'Leaf', field 'Next.Conditional': '\$0 == 0' on a neighbouring-item fan-in decides which items continue/);
    // Without the modifier and the Conditional, the recurrence itself is what cannot be kept.
    const fold = load('fold-recurrence');
    const leafConfig = fold.configs.Leaf as { Next: object };
    const leaf = JSON.parse(JSON.stringify({ ...leafConfig, Next: { ...leafConfig.Next, Conditional: undefined } }));
    const acc = JSON.parse(JSON.stringify({ ...(fold.configs.Acc as object), 'Next Payload Modifiers': undefined }));
    const recurrence = refusal({ ...fold, configs: { ...fold.configs, Leaf: leaf, Acc: acc } });
    expect(recurrence).toMatch(/function 'Acc', field 'Next.InputType': 'Acc-unumIndex-\(\$0-1\)' names Acc's own output at another item: a recurrence/);
  });

  test('neighbouring-item fan-ins that are not a window of one function are refused with the reason', () => {
    const inMap = (leaf: unknown) => refusal(oneOff({ Items: { Next: { Name: 'Leaf', InputType: 'Map' } }, Leaf: leaf, Pair: {} }));
    const fanIn = (values: string[], extra: object = {}) => ({ Next: { Name: 'Pair', InputType: { 'Fan-in': { Values: values } }, ...extra } });
    expect(inMap(fanIn(['Leaf-unumIndex-$0', 'Items-unumIndex-($0-1)'])))
      .toMatch(/function 'Leaf', field 'Next.InputType': 'Items-unumIndex-\(\$0-1\)' names Items's output; a window FanIn \(itemOffsets\) joins neighbouring outputs of the one function before it \(Leaf\)/);
    expect(inMap(fanIn(['Leaf-unumIndex-$0', 'Leaf-unumIndex-($0*2)']))).toMatch(/'Leaf-unumIndex-\(\$0\*2\)': the index must be \$0, \$0-k or \$0\+k/);
    expect(inMap(fanIn(['Leaf-unumIndex-$0', 'Leaf-unumIndex-($0+0)']))).toMatch(/offsets \[0,0\]: a window names 1 to 16 distinct items/);
    expect(inMap(fanIn(['Leaf-unumIndex-$0', 'Leaf-unumIndex-($0-1)'], { Conditional: '$0 > 0' })))
      .toMatch(/function 'Leaf', field 'Next.Conditional': '\$0 > 0' on a neighbouring-item fan-in decides which items continue/);
    expect(refusal(oneOff({ Leaf: fanIn(['Leaf-unumIndex-$0', 'Leaf-unumIndex-($0-1)']), Pair: {} })))
      .toMatch(/function 'Leaf', field 'Next.InputType': .* names neighbouring items, but Leaf is not inside a Map/);
  });

  test('a window in the inner Map of a map of maps: the outer index is the item\'s own, the offsets those of the inner items', () => {
    const plan = translateUnumTemplate(oneOff({
      Matrix: { Next: { Name: 'Row', InputType: 'Map' } },
      Row: { Next: { Name: 'Cell', InputType: 'Map' } },
      Cell: { Next: { Name: 'Pair', InputType: { 'Fan-in': { Values: ['Cell-unumIndex-$1.($0+1)', 'Cell-unumIndex-$1.$0'] } } } },
      Pair: {},
    }));
    expect(byId(plan)['Cell-window']).toMatchObject({ kind: 'window', itemOffsets: [1, 0], next: 'Pair' });
    expect(refusal(oneOff({
      Matrix: { Next: { Name: 'Row', InputType: 'Map' } },
      Row: { Next: { Name: 'Cell', InputType: 'Map' } },
      Cell: { Next: { Name: 'Pair', InputType: { 'Fan-in': { Values: ['Cell-unumIndex-($1-1).$0'] } } } },
      Pair: {},
    }))).toMatch(/'Cell-unumIndex-\(\$1-1\).\$0': the enclosing Maps' index parts must be the item's own \(\$1\.\$0\)/);
  });

  test('the generated app uses Python UnumFunctions on the functions\' directories as they are', () => {
    const generated = generateTypeScript(translateUnumTemplate(load('map-fanin')), { codeDir: '../unum-apps/map-fanin' });
    expect(generated.stubs).toEqual([]);
    expect(generated.code).toContain("new UnumFunction(this, 'Count', {\n      runtime: lambda.Runtime.PYTHON_3_12,\n      entry: path.join(__dirname, '../unum-apps/map-fanin/count'),\n      index: 'app.py',\n      handler: 'lambda_handler',\n    })");
    expect(generated.code).toContain("import * as lambda from 'aws-cdk-lib/aws-lambda';");
  });
});

describe('the shapes of the original appstore apps', () => {
  test('wordcount, configurations of two generations: Map → Fan-in (WaitFor "Map") → Map → Fan-in (Values, last item)', () => {
    const plan = translateUnumTemplate(oneOff({
      UnumMap0: { Next: 'Mapper', NextInput: 'Map', Start: true },
      Mapper: { Next: 'Partition', WaitFor: 'Map', NextInput: 'Fan-in' },
      Partition: { Next: 'Reducer', NextInput: 'Map' },
      Reducer: {
        Name: 'Reducer',
        Next: { Name: 'Summary', Conditional: '$0 == $size - 1' },
        NextInput: { 'Fan-in': { Values: ['Reducer-unumIndex-*'], Wait: true } },
        Checkpoint: true,
      },
      Summary: { Name: 'Summary', Checkpoint: true },
    }, 'none'));
    const s = byId(plan);
    expect(plan.start).toBe('UnumMap0');
    expect(s['UnumMap0-map']).toMatchObject({ kind: 'map', iterator: 'Mapper', next: 'Partition' });
    expect(s.Partition).toMatchObject({ next: 'Partition-map' });
    expect(s['Partition-map']).toMatchObject({ kind: 'map', iterator: 'Reducer', next: 'Summary' });
  });

  test('excamera: its neighbouring-item fan-ins and fold are refused with the functions and fields', () => {
    const message = refusal(oneOff({
      UnumMap0: { Name: 'UnumMap0', Next: { Name: 'vpxenc', InputType: 'Map' }, Start: true },
      vpxenc: {
        Name: 'vpxenc',
        Next: [
          { Name: 'xcdec', InputType: 'Scalar', Conditional: '$0 < $size-1' },
          { Name: 'rebase', InputType: { 'Fan-in': { Values: ['vpxenc-unumIndex-$0', 'xcdec-unumIndex-($0-1)'] } }, Conditional: '$0 == 1' },
        ],
      },
      xcdec: { Name: 'xcdec' },
      rebase: { 'Name': 'rebase', 'Next': { Name: 'rebase', InputType: { 'Fan-in': { Values: ['rebase-unumIndex-$0'] } } }, 'Next Payload Modifiers': ['$0=$0+1'] },
    }, 'none'));
    expect(message).toMatch(/function 'rebase', field 'Next Payload Modifiers\[0\]': '\$0=\$0\+1'/);
    expect(message).toMatch(/function 'vpxenc', field 'Next': a fan-in together with other continuations/);
  });
});

describe('refusals name the function and the field', () => {
  test.each([
    ['a Conditional that is not the grammar', { A: { Next: { Name: 'B', Conditional: "__import__('os').system('x')" } }, B: {} }, /function 'A', field 'Next.Conditional': .*unknown name '__import__'/],
    ['a Conditional on the fan-out index outside a fan-in', { A: { Next: { Name: 'B', Conditional: '$0 > 1' } }, B: {} }, /function 'A', field 'Next.Conditional': .*fan-out index or size/],
    ['overlapping Conditionals', { A: { Next: [{ Name: 'B', Conditional: "$ret != 'x'" }, { Name: 'C', Conditional: "$ret != 'y'" }] }, B: {}, C: {} }, /function 'A', field 'Next': the Conditionals .* may hold together/],
    ['a mix of conditional and unconditional continuations', { A: { Next: [{ Name: 'B', Conditional: "$ret == 'x'" }, { Name: 'C' }] }, B: {}, C: {} }, /function 'A', field 'Next': some continuations have a Conditional/],
    ['an unknown configuration field', { A: { Next: 'B', Retry: 3 }, B: {} }, /function 'A', field 'Retry': not part of the unum configuration language/],
    ['a next function not in the template', { A: { Next: 'Nope' } }, /function 'A', field 'Next': 'Nope' is not a function of unum-template.yaml/],
    ['a Name that differs from the template', { A: { Name: 'Other', Next: 'B' }, B: {} }, /function 'A', field 'Name': 'Other' differs/],
    ['Values that do not name the branch ends', {
      A: { Next: ['B', 'C'], NextInput: 'Scalar' },
      B: { Next: 'D', NextInput: { 'Fan-in': { Values: ['C-unumIndex-1', 'B-unumIndex-0'] } } },
      C: { Next: 'D', NextInput: { 'Fan-in': { Values: ['B-unumIndex-0', 'C-unumIndex-1'] } } },
      D: {},
    }, /function 'B', field 'NextInput': 'C-unumIndex-1' in .*Values must be \["B-unumIndex-0","C-unumIndex-1"\]/],
    ['a branch that never fans in', {
      A: { Next: ['B', 'C'] }, B: { Next: 'D', NextInput: { 'Fan-in': { Values: ['B-unumIndex-0', 'C-unumIndex-1'] } } }, C: {}, D: {},
    }, /branch 1 \(C\) of 'A' ends without the Fan-in to D/],
    ['a fan-in outside a fan-out', { A: { Next: 'B', NextInput: { 'Fan-in': { Values: ['A'] } } }, B: {} }, /function 'A', field 'NextInput': a fan-in outside any fan-out/],
    ['a Map to several functions', { A: { Next: ['B', 'C'], NextInput: 'Map' }, B: {}, C: {} }, /function 'A', field 'NextInput': a Map to several functions/],
    ['a function that is never reached', { A: {}, B: {} }, /function 'B': no continuation from the entry function 'A' reaches it/],
    ['a size-rewriting modifier', { A: { 'Next': 'B', 'Fan-out Modifiers': ['$size = $size - 1'] }, B: {} }, /function 'A', field 'Fan-out Modifiers\[0\]': '\$size = \$size - 1' rewrites/],
  ])('%s', (_what, configs, expected) => {
    expect(refusal(oneOff(configs as Record<string, unknown>))).toMatch(expected);
  });

  test('template problems: runtime, unknown property, no entry, several entries, missing config', () => {
    expect(refusal(oneOff({ A: {} }, 'A', { A: { Runtime: 'nodejs20.x' } }))).toMatch(/function 'A', field 'Properties.Runtime': 'nodejs20.x' — original unum functions are Python/);
    expect(refusal(oneOff({ A: {} }, 'A', { A: { Layers: ['x'] } }))).toMatch(/function 'A', field 'Properties.Layers': not kept by the import/);
    expect(refusal(oneOff({ A: {} }, 'none'))).toMatch(/no entry function: set Start: true/);
    expect(refusal(oneOff({ A: { Start: true, Next: 'B' }, B: { Start: true } }, 'none'))).toMatch(/several entry functions \(A, B\)/);
    expect(refusal({ template: { Functions: { A: { Properties: { CodeUri: 'a/', Start: true } } } }, configs: {} })).toMatch(/function 'A': no unum_config.json in its CodeUri directory/);
    expect(refusal({ template: { Globals: { Tracing: true }, Functions: { A: { Properties: { CodeUri: 'a/', Start: true } } } }, configs: { A: {} } })).toMatch(/field 'Globals.Tracing': not an unum global/);
  });

  test('a merge from two different fan-outs is refused: the function would run once per path in unum', () => {
    const message = refusal(oneOff({ A: { Next: ['B', 'C'] }, B: { Next: 'D' }, C: { Next: 'D' }, D: {} }));
    expect(message).toMatch(/function 'D': reached from branch 0 \(B\) of 'A' and from branch 1 \(C\) of 'A'/);
  });

  test('exclusive $ret conditionals on a field, numbers and not: a Choice', () => {
    const plan = translateUnumTemplate(oneOff({
      A: { Next: [{ Name: 'B', Conditional: '$ret.n == 1' }, { Name: 'C', Conditional: '$ret.n == 2' }] }, B: {}, C: { Next: { Name: 'A', Conditional: "not $ret == 'stop'" } },
    }));
    const s = byId(plan);
    expect(s['A-choice']).toMatchObject({ rules: [{ condition: { op: 'numberEquals', path: '$.n', value: 1 }, next: 'B' }, { condition: { op: 'numberEquals', path: '$.n', value: 2 }, next: 'C' }] });
    // A loop back to the entry, as unum allows: the back-edge is kept.
    expect(s['C-choice']).toMatchObject({ rules: [{ condition: { op: 'not', condition: { op: 'stringEquals', path: '$', value: 'stop' } }, next: 'A' }] });
  });
});

describe('the generated apps', () => {
  const OUT = path.join(__dirname, '.generated-unum');
  const APPS_OK = ['chain', 'choice-merge', 'parallel', 'map-fanin', 'map-of-maps', 'fold'];
  const ROOT = path.join(__dirname, '..', '..');
  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    const quiet = { stdout: new PassThrough(), stderr: new PassThrough(), cwd: ROOT };
    for (const name of APPS_OK) {
      const out = path.join(OUT, name, 'workflow.ts');
      const code = await runImport([path.join(APPS, name, 'unum-template.yaml'), '--out', out, '--module', '../../../../src', '--class', 'Generated'], quiet);
      if (code !== 0) throw new Error(`unum import ${name} failed`);
    }
    // FaaSr's model with Python stubs, in the same type-check.
    if (await runImport([path.join(__dirname, '..', 'fixtures', 'faasr', 'model.json'), '--out', path.join(OUT, 'faasr-python', 'workflow.ts'),
      '--module', '../../../../src', '--class', 'Generated', '--stub-language', 'python'], quiet) !== 0) throw new Error('unum import faasr failed');
    fs.writeFileSync(path.join(OUT, 'tsconfig.json'), JSON.stringify({
      extends: '../../../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '../../..', isolatedModules: false },
      include: ['**/*.ts'],
    }));
  }, 120_000);
  afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

  test('type-check (strict, no unused locals) against the library\'s Python UnumFunction', () => {
    try {
      execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(OUT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
    } catch (e) {
      throw new Error(`tsc failed:\n${(e as { stdout?: string }).stdout}`);
    }
  });

  test.each(APPS_OK)('%s: synthesizes, with the same compiled configuration as the plan built on the fixture\'s directories', (name) => {
    const stack = new Stack(new App(), 'Generated', { env: { account: '123456789012', region: 'us-east-1' } });
    const mod = jest.requireActual(path.join(OUT, name, 'workflow.ts'));
    const generated = new mod.Generated(stack, 'Imported');
    const template = Template.fromStack(stack);
    const handlers = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime).filter((r) => r);
    expect(handlers.filter((r) => r === 'python3.12').length).toBe(generated.workflow.functions.length);
    const normalize = (configs: FunctionConfig[]) => JSON.parse(JSON.stringify(configs, (k, v) => (k === 'functionName' ? undefined : v)));
    const configs = generated.workflow.functions.map((f: { _environment: Record<string, string> }) => readConfig(f._environment));
    expect(normalize(configs)).toEqual(normalize(synth(translateUnumTemplate(load(name)), path.join(APPS, name))));
  });

  test('FaaSr with Python stubs synthesizes to the configuration of the TypeScript-stub import, every function on python3.12', () => {
    const stack = new Stack(new App(), 'Generated', { env: { account: '123456789012', region: 'us-east-1' } });
    const generated = new (jest.requireActual(path.join(OUT, 'faasr-python', 'workflow.ts')).Generated)(stack, 'Imported');
    const runtimes = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((f) => f.Properties.Runtime);
    expect(runtimes.filter((r) => r === 'python3.12').length).toBe(generated.workflow.functions.length);
    const imported = importDefinition('faasr', fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'faasr', 'model.json'), 'utf8'));
    const normalize = (configs: FunctionConfig[]) => JSON.parse(JSON.stringify(configs, (k, v) => (k === 'functionName' || k === 'workflow' ? undefined : v)));
    const configs = generated.workflow.functions.map((f: { _environment: Record<string, string> }) => readConfig(f._environment));
    expect(normalize(configs)).toEqual(normalize(imported.configs));
  });
});

describe('unum import (CLI)', () => {
  function streams(cwd: string) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { out: '', err: '' };
    stdout.on('data', (d) => { chunks.out += d; });
    stderr.on('data', (d) => { chunks.err += d; });
    return { io: { stdout, stderr, cwd }, chunks };
  }

  test('writes the app into a directory, pointing at the functions\' directories, and no stubs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unum-import-'));
    try {
      const { io, chunks } = streams(dir);
      const out = path.join(dir, 'lib', 'workflow.ts');
      expect(await runImport([path.join(APPS, 'parallel', 'unum-template.yaml'), '--out', out], io)).toBe(0);
      expect(chunks.out).toMatch(/wrote lib\/workflow.ts \(class FixtureParallelWorkflow\)/);
      expect(chunks.err).toMatch(/note: Globals.UnumIntermediaryDataStoreType \(s3\): not applicable/);
      expect(fs.readdirSync(path.join(dir, 'lib'))).toEqual(['workflow.ts']);
      const code = fs.readFileSync(out, 'utf8');
      const entries = [...code.matchAll(/entry: path\.join\(__dirname, '([^']+)'\)/g)].map((m) => path.resolve(path.dirname(out), m[1]));
      expect(entries.map((e) => path.relative(APPS, e))).toEqual(['parallel/split', 'parallel/upper', 'parallel/lower', 'parallel/reverse', 'parallel/combine']);
      for (const e of entries) expect(fs.existsSync(path.join(e, 'app.py'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a refused application exits 2 with every problem', async () => {
    const { io, chunks } = streams(APPS);
    expect(await runImport(['fold-recurrence/unum-template.yaml'], io)).toBe(2);
    expect(chunks.err).toMatch(/cannot import the unum definition:\n {2}- function 'Acc', field 'Next Payload Modifiers\[0\]'/);
  });

  test('FaaSr with --stub-language python: index.py stubs with handler(event, context) and Python UnumFunctions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faasr-python-'));
    try {
      const { io, chunks } = streams(dir);
      const model = path.join(__dirname, '..', 'fixtures', 'faasr', 'model.json');
      expect(await runImport([model, '--out', 'workflow.ts', '--stub-language', 'python'], io)).toBe(0);
      expect(chunks.out).toMatch(/wrote functions\/computeA\/index.py \(stub: fill in the function\)/);
      expect(chunks.err).toMatch(/note: concurrent: the function is written in Python; supply a Python UnumFunction for it \(`unum import --stub-language python` writes Python stubs\)/);
      const code = fs.readFileSync(path.join(dir, 'workflow.ts'), 'utf8');
      expect(code).toContain("runtime: lambda.Runtime.PYTHON_3_12,\n      entry: path.join(__dirname, 'functions', 'computeA'),\n      index: 'index.py',\n      handler: 'handler',");
      expect(code).not.toMatch(/\.ts'\)/);
      // The stub is Python that returns its input.
      const ran = execFileSync('python3', ['-c', 'import sys, json; sys.path.insert(0, sys.argv[1]); import index; print(json.dumps(index.handler({"x": [1, 2]}, None)))', path.join(dir, 'functions', 'computeA')], { encoding: 'utf8' });
      expect(JSON.parse(ran)).toEqual({ x: [1, 2] });
      const bad = streams(dir);
      expect(await runImport([model, '--stub-language', 'r'], bad.io)).toBe(2);
      expect(bad.chunks.err).toMatch(/unknown --stub-language r; use ts or python/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the Conditional grammar', () => {
  const cond = (source: string) => toConditionJson(parseConditional(source));
  const error = (source: string) => {
    try {
      cond(source);
    } catch (e) {
      if (e instanceof ConditionalError) return e.message;
      throw e;
    }
    throw new Error(`'${source}' was expected to be refused`);
  };

  test('precedence: not binds tighter than and, and tighter than or; parentheses override', () => {
    expect(show(parseConditional("$ret == 'a' or $ret == 'b' and not $ret == 'c'"))).toBe("$ret == 'a' or ($ret == 'b' and not $ret == 'c')");
    expect(cond("($ret == 'a' or $ret == 'b') and $ret != 'c'")).toEqual({
      op: 'and',
      conditions: [
        { op: 'or', conditions: [{ op: 'stringEquals', path: '$', value: 'a' }, { op: 'stringEquals', path: '$', value: 'b' }] },
        { op: 'not', condition: { op: 'stringEquals', path: '$', value: 'c' } },
      ],
    });
    expect(show(parseConditional('$0 < $size - 1 and $0 > 0'))).toBe('$0 < $size - 1 and $0 > 0');
  });

  test('literals: single and double quoted strings with escapes, integers, decimals, negatives, True/False/None', () => {
    expect(cond('$ret == "it\'s"')).toEqual({ op: 'stringEquals', path: '$', value: "it's" });
    expect(cond("$ret == 'say \\'hi\\''")).toEqual({ op: 'stringEquals', path: '$', value: "say 'hi'" });
    expect(cond('$ret >= 2.5')).toEqual({ op: 'numberGreaterThanEquals', path: '$', value: 2.5 });
    expect(cond('$ret > -3')).toEqual({ op: 'numberGreaterThan', path: '$', value: -3 });
    expect(cond('$ret == True')).toEqual({ op: 'booleanEquals', path: '$', value: true });
    expect(cond('$ret != None')).toEqual({ op: 'not', condition: { op: 'isNull', path: '$', value: true } });
  });

  test('$ret, its fields and items, on either side of the comparison', () => {
    expect(cond("$ret.status == 'done'")).toEqual({ op: 'stringEquals', path: '$.status', value: 'done' });
    expect(cond("$ret['a b'][0] < 'm'")).toEqual({ op: 'stringLessThan', path: "$['a b'][0]", value: 'm' });
    expect(cond('10 > $ret.n')).toEqual({ op: 'numberLessThan', path: '$.n', value: 10 });
    expect(cond("'x' <= $ret")).toEqual({ op: 'stringGreaterThanEquals', path: '$', value: 'x' });
  });

  test('every comparison operator decides as Python does on the original runtime ($ret substituted)', () => {
    const sources = ["$ret == 'hello'", "$ret != 'hello'", "$ret < 'm'", "$ret <= 'hello'", "$ret > 'hello'", "$ret >= 'm'",
      "not $ret == 'bye' and $ret != 'x'", "$ret == 'a' or $ret == 'hello'"];
    const values = ['hello', 'bye', 'a', 'zebra', 'm'];
    const cases = sources.flatMap((source) => values.map((value) => ({ source, value })));
    const python = execFileSync('python3', ['-c', [
      'import json, sys',
      'cases = json.loads(sys.stdin.read())',
      // The test's oracle only: the original runtime's substitution of $ret into a Python expression.
      'print(json.dumps([eval(c["source"].replace("$ret", repr(c["value"]))) for c in cases]))',
    ].join('\n')], { input: JSON.stringify(cases), encoding: 'utf8' });
    expect(cases.map((c) => evaluateCondition(cond(c.source), c.value))).toEqual(JSON.parse(python));
  });

  test('code is never run: calls, attributes, names and other syntax are refused', () => {
    expect(error("__import__('os').system('rm -rf /')")).toMatch(/unknown name '__import__'/);
    expect(error("$ret == open('/etc/passwd').read()")).toMatch(/unknown name 'open'/);
    expect(error('$ret == 1; import os')).toMatch(/unexpected ';'/);
    expect(error("$ret == 'a' if True else 'b'")).toMatch(/unknown name 'if'|unexpected 'if'/);
    expect(error('($ret)(1)')).toMatch(/calls are not allowed/);
    expect(error('$ret == `x`')).toMatch(/unexpected '`'/);
    expect(error("$ret == 'open")).toMatch(/unterminated string/);
    expect(error('$ret == "\\x41"')).toMatch(/unsupported escape/);
    expect(error('$env == 1')).toMatch(/unknown variable/);
  });

  test('what has no Condition is refused with the reason', () => {
    expect(error('$ret')).toMatch(/truthiness/);
    expect(error('1 < 2')).toMatch(/does not read \$ret/);
    expect(error('$ret.a == $ret.b')).toMatch(/compares two parts of \$ret/);
    expect(error('$ret + 1 == 2')).toMatch(/other side|does not read/);
    expect(error('$ret < True')).toMatch(/True\/False can only be compared with == or !=/);
    expect(error('$0 == $size - 1')).toMatch(/fan-out index or size/);
    expect(error('1 < $ret < 3')).toMatch(/chained comparison/);
  });

  test('the last-item idiom is recognised either way round, and only it', () => {
    expect(isLastInstance(parseConditional('$0 == $size - 1'))).toBe(true);
    expect(isLastInstance(parseConditional('$size-1 == $0'))).toBe(true);
    expect(isLastInstance(parseConditional('$0 == $size - 2'))).toBe(false);
    expect(isLastInstance(parseConditional('$1 == $size - 1'))).toBe(false);
  });
});
