import { ImportError } from './plan';

/**
 * Reading one original unum configuration (`unum_config.json`) into its
 * continuations. Three generations of the language are in use:
 *
 * - `"Next": "F"` or `["F", "G"]` with `"NextInput": "Scalar" | "Map" | "Fan-in"`
 *   and `"WaitFor": "Map" | ["G"]`;
 * - `"Next": {"Name": "F", "Conditional": "…"}` (or a list of them) with
 *   `"NextInput": "Scalar" | "Map" | {"Fan-in": {"Values": […], "Wait": true}}`;
 * - the same with an `InputType` in each `Next` entry instead of `NextInput`.
 *
 * Payload ("Fan-out") modifiers: `Pop` ends the innermost fan-out, which the
 * translation derives from the structure itself; the index/size assignments
 * (`$0=$0+1`, `$size = $size - 1`) have no counterpart and are refused; a
 * neighbouring-item join is read from the Fan-in's Values instead.
 */

/** How a continuation passes the output on. */
export type UnumInput =
  | { readonly kind: 'scalar' }
  | { readonly kind: 'map' }
  /** Explicit return-value names (`F-unumIndex-1`, `G-unumIndex-*`). */
  | { readonly kind: 'fanIn'; readonly values: readonly string[] }
  /** The oldest form: wait for every item of the map (`WaitFor: "Map"`) or for these functions. */
  | { readonly kind: 'waitFor'; readonly map: boolean; readonly functions: readonly string[] };

export interface UnumEdge {
  readonly to: string;
  readonly input: UnumInput;
  readonly conditional?: string;
  /** Where it is written, for messages: `Next`, `Next[1]`. */
  readonly field: string;
  /** Where its input type is written: `NextInput`, `Next[1].InputType`. */
  readonly inputField: string;
}

export interface UnumConfig {
  readonly name: string;
  readonly edges: readonly UnumEdge[];
  readonly start: boolean;
  readonly checkpoint?: boolean;
}

const KNOWN = new Set(['Name', 'Next', 'NextInput', 'WaitFor', 'Next Payload Modifiers', 'Fan-out Modifiers', 'Checkpoint', 'Start', 'Debug']);
const MODIFIER_FIELDS = ['Next Payload Modifiers', 'Fan-out Modifiers'];

type Json = Record<string, unknown>;

/** Reads one function's configuration; pushes every problem, each naming the function and the field. */
export function readUnumConfig(fn: string, raw: unknown, problems: string[]): UnumConfig {
  const where = (field: string) => `function '${fn}', field '${field}'`;
  const empty: UnumConfig = { name: fn, edges: [], start: false };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`function '${fn}': unum_config.json must be a JSON object (an end function has {})`);
    return empty;
  }
  const c = raw as Json;
  for (const key of Object.keys(c)) {
    if (!KNOWN.has(key)) problems.push(`${where(key)}: not part of the unum configuration language (known: ${[...KNOWN].join(', ')})`);
  }
  if (c.Name !== undefined && c.Name !== fn) {
    problems.push(`${where('Name')}: '${String(c.Name)}' differs from the function's name in unum-template.yaml; the continuations of other functions name it '${fn}'`);
  }
  for (const field of MODIFIER_FIELDS) {
    const mods = c[field];
    if (mods === undefined) continue;
    if (!Array.isArray(mods)) {
      problems.push(`${where(field)}: must be a list of modifiers`);
      continue;
    }
    mods.forEach((m, i) => {
      if (m === 'Pop') return;
      problems.push(`${where(`${field}[${i}]`)}: '${String(m)}' rewrites the fan-out index or size, which cdk-unum derives from the workflow's structure and cannot change; `
        + 'only "Pop" (end the innermost fan-out) can be kept. For a join of neighbouring items, name them in the Fan-in\'s Values instead '
        + '(["F-unumIndex-$0", "F-unumIndex-($0-1)"]), which imports as a window FanIn (itemOffsets)');
    });
  }
  for (const flag of ['Start', 'Checkpoint', 'Debug']) {
    if (c[flag] !== undefined && typeof c[flag] !== 'boolean') problems.push(`${where(flag)}: must be true or false`);
  }
  const edges: UnumEdge[] = [];
  const next = c.Next;
  if (next !== undefined) {
    const list = Array.isArray(next) ? next : [next];
    if (list.length === 0) problems.push(`${where('Next')}: an empty list; leave Next out for an end function`);
    list.forEach((entry, i) => {
      const field = Array.isArray(next) ? `Next[${i}]` : 'Next';
      const edge = readEdge(fn, c, entry, field, problems);
      if (edge) edges.push(edge);
    });
  } else {
    for (const field of ['NextInput', 'WaitFor']) {
      if (c[field] !== undefined) problems.push(`${where(field)}: given without Next`);
    }
  }
  return { name: fn, edges, start: c.Start === true, ...(typeof c.Checkpoint === 'boolean' ? { checkpoint: c.Checkpoint } : {}) };
}

function readEdge(fn: string, c: Json, entry: unknown, field: string, problems: string[]): UnumEdge | undefined {
  const where = (f: string) => `function '${fn}', field '${f}'`;
  if (typeof entry === 'string') {
    const input = readInput(fn, c.NextInput, 'NextInput', c.WaitFor, problems);
    return input && { to: entry, input, field, inputField: 'NextInput' };
  }
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${where(field)}: must be a function name or an object with Name`);
    return undefined;
  }
  const e = entry as Json;
  for (const key of Object.keys(e)) {
    if (!['Name', 'InputType', 'Conditional'].includes(key)) problems.push(`${where(`${field}.${key}`)}: not part of a continuation (Name, InputType, Conditional)`);
  }
  if (typeof e.Name !== 'string' || e.Name === '') {
    problems.push(`${where(`${field}.Name`)}: the next function's name is missing`);
    return undefined;
  }
  if (e.Conditional !== undefined && typeof e.Conditional !== 'string') {
    problems.push(`${where(`${field}.Conditional`)}: must be a string (a boolean expression)`);
    return undefined;
  }
  const own = e.InputType !== undefined;
  if (own && c.NextInput !== undefined) problems.push(`${where(`${field}.InputType`)}: given together with NextInput; keep one`);
  const inputField = own ? `${field}.InputType` : 'NextInput';
  const input = readInput(fn, own ? e.InputType : c.NextInput, inputField, c.WaitFor, problems);
  return input && { to: e.Name, input, field, inputField, ...(e.Conditional !== undefined ? { conditional: e.Conditional as string } : {}) };
}

function readInput(fn: string, raw: unknown, field: string, waitFor: unknown, problems: string[]): UnumInput | undefined {
  const where = (f: string) => `function '${fn}', field '${f}'`;
  if (raw === undefined || raw === 'Scalar') return { kind: 'scalar' };
  if (raw === 'Map') return { kind: 'map' };
  if (raw === 'Fan-in') {
    if (waitFor === 'Map') return { kind: 'waitFor', map: true, functions: [] };
    if (Array.isArray(waitFor) && waitFor.length > 0 && waitFor.every((w) => typeof w === 'string')) return { kind: 'waitFor', map: false, functions: waitFor };
    problems.push(`${where('WaitFor')}: "Fan-in" needs WaitFor "Map" or a list of function names`);
    return undefined;
  }
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 1 && 'Fan-in' in raw) {
    const f = (raw as Json)['Fan-in'];
    if (f === null || typeof f !== 'object' || Array.isArray(f)) {
      problems.push(`${where(`${field}.Fan-in`)}: must be an object with Values`);
      return undefined;
    }
    for (const key of Object.keys(f)) {
      // Wait: the original polled the store until every value existed; the join protocol needs no polling.
      if (key !== 'Values' && key !== 'Wait') problems.push(`${where(`${field}.Fan-in.${key}`)}: not part of a fan-in (Values, Wait)`);
    }
    const values = (f as Json).Values;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
      problems.push(`${where(`${field}.Fan-in.Values`)}: must be a non-empty list of return value names`);
      return undefined;
    }
    return { kind: 'fanIn', values };
  }
  problems.push(`${where(field)}: ${JSON.stringify(raw)} is not an input type (Scalar, Map or {"Fan-in": {"Values": [...]}})`);
  return undefined;
}

/**
 * A return-value name, `F-unumIndex-<index>` (with an optional `-output` or
 * `-output.json`): the function and the index parts, outermost first.
 */
export function parseValueName(name: string): { readonly fn: string; readonly index: readonly string[] } | undefined {
  const m = /^(.+?)(?:-unumIndex-(.+?))?(?:-output(?:\.json)?)?$/.exec(name);
  if (!m) return undefined;
  return { fn: m[1], index: m[2] === undefined ? [] : m[2].split('.') };
}

export interface WindowValue {
  readonly name: string;
  readonly fn: string;
  /** Its index parts, outermost first. */
  readonly outer: readonly string[];
  /** k of `$0 ± k` in the last part; undefined when it is not of that form. */
  readonly offset?: number;
}

/** The Values of a fan-in that names items relative to the instance's own index, or undefined (a whole-fan-out join). */
export function windowValues(edge: UnumEdge): WindowValue[] | undefined {
  if (edge.input.kind !== 'fanIn') return undefined;
  const parsed = edge.input.values.map((name) => ({ name, v: parseValueName(name) }));
  // $0 or arithmetic on an index: the value of one particular item, not of the whole fan-out.
  const relative = parsed.some(({ v }) => (v?.index ?? []).some((p) => /[()+\-]/.test(p) || p === '$0'));
  if (!relative) return undefined;
  return parsed.map(({ name, v }) => {
    const index = v?.index ?? [];
    const m = /^\(?\s*\$0\s*(?:([+-])\s*(\d+))?\s*\)?$/.exec(index[index.length - 1] ?? '');
    const offset = m ? (m[1] === '-' ? -Number(m[2]) : Number(m[2] ?? 0)) : undefined;
    return { name, fn: v?.fn ?? name, outer: index, ...(offset !== undefined ? { offset: offset === 0 ? 0 : offset } : {}) };
  });
}

/** Throws the import error for the unum format. */
export function unumImportError(problems: readonly string[]): ImportError {
  return new ImportError('unum', problems);
}
