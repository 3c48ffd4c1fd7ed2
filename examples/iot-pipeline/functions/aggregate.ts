import type { UnumContext } from '../../../src/handler';

export interface Reading {
  /** ISO 8601 time of the reading. */
  readonly timestamp: string;
  readonly watts: number;
}

export interface Policy {
  /** Reduce when the window average stays above this... */
  readonly averageLimitWatts: number;
  /** ...for this many consecutive windows. */
  readonly sustainedWindows: number;
  /** Reduce when any single reading goes above this. */
  readonly peakLimitWatts: number;
}

export interface AggregateInput {
  /** Window length in seconds (default 60). */
  readonly windowSeconds?: number;
  readonly policy: Policy;
  readonly readings: readonly Reading[];
}

export interface Window {
  /** Start of the window (inclusive), ISO 8601. */
  readonly start: string;
  readonly readings: number;
  /** Mean of the window's readings, rounded to 2 decimals. */
  readonly averageWatts: number;
  readonly maxWatts: number;
}

export interface Aggregated {
  readonly windowSeconds: number;
  readonly policy: Policy;
  readonly windows: Window[];
  /** Readings without a valid timestamp or a finite wattage. */
  readonly skipped: number;
}

/** Groups the readings into fixed windows aligned to the epoch, in time order. */
export async function handler(input: AggregateInput, context: UnumContext): Promise<Aggregated> {
  const windowSeconds = input.windowSeconds ?? 60;
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
    throw new Error(`windowSeconds must be a positive integer (got ${windowSeconds})`);
  }
  const groups = new Map<number, number[]>();
  let skipped = 0;
  for (const reading of input.readings) {
    const ms = Date.parse(reading.timestamp);
    if (!Number.isFinite(ms) || typeof reading.watts !== 'number' || !Number.isFinite(reading.watts)) {
      skipped++;
      continue;
    }
    const start = Math.floor(ms / 1000 / windowSeconds) * windowSeconds;
    groups.set(start, [...(groups.get(start) ?? []), reading.watts]);
  }
  const windows = [...groups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, watts]) => ({
      start: new Date(start * 1000).toISOString(),
      readings: watts.length,
      averageWatts: Math.round((watts.reduce((s, w) => s + w, 0) / watts.length) * 100) / 100,
      maxWatts: Math.max(...watts),
    }));
  context.logger.info('aggregated readings', { windows: windows.length, skipped });
  return { windowSeconds, policy: input.policy, windows, skipped };
}
