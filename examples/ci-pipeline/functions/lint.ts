import type { UnumContext } from '../../../src/handler';

interface SourceFile {
  readonly path: string;
  readonly source: string;
}

interface CheckedOut {
  readonly repo: string;
  readonly commit: string;
  readonly strict: boolean;
  readonly files: SourceFile[];
}

export interface Finding {
  readonly path: string;
  readonly line: number;
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

export interface LintReport {
  readonly errors: number;
  readonly warnings: number;
  /** In path, then line order. */
  readonly findings: Finding[];
}

/** What the Strictness choice reads (`$.strict`) and either check gets. */
export interface Linted {
  readonly strict: boolean;
  readonly files: SourceFile[];
  readonly lint: LintReport;
}

const MAX_LINE = 120;

/** Line rules: each looks at one line of a `.ts` file. */
const RULES: ReadonlyArray<{ rule: string; severity: Finding['severity']; tests: boolean; check(line: string): string | undefined }> = [
  { rule: 'no-debugger', severity: 'error', tests: true, check: (l) => (/^\s*debugger\s*;?\s*$/.test(l) ? 'debugger statement' : undefined) },
  { rule: 'no-console', severity: 'warning', tests: false, check: (l) => (/(?<![\w$.])console\.(log|debug)\(/.test(l) ? 'console output in library code' : undefined) },
  { rule: 'todo', severity: 'warning', tests: true, check: (l) => /\/\/.*\b(TODO|FIXME)\b:?\s*(.*)$/.exec(l)?.slice(1).join(': ').replace(/:\s*$/, '') },
  { rule: 'max-len', severity: 'warning', tests: true, check: (l) => (l.length > MAX_LINE ? `${l.length} characters (at most ${MAX_LINE})` : undefined) },
  { rule: 'no-trailing-spaces', severity: 'warning', tests: true, check: (l) => (/[ \t]+$/.test(l) ? 'trailing whitespace' : undefined) },
];

/**
 * Branch 1, step 1: lints every `.ts` file line by line. Its output carries
 * `strict` for the Strictness choice after it and the files for the check
 * the choice picks.
 */
export async function handler(input: CheckedOut, context: UnumContext): Promise<Linted> {
  const findings: Finding[] = [];
  for (const file of input.files.filter((f) => f.path.endsWith('.ts'))) {
    const test = file.path.endsWith('.test.ts');
    file.source.split('\n').forEach((text, i) => {
      for (const { rule, severity, tests, check } of RULES) {
        if (test && !tests) continue;
        const message = check(text);
        if (message) findings.push({ path: file.path, line: i + 1, rule, severity, message });
      }
    });
    if (file.source !== '' && !file.source.endsWith('\n')) {
      findings.push({ path: file.path, line: file.source.split('\n').length, rule: 'eol-last', severity: 'warning', message: 'no newline at end of file' });
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  context.logger.info('linted', { errors, warnings: findings.length - errors });
  return { strict: input.strict, files: input.files, lint: { errors, warnings: findings.length - errors, findings } };
}
