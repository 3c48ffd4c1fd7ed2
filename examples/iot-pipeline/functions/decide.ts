import type { UnumContext } from '../../../src/handler';

// The shapes Aggregate returns (repeated here: each function is bundled on its own).
interface Window {
  readonly start: string;
  readonly readings: number;
  readonly averageWatts: number;
  readonly maxWatts: number;
}

interface Aggregated {
  readonly windowSeconds: number;
  readonly policy: { averageLimitWatts: number; sustainedWindows: number; peakLimitWatts: number };
  readonly windows: Window[];
  readonly skipped: number;
}

export interface Decision {
  readonly reducePower: boolean;
  /** Why, one sentence per rule that fired (empty when nothing fired). */
  readonly reasons: string[];
  readonly windows: Window[];
  readonly skippedReadings: number;
}

/**
 * The threshold rules: reduce power when a window's peak is above the peak
 * limit, or when the average stays above the average limit for the given
 * number of consecutive windows (windows with no readings break a run).
 */
export async function handler(input: Aggregated, _context: UnumContext): Promise<Decision> {
  const { policy, windows, windowSeconds } = input;
  const reasons: string[] = [];
  for (const w of windows) {
    if (w.maxWatts > policy.peakLimitWatts) {
      reasons.push(`peak of ${w.maxWatts} W in the window at ${w.start} is above the ${policy.peakLimitWatts} W limit`);
    }
  }
  let run: Window[] = [];
  const flush = (): void => {
    if (run.length >= policy.sustainedWindows) {
      reasons.push(`average above ${policy.averageLimitWatts} W for ${run.length} consecutive windows from ${run[0].start} `
        + `(${run.map((w) => `${w.averageWatts} W`).join(', ')})`);
    }
    run = [];
  };
  for (const w of windows) {
    const previous = run[run.length - 1];
    if (previous && Date.parse(w.start) - Date.parse(previous.start) !== windowSeconds * 1000) flush();
    if (w.averageWatts > policy.averageLimitWatts) run.push(w);
    else flush();
  }
  flush();
  return { reducePower: reasons.length > 0, reasons, windows, skippedReadings: input.skipped };
}
