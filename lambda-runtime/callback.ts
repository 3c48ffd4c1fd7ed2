import type { Invocation, Runtime } from './runtime';
import { scheduleResume } from './schedule';
import { Item } from '../src/client/store';
import { ERROR_TIMEOUT, Envelope, callbackItemKey, scheduleName } from '../src/protocol';
import {
  CALLBACK_ATTR, CALLBACK_DEFAULT_ERROR, CALLBACK_STATE, ERROR_HEARTBEAT_TIMEOUT, callbackObjectKey, encodeTaskToken, newTaskTokenSecret,
} from '../src/protocol/callback';

/**
 * The runtime's side of callbacks (src/protocol/callback.ts): park an attempt of a callback node, and resume it
 * once its token was claimed.
 */

/** The attempt is parked (or its delivery had nothing to do): nothing is committed, nothing is invoked. */
export const PARKED = Symbol('parked');

/** The outcome a sendTaskFailure gave, thrown where the user code's error would be: Retry and Catch apply. */
export class CallbackFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * The token of `attempt`, from its callback item, created WAITING with a fresh secret unless a delivery of this
 * attempt created it already (a duplicate or a Lambda retry gets the same token, so the user code hands out one
 * token per attempt however often it runs). PARKED when the attempt is no longer waiting (answered or cancelled):
 * the answer's own resume continues it.
 */
export interface Parked {
  readonly token: string;
  readonly resume: Envelope;
  /** Epoch ms: the attempt's start and its last heartbeat. */
  readonly started: number;
  readonly heartbeat: number;
}

export async function parkCallback(rt: Runtime, inv: Invocation, attempt: number): Promise<Parked | typeof PARKED> {
  const ref = inv.envelope;
  const key = callbackItemKey(ref, inv.instance, attempt);
  const { notBefore: _notBefore, ...rest } = inv.envelope;
  const resume: Envelope = { ...rest, attempt, callback: true };
  const binding = { workflow: ref.workflow, session: ref.session, instance: inv.instance, attempt };
  const secret = newTaskTokenSecret();
  const now = String(rt.clock.now());
  const attrs: Item = {
    [CALLBACK_ATTR.STARTED]: { N: now },
    [CALLBACK_ATTR.HEARTBEAT]: { N: now },
    [CALLBACK_ATTR.STATE]: { S: CALLBACK_STATE.WAITING },
    [CALLBACK_ATTR.SECRET]: { S: secret },
    [CALLBACK_ATTR.FUNCTION]: { S: rt.ownName(inv, 'wait for a callback') },
    [CALLBACK_ATTR.CREATED]: { S: new Date(rt.clock.now()).toISOString() },
    ...await rt.store.encodeValue(resume, CALLBACK_ATTR.ENVELOPE_PREFIX, callbackObjectKey(binding, 'envelope')),
  };
  const put = await rt.store.putIfAbsent(key, attrs);
  const item = put.created ? attrs : put.existing ?? await rt.store.get(key);
  if (item?.[CALLBACK_ATTR.STATE]?.S !== CALLBACK_STATE.WAITING) {
    inv.logger.info('the callback of this attempt was answered or cancelled already: nothing to do', { attempt, state: item?.[CALLBACK_ATTR.STATE]?.S });
    return PARKED;
  }
  return {
    token: encodeTaskToken(binding, item[CALLBACK_ATTR.SECRET]!.S!),
    resume,
    started: Number(item[CALLBACK_ATTR.STARTED]!.N),
    heartbeat: Number(item[CALLBACK_ATTR.HEARTBEAT]!.N),
  };
}

/**
 * When the attempt fails unless answered or heartbeated: the earlier of its start plus the taskTimeout and its
 * last heartbeat plus the heartbeat; undefined without either.
 */
function limitAt(rt: Runtime, started: number, heartbeat: number): { at: number; error: string; cause: string } | undefined {
  const { timeoutSeconds, heartbeatSeconds } = rt.config.callback ?? {};
  const timeout = timeoutSeconds === undefined ? undefined
    : { at: started + timeoutSeconds * 1000, error: ERROR_TIMEOUT, cause: `the task token was not answered within its taskTimeout of ${timeoutSeconds} s` };
  const beat = heartbeatSeconds === undefined ? undefined
    : { at: heartbeat + heartbeatSeconds * 1000, error: ERROR_HEARTBEAT_TIMEOUT, cause: `no heartbeat (sendTaskHeartbeat) or answer within ${heartbeatSeconds} s` };
  if (timeout === undefined || beat === undefined) return timeout ?? beat;
  return timeout.at <= beat.at ? timeout : beat;
}

/**
 * Enforces the heartbeat and taskTimeout with the long Waits' mechanism: a one-time schedule re-invokes the
 * function with the resume envelope at the limit, where resumeCallback fails the task unless it was answered (or
 * a heartbeat moved the limit: then it schedules the next check). The name is the attempt's and the limit's, so
 * every delivery meets the same schedule.
 */
export async function armCallback(rt: Runtime, inv: Invocation, parked: Pick<Parked, 'resume' | 'started' | 'heartbeat'>): Promise<void> {
  const limit = limitAt(rt, parked.started, parked.heartbeat);
  if (limit === undefined) return;
  const target = rt.options.schedule;
  if (target === undefined) throw new Error(`node '${inv.envelope.node}': cannot enforce the callback's heartbeat or taskTimeout: the function has no schedule group (deploy it with its workflow)`);
  const name = scheduleName(inv.envelope, inv.instance, [`callback~${parked.resume.attempt ?? 0}~${limit.at}`]);
  await scheduleResume(rt, inv, target, parked.resume, limit.at, undefined, name);
}

/**
 * The user code that was handed the token of `attempt` failed: the attempt ends (its token is refused from now on)
 * and the error goes to Retry and Catch. False when the token was answered first: that answer continues the task.
 */
export async function cancelCallback(rt: Runtime, inv: Invocation, attempt: number): Promise<boolean> {
  const cancelled = await rt.store.update(callbackItemKey(inv.envelope, inv.instance, attempt),
    { set: '#st = :cancelled' }, { '#st': CALLBACK_ATTR.STATE },
    { ':cancelled': { S: CALLBACK_STATE.CANCELLED }, ':waiting': { S: CALLBACK_STATE.WAITING } }, '#st = :waiting');
  return cancelled !== undefined;
}

/**
 * The claimed outcome of `attempt`: its output, or a thrown CallbackFailure with the error and cause it was
 * failed with. PARKED when it is not claimed (a forged resume envelope, or one of a cancelled attempt).
 */
export async function resumeCallback(rt: Runtime, inv: Invocation, attempt: number): Promise<{ output: unknown } | typeof PARKED> {
  const item = await rt.store.get(callbackItemKey(inv.envelope, inv.instance, attempt));
  const state = item?.[CALLBACK_ATTR.STATE]?.S;
  if (item !== undefined && state === CALLBACK_STATE.SUCCEEDED) {
    inv.logger.info('callback answered: the task succeeded', { attempt });
    return { output: await rt.store.decodeValue(inv.envelope, item, CALLBACK_ATTR.OUTPUT_PREFIX) };
  }
  if (item !== undefined && state === CALLBACK_STATE.FAILED) {
    inv.logger.warn('callback answered: the task failed', { attempt, error: item[CALLBACK_ATTR.ERROR]?.S });
    throw new CallbackFailure(item[CALLBACK_ATTR.ERROR]?.S ?? CALLBACK_DEFAULT_ERROR, item[CALLBACK_ATTR.CAUSE]?.S ?? '');
  }
  if (item !== undefined && state === CALLBACK_STATE.WAITING) {
    const started = Number(item[CALLBACK_ATTR.STARTED]?.N);
    const heartbeat = Number(item[CALLBACK_ATTR.HEARTBEAT]?.N);
    const limit = limitAt(rt, started, heartbeat);
    if (limit !== undefined && rt.clock.now() >= limit.at) {
      const claimed = await rt.store.update(callbackItemKey(inv.envelope, inv.instance, attempt),
        { set: '#st = :failed, #err = :err, #cause = :cause, #at = :at' },
        { '#st': CALLBACK_ATTR.STATE, '#err': CALLBACK_ATTR.ERROR, '#cause': CALLBACK_ATTR.CAUSE, '#at': CALLBACK_ATTR.CLAIMED, '#hb': CALLBACK_ATTR.HEARTBEAT },
        {
          ':failed': { S: CALLBACK_STATE.FAILED },
          ':err': { S: limit.error },
          ':cause': { S: limit.cause },
          ':at': { S: new Date(rt.clock.now()).toISOString() },
          ':waiting': { S: CALLBACK_STATE.WAITING },
          ':hb': { N: String(heartbeat) },
        }, '#st = :waiting AND #hb = :hb');
      // Answered or heartbeated since the read: that answer's resume continues, or the next check runs.
      if (claimed === undefined) return resumeCallback(rt, inv, attempt);
      inv.logger.warn('the callback timed out: the task fails', { attempt, error: limit.error });
      throw new CallbackFailure(limit.error, limit.cause);
    }
    if (limit !== undefined) {
      const { notBefore: _notBefore, ...rest } = inv.envelope;
      await armCallback(rt, inv, { resume: { ...rest, attempt, callback: true }, started, heartbeat });
      return PARKED;
    }
  }
  inv.logger.warn('a callback resume for an attempt that was not answered: nothing changed', { attempt, state: state ?? 'none' });
  return PARKED;
}
