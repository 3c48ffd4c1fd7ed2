import { SessionEnded } from './metrics';
import { Item, SESSION_ATTR, Store } from '../src/client/store';
import {
  ERROR_TIMEOUT, Envelope, ITEM_VALUE_LIMIT, REDRIVE_ATTR, SESSION_STATUS, SessionRef, failureItemKey, sessionItemKey, timeoutCause,
} from '../src/protocol';

/** Session record writes. Each is one conditional request, so duplicates are harmless. */

/**
 * Names the session's start among the attributes a terminal write sets (to
 * itself), so the write's UPDATED_OLD answer carries the start time for the
 * session-duration metric without a read.
 */
const KEEP_START = '#start = if_not_exists(#start, :end)';

/**
 * Creates the session (RUNNING, with its deadline when the workflow has a
 * timeout) unless it exists; whether this call created it.
 */
export async function createSession(store: Store, session: SessionRef, input: Item, deadline?: number): Promise<boolean> {
  const { created } = await store.putIfAbsent(sessionItemKey(session), {
    [SESSION_ATTR.STATUS]: { S: SESSION_STATUS.RUNNING },
    [SESSION_ATTR.WORKFLOW]: { S: session.workflow },
    [SESSION_ATTR.START]: { S: new Date().toISOString() },
    ...(deadline === undefined ? {} : { [SESSION_ATTR.DEADLINE]: { N: String(deadline) } }),
    ...input,
  });
  return created;
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
 * alone, and so is one that does not exist. Returns when the session
 * started and ended if this write ended it, else undefined.
 */
export async function timeOutSession(store: Store, session: SessionRef,
  at: { node: string; instance: string; deadline: number; redrive?: RedrivePoint }): Promise<SessionEnded | undefined> {
  const f: FailureRecord = { node: at.node, instance: at.instance, error: ERROR_TIMEOUT, cause: timeoutCause(at.deadline), redrive: at.redrive };
  const time = new Date().toISOString();
  const ended = await endWithError(store, session, SESSION_STATUS.TIMED_OUT, f, time);
  // Every instance the deadline stopped is where a redrive resumes, not only the one that ended the session.
  if (at.redrive !== undefined && (ended !== undefined || stopped((await store.get(sessionItemKey(session)))?.[SESSION_ATTR.STATUS]?.S))) {
    await putFailure(store, session, f, time);
  }
  return ended;
}

/** Whether a session with this status keeps failure records: it ended FAILED or TIMED_OUT, and a redrive may resume it. */
function stopped(status: string | undefined): boolean {
  return status === SESSION_STATUS.FAILED || status === SESSION_STATUS.TIMED_OUT;
}

/**
 * Where a redrive resumes an instance: the envelope it was invoked with
 * and the function name that invokes it (REDRIVE_ATTR).
 */
export interface RedrivePoint {
  readonly envelope: Envelope;
  readonly functionName: string;
}

/**
 * The attributes of a redrive point. An envelope too large for an item
 * (an inline input near the item limit) is not kept: a redrive then names
 * the instance it cannot resume.
 */
export function redriveAttrs(point: RedrivePoint | undefined): Item {
  if (point === undefined) return {};
  const envelope = JSON.stringify(point.envelope);
  if (Buffer.byteLength(envelope) > ITEM_VALUE_LIMIT) return { [REDRIVE_ATTR.FUNCTION]: { S: point.functionName } };
  return { [REDRIVE_ATTR.ENVELOPE]: { S: envelope }, [REDRIVE_ATTR.FUNCTION]: { S: point.functionName } };
}

async function putFailure(store: Store, session: SessionRef, f: FailureRecord, time: string): Promise<void> {
  await store.put(failureItemKey(session, f.instance), {
    node: { S: f.node }, instance: { S: f.instance }, error: { S: f.error }, cause: { S: f.cause ?? '' }, time: { S: time }, ...redriveAttrs(f.redrive),
  });
}

/**
 * RUNNING → SUCCEEDED with the result; a later or duplicate terminal write
 * changes nothing. Returns when the session started and ended if this call
 * ended it, else undefined.
 */
export async function succeedSession(store: Store, session: SessionRef, result: Item): Promise<SessionEnded | undefined> {
  const endedAt = new Date().toISOString();
  const names: Record<string, string> = { '#st': SESSION_ATTR.STATUS, '#end': SESSION_ATTR.END, '#start': SESSION_ATTR.START };
  const values: Item = { ':ok': { S: SESSION_STATUS.SUCCEEDED }, ':run': { S: SESSION_STATUS.RUNNING }, ':end': { S: endedAt } };
  const sets = ['#st = :ok', '#end = :end', KEEP_START];
  Object.entries(result).forEach(([name, value], i) => {
    names[`#r${i}`] = name;
    values[`:r${i}`] = value;
    sets.push(`#r${i} = :r${i}`);
  });
  const before = await store.update(sessionItemKey(session), { set: sets.join(', ') }, names, values, '#st = :run', 'UPDATED_OLD');
  return before === undefined ? undefined : { startedAt: before[SESSION_ATTR.START]?.S, endedAt };
}

/**
 * `recorded`: the failure record was written (the session is FAILED).
 * `ended`: this call moved the session to FAILED (not one that had failed
 * before). `created`: it also created the session (a start that never got
 * to create it), which then started and failed at once.
 */
export interface FailOutcome {
  readonly recorded: boolean;
  readonly ended?: SessionEnded;
  readonly created?: boolean;
}

export interface FailureRecord {
  readonly node: string;
  readonly instance: string;
  readonly error: string;
  readonly cause?: string;
  /** Where a redrive resumes this instance (absent: the failure is recorded, the instance cannot be redriven). */
  readonly redrive?: RedrivePoint;
}

/**
 * Moves a RUNNING session to FAILED with this failure as its error, and
 * keeps the failure record under the session (a FAILED or TIMED_OUT
 * session keeps every later failure too: a redrive resumes each). A session that SUCCEEDED, or that does not exist, is
 * left alone: a late or forged failure must not change what has ended nor
 * create sessions. `create` makes the session (FAILED) when it does not
 * exist yet: a start that never got to create it.
 */
export async function failSession(store: Store, session: SessionRef, f: FailureRecord, create = false): Promise<FailOutcome> {
  const time = new Date().toISOString();
  const cause = (f.cause ?? '').slice(0, 32 * 1024);
  const ended = await endWithError(store, session, SESSION_STATUS.FAILED, { ...f, cause }, time);
  let outcome: FailOutcome = { recorded: true, ended };
  if (ended === undefined) {
    const current = await store.get(sessionItemKey(session));
    const status = current?.[SESSION_ATTR.STATUS]?.S;
    if (current === undefined && create) {
      const made = await store.putIfAbsent(sessionItemKey(session), {
        [SESSION_ATTR.STATUS]: { S: SESSION_STATUS.FAILED },
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
      outcome = { recorded: true, created: true, ended: { startedAt: time, endedAt: time } };
    } else if (!stopped(status)) {
      return { recorded: false };
    }
  }
  await putFailure(store, session, { ...f, cause }, time);
  return outcome;
}

/**
 * RUNNING → `status` with the error that ended the session, in one
 * conditional write; its UPDATED_OLD answer gives the start. Undefined: the
 * session had ended already, or does not exist.
 */
async function endWithError(store: Store, session: SessionRef, status: string, f: FailureRecord, endedAt: string): Promise<SessionEnded | undefined> {
  const before = await store.update(sessionItemKey(session), {
    set: `#st = :status, #end = :end, #err = :err, #cause = :cause, #node = :node, #inst = :inst, ${KEEP_START}`,
  }, {
    '#st': SESSION_ATTR.STATUS,
    '#end': SESSION_ATTR.END,
    '#err': SESSION_ATTR.ERROR,
    '#cause': SESSION_ATTR.CAUSE,
    '#node': SESSION_ATTR.NODE,
    '#inst': SESSION_ATTR.INSTANCE,
    '#start': SESSION_ATTR.START,
  }, {
    ':status': { S: status },
    ':run': { S: SESSION_STATUS.RUNNING },
    ':end': { S: endedAt },
    ':err': { S: f.error },
    ':cause': { S: f.cause ?? '' },
    ':node': { S: f.node },
    ':inst': { S: f.instance },
  }, '#st = :run', 'UPDATED_OLD');
  return before === undefined ? undefined : { startedAt: before[SESSION_ATTR.START]?.S, endedAt };
}
