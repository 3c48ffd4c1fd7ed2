import { main } from '../../toolkit/src/cli/main';
import { Capture, ROOT } from '../engine/support';

/** What one `unum` command wrote and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the `unum` command line in this process (the tests share its module
 * cache and the servers of jest's global setup), from the repository root.
 */
export function unum(...argv: string[]): Promise<CliResult> {
  return unumIn(ROOT, ...argv);
}

/** `unum` from another directory (what it finds there, or does not). */
export async function unumIn(cwd: string, ...argv: string[]): Promise<CliResult> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(argv, { stdout, stderr, cwd });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
