import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Item, SESSION_ATTR, Store } from 'cdk-unum/lib/client/store';
import { Envelope, SESSION_STATUS, callbackItemKey, sessionItemKey } from 'cdk-unum/lib/protocol';
import {
  CALLBACK_ATTR, CALLBACK_DEFAULT_ERROR, CALLBACK_STATE, TaskTokenBinding, TaskTokenError, callbackObjectKey, parseTaskToken, secretMatches,
} from 'cdk-unum/lib/protocol/callback';

export { TaskTokenError } from 'cdk-unum/lib/protocol/callback';

/**
 * Answering a task token (src/protocol/callback.ts): one conditional write claims the parked attempt (WAITING →
 * SUCCEEDED or FAILED, only with the token's secret), then the node's function is invoked with the resume envelope
 * the item keeps, which reads the answer and continues the workflow as the runtime always does (output
 * processing, checkpoint, successors, or Retry/Catch for a failure). A token that is malformed, of another
 * workflow, unknown, answered already, or whose attempt or session is over is refused with a TaskTokenError, and
 * nothing changes.
 */

export type CallbackOutcome =
  | { readonly kind: 'success'; readonly output: unknown }
  | { readonly kind: 'failure'; readonly error?: string; readonly cause?: string };

export interface CallbackResult {
  readonly session: string;
  /** The instance the token belonged to, and its attempt. */
  readonly instance: string;
  readonly attempt: number;
}

/** Step Functions' limits on SendTaskFailure's error (256) and cause (32768) characters. */
const ERROR_MAX = 256;
const CAUSE_MAX = 32768;

export async function answerTaskToken(store: Store, lambda: LambdaClient, workflow: string, token: string,
  outcome: CallbackOutcome): Promise<CallbackResult> {
  const { binding, item } = await openToken(store, workflow, token, lambda);
  const refuse = (why: string, reason: TaskTokenError['reason'] = 'TaskAlreadyClosed'): never => {
    throw new TaskTokenError(`task token of ${describe(binding)} refused: ${why}; nothing was changed`, reason);
  };
  const names: Record<string, string> = { '#st': CALLBACK_ATTR.STATE, '#sec': CALLBACK_ATTR.SECRET, '#at': CALLBACK_ATTR.CLAIMED };
  const values: Item = {
    ':waiting': { S: CALLBACK_STATE.WAITING }, ':secret': item[CALLBACK_ATTR.SECRET]!, ':at': { S: new Date().toISOString() },
  };
  let set = '#st = :state, #at = :at';
  if (outcome.kind === 'success') {
    values[':state'] = { S: CALLBACK_STATE.SUCCEEDED };
    const attrs = await store.encodeValue(outcome.output, CALLBACK_ATTR.OUTPUT_PREFIX, callbackObjectKey(binding, 'output'));
    Object.entries(attrs).forEach(([name, value], i) => {
      names[`#o${i}`] = name;
      values[`:o${i}`] = value;
      set += `, #o${i} = :o${i}`;
    });
  } else {
    const error = outcome.error ?? CALLBACK_DEFAULT_ERROR;
    if (error.length > ERROR_MAX || (outcome.cause ?? '').length > CAUSE_MAX) {
      refuse(`the error may have at most ${ERROR_MAX} characters and the cause ${CAUSE_MAX}`, 'InvalidToken');
    }
    values[':state'] = { S: CALLBACK_STATE.FAILED };
    values[':err'] = { S: error };
    values[':cause'] = { S: outcome.cause ?? '' };
    names['#err'] = CALLBACK_ATTR.ERROR;
    names['#cause'] = CALLBACK_ATTR.CAUSE;
    set += ', #err = :err, #cause = :cause';
  }
  const claimed = await store.update(callbackItemKey(binding, binding.instance, binding.attempt), { set }, names, values,
    '#st = :waiting AND #sec = :secret');
  if (claimed === undefined) refuse('it was answered or its attempt ended while this answer was sent');
  await deliver(store, lambda, binding, item);
  return { session: binding.session, instance: binding.instance, attempt: binding.attempt };
}

/**
 * Invokes the node's function with the resume envelope of a claimed task, then marks the item delivered. A client
 * that stops between its claim and this invoke leaves the task claimed but not resumed: the next use of the token
 * finds no delivery mark and delivers the claimed answer (a second delivery after a lost mark is a duplicate the
 * runtime absorbs).
 */
async function deliver(store: Store, lambda: LambdaClient, binding: TaskTokenBinding, item: Item): Promise<void> {
  const envelope = await store.decodeValue(binding, item, CALLBACK_ATTR.ENVELOPE_PREFIX) as Envelope;
  await lambda.send(new InvokeCommand({
    FunctionName: item[CALLBACK_ATTR.FUNCTION]!.S!, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(envelope)),
  }));
  await store.update(callbackItemKey(binding, binding.instance, binding.attempt), { set: '#d = :at' },
    { '#d': CALLBACK_ATTR.DELIVERED }, { ':at': { S: new Date().toISOString() } });
}

/**
 * Records a heartbeat of the task (now): its heartbeat limit runs again from here. Refused like an answer; the
 * token stays usable.
 */
export async function heartbeatTaskToken(store: Store, workflow: string, token: string, now = Date.now()): Promise<CallbackResult> {
  const { binding, item } = await openToken(store, workflow, token);
  const beat = await store.update(callbackItemKey(binding, binding.instance, binding.attempt), { set: '#hb = :now' },
    { '#hb': CALLBACK_ATTR.HEARTBEAT, '#st': CALLBACK_ATTR.STATE, '#sec': CALLBACK_ATTR.SECRET },
    { ':now': { N: String(now) }, ':waiting': { S: CALLBACK_STATE.WAITING }, ':secret': item[CALLBACK_ATTR.SECRET]! },
    '#st = :waiting AND #sec = :secret');
  if (beat === undefined) {
    throw new TaskTokenError(`task token of ${describe(binding)} refused: it was answered or its attempt ended while the heartbeat was sent; nothing was changed`, 'TaskAlreadyClosed');
  }
  return { session: binding.session, instance: binding.instance, attempt: binding.attempt };
}

/**
 * The token's binding and its callback item, WAITING, in a RUNNING session of `workflow`, with the secret the
 * token carries. Everything a claim checks, read first so a refusal says exactly why. Given `lambda`, a token
 * whose claimed answer was never delivered (no delivery mark) has it delivered before the refusal.
 */
export async function openToken(store: Store, workflow: string, token: string,
  lambda?: LambdaClient): Promise<{ binding: TaskTokenBinding; item: Item }> {
  const { binding, secret } = parseTaskToken(token);
  const refuse = (why: string, reason: TaskTokenError['reason']): never => {
    throw new TaskTokenError(`task token of ${describe(binding)} refused: ${why}; nothing was changed`, reason);
  };
  if (binding.workflow !== workflow) {
    refuse(`it belongs to workflow '${binding.workflow}', and this client answers tasks of workflow '${workflow}'`, 'WrongWorkflow');
  }
  const item = await store.get(callbackItemKey(binding, binding.instance, binding.attempt));
  if (item === undefined) refuse('no such task is waiting (a token made up, or its records expired with the store\'s TTL)', 'TaskDoesNotExist');
  if (!secretMatches(secret, item![CALLBACK_ATTR.SECRET]?.S)) refuse('its secret does not match the task\'s', 'InvalidToken');
  const state = item![CALLBACK_ATTR.STATE]?.S;
  const answered = state === CALLBACK_STATE.SUCCEEDED || state === CALLBACK_STATE.FAILED;
  if (answered && lambda !== undefined && item![CALLBACK_ATTR.DELIVERED] === undefined
    && (await store.get(sessionItemKey(binding)))?.[SESSION_ATTR.STATUS]?.S === SESSION_STATUS.RUNNING) {
    await deliver(store, lambda, binding, item!);
    throw new TaskTokenError(`task token of ${describe(binding)} refused: it was used already (the task `
      + `${state === CALLBACK_STATE.SUCCEEDED ? 'succeeded' : 'failed'} at ${item![CALLBACK_ATTR.CLAIMED]?.S ?? '?'}), but that answer had not `
      + 'reached the task (its sender stopped before invoking it): the first answer was delivered now, not this one', 'TaskAlreadyClosed');
  }
  if (answered) {
    refuse(`it was used already (the task ${state === CALLBACK_STATE.SUCCEEDED ? 'succeeded' : 'failed'} at ${item![CALLBACK_ATTR.CLAIMED]?.S ?? '?'}); a token answers once`, 'TaskAlreadyClosed');
  }
  if (state !== CALLBACK_STATE.WAITING) refuse('the attempt it was given to ended (its user code failed, or it timed out)', 'TaskAlreadyClosed');
  const session = await store.get(sessionItemKey(binding));
  const status = session?.[SESSION_ATTR.STATUS]?.S;
  if (status !== SESSION_STATUS.RUNNING) refuse(`the session is ${status ?? 'gone'}, not RUNNING`, 'TaskAlreadyClosed');
  return { binding, item: item! };
}

function describe(b: TaskTokenBinding): string {
  return `instance '${b.instance}' (attempt ${b.attempt}) of session ${b.session} of workflow '${b.workflow}'`;
}
