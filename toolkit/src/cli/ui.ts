import { existsSync, mkdirSync } from 'fs';
import { resolve } from 'path';
import { UsageError } from '../local/assembly';
import type { ConsoleServer } from '../report/console';

/** `unum ui`: the web console of a data directory, until interrupted. */

export interface UiOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  readonly allowRemote?: boolean;
  /** Sessions can be started from the console: the assembly they run (synthesized for it when the app is a command). */
  readonly run?: { readonly assembly: string; readonly workflows: readonly string[] };
  readonly cwd: string;
}

export interface UiIO {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
}

/** Starts the console; resolves with the server once it listens (the CLI then waits for SIGINT). */
export async function startUi(options: UiOptions, io: UiIO): Promise<ConsoleServer> {
  const dataDir = resolve(options.cwd, options.dataDir);
  if (!existsSync(dataDir)) {
    if (options.run === undefined) {
      throw new UsageError(`no data directory ${dataDir}: the console shows the sessions of \`unum run --data-dir ${options.dataDir} ...\`; `
        + 'run one first, or start the console with --allow-run to start sessions from it');
    }
    mkdirSync(dataDir, { recursive: true });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ConsoleServer: Server } = require('../report/console') as typeof import('../report/console');
  const server = await Server.start({ dataDir, host: options.host, port: options.port, allowRemote: options.allowRemote, run: options.run });
  io.stdout.write(`unum: the console of ${dataDir} is at ${server.url}${options.run ? ' (it can start sessions)' : ' (read-only)'}; Ctrl-C stops it\n`);
  return server;
}
