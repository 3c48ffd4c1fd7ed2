import { Invocation, Runtime } from './runtime';
import { mapLimit } from '../src/client/store';
import { FANOUT_BATCH, fanoutProgressItemKey } from '../src/protocol';

/** Time kept back, besides twice the slowest batch, for the progress record and the continuation. */
export const FANOUT_MARGIN_MS = 1000;
/** Time kept back inside a batch: the margin, and the invokes still in flight when it stops starting new ones. */
const IN_BATCH_MARGIN_MS = 2 * FANOUT_MARGIN_MS;

/**
 * Issuing the items of a Map so that any size finishes and each item is
 * issued once per fan-out, not once per retry. Items go out in batches;
 * after each batch of a map larger than one batch the number issued is
 * recorded (one conditional write). When the invocation's remaining time
 * runs short the map stops at a batch boundary and the egress re-invokes
 * its own function with where to resume (Envelope.fanouts). A retry, a
 * duplicate or a continuation resumes at the recorded progress. A crash
 * between a batch and its record re-issues that one batch (the items'
 * checkpoints dedupe it); no item is ever skipped, because progress is
 * recorded only once every invoke of the batch was accepted.
 */
export class Fanouts {
  /** Map instances that stopped short in this invocation, with the first item not issued. */
  readonly stopped: Record<string, number> = {};

  /**
   * `replay`: the checkpoint existed before this invocation (a retry, a
   * duplicate, a continuation), so earlier invocations may have issued
   * items already.
   */
  constructor(private readonly rt: Runtime, private readonly inv: Invocation, readonly replay: boolean) {}

  get stopping(): boolean {
    return Object.keys(this.stopped).length > 0;
  }

  /** Issues items [resume point, size) of the Map instance `instance` with `issue`, at most `limit` in flight. */
  async issue(instance: string, size: number, limit: number, issue: (index: number) => Promise<void>): Promise<void> {
    const batch = this.rt.options.fanoutBatch ?? FANOUT_BATCH;
    const key = fanoutProgressItemKey(this.inv.envelope, instance);
    const recorded = size > batch;
    let next = 0;
    if (this.replay && recorded) {
      const item = await this.rt.store.get(key);
      next = Math.max(this.inv.envelope.fanouts?.[instance] ?? 0, Number(item?.n?.N ?? 0));
    }
    const first = next;
    let slowest = 0;
    while (next < size) {
      // At least one batch per invocation, so every continuation makes progress.
      if (next > first && (this.stopping || this.rt.remaining(this.inv) < FANOUT_MARGIN_MS + 2 * slowest)) {
        this.stopped[instance] = next;
        return;
      }
      const end = Math.min(size, next + batch);
      const started = Date.now();
      // A recorded batch that started with time to spare also stops starting items when time runs short (a loaded
      // machine can make one batch outlast the budget); one that started short still goes out whole, so an invocation
      // always makes a batch of progress. Items start in index order, so the ones issued are a prefix: it is recorded.
      const cuttable = recorded && this.rt.remaining(this.inv) >= IN_BATCH_MARGIN_MS;
      let cut = end;
      await mapLimit(Array.from({ length: end - next }, (_, i) => next + i), limit, async (index) => {
        if (index >= cut) return;
        if (cuttable && index > first && this.rt.remaining(this.inv) < IN_BATCH_MARGIN_MS) {
          cut = index;
          return;
        }
        await issue(index);
      });
      slowest = Math.max(slowest, Date.now() - started);
      // A fan-out nested in these items stopped short: they are not all issued yet.
      if (this.stopping) {
        this.stopped[instance] = next;
        return;
      }
      if (cut < end) {
        await this.record(key, cut);
        this.stopped[instance] = cut;
        return;
      }
      next = end;
      if (recorded) await this.record(key, next);
    }
  }

  /** Monotonic: a stale duplicate's record never moves progress back. */
  private async record(key: ReturnType<typeof fanoutProgressItemKey>, issued: number): Promise<void> {
    await this.rt.store.update(key, { set: '#n = :n' }, { '#n': 'n' }, { ':n': { N: String(issued) } }, 'attribute_not_exists(#n) OR #n < :n');
  }
}
