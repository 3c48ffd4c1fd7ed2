import { existsSync, writeFileSync } from 'fs';
import { resolve } from 'path';
import { UsageError } from '../local/assembly';
import { readState } from '../local/session-records';
import { TraceEvent, readTrace } from '../local/session-trace';
import { sessionReportHtml } from '../report';

/** `unum report` and `unum run --report`: a session's self-contained HTML page. */

export interface ReportIO {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

/** Writes the report of a session's trace to `file`. */
export async function writeReport(file: string, events: readonly TraceEvent[]): Promise<void> {
  writeFileSync(file, await sessionReportHtml(events));
}

/** `unum report <session> --data-dir <dir> [--out <file>]`. */
export async function reportCommand(args: readonly string[], options: { dataDir: string; out?: string; cwd: string; quiet?: boolean },
  io: ReportIO): Promise<number> {
  const [session, extra] = args;
  if (session === undefined) throw new UsageError('usage: unum report <session> [--data-dir <dir>] [--out <file.html>]');
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}; unum report takes one session`);
  const events = readTrace(options.dataDir, session);
  if (events === undefined) {
    const recorded = readState(options.dataDir).sessions.some((s) => s.session === session);
    throw new UsageError(recorded
      ? `session ${session} was run before this toolkit kept session traces: run it again with \`unum run --data-dir ${options.dataDir} --session ${session}\``
      : `no session ${session} in ${options.dataDir} (\`unum status --data-dir ${options.dataDir}\` lists them)`);
  }
  const file = resolve(options.cwd, options.out ?? `unum-report-${session}.html`);
  if (!existsSync(resolve(file, '..'))) throw new UsageError(`--out ${options.out}: no directory ${resolve(file, '..')}`);
  await writeReport(file, events);
  if (!options.quiet) io.stderr.write(`unum: wrote the report of session ${session} to ${file}\n`);
  return 0;
}
