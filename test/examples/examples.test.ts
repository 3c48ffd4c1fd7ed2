/**
 * The example apps under examples/: each synthesizes as a user would run it
 * (a separate node process), its user functions are self-contained, and its
 * in-process reference run (examples/<name>/reference.ts) produces exactly
 * examples/<name>/expected.json from examples/<name>/input.json.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import { builtinModules } from 'module';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { App, Stack } from 'aws-cdk-lib';
import { PYTHON_RUNTIME_HANDLER, RUNTIME_HANDLER } from '../../src/protocol/config';
import { expectNagClean } from '../nag/nag-helpers';

const ROOT = path.join(__dirname, '..', '..');
const EXAMPLES_DIR = path.join(ROOT, 'examples');

interface Example {
  readonly name: string;
  readonly stack: string;
  readonly workflow: string;
  readonly entry: string;
  /** Every workflow node (one Lambda function each), in any order. */
  readonly nodes: readonly string[];
  /** What every function's UNUM_USER_HANDLER names (`module.function`). */
  readonly userHandler: string;
}

const EXAMPLES: readonly Example[] = [
  defineExample('hello-bye', 'HelloBye', ['Greet', 'Hello', 'Bye', 'World']),
  defineExample('iot-pipeline', 'IotPipeline', ['Aggregate', 'Decide']),
  defineExample('text-processing', 'TextProcessing', ['Draft', 'ExtractMentions', 'FindUrls', 'ShortenUrls', 'CreatePost', 'Publish']),
  defineExample('map-join', 'MapJoin', ['Start', 'Identity', 'Collect']),
  defineExample('word-count', 'WordCount', ['Split', 'Count', 'Partition', 'Reduce', 'Merge']),
  defineExample('fold', 'Fold', ['Split', 'Encode', 'Rebase', 'FoldInOrder']),
  defineExample('faasr', 'Faasr', ['start', 'computeA', 'concurrent', 'computeB', 'conditionalT', 'conditionalF', 'end']),
  defineExample('ci-pipeline', 'CiPipeline', ['Checkout', 'Compile', 'UnitTests', 'Package', 'Lint', 'TypeCheck', 'QuickCheck', 'Publish', 'Report']),
  // In Python: functions/<dir>/index.py with handler(), or app.py with lambda_handler() as original unum apps have.
  defineExample('word-count-python', 'WordCountPython', ['Split', 'Count', 'Partition', 'Reduce', 'Merge']),
  defineExample('hello-bye-python', 'HelloByePython', ['Greet', 'Hello', 'Bye', 'World'], 'app.lambda_handler'),
  defineExample('text-processing-mixed', 'TextProcessingMixed', ['Draft', 'ExtractMentions', 'FindUrls', 'ShortenUrls', 'CreatePost', 'Publish'], 'app.lambda_handler'),
];

/** An example whose stack is `<workflow>Example` and whose entry is the first node. */
function defineExample(name: string, workflow: string, nodes: string[], userHandler = 'index.handler'): Example {
  return { name, stack: `${workflow}Example`, workflow, entry: nodes[0], nodes, userHandler };
}

const readJson = (...parts: string[]): any => JSON.parse(fs.readFileSync(path.join(...parts), 'utf8'));
const reference = async (name: string): Promise<{ runReference(input: unknown): Promise<unknown> }> =>
  jest.requireActual(path.join(EXAMPLES_DIR, name, 'reference'));

test('every folder under examples/ with an app.ts is covered here', () => {
  const folders = fs.readdirSync(EXAMPLES_DIR).filter((f) => fs.existsSync(path.join(EXAMPLES_DIR, f, 'app.ts')));
  expect(folders.sort()).toEqual(EXAMPLES.map((e) => e.name).sort());
});

describe('synthesis', () => {
  // The apps synthesize concurrently, each in its own process (like `cdk synth`), into a temp dir.
  const outdirs = new Map<string, string>();
  const synths = new Map<string, Promise<unknown>>();

  beforeAll(() => {
    for (const example of EXAMPLES) {
      const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-unum-example-${example.name}-`));
      outdirs.set(example.name, outdir);
      const run = promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join('examples', example.name, 'app.ts')], {
        cwd: ROOT,
        env: { ...process.env, CDK_OUTDIR: outdir },
        maxBuffer: 16 * 1024 * 1024,
      });
      run.catch(() => undefined); // awaited (and reported) by the example's test
      synths.set(example.name, run);
    }
  });

  afterAll(() => {
    for (const dir of outdirs.values()) fs.rmSync(dir, { recursive: true, force: true });
  });

  test.each(EXAMPLES)('$name synthesizes one function per node, with cdk-unum metadata', async (example) => {
    await synths.get(example.name);
    const template = readJson(outdirs.get(example.name)!, `${example.stack}.template.json`);
    const unum = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['cdk-unum']);
    // Besides the nodes: the workflow's failure recorder, every function's on-failure destination.
    expect(unum.filter((f) => f.Metadata['cdk-unum'].recorder === true)).toHaveLength(1);
    const functions = unum.filter((f) => f.Metadata['cdk-unum'].recorder !== true);
    const metadata = functions.map((f) => f.Metadata['cdk-unum']);
    expect(metadata.map((m) => m.node).sort()).toEqual([...example.nodes].sort());
    expect(new Set(metadata.map((m) => m.workflow))).toEqual(new Set([example.workflow]));
    expect(metadata.filter((m) => m.entry).map((m) => m.node)).toEqual([example.entry]);
    // Every function runs the runtime layer's handler and carries the user's handler for it.
    for (const fn of functions) {
      expect(fn.Properties.Layers).toHaveLength(1);
      const python = String(fn.Properties.Runtime).startsWith('python');
      expect(fn.Properties.Handler).toBe(python ? PYTHON_RUNTIME_HANDLER : RUNTIME_HANDLER);
      // The mixed example's Node functions keep index.handler.
      expect(fn.Properties.Environment.Variables.UNUM_USER_HANDLER).toBe(python ? example.userHandler : 'index.handler');
    }
  });
});

describe('user functions are self-contained', () => {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  test.each(EXAMPLES)('$name/functions imports only node built-ins and runtime types (Python: the standard library)', (example) => {
    const dir = path.join(EXAMPLES_DIR, example.name, 'functions');
    const problems: string[] = pythonImportProblems(dir);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const [statement, from] of source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) {
        const typeOnly = /^\s*import\s+type\b/.test(statement);
        if (builtins.has(from) || (typeOnly && from === '../../../src/handler')) continue;
        problems.push(`${file}: ${statement.trim()}`);
      }
      if (/\brequire\(/.test(source)) problems.push(`${file}: require()`);
    }
    expect(problems).toEqual([]);
  });
});

/** Python files under `dir` that import anything but the standard library (and boto3, which Lambda ships). */
function pythonImportProblems(dir: string): string[] {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.py'));
  if (files.length === 0) return [];
  const script = [
    'import ast, json, sys',
    'allowed = set(sys.stdlib_module_names) | {"boto3", "botocore"}',
    'out = []',
    'for f in sys.argv[1:]:',
    '    for n in ast.walk(ast.parse(open(f).read())):',
    '        names = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module or ""] if isinstance(n, ast.ImportFrom) and n.level == 0 else []',
    '        out += [f"{f}: import {m}" for m in names if m.split(".")[0] not in allowed]',
    'print(json.dumps(out))',
  ].join('\n');
  const stdout = execFileSync(process.env.UNUM_PYTHON ?? 'python3', ['-c', script, ...files], { cwd: dir, encoding: 'utf8' });
  return JSON.parse(stdout);
}

describe('reference runs (the in-process floor) produce expected.json', () => {
  test.each(EXAMPLES)('$name', async (example) => {
    const input = readJson(EXAMPLES_DIR, example.name, 'input.json');
    const expected = readJson(EXAMPLES_DIR, example.name, 'expected.json');
    await expect((await reference(example.name)).runReference(input)).resolves.toStrictEqual(expected);
  });

  test('hello-bye takes the other branch and fails on an unknown greeting', async () => {
    const { runReference } = await reference('hello-bye');
    await expect(runReference('  BYE ')).resolves.toBe('bye world!');
    await expect(runReference({ greeting: 'hi' })).rejects.toMatchObject({ name: 'UnknownGreeting' });
  });

  test('hello-bye-python reads its aliases file, takes Bye, and fails on an unknown greeting', async () => {
    const { runReference } = await reference('hello-bye-python');
    await expect(runReference('  See You ')).resolves.toBe('bye world!');
    await expect(runReference({ greeting: 'hey' })).resolves.toBe('hello world!');
    await expect(runReference({ greeting: 'yo' })).rejects.toThrow('UnknownGreeting');
  });

  test('faasr takes conditionalF when computeB is false', async () => {
    await expect((await reference('faasr')).runReference({ base: 1, divisor: 2 })).resolves.toEqual({
      ranks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sumOfSquares: 385, sumOfNumbers: 55, branch: 'conditionalF',
    });
  });

  test('fold decodes back to the input frames, with one keyframe left', async () => {
    const input = readJson(EXAMPLES_DIR, 'fold', 'input.json');
    const result = await (await reference('fold')).runReference(input) as { decoded: number[]; keyframes: number };
    expect(result.decoded).toEqual(input.chunks.flat());
    expect(result.keyframes).toBe(1);
  });

  test('word-count: counting the whole text at once agrees with the map/shuffle/reduce result', async () => {
    const input = readJson(EXAMPLES_DIR, 'word-count', 'input.json');
    const result = await (await reference('word-count')).runReference(input) as { words: number; counts: Array<[string, number]> };
    const whole = new Map<string, number>();
    for (const [word] of input.text.toLowerCase().replace(/[\u2018\u2019]/g, "'").matchAll(/[a-z]+(?:'[a-z]+)*/g)) {
      whole.set(word, (whole.get(word) ?? 0) + 1);
    }
    expect(new Map(result.counts)).toEqual(whole);
    expect(result.words).toBe([...whole.values()].reduce((a, b) => a + b, 0));
  });

  describe('ci-pipeline', () => {
    const input = (): any => readJson(EXAMPLES_DIR, 'ci-pipeline', 'input.json');
    /** The input with one file's source edited. */
    const editing = (file: string, edit: (source: string) => string, strict = true): unknown => {
      const base = input();
      if (!base.files.some((f: any) => f.path === file)) throw new Error(`no ${file} in the input`);
      return { ...base, strict, files: base.files.map((f: any) => (f.path === file ? { ...f, source: edit(f.source) } : f)) };
    };

    test('takes QuickCheck when not strict: the TypeCheck slot of ReadyToShip is null', async () => {
      const { runReference } = await reference('ci-pipeline');
      const expected = readJson(EXAMPLES_DIR, 'ci-pipeline', 'expected.json');
      // Publish marks a check skipped exactly when its slot in the joined list is null.
      await expect(runReference({ ...input(), strict: false })).resolves.toStrictEqual({
        ...expected, checks: { Lint: 'passed', TypeCheck: 'skipped', QuickCheck: 'passed' },
      });
    });

    test('Publish refuses, naming the errors, when the check that ran or Lint reports errors', async () => {
      const { runReference } = await reference('ci-pipeline');
      const withAny = (strict: boolean): unknown => editing('src/text.ts', (s) => s.replace('title: string', 'title: any'), strict);
      await expect(runReference(withAny(true))).rejects.toMatchObject({
        name: 'ChecksFailed',
        message: 'not publishing @acme/mathkit@1.4.0 (acme/mathkit@3f2a9c1): TypeCheck reported 1 error: src/text.ts:4 no-explicit-any (explicit any)',
      });
      // QuickCheck does not look at types: the same commit ships when not strict.
      await expect(runReference(withAny(false))).resolves.toMatchObject({ status: 'green', checks: { TypeCheck: 'skipped', QuickCheck: 'passed' } });
      await expect(runReference(editing('src/math.ts', (s) => s.replace('return a + b;\n}', 'return a + b;\n'), false))).rejects.toMatchObject({
        name: 'ChecksFailed', message: expect.stringContaining("QuickCheck reported 1 error: src/math.ts:2 balanced-brackets ('{' is never closed)"),
      });
      // A lint error stops either path.
      for (const strict of [true, false]) {
        await expect(runReference(editing('src/math.ts', (s) => s.replace('  return a + b;', '  debugger;\n  return a + b;'), strict))).rejects.toMatchObject({
          name: 'ChecksFailed', message: expect.stringContaining('Lint reported 1 error: src/math.ts:3 no-debugger (debugger statement)'),
        });
      }
    });

    test('a failing test holds the release; a broken import fails Compile; a bad input fails Checkout', async () => {
      const { runReference } = await reference('ci-pipeline');
      const focused = editing('test/math.test.ts', (s) => s.replace("test('averages'", "test.only('averages'"));
      await expect(runReference(focused)).resolves.toMatchObject({
        status: 'red',
        tag: 'held',
        tests: { tests: 3, passed: 2, failed: 1 },
        failures: [{ suite: 'test/math.test.ts', test: 'averages', reason: 'focused with .only: the other tests would not run' }],
      });
      await expect(runReference(editing('src/index.ts', (s) => s.replace('add, mean', 'add, median')))).rejects
        .toThrow("compile failed with 1 error(s): src/index.ts:1: 'src/math.ts' has no export 'median'");
      await expect(runReference({ ...input(), strict: 'yes' })).rejects.toThrow('checkout needs "strict": true or false (got "yes")');
    });
  });

  test('map-join keeps item order for a larger list', async () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ i }));
    await expect((await reference('map-join')).runReference(items)).resolves.toEqual(items);
  });
});

describe('cdk-nag AwsSolutions passes on every example stack', () => {
  const outdirs: string[] = [];
  afterAll(() => outdirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  /**
   * Runs the example's app.ts in this process with App.synth() held back, so
   * cdk-nag can be applied to the stack before anything synthesizes it.
   */
  function unsynthesizedStack(example: Example): Stack {
    const apps: App[] = [];
    const synth = jest.spyOn(App.prototype, 'synth').mockImplementation(function (this: App) {
      apps.push(this);
      return undefined as any;
    });
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-unum-nag-${example.name}-`));
    const previous = process.env.CDK_OUTDIR;
    process.env.CDK_OUTDIR = outdir; // where bundled assets go
    try {
      jest.requireActual(path.join(EXAMPLES_DIR, example.name, 'app'));
    } finally {
      synth.mockRestore();
      if (previous === undefined) delete process.env.CDK_OUTDIR;
      else process.env.CDK_OUTDIR = previous;
    }
    outdirs.push(outdir);
    expect(apps).toHaveLength(1);
    return apps[0].node.findChild(example.stack) as Stack;
  }

  test.each(EXAMPLES)('$name', (example) => {
    expectNagClean(unsynthesizedStack(example));
  });
});
