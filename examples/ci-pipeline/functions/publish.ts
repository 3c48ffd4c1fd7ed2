import type { UnumContext } from '../../../src/handler';

interface Finding {
  readonly path: string;
  readonly line: number;
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

interface CheckResult {
  readonly check: 'TypeCheck' | 'QuickCheck';
  readonly files: number;
  readonly errors: Array<{ path: string; line: number; rule: string; message: string }>;
  readonly lint: { errors: number; warnings: number; findings: Finding[] };
}

interface Packaged {
  readonly repo: string;
  readonly commit: string;
  readonly name: string;
  readonly version: string;
  readonly artifact: string;
  readonly bytes: number;
  readonly digest: string;
  readonly api: string[];
}

/**
 * What the ReadyToShip FanIn delivers: its predecessors' outputs in the
 * order it lists them, null for the check the Strictness choice ruled out.
 */
export type ReadyToShip = [packaged: Packaged, typeCheck: CheckResult | null, quickCheck: CheckResult | null];

export type Gate = 'passed' | 'skipped';

export interface Published {
  readonly repo: string;
  readonly commit: string;
  /** `name@version`. */
  readonly package: string;
  readonly artifact: string;
  readonly bytes: number;
  readonly digest: string;
  readonly api: string[];
  /** Which check ran: the other one's slot in the join was null. */
  readonly checks: { Lint: Gate; TypeCheck: Gate; QuickCheck: Gate };
  readonly warnings: number;
  /** The TODO and FIXME comments, as `path:line text`. */
  readonly todos: string[];
}

/** Publishing refused: the message names every error that stopped it. */
export class ChecksFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChecksFailed';
  }
}

/**
 * After ReadyToShip (Package and whichever check ran): refuses to publish
 * when Lint or the check reported errors, else stages the release. It runs
 * beside UnitTests, not after them: Report decides the release's tag.
 */
export async function handler([packaged, typeCheck, quickCheck]: ReadyToShip, context: UnumContext): Promise<Published> {
  const check = typeCheck ?? quickCheck;
  if (!check || (typeCheck && quickCheck)) {
    throw new Error(`ReadyToShip must deliver exactly one of TypeCheck and QuickCheck (got ${[typeCheck, quickCheck].map((c) => c?.check ?? 'null').join(', ')})`);
  }
  const release = `${packaged.name}@${packaged.version}`;
  const lintErrors = check.lint.findings.filter((f) => f.severity === 'error');
  const reports = [
    describe('Lint', lintErrors),
    describe(check.check, check.errors),
  ].filter((r): r is string => r !== undefined);
  if (reports.length > 0) {
    throw new ChecksFailed(`not publishing ${release} (${packaged.repo}@${packaged.commit.slice(0, 7)}): ${reports.join('; ')}`);
  }

  context.logger.info('published', { release, checkedBy: check.check });
  return {
    repo: packaged.repo,
    commit: packaged.commit,
    package: release,
    artifact: packaged.artifact,
    bytes: packaged.bytes,
    digest: packaged.digest,
    api: packaged.api,
    checks: { Lint: 'passed', TypeCheck: typeCheck ? 'passed' : 'skipped', QuickCheck: quickCheck ? 'passed' : 'skipped' },
    warnings: check.lint.warnings,
    todos: check.lint.findings.filter((f) => f.rule === 'todo').map((f) => `${f.path}:${f.line} ${f.message}`),
  };
}

/** "TypeCheck reported 2 errors: src/a.ts:3 no-explicit-any (explicit any), ..." or nothing. */
function describe(step: string, errors: ReadonlyArray<{ path: string; line: number; rule: string; message: string }>): string | undefined {
  if (errors.length === 0) return undefined;
  const list = errors.map((e) => `${e.path}:${e.line} ${e.rule} (${e.message})`).join(', ');
  return `${step} reported ${errors.length} error${errors.length === 1 ? '' : 's'}: ${list}`;
}
