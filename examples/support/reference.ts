/**
 * The in-process floor of the examples: each example's `reference.ts` calls
 * its user functions directly, in the order the workflow would, with a
 * context like the runtime's and the values JSON round-tripped as the store
 * would. No store, no invocations, no protocol: what is left is the user
 * code. Benchmarks compare the real runs against this.
 */
import type { FanOutPosition, Logger, UnumContext, UnumHandler } from '../../src/handler';
import { instanceKey } from '../../src/protocol/keys';

/** A logger that drops everything (the floor should not pay for logging). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Where an instance sits: its enclosing fan-outs, outermost first. */
export type Frames = readonly FanOutPosition[];

/** Runs one session of a workflow in process. */
export class ReferenceRun {
  /** Every function call made, in completion order (node and instance key). */
  public readonly calls: string[] = [];

  constructor(
    public readonly workflow: string,
    public readonly session = 'reference',
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Runs `handler` as instance `node` at `frames` and returns its output as the store would hand it on. */
  public async call<I, O>(node: string, handler: UnumHandler<I, O>, input: unknown, frames: Frames = [], iteration = 0): Promise<O> {
    const inner = frames[frames.length - 1];
    const instance = instanceKey(node, frames.map((f) => ({ ...f, iteration: 0 })), iteration);
    const context: UnumContext = {
      workflow: this.workflow,
      session: this.session,
      node,
      instance,
      fanouts: frames,
      index: inner?.index ?? 0,
      size: inner?.size ?? 1,
      iteration,
      attempt: 0,
      logger: this.logger,
      getRemainingTimeInMillis: () => Infinity,
    };
    const output = await handler(input as I, context);
    this.calls.push(instance);
    return roundTrip(output) as O;
  }

  /**
   * A Map: runs `each` on every item concurrently, in a frame of `fanout`,
   * and returns the outputs in item order (what the FanIn delivers).
   */
  public map<T>(fanout: string, items: readonly unknown[], frames: Frames, each: (item: unknown, frames: Frames) => Promise<T>): Promise<T[]> {
    return Promise.all(items.map((item, index) => each(item, [...frames, { fanout, index, size: items.length, attempt: 0 }])));
  }

  /** A Parallel: runs every branch concurrently on `input` and returns the outputs in branch order. */
  public parallel(
    fanout: string, input: unknown, frames: Frames,
    branches: ReadonlyArray<(input: unknown, frames: Frames) => Promise<unknown>>,
  ): Promise<unknown[]> {
    return Promise.all(branches.map((branch, index) => branch(input, [...frames, { fanout, index, size: branches.length, attempt: 0 }])));
  }
}

/** The value as it comes back from the store: JSON in, JSON out (undefined fields dropped). */
export function roundTrip<T>(value: T): T {
  return value === undefined ? null as T : JSON.parse(JSON.stringify(value));
}
