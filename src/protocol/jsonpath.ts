/**
 * The JSONPath subset that conditions, `itemsPath` and `resultPath` use:
 * `$`, `$.field`, `$.a.b`, `$.list[0]`, `$['odd key']`. No filters, no
 * wildcards, no scripts: paths are data, never evaluated as code.
 */

export type PathSegment = string | number;

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

/** Parses a path; throws with the offending position when it is outside the subset. */
export function parsePath(path: string): PathSegment[] {
  if (typeof path !== 'string' || !path.startsWith('$')) {
    throw new Error(`JSONPath '${path}' must start with '$'`);
  }
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (!m) {
      throw new Error(`JSONPath '${path}' is not supported at '${rest}': use $.field, $.list[0] or $['key']`);
    }
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push((m[3] ?? m[4]).replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return segments;
}

/** Reads the value at `path`; `found` is false when any segment is missing. */
export function readPath(document: unknown, path: string): { found: boolean; value?: unknown } {
  let current: unknown = document;
  for (const segment of parsePath(path)) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)
        || !Object.prototype.hasOwnProperty.call(current, segment)) {
        return { found: false };
      }
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}

/**
 * Returns a copy of `document` with `value` placed at `path` (Step Functions'
 * ResultPath): `$` replaces the whole document, missing objects are created.
 */
export function writePath(document: unknown, path: string, value: unknown): unknown {
  const segments = parsePath(path);
  if (segments.length === 0) return value;
  const root: any = isPlainObject(document) ? { ...document } : {};
  let cursor = root;
  segments.forEach((segment, i) => {
    if (typeof segment === 'number') {
      throw new Error(`ResultPath '${path}' cannot index into arrays`);
    }
    if (i === segments.length - 1) {
      cursor[segment] = value;
    } else {
      cursor[segment] = isPlainObject(cursor[segment]) ? { ...cursor[segment] } : {};
      cursor = cursor[segment];
    }
  });
  return root;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
