import type { UnumContext } from '../../../src/handler';

interface Module {
  readonly path: string;
  readonly source: string;
  readonly test: boolean;
  readonly functions: string[];
  readonly imports: Array<{ from: string; names: Array<{ imported: string; local: string }> }>;
  readonly reexports: Array<{ from: string; imported: string; exported: string }>;
}

interface Compiled {
  readonly modules: Module[];
}

export interface TestFailure {
  readonly suite: string;
  readonly test: string;
  readonly reason: string;
}

export interface TestRun {
  /** Test files. */
  readonly suites: number;
  readonly tests: number;
  readonly passed: number;
  /** `test.skip`: counted, not run. */
  readonly skipped: number;
  readonly failures: TestFailure[];
  /** Exported functions of the non-test modules that some test calls, and those none does (`path#name`). */
  readonly coverage: { covered: string[]; uncovered: string[] };
}

const TEST_CASE = /\b(?:test|it)(\.only|\.skip)?\(\s*(['"`])((?:(?!\2).)*)\2/g;

/**
 * Branch 0.0 (after Compile): checks the test suites statically, the way a
 * CI gate would before running them: every test needs an assertion
 * (`expect(`), a focused test (`.only`) fails (it would silently skip the
 * others), and a title is unique in its suite. It also reports which exported
 * functions the tests call, through imports and re-exports.
 */
export async function handler(input: Compiled, context: UnumContext): Promise<TestRun> {
  const byPath = new Map(input.modules.map((m) => [m.path, m]));
  const suites = input.modules.filter((m) => m.test);
  const failures: TestFailure[] = [];
  const called = new Set<string>();
  let tests = 0;
  let skipped = 0;

  for (const suite of suites) {
    const cases = [...suite.source.matchAll(TEST_CASE)];
    const titles = new Set<string>();
    cases.forEach((match, i) => {
      tests++;
      const [, modifier, , title] = match;
      const body = suite.source.slice(match.index!, cases[i + 1]?.index ?? suite.source.length);
      if (modifier === '.skip') {
        skipped++;
        return;
      }
      let reason: string | undefined;
      if (titles.has(title)) reason = 'duplicate test title';
      else if (modifier === '.only') reason = 'focused with .only: the other tests would not run';
      else if (!/\bexpect\(/.test(body)) reason = 'no assertion (expect)';
      titles.add(title);
      if (reason) failures.push({ suite: suite.path, test: title, reason });
      // What the test calls, traced to the module that declares it.
      for (const imp of suite.imports) {
        for (const name of imp.names) {
          if (new RegExp(`(?<![\\w$.])${name.local.replace(/\$/g, '\\$')}\\(`).test(body)) {
            const origin = declaringModule(byPath, imp.from, name.imported);
            if (origin) called.add(`${origin}#${name.imported}`);
          }
        }
      }
    });
  }

  const api = input.modules.filter((m) => !m.test).flatMap((m) => m.functions.map((f) => `${m.path}#${f}`));
  const run: TestRun = {
    suites: suites.length,
    tests,
    passed: tests - skipped - failures.length,
    skipped,
    failures,
    coverage: { covered: api.filter((f) => called.has(f)), uncovered: api.filter((f) => !called.has(f)) },
  };
  context.logger.info('tests checked', { tests, failed: failures.length });
  return run;
}

/** The module that declares function `name` exported by `path`, following re-exports. */
function declaringModule(byPath: Map<string, Module>, path: string, name: string, seen = new Set<string>()): string | undefined {
  const module = byPath.get(path);
  if (!module || seen.has(path)) return undefined;
  seen.add(path);
  if (module.functions.includes(name)) return path;
  const reexport = module.reexports.find((r) => r.exported === name);
  return reexport ? declaringModule(byPath, reexport.from, reexport.imported, seen) : undefined;
}
