/**
 * JSON for people: an array or object that fits on one line stays on one
 * line (`["that", 13]` instead of four), and a long value is cut to a number
 * of lines with a note of how much was left out.
 */

const WIDTH = 100;

function layout(value: unknown, indent: string, width: number): string[] {
  const flat = JSON.stringify(value);
  if (flat === undefined) return ['null'];
  if (value === null || typeof value !== 'object' || indent.length + flat.length <= width) return [spaced(value)];
  const inner = `${indent}  `;
  const entries = Array.isArray(value)
    ? value.map((v) => layout(v, inner, width))
    : Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const lines = layout(v, inner, width);
      return [`${JSON.stringify(k)}: ${lines[0]}`, ...lines.slice(1)];
    });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const body = entries.flatMap((lines, k) => {
    const withComma = k < entries.length - 1 ? [...lines.slice(0, -1), `${lines[lines.length - 1]},`] : lines;
    return withComma.map((l, j) => (j === 0 ? `${inner}${l}` : l));
  });
  return [open, ...body, `${indent}${close}`];
}

/** One-line JSON with a space after commas and colons, as people write it. */
function spaced(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(spaced).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}: ${spaced(v)}`).join(', ')}}`;
}

export function previewJson(value: unknown, maxLines: number, width = WIDTH): { lines: string[]; omitted: number } {
  const lines = layout(value, '', width);
  if (lines.length <= maxLines) return { lines, omitted: 0 };
  const kept = Math.max(1, maxLines - 1);
  return { lines: lines.slice(0, kept), omitted: lines.length - kept };
}
