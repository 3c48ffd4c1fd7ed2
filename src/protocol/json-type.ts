/**
 * The JSON type of a value as error messages name it ('null', 'array',
 * 'object', 'string', 'number', 'boolean'; 'undefined' for a missing one):
 * JavaScript's typeof would call null and arrays objects. The one namer for
 * intrinsics, Fail/Wait paths and condition checks; the Python runtime's is
 * js.json_type.
 */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
