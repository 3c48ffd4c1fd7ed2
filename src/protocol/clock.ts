import { readFileSync, renameSync, writeFileSync } from 'fs';

/**
 * Names a file that switches a runtime (Node.js or Python) and the local engine to simulated time: it holds how many
 * milliseconds simulated time is ahead of the real clock (a decimal number; absent or empty means 0). A sleep then
 * moves that offset to the sleep's end instead of waiting, so Waits, retry intervals and the re-invocations that
 * continue them pass at once while every timestamp (deadlines, session records, the engine's trace) stays simulated.
 * One file per engine: every sandbox, the in-process runtimes and the engine read one shared time. Unset: real time.
 */
export const SKIP_TIME_ENV = 'UNUM_SKIP_TIME_FILE';

/** The time source of the runtime and the engine. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Waits ms (or, skipping time, moves simulated time past them). */
  sleep(ms: number): Promise<void>;
  /** Simulated milliseconds passed so far without real time passing (0 on the real clock). */
  skippedMs(): number;
}

export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
  }

  skippedMs(): number {
    return 0;
  }
}

/**
 * Simulated time shared through the SKIP_TIME_ENV file. Concurrent sleeps advance it to the furthest end, not the
 * sum (two parallel 1-hour Waits take one simulated hour). A write lost to a concurrent writer never moves this
 * process's own time back: it keeps the largest offset it has seen.
 */
export class SkipClock implements Clock {
  private seen = 0;

  constructor(readonly file: string) {}

  now(): number {
    return Date.now() + this.skippedMs();
  }

  async sleep(ms: number): Promise<void> {
    if (ms > 0) this.advanceTo(this.now() + ms);
    // Other work of the same turn (parallel branches) runs before the sleeper continues, as after a real timer.
    await new Promise((resolve) => setImmediate(resolve));
  }

  skippedMs(): number {
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      // Not written yet: no time skipped.
    }
    const value = Number(text);
    if (Number.isFinite(value) && value > this.seen) this.seen = value;
    return this.seen;
  }

  private advanceTo(at: number): void {
    const offset = Math.ceil(at - Date.now());
    if (offset <= this.skippedMs()) return;
    this.seen = offset;
    // Readers in other processes see the old offset or the new one, never a torn write.
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, String(offset));
    renameSync(tmp, this.file);
  }
}

/** The clock an environment asks for: simulated when SKIP_TIME_ENV names a file. */
export function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const file = env[SKIP_TIME_ENV];
  return file === undefined || file === '' ? new RealClock() : new SkipClock(file);
}
