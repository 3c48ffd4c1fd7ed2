import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Item, SESSION_ATTR, Store } from 'cdk-unum/lib/client/store';
import {
  ATTR, Envelope, FAILURE_SORT_PREFIX, FANOUT_FAILURE_CLAIM_ATTR, ItemKey, REDRIVE_ATTR, SESSION_STATUS, SessionRef,
  fanoutBranchFailureItemKey, fanoutFailureItemKey, sessionItemKey,
} from 'cdk-unum/lib/protocol';

/**
 * Redrive: a FAILED or TIMED_OUT session restarts from the instances that
 * stopped it, with no coordinator. Every instance that failed for good or
 * met the deadline left a record with its envelope and function name
 * (REDRIVE_ATTR); a Map or Parallel that failed the session after its
 * branches reported to it left one per failed branch of that attempt
 * (fanoutBranchFailureItemKey), which is what is re-invoked instead of the
 * fan-out. The session goes back to RUNNING (one conditional write, so two
 * redrives never both start) and the records are re-invoked as they were
 * first invoked: checkpoints skip the user code of every instance that
 * committed, and join arrivals are idempotent, so only the instances that
 * failed run user code again and a join fires once.
 *
 * A redrive that stops after the move to RUNNING (the client crashed, Lambda
 * was unreachable) leaves SESSION_ATTR.REDRIVE_PENDING set: the next redrive
 * of the session finishes it, re-invoking every record that redrive marked
 * (one it had invoked already is a duplicate delivery, which checkpoints and
 * join arrivals absorb), whether the session is still RUNNING or failed again.
 */

/** A redrive that cannot start; nothing was changed. */
export class RedriveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Unum.RedriveRefused';
  }
}

export interface RedriveResult {
  readonly session: string;
  /** The session's redrive count now (`$$.Execution.RedriveCount`). */
  readonly redriveCount: number;
  /** The instances re-invoked. */
  readonly instances: readonly string[];
}

interface Point {
  readonly key: ItemKey;
  readonly instance: string;
  readonly envelope: Envelope;
  readonly functionName: string;
}

/** Invocations in flight at once. */
const INVOKE_PARALLELISM = 16;

export async function redriveSession(store: Store, lambda: LambdaClient, ref: SessionRef, now = Date.now()): Promise<RedriveResult> {
  const refuse = (why: string): never => {
    throw new RedriveError(`cannot redrive session ${ref.session} of workflow '${ref.workflow}': ${why}`);
  };
  const item = await store.get(sessionItemKey(ref));
  if (item === undefined) return refuse('no such session (it never started, or its records expired with the store\'s TTL)');
  const expires = Number(item[ATTR.TTL]?.N ?? Infinity) * 1000;
  // DynamoDB deletes expired items up to days later: what lingers may have lost checkpoints already.
  if (expires <= now) return refuse(`its records expired at ${new Date(expires).toISOString()} (the store's TTL), so its checkpoints cannot be trusted`);
  const status = item[SESSION_ATTR.STATUS]?.S;
  const previous = item[SESSION_ATTR.REDRIVE_COUNT]?.N;
  // A redrive that did not send all its invocations: its records are resumed too.
  const pending = item[SESSION_ATTR.REDRIVE_PENDING]?.N;
  const unfinished = pending !== undefined && pending === previous ? pending : undefined;
  const finishing = status === SESSION_STATUS.RUNNING && unfinished !== undefined;
  if (status !== SESSION_STATUS.FAILED && status !== SESSION_STATUS.TIMED_OUT && !finishing) {
    return refuse(`it is ${status}; only a ${SESSION_STATUS.FAILED} or ${SESSION_STATUS.TIMED_OUT} session can be redriven`);
  }
  const records = await query(store, sessionItemKey(ref).pk, FAILURE_SORT_PREFIX);
  const { points, claims, done, lost } = await collect(store, ref, records, unfinished);
  if (lost.length > 0) return refuse(`no envelope was kept for ${lost.join(', ')} (too large for an item, or its function name was unknown)`);
  if (points.length === 0) return refuse('it recorded no failed instance to resume (each was redriven already, or failed before it had an envelope)');
  if (finishing) {
    const deadline = item[SESSION_ATTR.DEADLINE]?.N;
    return send(store, lambda, ref, Number(unfinished), { points, claims, done }, deadline === undefined ? undefined : Number(deadline));
  }

  const count = Number(previous ?? 0) + 1;
  // The workflow's timeout runs again from the redrive, as in Step Functions.
  const oldDeadline = item[SESSION_ATTR.DEADLINE]?.N;
  const startedAt = Date.parse(item[SESSION_ATTR.START]?.S ?? '');
  const timeoutMs = Number(oldDeadline) - (Number.isNaN(startedAt) ? Number(oldDeadline) : startedAt);
  const deadline = oldDeadline === undefined ? undefined : now + Math.max(0, timeoutMs);
  const names: Record<string, string> = {
    '#st': SESSION_ATTR.STATUS,
    '#rc': SESSION_ATTR.REDRIVE_COUNT,
    '#rt': SESSION_ATTR.REDRIVE_TIME,
    '#end': SESSION_ATTR.END,
    '#err': SESSION_ATTR.ERROR,
    '#cause': SESSION_ATTR.CAUSE,
    '#node': SESSION_ATTR.NODE,
    '#inst': SESSION_ATTR.INSTANCE,
  };
  const values: Item = {
    ':run': { S: SESSION_STATUS.RUNNING }, ':was': { S: status }, ':rc': { N: String(count) }, ':rt': { S: new Date(now).toISOString() },
  };
  names['#pend'] = SESSION_ATTR.REDRIVE_PENDING;
  let set = '#st = :run, #rc = :rc, #rt = :rt, #pend = :rc';
  if (deadline !== undefined) {
    names['#dl'] = SESSION_ATTR.DEADLINE;
    values[':dl'] = { N: String(deadline) };
    set += ', #dl = :dl';
  }
  let condition = '#st = :was AND attribute_not_exists(#rc)';
  if (previous !== undefined) {
    values[':prev'] = { N: previous };
    condition = '#st = :was AND #rc = :prev';
  }
  const moved = await store.update(sessionItemKey(ref), { set, remove: '#end, #err, #cause, #node, #inst' }, names, values, condition);
  if (moved === undefined) return refuse('it changed while the redrive started (another redrive, or a late write): read its status and try again');
  return send(store, lambda, ref, count, { points, claims, done }, deadline);
}

/** Marks the records, releases the failed attempts' claims, re-invokes the instances, then clears the pending mark. */
async function send(store: Store, lambda: LambdaClient, ref: SessionRef, count: number,
  work: { points: readonly Point[]; claims: readonly ItemKey[]; done: readonly ItemKey[] }, deadline: number | undefined): Promise<RedriveResult> {
  const { points, claims, done } = work;
  // Marked before anything runs: a record that fails again is written anew (unmarked) for the next redrive.
  await Promise.all([...points.map((p) => p.key), ...done].map((key) =>
    store.update(key, { set: '#r = :rc' }, { '#r': REDRIVE_ATTR.REDRIVEN }, { ':rc': { N: String(count) } })));
  // The failed attempt's decision is taken again when a redriven branch fails again.
  await Promise.all(claims.map((k) => store.update(k, { remove: '#c' }, { '#c': FANOUT_FAILURE_CLAIM_ATTR }, {})));
  for (let i = 0; i < points.length; i += INVOKE_PARALLELISM) {
    await Promise.all(points.slice(i, i + INVOKE_PARALLELISM).map((p) => lambda.send(new InvokeCommand({
      FunctionName: p.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(resumed(p.envelope, deadline))),
    }))));
  }
  // Only this redrive's mark: a later redrive's stays until that one is done.
  await store.update(sessionItemKey(ref), { remove: '#pend' }, { '#pend': SESSION_ATTR.REDRIVE_PENDING }, { ':rc': { N: String(count) } }, '#pend = :rc');
  return { session: ref.session, redriveCount: count, instances: points.map((p) => p.instance) };
}

/** The envelope as first invoked, with fresh retries (Step Functions' redrive resets them) and the new deadline. */
function resumed(envelope: Envelope, deadline: number | undefined): Envelope {
  const { attempt: _attempt, notBefore: _notBefore, deadline: _deadline, ...rest } = envelope;
  return deadline === undefined ? rest : { ...rest, deadline };
}

/**
 * The records not redriven yet, a fan-out's report expanded into the
 * branches that failed in that attempt (recursively: a branch may itself be
 * a fan-out that failed), and the failure claims those attempts hold.
 */
async function collect(store: Store, ref: SessionRef, records: readonly Item[], unfinished: string | undefined):
Promise<{ points: Point[]; claims: ItemKey[]; done: ItemKey[]; lost: string[] }> {
  const out = { points: [] as Point[], claims: [] as ItemKey[], done: [] as ItemKey[], lost: [] as string[] };
  for (const r of records) {
    const redriven = r[REDRIVE_ATTR.REDRIVEN]?.N;
    if (redriven !== undefined && redriven !== unfinished) continue;
    const instance = r.instance?.S ?? r[ATTR.SK]!.S!;
    const text = r[REDRIVE_ATTR.ENVELOPE]?.S;
    const functionName = r[REDRIVE_ATTR.FUNCTION]?.S;
    if (text === undefined || functionName === undefined) {
      out.lost.push(instance);
      continue;
    }
    const envelope = JSON.parse(text) as Envelope;
    const key = { pk: r[ATTR.PK]!.S!, sk: r[ATTR.SK]!.S! };
    const f = envelope.fanoutFailure;
    if (f === undefined || f.item !== undefined) {
      out.points.push({ key, instance, envelope, functionName });
      continue;
    }
    const all = fanoutBranchFailureItemKey(ref, f.instance, f.attempt, '');
    const branches = await query(store, all.pk, all.sk);
    const inner = await collect(store, ref, branches, unfinished);
    if (inner.points.length === 0 && inner.lost.length === 0) {
      out.lost.push(`${instance} (its failed branches of attempt ${f.attempt} left no record)`);
      continue;
    }
    out.points.push(...inner.points);
    out.lost.push(...inner.lost);
    out.claims.push(fanoutFailureItemKey(ref, f.instance, f.attempt), ...inner.claims);
    // The fan-out's own record is done with once its branches run again.
    out.done.push(key, ...inner.done);
  }
  return out;
}

async function query(store: Store, pk: string, prefix: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await store.dynamodb.send(new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
      ExpressionAttributeNames: { '#pk': ATTR.PK, '#sk': ATTR.SK },
      ExpressionAttributeValues: { ':pk': { S: pk }, ':p': { S: prefix } },
      ConsistentRead: true,
      ExclusiveStartKey: start,
    }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}
