import { Item, SESSION_ATTR, Store } from '../src/client/store';
import { ERROR_TIMEOUT, SESSION_STATUS, SessionRef, failureItemKey, sessionItemKey, timeoutCause } from '../src/protocol';

/** Session record writes. Each is one conditional request, so duplicates are harmless. */

/** Creates the session (RUNNING, with its deadline when the workflow has a timeout) unless it exists. */
export async function createSession(store: Store, session: SessionRef, input: Item, deadline?: number): Promise<void> {
  await store.putIfAbsent(sessionItemKey(session), {
    [SESSION_ATTR.STATUS]: { S: 'RUNNING' },
    [SESSION_ATTR.WORKFLOW]: { S: session.workflow },
    [SESSION_ATTR.START]: { S: new Date().toISOString() },
    ...(deadline === undefined ? {} : { [SESSION_ATTR.DEADLINE]: { N: String(deadline) } }),
    ...input,
  });
}

/** The deadline recorded on the session, if it exists and has one (a retried start keeps the first one). */
export async function sessionDeadline(store: Store, session: SessionRef): Promise<number | undefined> {
  const deadline = (await store.get(sessionItemKey(session)))?.[SESSION_ATTR.DEADLINE]?.N;
  return deadline === undefined ? undefined : Number(deadline);
}

/**
 * The session's deadline passed (Envelope.deadline): Step Functions'
 * execution timeout, which no retry or catch handles. Whoever meets it
 * records the session TIMED_OUT and invokes nothing more.
 */
export class SessionTimedOut extends Error {
  constructor() {
    super('the session ran past its deadline');
    this.name = ERROR_TIMEOUT;
  }
}

/**
 * RUNNING → TIMED_OUT (error States.Timeout), naming the instance that
 * found the deadline passed. A session that has ended already is left
 * alone, and so is one that does not exist. Returns whether this write
 * ended the session.
 */
export async function timeOutSession(store: Store, session: SessionRef, at: { node: string; instance: string; deadline: number }): Promise<boolean> {
  const ended = await store.update(sessionItemKey(session), {
    set: '#st = :out, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst',
  }, {
    '#st': SESSION_ATTR.STATUS,
    '#end': SESSION_ATTR.END,
    '#err': SESSION_ATTR.ERROR,
    '#cause': SESSION_ATTR.CAUSE,
    '#node': SESSION_ATTR.NODE,
    '#inst': SESSION_ATTR.INSTANCE,
  }, {
    ':out': { S: SESSION_STATUS.TIMED_OUT },
    ':run': { S: SESSION_STATUS.RUNNING },
    ':end': { S: new Date().toISOString() },
    ':err': { S: ERROR_TIMEOUT },
    ':cause': { S: timeoutCause(at.deadline) },
    ':node': { S: at.node },
    ':inst': { S: at.instance },
  }, '#st = :run');
  return ended !== undefined;
}

/** RUNNING → SUCCEEDED with the result; a later or duplicate terminal write changes nothing. */
export async function succeedSession(store: Store, session: SessionRef, result: Item): Promise<boolean> {
  const names: Record<string, string> = { '#st': SESSION_ATTR.STATUS, '#end': SESSION_ATTR.END };
  const values: Item = { ':ok': { S: 'SUCCEEDED' }, ':run': { S: 'RUNNING' }, ':end': { S: new Date().toISOString() } };
  const sets = ['#st = :ok', '#end = :end'];
  Object.entries(result).forEach(([name, value], i) => {
    names[`#r${i}`] = name;
    values[`:r${i}`] = value;
    sets.push(`#r${i} = :r${i}`);
  });
  return (await store.update(sessionItemKey(session), { set: sets.join(', ') }, names, values, '#st = :run')) !== undefined;
}

export interface FailureRecord {
  readonly node: string;
  readonly instance: string;
  readonly error: string;
  readonly cause?: string;
}

/**
 * Moves a RUNNING session to FAILED with this failure as its error, and
 * keeps the failure record under the session (a FAILED session keeps every
 * later failure too). A session that SUCCEEDED, or that does not exist, is
 * left alone: a late or forged failure must not change what has ended nor
 * create sessions. `create` makes the session (FAILED) when it does not
 * exist yet: a start that never got to create it.
 * Returns whether the failure was recorded.
 */
export async function failSession(store: Store, session: SessionRef, f: FailureRecord, create = false): Promise<boolean> {
  const time = new Date().toISOString();
  const cause = (f.cause ?? '').slice(0, 32 * 1024);
  const ended = await store.update(sessionItemKey(session), {
    set: '#st = :failed, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst',
  }, {
    '#st': SESSION_ATTR.STATUS,
    '#end': SESSION_ATTR.END,
    '#err': SESSION_ATTR.ERROR,
    '#cause': SESSION_ATTR.CAUSE,
    '#node': SESSION_ATTR.NODE,
    '#inst': SESSION_ATTR.INSTANCE,
  }, {
    ':failed': { S: 'FAILED' },
    ':run': { S: 'RUNNING' },
    ':end': { S: time },
    ':err': { S: f.error },
    ':cause': { S: cause },
    ':node': { S: f.node },
    ':inst': { S: f.instance },
  }, '#st = :run');
  if (ended === undefined) {
    const current = await store.get(sessionItemKey(session));
    const status = current?.[SESSION_ATTR.STATUS]?.S;
    if (current === undefined && create) {
      const made = await store.putIfAbsent(sessionItemKey(session), {
        [SESSION_ATTR.STATUS]: { S: 'FAILED' },
        [SESSION_ATTR.WORKFLOW]: { S: session.workflow },
        [SESSION_ATTR.START]: { S: time },
        [SESSION_ATTR.END]: { S: time },
        [SESSION_ATTR.ERROR]: { S: f.error },
        [SESSION_ATTR.CAUSE]: { S: cause },
        [SESSION_ATTR.NODE]: { S: f.node },
        [SESSION_ATTR.INSTANCE]: { S: f.instance },
      });
      // Lost a race with the session's creation: decide again on what exists now.
      if (!made.created) return failSession(store, session, f);
    } else if (status !== 'FAILED') {
      return false;
    }
  }
  await store.put(failureItemKey(session, f.instance), {
    node: { S: f.node }, instance: { S: f.instance }, error: { S: f.error }, cause: { S: cause }, time: { S: time },
  });
  return true;
}
