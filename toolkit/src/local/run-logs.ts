/**
 * The functions' log lines of a run, kept by instance where a line names
 * one (the runtime's JSON log lines carry `instance`), so a failed
 * instance's lines can be shown without the other 999 items' of its Map.
 */

const PER_FUNCTION = 200;
const PER_INSTANCE = 50;
const MAX_INSTANCES = 10_000;

export class LogBook {
  readonly byFunction: Record<string, string[]> = {};
  private readonly byInstance = new Map<string, string[]>();

  add(functionName: string, line: string): void {
    push(this.byFunction[functionName] ??= [], line, PER_FUNCTION);
    const instance = instanceOf(line);
    if (instance === undefined) return;
    let list = this.byInstance.get(instance);
    if (list === undefined) {
      if (this.byInstance.size >= MAX_INSTANCES) return;
      list = [];
      this.byInstance.set(instance, list);
    }
    push(list, line, PER_INSTANCE);
  }

  /** Lines that name `instance`. */
  of(instance: string): readonly string[] {
    return this.byInstance.get(instance) ?? [];
  }
}

function push(list: string[], line: string, max: number): void {
  list.push(line);
  if (list.length > max) list.shift();
}

function parsed(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function instanceOf(line: string): string | undefined {
  const instance = parsed(line)?.instance;
  return typeof instance === 'string' ? instance : undefined;
}

/** Fields that every runtime line repeats, or that the report already shows. */
const CONTEXT = new Set(['timestamp', 'level', 'message', 'workflow', 'session', 'instance', 'node', 'requestId']);

/**
 * A log line as a person reads it: a runtime JSON line as `level message key=value`,
 * metric lines (CloudWatch's embedded metric format) left out, anything else as it is.
 */
export function readableLogLine(line: string): string | undefined {
  const value = parsed(line);
  if (value === undefined) return line;
  if ('_aws' in value) return undefined;
  const fields = Object.entries(value).filter(([k]) => !CONTEXT.has(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const head = [value.level, value.message].filter((v) => v !== undefined).map(String).join(' ');
  return [head, ...fields].join('  ') || line;
}
