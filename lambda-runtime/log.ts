import { Logger } from './types';
import { TRACE_ENV, sampledTraceId } from '../src/protocol/trace';

/** Lambda's application log levels, least severe first; the logger writes debug to error. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = typeof LEVELS[number];

/**
 * Writes one line to stdout as it is: Lambda's console would wrap it (a
 * JSON line under `message` in the JSON log format), a stdout line it keeps.
 */
export function writeLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * The least severe level written: the function's applicationLogLevel (Lambda
 * sets AWS_LAMBDA_LOG_LEVEL with the JSON log format, and drops JSON lines
 * below it anyway), else UNUM_LOG_LEVEL, else info.
 */
export function minLogLevel(env: NodeJS.ProcessEnv = process.env): Level {
  const wanted = (env.AWS_LAMBDA_LOG_LEVEL || env.UNUM_LOG_LEVEL || 'info').toLowerCase();
  return (LEVELS as readonly string[]).includes(wanted) ? wanted as Level : 'info';
}

export interface JsonLoggerOptions {
  /** Default: minLogLevel(). */
  readonly minLevel?: string;
  /** Receives each line, without its newline (default: stdout). */
  readonly write?: (line: string) => void;
}

/**
 * One JSON object per line, written straight to stdout rather than through
 * console: Lambda's console keeps a JSON line as a string under `message`
 * in the JSON log format (and prefixes it in the text format), whereas a
 * JSON line on stdout is kept as it is in both, so its fields are top-level
 * (`filter session = "…"` in Logs Insights) and, with `level` and an RFC 3339
 * `timestamp`, Lambda filters and stamps it as its own.
 */
export function jsonLogger(base: Record<string, unknown>, options: JsonLoggerOptions = {}): Logger {
  const min = LEVELS.indexOf(options.minLevel === undefined ? minLogLevel() : minLogLevel({ UNUM_LOG_LEVEL: options.minLevel }));
  const write = options.write ?? writeLine;
  const log = (level: Level) => (message: string, fields?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(level) < min) return;
    // The line's own keys and identity win over same-named fields a caller passes.
    const line = { timestamp: new Date().toISOString(), level, message, ...base, ...fields };
    write(JSON.stringify(Object.assign(line, { level, message }, base)));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger whose lines carry these fields (over same-named ones of a call: a line's identity is not the caller's to change). */
export function withFields(logger: Logger, fields: Record<string, unknown>): Logger {
  const wrap = (f: Logger['info']) => (message: string, more?: Record<string, unknown>) => f(message, { ...more, ...fields });
  return { debug: wrap(logger.debug), info: wrap(logger.info), warn: wrap(logger.warn), error: wrap(logger.error) };
}

/**
 * What every line of one invocation carries besides its place in the
 * workflow: Lambda's request id, and the X-Ray trace id when the invocation
 * is traced (Lambda sets the trace variable per invocation, so it is read
 * when the invocation starts).
 */
export function invocationFields(requestId: string | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const traceId = sampledTraceId(env[TRACE_ENV]);
  return { ...(requestId ? { requestId } : {}), ...(traceId ? { traceId } : {}) };
}
