import { Frame } from './envelope';
import { instanceKey, ItemKey, joinKeyBase, SessionRef } from './keys';

/**
 * Pure join (fan-in) math. A join instance of `size` slots is split into
 * shards of contiguous slots; each arrival adds one compact element to its
 * shard's string set (idempotent: a duplicate adds nothing), and the arrival
 * that completes a shard adds the shard id to the root's number set. The
 * join is complete when the root holds every shard. Every partition key then
 * takes at most ~sqrt(size) writes and every branch makes at most two join
 * requests, independent of size.
 */

/** Up to this many slots one shard item is enough (and the root is skipped). */
export const SINGLE_SHARD_LIMIT = 64;

/** Slots per shard. */
export function shardSize(size: number): number {
  return size <= SINGLE_SHARD_LIMIT ? size : Math.ceil(Math.sqrt(size));
}

export function shardCount(size: number): number {
  return Math.ceil(size / shardSize(size));
}

export function shardOf(slot: number, size: number): number {
  return Math.floor(slot / shardSize(size));
}

/** Number of slots in `shard` (the last shard may be short). */
export function shardCapacity(shard: number, size: number): number {
  const k = shardSize(size);
  return Math.min(k, size - shard * k);
}

/** Source ordinal of an arrival that brings an empty list (a map with no items ending in a cascade). */
export const EMPTY_SOURCE = -1;

export interface JoinElement {
  readonly slot: number;
  /** Index in JoinAction.sources, or EMPTY_SOURCE. */
  readonly source: number;
  /** Loop iteration of the branch when it arrived. */
  readonly iteration: number;
}

/**
 * `offset[.source[.iteration]]` in base 36, offset relative to the shard's
 * first slot: a few bytes, so a full shard stays within one write unit.
 */
export function encodeElement(e: JoinElement, size: number): string {
  const offset = (e.slot - shardOf(e.slot, size) * shardSize(size)).toString(36);
  const source = e.source === EMPTY_SOURCE ? '~' : e.source.toString(36);
  if (e.iteration !== 0) return `${offset}.${source}.${e.iteration.toString(36)}`;
  return e.source === 0 ? offset : `${offset}.${source}`;
}

export function decodeElement(text: string, shard: number, size: number): JoinElement {
  const [offset, source = '0', iteration = '0'] = text.split('.');
  return {
    slot: shard * shardSize(size) + parseInt(offset, 36),
    source: source === '~' ? EMPTY_SOURCE : parseInt(source, 36),
    iteration: parseInt(iteration, 36),
  };
}

/** One partition per shard, so a large join spreads its writes. */
export function joinShardItemKey(ref: SessionRef, joinInstance: string, shard: number): ItemKey {
  return { pk: `${joinKeyBase(ref, joinInstance)}#${shard}`, sk: 'J' };
}

export function joinRootItemKey(ref: SessionRef, joinInstance: string): ItemKey {
  return { pk: joinKeyBase(ref, joinInstance), sk: 'R' };
}

/**
 * The instance that arrived at `slot` from `source` at `iteration`: the
 * join's scope (outer frames + the fan-out's iteration) extended by the
 * branch frame, so the reader needs no per-slot record besides the element.
 */
export function branchInstanceKey(source: string, join: string, joinInstance: string, slot: number, iteration: number): string {
  const scope = joinInstance.slice(join.length + 1);
  return `${source}|${scope}:${slot}/${iteration}`;
}

/**
 * The instance of a DAG join's predecessor: the join's scope (`frames`,
 * `iteration`) extended by the Parallel branches it ran in. No loop runs
 * between a DAG join and its predecessors, so every frame shares the
 * iteration.
 */
export function dagSlotInstanceKey(node: string, branches: readonly number[], frames: readonly Frame[], iteration: number): string {
  // Keys depend only on each frame's index and iteration.
  const branchFrames = branches.map((index) => ({ fanout: '', index, size: index + 1, iteration }));
  return instanceKey(node, [...frames, ...branchFrames], iteration);
}
