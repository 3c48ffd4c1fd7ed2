import type { Invocation, Runtime } from './runtime';
import { Item } from '../src/client/store';
import { Envelope, callbackItemKey } from '../src/protocol';
import {
  CALLBACK_ATTR, CALLBACK_DEFAULT_ERROR, CALLBACK_STATE, callbackObjectKey, encodeTaskToken, newTaskTokenSecret,
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
export async function parkCallback(rt: Runtime, inv: Invocation, attempt: number): Promise<string | typeof PARKED> {
  const ref = inv.envelope;
  const key = callbackItemKey(ref, inv.instance, attempt);
  const { notBefore: _notBefore, ...rest } = inv.envelope;
  const resume: Envelope = { ...rest, attempt, callback: true };
  const binding = { workflow: ref.workflow, session: ref.session, instance: inv.instance, attempt };
  const secret = newTaskTokenSecret();
  const attrs: Item = {
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
  return encodeTaskToken(binding, item[CALLBACK_ATTR.SECRET]!.S!);
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
  inv.logger.warn('a callback resume for an attempt that was not answered: nothing changed', { attempt, state: state ?? 'none' });
  return PARKED;
}
