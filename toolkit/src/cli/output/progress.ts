import type { Progress } from '../../local/engine';
import { Style, PLAIN } from '../../local/terminal-style';

/**
 * The progress of a run on standard error: one line redrawn in place on a
 * terminal; to a log or a pipe, a plain line when the counters changed and
 * at most every few seconds, never a redraw (no control codes in a log). Hand-written rather than a progress library: it is one line
 * redrawn with `\r` and erase-line, and the engine already throttles its
 * updates to changes of its counters.
 */

const BAR = 20;
const REDRAW_MS = 200;
const LOG_EVERY_MS = 5000;

export function formatProgressLine(p: Progress, style: Style = PLAIN): string {
  const seconds = p.elapsedMs / 1000;
  const done = p.started === 0 ? 0 : Math.min(BAR, Math.round((p.finished / p.started) * BAR));
  const rate = seconds > 0 ? p.finished / seconds : 0;
  const extra = [p.retrying > 0 ? style.warn(`${p.retrying} retrying`) : '', p.failed > 0 ? style.bad(`${p.failed} failed`) : '']
    .filter((s) => s !== '');
  return `[${style.ok('█'.repeat(done))}${style.dim('░'.repeat(BAR - done))}] ${p.finished}/${p.started} instances finished, `
    + `${p.running} running${extra.length > 0 ? `, ${extra.join(', ')}` : ''}  ${rate.toFixed(1)}/s  ${seconds.toFixed(1)}s`;
}

/** Redraws the progress line while a session runs; `done` leaves the last state on its own line. */
export function progressDisplay(stream: { isTTY?: boolean; write(chunk: string): unknown }, enabled: boolean, style: Style = PLAIN):
{ update: (p: Progress) => void; done: () => void } {
  if (!enabled) return { update: () => {}, done: () => {} };
  if (stream.isTTY !== true) return plainLines(stream);
  let last: Progress | undefined;
  let startedAt = 0;
  let lastDraw = 0;
  // Drawn with the time now, so the elapsed time and the rate move while the counters do not (a long user function).
  const draw = (): void => {
    if (last === undefined) return;
    stream.write(`\r\u001b[K${formatProgressLine({ ...last, elapsedMs: Date.now() - startedAt }, style)}`);
    lastDraw = Date.now();
  };
  const timer = setInterval(draw, REDRAW_MS);
  timer.unref();
  return {
    update: (p) => {
      if (last === undefined) startedAt = Date.now() - p.elapsedMs;
      last = p;
      if (Date.now() - lastDraw >= REDRAW_MS / 4) draw();
    },
    done: () => {
      clearInterval(timer);
      if (last === undefined) return;
      draw();
      stream.write('\n');
    },
  };
}

function plainLines(stream: { write(chunk: string): unknown }): { update: (p: Progress) => void; done: () => void } {
  let last: Progress | undefined;
  let written = '';
  let writtenAt = 0;
  const write = (): void => {
    if (last === undefined) return;
    const text = formatProgressLine(last);
    // The counters without the clock: an unchanged run writes nothing more.
    const counters = text.replace(/\s+[\d.]+\/s\s+[\d.]+s$/, '');
    if (counters === written) return;
    stream.write(`${text}\n`);
    written = counters;
    writtenAt = Date.now();
  };
  return {
    update: (p) => {
      last = p;
      if (Date.now() - writtenAt >= LOG_EVERY_MS) write();
    },
    done: write,
  };
}
