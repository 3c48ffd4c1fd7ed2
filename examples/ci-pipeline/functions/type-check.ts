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

export interface CheckError {
  readonly path: string;
  readonly line: number;
  readonly rule: string;
  readonly message: string;
}

/** What either check hands to the ReadyToShip join. */
export interface CheckResult {
  readonly check: 'TypeCheck' | 'QuickCheck';
  /** Files checked. */
  readonly files: number;
  readonly errors: CheckError[];
  /** Lint's report, carried on: the join delivers this check's output, not Lint's. */
  readonly lint: LintReport;
}

/**
 * Branch 1, when `strict` is true: the strict rules on every non-test
 * module: no explicit `any`, and every exported function declares the types
 * of its parameters and its return type.
 */
export async function handler(input: Linted, context: UnumContext): Promise<CheckResult> {
  const modules = input.files.filter((f) => f.path.endsWith('.ts') && !f.path.endsWith('.test.ts'));
  const errors: CheckError[] = [];
  for (const { path, source } of modules) {
    const at = (offset: number): number => source.slice(0, offset).split('\n').length;
    for (const match of source.matchAll(/(?::|\bas)\s*any\b/g)) {
      errors.push({ path, line: at(match.index!), rule: 'no-explicit-any', message: 'explicit any' });
    }
    for (const match of source.matchAll(/^export\s+(?:default\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(/gm)) {
      const name = match[1];
      const open = match.index! + match[0].length - 1;
      const close = matching(source, open);
      if (close < 0) continue; // unbalanced: not this check's business
      for (const parameter of splitTopLevel(source.slice(open + 1, close))) {
        // A default value gives the parameter its type.
        if (parameter.trim() !== '' && !parameter.includes(':') && !parameter.includes('=')) {
          errors.push({ path, line: at(open), rule: 'typed-parameters', message: `parameter '${parameter.trim()}' of ${name} has no type` });
        }
      }
      if (!/^\s*:/.test(source.slice(close + 1))) {
        errors.push({ path, line: at(open), rule: 'explicit-return-type', message: `${name} declares no return type` });
      }
    }
  }
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  context.logger.info('type-checked', { files: modules.length, errors: errors.length });
  return { check: 'TypeCheck', files: modules.length, errors, lint: input.lint };
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };

/** Offset of the bracket that closes the one at `open`, or -1. */
function matching(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** A parameter list split at the commas that are not inside brackets. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let current = '';
  for (const char of list) {
    if (char in PAIRS) stack.push(PAIRS[char]);
    else if (char === stack[stack.length - 1]) stack.pop();
    if (char === ',' && stack.length === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  return [...parts, current];
}
