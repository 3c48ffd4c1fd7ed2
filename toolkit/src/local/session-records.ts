import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { SessionDescription } from '../client';

/**
 * What the store held when a session of `unum run --data-dir` ended: its
 * description and result, one file per session. `unum status` and
 * `unum result` answer from it without starting DynamoDB Local (a JVM takes
 * seconds to boot); only `unum run` writes to a data directory, and it
 * rewrites the record whenever it runs that session again.
 */
export interface EndedSession {
  readonly session: string;
  readonly workflow: string;
  readonly table: string;
  readonly description: SessionDescription;
  /** Present when the session succeeded. */
  readonly result?: unknown;
}

const DIRECTORY = 'sessions';

function recordFile(dataDir: string, session: string): string {
  return join(dataDir, DIRECTORY, `${encodeURIComponent(session)}.json`);
}

export function writeEndedSession(dataDir: string, record: EndedSession): void {
  mkdirSync(join(dataDir, DIRECTORY), { recursive: true });
  const file = recordFile(dataDir, record.session);
  // Written whole, then renamed: a reader never sees half a record.
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(record));
  renameSync(`${file}.${process.pid}.tmp`, file);
}

/** The record of `session`, in one of `tables` (any table when not given). */
export function readEndedSession(dataDir: string, session: string, tables?: readonly string[]): EndedSession | undefined {
  const file = recordFile(dataDir, session);
  if (!existsSync(file)) return undefined;
  const record: EndedSession = JSON.parse(readFileSync(file, 'utf8'));
  if (tables !== undefined && !tables.includes(record.table)) return undefined;
  return record;
}
