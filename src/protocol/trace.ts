/**
 * X-Ray trace context as Lambda hands it to a function and takes it from an
 * Invoke call. Lambda sets TRACE_ENV for each invocation; inside Lambda the
 * SDKs (AWS SDK v3's recursion-detection middleware, botocore's
 * recursion-detection handler) copy it into the TRACE_HEADER of every
 * request, so an asynchronous Invoke of a successor continues the caller's
 * trace and one session is one trace.
 */

/** The variable Lambda sets per invocation: `Root=1-…;Parent=…;Sampled=1`. */
export const TRACE_ENV = '_X_AMZN_TRACE_ID';

/** The request header that carries a trace into an Invoke call. */
export const TRACE_HEADER = 'X-Amzn-Trace-Id';

export interface TraceHeader {
  /** The trace id, `1-<8 hex digits of epoch seconds>-<24 hex digits>`. */
  readonly root?: string;
  /** The segment the next one is a child of. */
  readonly parent?: string;
  /** '1' sampled (recorded), '0' not, '?' undecided. */
  readonly sampled?: string;
}

/** `Root=…;Parent=…;Sampled=…` (any order, other fields ignored) → its parts. */
export function parseTraceHeader(header: string | undefined): TraceHeader {
  const parts: Record<string, string> = {};
  for (const field of (header ?? '').split(';')) {
    const eq = field.indexOf('=');
    if (eq > 0) parts[field.slice(0, eq).trim().toLowerCase()] = field.slice(eq + 1).trim();
  }
  return { root: parts.root || undefined, parent: parts.parent || undefined, sampled: parts.sampled || undefined };
}

export function formatTraceHeader(t: TraceHeader): string {
  return [['Root', t.root], ['Parent', t.parent], ['Sampled', t.sampled]]
    .filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join(';');
}

/** The trace id of a sampled (recorded) trace, which log lines and the session record carry; undefined otherwise. */
export function sampledTraceId(header: string | undefined): string | undefined {
  const t = parseTraceHeader(header);
  return t.sampled === '1' ? t.root : undefined;
}
