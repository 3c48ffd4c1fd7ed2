import { appendFileSync, closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import type { WorkflowGraph } from 'cdk-unum/lib/compiler/graph';
import type { FaultOptions } from './chaos';

/**
 * What happened in one session, as the engine saw it, one event per line:
 * every invocation (start, end, cold start, error, injected crash), every
 * log line by invocation, each checkpoint with its output, the store
 * requests so far. `unum run --data-dir` appends to
 * `<data dir>/traces/<session>.jsonl` while the session runs (a flush every
 * few hundred ms), so `unum ui` shows a session still running and
 * `unum report` builds its page after the run; without a data directory
 * the events stay in memory for `unum run --report`.
 */

/** Values kept in a trace are cut to this many characters of JSON (a 10,000-item Map stays a few MB). */
export const TRACE_VALUE_LIMIT = 2000;
/** Log lines kept per invocation. */
export const TRACE_LOG_LINES = 50;

export type TraceEvent =
  | SessionStartEvent
  | InvocationStartEvent
  | InvocationEndEvent
  | LogEvent
  | UserCodeEvent
  | CommitEvent
  | OnFailureEvent
  | StoreEvent
  | SessionEndEvent;

export interface SessionStartEvent {
  readonly t: 'session';
  readonly session: string;
  readonly workflow: string;
  /** Epoch ms. */
  readonly at: number;
  readonly input: string;
  readonly graph?: WorkflowGraph;
  readonly faults?: FaultOptions;
}

export interface InvocationStartEvent {
  readonly t: 'inv';
  /** Invocation number in the session, from 0. */
  readonly id: number;
  readonly fn: string;
  readonly node: string;
  readonly instance: string;
  readonly at: number;
  /** Lambda's async attempt (0, then its retries). */
  readonly attempt: number;
  /** The function's memory size (for GB-seconds). */
  readonly memoryMb: number;
  readonly duplicate?: true;
  /** A re-invocation by the runtime itself (a Retry interval that did not fit, a Wait, a fan-out continuation). */
  readonly reinvoked?: true;
  /** The re-invocation is a Retry's next attempt (not a Wait's or a fan-out's continuation). */
  readonly retry?: true;
  readonly crashAt?: string;
  /** The envelope's input: a value (cut), an S3 object or a fan-in reference. */
  readonly input?: string;
  /** Real ms the event waited in the Lambda endpoint's queue before this invocation started (Lambda's dispatch). */
  readonly queuedMs?: number;
}

export interface InvocationEndEvent {
  readonly t: 'end';
  readonly id: number;
  readonly at: number;
  readonly cold: boolean;
  /** Start-up of a new sandbox (cold start) in ms. */
  readonly initMs?: number;
  readonly error?: { readonly type: string; readonly message: string };
}

export interface LogEvent {
  readonly t: 'log';
  /** The invocation that wrote it (absent: written outside any invocation). */
  readonly id?: number;
  readonly fn: string;
  readonly at: number;
  readonly line: string;
}

/** The runtime's UserCodeDuration metric of an invocation, taken from its metrics line (which is not kept as a log line). */
export interface UserCodeEvent {
  readonly t: 'user';
  readonly id?: number;
  readonly instance: string;
  readonly ms: readonly number[];
}

export interface CommitEvent {
  readonly t: 'commit';
  readonly instance: string;
  /** When the conditional checkpoint write was sent and answered. */
  readonly sent: number;
  readonly at: number;
  /** The output as checkpointed (cut); or where it is when it is not inline. */
  readonly output?: string;
  readonly s3?: string;
  readonly fanIn?: true;
  /** The catch that handled the error (its index), when the checkpoint records a caught failure. */
  readonly caught?: number;
}

export interface OnFailureEvent {
  readonly t: 'lost';
  readonly instance: string;
  readonly node?: string;
  readonly attempts: number;
  readonly error: { readonly type: string; readonly message: string };
  readonly at: number;
}

export interface StoreEvent {
  readonly t: 'store';
  readonly at: number;
  readonly dynamodb: Record<string, number>;
  readonly s3: Record<string, number>;
  readonly errors: Record<string, number>;
  readonly injected: Record<string, number>;
  readonly rcu: number;
  readonly wcu: number;
  /** Median real ms of the session's DynamoDB requests so far, by operation, as the store proxy saw them. */
  readonly requestMs?: Record<string, number>;
}

export interface SessionEndEvent {
  readonly t: 'done';
  readonly at: number;
  readonly status: string;
  readonly result?: string;
  readonly error?: { readonly node: string; readonly instance: string; readonly error: string; readonly cause?: string };
  readonly failures: ReadonlyArray<{ readonly node: string; readonly instance: string; readonly error: string; readonly cause?: string }>;
  readonly timedOut?: true;
}

const DIRECTORY = 'traces';

export function traceFile(dataDir: string, session: string): string {
  return join(dataDir, DIRECTORY, `${encodeURIComponent(session)}.jsonl`);
}

/** JSON text of a value, cut to `limit` characters (the cut is marked). */
export function cut(value: unknown, limit = TRACE_VALUE_LIMIT): string {
  let json: string;
  try {
    json = typeof value === 'string' ? value : JSON.stringify(value) ?? 'null';
  } catch {
    json = String(value);
  }
  return json.length <= limit ? json : `${json.slice(0, limit)}… (${json.length} characters)`;
}

/** The events of one session: kept in memory, and appended to the trace file when there is one. */
export class SessionTrace {
  readonly events: TraceEvent[] = [];
  private pending: string[] = [];
  private readonly timer?: NodeJS.Timeout;
  private readonly logLines = new Map<number, number>();

  constructor(private readonly file?: string, flushMs = 250) {
    if (file !== undefined) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, '');
      this.timer = setInterval(() => this.flush(), flushMs);
      this.timer.unref();
    }
  }

  add(event: TraceEvent): void {
    if (event.t === 'log' && event.id !== undefined) {
      const n = this.logLines.get(event.id) ?? 0;
      this.logLines.set(event.id, n + 1);
      if (n >= TRACE_LOG_LINES) return;
    }
    this.events.push(event);
    if (this.file !== undefined) this.pending.push(JSON.stringify(event));
  }

  flush(): void {
    if (this.file === undefined || this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    appendFileSync(this.file, text);
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.flush();
  }
}

/** The events of a session's trace file; a last line still being written is left out. */
export function readTrace(dataDir: string, session: string): TraceEvent[] | undefined {
  const file = traceFile(dataDir, session);
  if (!existsSync(file)) return undefined;
  const out: TraceEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      break;
    }
  }
  return out;
}

/** Sessions with a trace file, newest first, with the file's last change (for the console's polling). */
export function listTraces(dataDir: string): Array<{ session: string; mtimeMs: number; size: number }> {
  const dir = join(dataDir, DIRECTORY);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => {
    const s = statSync(join(dir, f));
    return { session: decodeURIComponent(f.slice(0, -'.jsonl'.length)), mtimeMs: s.mtimeMs, size: s.size };
  }).sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** The first line of a trace (the session's start) without reading the rest. */
export function readTraceStart(dataDir: string, session: string): SessionStartEvent | undefined {
  const event = parseLine(readEdge(traceFile(dataDir, session), 'first'));
  return event?.t === 'session' ? event : undefined;
}

/** The last line of a trace, when it ends the session. */
export function readTraceEnd(dataDir: string, session: string): SessionEndEvent | undefined {
  const event = parseLine(readEdge(traceFile(dataDir, session), 'last'));
  return event?.t === 'done' ? event : undefined;
}

function parseLine(line: string | undefined): TraceEvent | undefined {
  if (line === undefined) return undefined;
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** The first or last complete line of a file, reading chunks from that end only (a trace can be megabytes). */
function readEdge(file: string, edge: 'first' | 'last'): string | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    let text = '';
    for (let chunk = 16 * 1024; ; chunk *= 4) {
      const length = Math.min(chunk, size);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, edge === 'first' ? 0 : size - length);
      text = buffer.toString('utf8');
      if (edge === 'first' && (text.includes('\n') || length === size)) return text.split('\n')[0];
      const trimmed = text.replace(/\n+$/, '');
      if (edge === 'last' && (trimmed.includes('\n') || length === size)) return trimmed.slice(trimmed.lastIndexOf('\n') + 1);
    }
  } finally {
    closeSync(fd);
  }
}
