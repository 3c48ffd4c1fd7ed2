/**
 * The vector format both runtimes read: each case names a src/protocol
 * function (camelCase; Python calls its snake_case twin), its arguments, and
 * what running the TypeScript gave: `result`, or `error` with the error's
 * name and message. `argsJson` carries arguments as JSON text where the
 * parse itself matters (`1.0`, large numbers); `resultJson` pins the
 * serialized form (number format, key order, escapes).
 */
export interface Vector {
  readonly name: string;
  readonly function: string;
  readonly args?: unknown[];
  readonly argsJson?: string;
  readonly result?: unknown;
  readonly resultJson?: string;
  readonly error?: { readonly name: string; readonly message: string };
}

export interface VectorFile {
  readonly description: string;
  readonly cases: Vector[];
}

type Fn = (...args: any[]) => unknown;

/** Runs `fn` and records its outcome; `undefined` is recorded as null (JSON has no undefined). */
export function run(name: string, fnName: string, fn: Fn, args: unknown[], opts: { json?: boolean; argsAsText?: string } = {}): Vector {
  // The TypeScript runs on exactly what the file holds (undefined fields dropped, -0 as 0).
  const callArgs = JSON.parse(opts.argsAsText ?? JSON.stringify(args)) as unknown[];
  const argsField = opts.argsAsText !== undefined ? { argsJson: opts.argsAsText } : { args: JSON.parse(JSON.stringify(args)) as unknown[] };
  try {
    const out = fn(...callArgs);
    const result = out === undefined ? null : out;
    return { name, function: fnName, ...argsField, result, ...(opts.json ? { resultJson: JSON.stringify(result) } : {}) };
  } catch (e) {
    const err = e as Error;
    return { name, function: fnName, ...argsField, error: { name: err.name, message: err.message } };
  }
}

/** run() for an async function (JSONata's evaluation): the outcome once it settles. */
export async function runAsync(
  name: string, fnName: string, fn: (...args: any[]) => Promise<unknown>, args: unknown[], opts: { json?: boolean } = {},
): Promise<Vector> {
  const callArgs = JSON.parse(JSON.stringify(args)) as unknown[];
  const argsField = { args: JSON.parse(JSON.stringify(args)) as unknown[] };
  try {
    const out = await fn(...callArgs);
    const result = out === undefined ? null : out;
    return { name, function: fnName, ...argsField, result, ...(opts.json ? { resultJson: JSON.stringify(result) } : {}) };
  } catch (e) {
    const err = e as Error;
    return { name, function: fnName, ...argsField, error: { name: err.name, message: err.message } };
  }
}

/** Case names must be unique in a file: pytest ids and jest titles are built from them. */
export function file(description: string, cases: Vector[]): VectorFile {
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate vector name '${c.name}'`);
    seen.add(c.name);
  }
  return { description, cases };
}
