import type { UnumContext } from '../../../src/handler';

type Gate = 'passed' | 'skipped';

interface TestRun {
  readonly suites: number;
  readonly tests: number;
  readonly passed: number;
  readonly skipped: number;
  readonly failures: Array<{ suite: string; test: string; reason: string }>;
  readonly coverage: { covered: string[]; uncovered: string[] };
}

interface Published {
  readonly repo: string;
  readonly commit: string;
  readonly package: string;
  readonly artifact: string;
  readonly bytes: number;
  readonly digest: string;
  readonly api: string[];
  readonly checks: { Lint: Gate; TypeCheck: Gate; QuickCheck: Gate };
  readonly warnings: number;
  readonly todos: string[];
}

/** What the AllDone FanIn delivers, in the order of its predecessors. */
export type AllDone = [tests: TestRun, published: Published];

export interface CiReport extends Published {
  /** green: the tests passed, and the release is tagged `latest`; red: it is held. */
  readonly status: 'green' | 'red';
  readonly tag: 'latest' | 'held';
  readonly tests: Omit<TestRun, 'coverage' | 'failures'> & { failed: number };
  readonly failures: TestRun['failures'];
  /** Exported functions some test calls, e.g. "3/4". */
  readonly coverage: string;
  readonly uncovered: string[];
}

/**
 * The workflow's result, once the tests and the publish both finished: the
 * staged release becomes `latest` when every test passed, else it is held.
 */
export async function handler([tests, published]: AllDone, context: UnumContext): Promise<CiReport> {
  const green = tests.failures.length === 0;
  context.logger.info('reported', { status: green ? 'green' : 'red' });
  return {
    ...published,
    status: green ? 'green' : 'red',
    tag: green ? 'latest' : 'held',
    tests: { suites: tests.suites, tests: tests.tests, passed: tests.passed, skipped: tests.skipped, failed: tests.failures.length },
    failures: tests.failures,
    coverage: `${tests.coverage.covered.length}/${tests.coverage.covered.length + tests.coverage.uncovered.length}`,
    uncovered: tests.coverage.uncovered,
  };
}
