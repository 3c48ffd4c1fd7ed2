import { EventHeap } from './heap';
import { mulberry32 } from './random';

export interface SimulationOptions {
  /** Seed of the simulation's only source of randomness. @default 1 */
  readonly seed?: number;
}

/**
 * The discrete-event core: simulated time only moves when an event is taken
 * from the queue, so nothing depends on the wall clock.
 */
export class Simulation {
  /** Uniform numbers in [0, 1), from the seed. */
  public readonly random: () => number;
  private clock = 0;
  private seq = 0;
  private taken = 0;
  private readonly queue = new EventHeap();
  /** Work that must finish before the next event is taken (an asynchronous evaluation, such as JSONata's), in order. */
  private readonly holds: Array<() => Promise<void>> = [];

  public constructor(options: SimulationOptions = {}) {
    this.random = mulberry32(options.seed ?? 1);
  }

  /** Simulated seconds since the start. */
  public get now(): number {
    return this.clock;
  }

  /** Events taken from the queue so far (the bench's events per second). */
  public get processed(): number {
    return this.taken;
  }

  public get pending(): number {
    return this.queue.size;
  }

  /** Runs `action` `delay` simulated seconds from now (after the events already due at that time). */
  public schedule(delay: number, action: () => void): void {
    if (!(delay >= 0)) throw new Error(`Simulation.schedule: delay must be >= 0, got ${delay}`);
    this.queue.push({ time: this.clock + delay, seq: this.seq++, action });
  }

  /**
   * Runs `task` before the next event, at the current simulated time: the clock waits for it, so an event's
   * handler can finish asynchronously (JSONata's evaluate returns a promise) and the run stays deterministic,
   * since held tasks run one at a time in the order they were held. Only `runUntilSettled` runs them.
   */
  public hold(task: () => Promise<void>): void {
    this.holds.push(task);
  }

  /** Takes the next event; false when none is left. */
  public step(): boolean {
    if (this.holds.length > 0) throw new Error('Simulation.step: a task is held; run the simulation with runUntilSettled');
    const event = this.queue.pop();
    if (!event) return false;
    this.clock = event.time;
    this.taken++;
    event.action();
    return true;
  }

  /** Runs events until `done()` holds; throws if the queue runs dry first, since nothing could make it hold. */
  public runUntil(done: () => boolean): void {
    while (!done()) {
      if (!this.step()) throw new Error(`Simulation stalled at t=${this.clock}: no event left and the condition does not hold`);
    }
  }

  /** runUntil for simulations whose events hold asynchronous tasks: each held task is finished before the next event. */
  public async runUntilSettled(done: () => boolean): Promise<void> {
    while (this.runUntilHeld(done)) await this.holds.shift()!();
  }

  /** runUntil that also stops when a task is held (true then), in a function of its own: V8 optimizes its loop as a plain one. */
  private runUntilHeld(done: () => boolean): boolean {
    while (this.holds.length === 0) {
      if (done()) return false;
      if (!this.step()) throw new Error(`Simulation stalled at t=${this.clock}: no event left and the condition does not hold`);
    }
    return true;
  }

  /** Advances the clock by `seconds`, running every event due meanwhile. */
  public sleep(seconds: number): void {
    let woke = false;
    this.schedule(seconds, () => { woke = true; });
    this.runUntil(() => woke);
  }

  /** Runs every event left. */
  public run(): void {
    while (this.step()) { /* drain */ }
  }
}
