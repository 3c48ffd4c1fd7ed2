import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { SessionDescription } from '../client';
import { UsageError } from './assembly';

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
/** The engine's index of a data directory: which workflow uses which table, and the sessions run. */
export const STATE_FILE = 'unum-local.json';

function recordFile(dataDir: string, session: string): string {
  return join(dataDir, DIRECTORY, `${encodeURIComponent(session)}.json`);
}

/** Written whole, then renamed: a reader (unum ui polling, unum status) never sees half a file. */
function writeWhole(file: string, text: string): void {
  writeFileSync(`${file}.${process.pid}.tmp`, text);
  renameSync(`${file}.${process.pid}.tmp`, file);
}

export function writeEndedSession(dataDir: string, record: EndedSession): void {
  mkdirSync(join(dataDir, DIRECTORY), { recursive: true });
  writeWhole(recordFile(dataDir, record.session), JSON.stringify(record));
}

export function writeState(dataDir: string, state: EngineState): void {
  writeWhole(join(dataDir, STATE_FILE), JSON.stringify(state, null, 2));
}

/** The record of `session`, in one of `tables` (any table when not given). */
export function readEndedSession(dataDir: string, session: string, tables?: readonly string[]): EndedSession | undefined {
  const file = recordFile(dataDir, session);
  if (!existsSync(file)) return undefined;
  const record: EndedSession = JSON.parse(readFileSync(file, 'utf8'));
  if (tables !== undefined && !tables.includes(record.table)) return undefined;
  return record;
}

export interface EngineState {
  workflows: Record<string, { table: string; bucket?: string; stack: string }>;
  sessions: Array<{ session: string; workflow: string; status: string; time: string }>;
}

/** The engine's index in a data directory (empty when there is none yet). */
export function readState(dataDir: string): EngineState {
  const file = join(dataDir, STATE_FILE);
  if (!existsSync(file)) return { workflows: {}, sessions: [] };
  const state = JSON.parse(readFileSync(file, 'utf8'));
  return { workflows: state.workflows ?? {}, sessions: state.sessions ?? [] };
}

/** The tables that may hold `session`: its recorded workflow's, else every workflow's in the data directory. */
export function candidateStores(dataDir: string, session: string, workflow?: string): Array<{ workflow: string; table: string; bucket?: string }> {
  const state = readState(dataDir);
  const all = Object.entries(state.workflows).map(([name, w]) => ({ workflow: name, table: w.table, bucket: w.bucket }));
  if (workflow !== undefined) {
    const named = all.filter((w) => w.workflow === workflow);
    if (named.length === 0) throw new UsageError(`no workflow '${workflow}' has run with ${dataDir}; known: ${all.map((w) => w.workflow).join(', ') || 'none'}`);
    return named;
  }
  const recorded = state.sessions.find((s) => s.session === session)?.workflow;
  const first = all.filter((w) => w.workflow === recorded);
  return [...first, ...all.filter((w) => w.workflow !== recorded)];
}
