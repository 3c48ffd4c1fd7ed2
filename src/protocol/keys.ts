import { Frame } from './envelope';

/**
 * Store keys. Every key is derived from the instance alone (session, node,
 * frame indexes, loop iteration), so retries and duplicate deliveries of one
 * instance meet at the same item. Each instance is its own partition so a
 * large fan-out spreads over many partitions.
 */

/** Instance of `node` in the scope given by `frames` and `iteration`. */
export function instanceKey(node: string, frames: readonly Frame[], iteration: number): string {
  return `${node}|${scopeKey(frames, iteration)}`;
}

/** The scope part of an instance key: `<iter>:<index>` per frame, then the current iteration. */
export function scopeKey(frames: readonly Frame[], iteration: number): string {
  return [...frames.map((f) => `${f.iteration}:${f.index}`), String(iteration)].join('/');
}

/**
 * The join instance that the innermost frame closes: the join node in the
 * scope that fanned out (outer frames, the iteration saved in the frame).
 */
export function joinInstanceKey(join: string, frames: readonly Frame[]): string {
  if (frames.length === 0) {
    throw new Error(`join '${join}' reached with no open fan-out frame`);
  }
  const inner = frames[frames.length - 1];
  return instanceKey(join, frames.slice(0, -1), inner.iteration);
}

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export function sessionItemKey(session: string): ItemKey {
  return { pk: `S#${session}`, sk: 'SESSION' };
}

export function checkpointItemKey(session: string, instance: string): ItemKey {
  return { pk: `C#${session}#${instance}`, sk: 'C' };
}

export function failureItemKey(session: string, instance: string): ItemKey {
  return { pk: `S#${session}`, sk: `FAIL#${instance}` };
}

/**
 * How far a fan-out (a Map instance, keyed like an instance by its fan-out
 * name and scope) has issued its items: a retry or continuation of the
 * fanning-out function resumes there instead of re-issuing every item.
 */
export function fanoutProgressItemKey(session: string, fanoutInstance: string): ItemKey {
  return { pk: `F#${session}#${fanoutInstance}`, sk: 'F' };
}

/** S3 object key of a spilled payload or output. */
export function payloadObjectKey(session: string, instance: string, kind: 'input' | 'output'): string {
  return `unum/${encodeURIComponent(session)}/${encodeURIComponent(instance)}/${kind}.json`;
}

/** Attribute names shared by every item. */
export const ATTR = {
  PK: 'pk',
  SK: 'sk',
  TTL: 'expiresAt',
} as const;
