/**
 * A Python user function as an UnumHandler for the references: each call runs
 * examples/support/call_python.py in a python3 process in the function's
 * directory (JSON in, JSON out), so a reference can mix Node and Python steps.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { UnumContext, UnumHandler } from '../../src/handler';

export function pythonHandler(directory: string, index = 'index.py', handler = 'handler'): UnumHandler<unknown, unknown> {
  const module = index.replace(/\.py$/, '');
  return async (input: unknown, context: UnumContext) => {
    const { logger: _logger, getRemainingTimeInMillis: _remaining, ...fields } = context;
    const stdout = execFileSync(process.env.UNUM_PYTHON ?? 'python3', [path.join(__dirname, 'call_python.py'), directory, module, handler], {
      input: JSON.stringify({ input, context: fields }),
      encoding: 'utf8',
    });
    return JSON.parse(stdout);
  };
}
