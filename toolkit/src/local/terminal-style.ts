/**
 * Colour for the terminal: only when the stream is a terminal and NO_COLOR
 * (https://no-color.org) is unset or empty, so piped output and logs stay
 * plain text that greps and diffs cleanly.
 */
export interface Style {
  readonly ok: (text: string) => string;
  readonly bad: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly bold: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string): string => `\u001b[${open}m${text}\u001b[${close}m`;

export const PLAIN: Style = { ok: (t) => t, bad: (t) => t, warn: (t) => t, dim: (t) => t, bold: (t) => t };
const COLOURED: Style = { ok: sgr(32, 39), bad: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };

export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  return colourWanted(stream, env) ? COLOURED : PLAIN;
}

/** Lines of the screen the report should fit (a terminal's own height; 24, a classic terminal's, when piped). */
export function screenRows(stream: { isTTY?: boolean; rows?: number }, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY === true && typeof stream.rows === 'number' && stream.rows > 0) return stream.rows;
  const lines = Number(env.LINES);
  return Number.isInteger(lines) && lines > 0 ? lines : 24;
}
