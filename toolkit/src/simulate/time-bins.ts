/** A function's time series (a platform's seriesBinSeconds): bin i covers [i, i + 1) × binSeconds. */
export interface FunctionSeries {
  readonly binSeconds: number;
  /** The time average of instances alive (Lambda environments, cluster containers) in each bin (the last bin: over its part up to the end). */
  readonly instances: readonly number[];
  /** The time average of instances busy with a call in each bin. */
  readonly running: readonly number[];
  /** Cold starts (instances created) in each bin. */
  readonly coldStarts: readonly number[];
}

/**
 * Binned time series of one function's instances, alive and busy, for the
 * report's plots: both counts are piecewise constant, so `account(now, ...)`
 * before each change spreads the interval since the last change over the
 * bins it overlaps, as areas (instance-seconds).
 */
export class TimeBins {
  private readonly instanceAreas: number[] = [];
  private readonly runningAreas: number[] = [];
  private readonly cold: number[] = [];
  private lastChange = 0;

  public constructor(public readonly binSeconds: number) {
    if (!(binSeconds > 0)) throw new Error(`seriesBinSeconds must be > 0, got ${binSeconds}`);
  }

  /** `instances` and `running` held from the last call until `now`. */
  public account(now: number, instances: number, running: number): void {
    const from = this.lastChange;
    this.lastChange = now;
    if (!(now > from) || instances === 0) return;
    const w = this.binSeconds;
    for (let i = Math.floor(from / w); i * w < now; i++) {
      const overlap = Math.min(now, (i + 1) * w) - Math.max(from, i * w);
      if (overlap <= 0) continue;
      while (this.instanceAreas.length <= i) {
        this.instanceAreas.push(0);
        this.runningAreas.push(0);
      }
      this.instanceAreas[i] += instances * overlap;
      this.runningAreas[i] += running * overlap;
    }
  }

  public countCold(now: number): void {
    const i = Math.floor(now / this.binSeconds);
    while (this.cold.length <= i) this.cold.push(0);
    this.cold[i]++;
  }

  /** The series up to `now` (call `account(now, ...)` first). */
  public series(now: number): FunctionSeries {
    const w = this.binSeconds;
    const bins = Math.max(1, Math.ceil(now / w));
    // The last bin ends at now: its average is over the part of it that passed.
    const width = (i: number) => Math.min(w, now - i * w) || w;
    const average = (areas: readonly number[]) => Array.from({ length: bins }, (_, i) => (areas[i] ?? 0) / width(i));
    return {
      binSeconds: w,
      instances: average(this.instanceAreas),
      running: average(this.runningAreas),
      coldStarts: Array.from({ length: bins }, (_, i) => this.cold[i] ?? 0),
    };
  }
}
