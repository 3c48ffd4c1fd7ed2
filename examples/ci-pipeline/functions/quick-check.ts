import type { UnumContext } from '../../../src/handler';

interface SourceFile {
  readonly path: string;
  readonly source: string;
}

interface LintReport {
  readonly errors: number;
  readonly warnings: number;
  readonly findings: Array<{ path: string; line: number; rule: string; severity: 'error' | 'warning'; message: string }>;
}

interface Linted {
  readonly strict: boolean;
  readonly files: SourceFile[];
  readonly lint: LintReport;
}

interface CheckError {
  readonly path: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

/** What either check hands to the ReadyToShip join. */
export interface CheckResult {
  readonly check: 'TypeCheck' | 'QuickCheck';
  readonly files: number;
  readonly errors: CheckError[];
  readonly lint: LintReport;
}

const CLOSING: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Branch 1, when `strict` is false: only checks that every `.ts` file's
 * brackets balance, outside strings and comments (a syntax smoke test, not
 * a parser: a bracket inside a regular expression literal counts).
 */
export async function handler(input: Linted, context: UnumContext): Promise<CheckResult> {
  const files = input.files.filter((f) => f.path.endsWith('.ts'));
  const errors: CheckError[] = [];
  for (const { path, source } of files) {
    const problem = unbalanced(source);
    if (problem) errors.push({ path, line: problem.line, rule: 'balanced-brackets', message: problem.message });
  }
  context.logger.info('quick-checked', { files: files.length, errors: errors.length });
  return { check: 'QuickCheck', files: files.length, errors, lint: input.lint };
}

/** The first bracket that does not balance, if any. */
function unbalanced(source: string): { line: number; message: string } | undefined {
  const open: Array<{ char: string; line: number }> = [];
  let line = 1;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\n') {
      line++;
    } else if (char === '/' && source[i + 1] === '/') {
      while (i + 1 < source.length && source[i + 1] !== '\n') i++;
    } else if (char === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? source.length : end + 2;
      line += source.slice(i, stop).split('\n').length - 1;
      i = stop - 1;
    } else if (char === "'" || char === '"' || char === '`') {
      for (i++; i < source.length && source[i] !== char; i++) {
        if (source[i] === '\\') {
          i++;
        } else if (source[i] === '\n') {
          if (char !== '`') return { line, message: 'unterminated string' };
          line++;
        }
      }
      if (i >= source.length) return { line, message: 'unterminated string' };
    } else if (char in CLOSING) {
      open.push({ char, line });
    } else if (char === ')' || char === ']' || char === '}') {
      const top = open.pop();
      if (!top) return { line, message: `'${char}' closes nothing` };
      if (CLOSING[top.char] !== char) return { line, message: `'${char}' closes '${top.char}' of line ${top.line}` };
    }
  }
  const left = open.pop();
  return left ? { line: left.line, message: `'${left.char}' is never closed` } : undefined;
}
