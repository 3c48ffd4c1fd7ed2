import type { PictureCluster, WorkflowPicture } from 'cdk-unum/lib/picture';
import { WAIT_LOG_FIELDS, WAIT_LOG_KINDS } from 'cdk-unum/lib/protocol/states';
import { SessionCost, sessionCost } from '../local/capacity';
import type { FaultOptions } from '../local/chaos';
import type { SessionReport } from '../local/engine';
import type { CommitEvent, InvocationStartEvent, SessionEndEvent, StoreEvent, TraceEvent } from '../local/session-trace';

/**
 * What a session report shows, built from a session's trace: one record per
 * instance (its invocations, checkpoint, input, output, error, log lines),
 * counts per state of the workflow's picture (for a Map: its items), the
 * store requests and what the session costs. The page (html.ts) and the
 * console (console.ts) draw it; times are ms from the session's start.
 */

export const REPORT_DATA_VERSION = 1;

export interface ReportData {
  readonly v: typeof REPORT_DATA_VERSION;
  readonly session: string;
  readonly workflow: string;
  /** RUNNING while the trace has no end (the session runs, or its run was stopped). */
  readonly status: string;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly ended: boolean;
  readonly input: string;
  readonly result?: string;
  readonly error?: SessionEndEvent['error'];
  readonly failures: SessionEndEvent['failures'];
  readonly faults?: FaultOptions;
  readonly timedOut?: boolean;
  readonly states: readonly ReportState[];
  readonly instances: readonly ReportInstance[];
  /** Counted as the engine's report counts them. */
  readonly invocations: SessionReport['invocations'];
  readonly store: Pick<StoreEvent, 'dynamodb' | 's3' | 'errors' | 'injected'> & { readonly total: number };
  readonly cost: SessionCost;
  /** Log lines no invocation could be named for (the engine's own, a function outside the workflow). */
  readonly otherLogs: readonly string[];
}

export type StateOutcome = 'succeeded' | 'failed' | 'running' | 'partial' | 'none';

export interface ReportState {
  /** The state's id in the workflow (the picture's data-state). */
  readonly state: string;
  readonly kind: string;
  readonly outcome: StateOutcome;
  readonly instances: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly retried: number;
  readonly running: number;
  /** A Map's items, a Parallel's branches: each one's outcome from the instances inside it. */
  readonly items?: ItemCounts;
}

export interface ItemCounts {
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly retried: number;
  readonly running: number;
}

export type InstanceOutcome = 'committed' | 'failed' | 'running' | 'incomplete';

export interface ReportInvocation {
  /** Start and end (absent: still running), ms from the session start. */
  readonly s: number;
  readonly e?: number;
  readonly cold?: true;
  readonly init?: number;
  readonly attempt: number;
  readonly dup?: true;
  readonly re?: true;
  /** The runtime's re-invocation for a Retry's next attempt. */
  readonly retry?: true;
  readonly crash?: string;
  readonly err?: string;
}

export interface ReportInstance {
  readonly key: string;
  readonly node: string;
  /** Where the instance runs, in words: `item 3 of EachItem`, `iteration 2`. */
  readonly scope: string;
  readonly start: number;
  readonly end: number;
  readonly outcome: InstanceOutcome;
  readonly cold: boolean;
  readonly retries: number;
  readonly crashes: number;
  readonly duplicates: number;
  readonly invocations: readonly ReportInvocation[];
  /** The user code's attempts, ms each (the runtime's UserCodeDuration). */
  readonly userMs?: readonly number[];
  readonly checkpoint?: { readonly s: number; readonly e: number };
  /**
   * Sleeps inside an invocation (ms from the session start) for a Wait state or before a Retry's next attempt
   * (`retry` true; `state` is then the retried node), from the runtime's log line.
   */
  readonly waits?: ReadonlyArray<{ readonly s: number; readonly e: number; readonly state: string; readonly retry?: true }>;
  readonly input?: string;
  readonly output?: string;
  /** The catch that handled an error, when the checkpoint records one. */
  readonly caught?: number;
  readonly error?: { readonly error: string; readonly cause?: string };
  readonly logs: ReadonlyArray<readonly [number, string]>;
}

interface Building {
  key: string;
  node: string;
  invs: Array<ReportInvocation & { id: number }>;
  userMs: number[];
  commit?: CommitEvent;
  input?: string;
  logs: Array<[number, string]>;
  waits: Array<{ s: number; e: number; state: string; retry?: true }>;
  lost?: { error: string; cause: string };
  /** The last error the runtime logged for the instance, and the invocation that logged it. */
  logged?: { id: number; error: string; cause?: string };
  memoryMb: number;
}

export function buildReportData(events: readonly TraceEvent[], picture?: WorkflowPicture, now = Date.now()): ReportData {
  const start = events.find((e) => e.t === 'session');
  if (start === undefined || start.t !== 'session') throw new Error('the trace has no session start');
  const t0 = start.at;
  const instances = new Map<string, Building>();
  const byId = new Map<number, { b: Building; inv: ReportInvocation & { id: number } }>();
  const otherLogs: string[] = [];
  let store: StoreEvent | undefined;
  let end: SessionEndEvent | undefined;
  let gbSeconds = 0;
  const memory = new Map<number, number>();
  const instanceOf = (key: string, node: string): Building => {
    let b = instances.get(key);
    if (b === undefined) {
      b = { key, node, invs: [], userMs: [], logs: [], waits: [], memoryMb: 0 };
      instances.set(key, b);
    }
    return b;
  };
  for (const e of events) {
    switch (e.t) {
      case 'inv': {
        const b = instanceOf(e.instance, e.node);
        const inv = invocationOf(e, t0);
        b.invs.push(inv);
        b.input ??= e.input;
        byId.set(e.id, { b, inv });
        memory.set(e.id, e.memoryMb);
        break;
      }
      case 'end': {
        const found = byId.get(e.id);
        if (found === undefined) break;
        const inv = found.inv as { -readonly [K in keyof ReportInvocation]: ReportInvocation[K] };
        inv.e = e.at - t0;
        if (e.cold) inv.cold = true;
        if (e.initMs !== undefined) inv.init = e.initMs;
        if (e.error !== undefined) inv.err = `${e.error.type}: ${e.error.message}`;
        gbSeconds += ((memory.get(e.id) ?? 128) / 1024) * (Math.max(0, e.at - t0 - inv.s) / 1000);
        break;
      }
      case 'log': {
        const found = e.id === undefined ? undefined : byId.get(e.id);
        if (found !== undefined) {
          found.b.logs.push([e.at - t0, e.line]);
          const logged = loggedError(e.line);
          if (logged !== undefined) found.b.logged = { id: e.id!, ...logged };
          const slept = loggedWait(e.line);
          if (slept !== undefined) {
            found.b.waits.push({ s: e.at - t0, e: e.at - t0 + slept.ms, state: slept.state, ...(slept.retry ? { retry: true as const } : {}) });
          }
        } else if (otherLogs.length < 200) {otherLogs.push(`[${e.fn}] ${e.line}`);}
        break;
      }
      case 'user': {
        const b = instances.get(e.instance);
        b?.userMs.push(...e.ms);
        break;
      }
      case 'commit': {
        const b = instances.get(e.instance);
        if (b !== undefined && b.commit === undefined) b.commit = e;
        break;
      }
      case 'lost': {
        const b = instances.get(e.instance);
        if (b !== undefined) b.lost = { error: e.error.type, cause: `${e.error.message} (Lambda gave up after ${e.attempts} attempts)` };
        break;
      }
      case 'store': store = e; break;
      case 'done': end = e; break;
      default: break;
    }
  }
  const ended = end !== undefined;
  const failures = end?.failures ?? [];
  const failureOf = new Map(failures.map((f) => [f.instance, f]));
  const lastAt = events.reduce((m, e) => Math.max(m, 'at' in e ? e.at : 0), t0);
  const frameNames = picture === undefined ? new Map<string, string[]>() : fanoutsOf(picture);

  const rows: ReportInstance[] = [...instances.values()].map((b) => {
    const committed = b.commit !== undefined;
    const lastInv = b.invs[b.invs.length - 1];
    // A failure the session records, an event Lambda gave up on, or (an item a fan-out handles) the runtime's last word on it.
    const lastWord = b.logged !== undefined && b.logged.id === lastInv.id && lastInv.e !== undefined ? b.logged : undefined;
    const failure = failureOf.get(b.key) ?? b.lost ?? lastWord;
    const outcome: InstanceOutcome = committed ? 'committed' : failure !== undefined ? 'failed'
      : !ended && lastInv?.e === undefined ? 'running' : 'incomplete';
    const error = failure !== undefined ? { error: failure.error, ...(failure.cause !== undefined ? { cause: failure.cause } : {}) }
      : !committed && lastInv?.err !== undefined ? { error: lastInv.err.split(':')[0], cause: lastInv.err.slice(lastInv.err.indexOf(':') + 2) } : undefined;
    const first = b.invs[0];
    // The instance ends with the first invocation that got through after its checkpoint (a duplicate's later run does not extend it).
    const commitAt = b.commit === undefined ? undefined : b.commit.at - t0;
    const done = commitAt === undefined ? undefined : b.invs.find((i) => i.e !== undefined && i.err === undefined && i.e >= commitAt);
    const endMs = done?.e ?? Math.max(...b.invs.map((i) => i.e ?? (ended ? i.s : now - t0)));
    return {
      key: b.key,
      node: b.node,
      scope: describeScope(b.key, frameNames.get(b.node) ?? []),
      start: first.s,
      end: endMs,
      outcome,
      cold: first.cold === true,
      // Lambda's retries and the runtime's re-invocations, or the user code's attempts in one invocation (a Retry that fits).
      // A Wait's or a fan-out's continuation is a re-invocation but no retry.
      retries: Math.max(b.invs.filter((i) => i.attempt > 0 || i.retry).length, b.userMs.length - 1),
      crashes: b.invs.filter((i) => i.err?.startsWith('Unum.SimulatedCrash')).length,
      duplicates: b.invs.filter((i) => i.dup).length,
      invocations: b.invs.map(({ id: _id, ...inv }) => inv),
      ...(b.userMs.length > 0 ? { userMs: b.userMs } : {}),
      ...(b.waits.length > 0 ? { waits: b.waits } : {}),
      ...(b.commit !== undefined ? { checkpoint: { s: b.commit.sent - t0, e: b.commit.at - t0 } } : {}),
      ...(b.input !== undefined ? { input: b.input } : {}),
      ...(b.commit?.output !== undefined ? { output: b.commit.output }
        : b.commit?.s3 !== undefined ? { output: `(in S3: ${b.commit.s3})` } : b.commit?.fanIn ? { output: '(a fan-in of its branches\' outputs)' } : {}),
      ...(b.commit?.caught !== undefined ? { caught: b.commit.caught } : {}),
      ...(error !== undefined ? { error } : {}),
      logs: b.logs,
    };
  }).sort((a, b) => a.start - b.start || a.key.localeCompare(b.key));

  const invs = rows.flatMap((r) => r.invocations);
  const counts = {
    dynamodb: store?.dynamodb ?? {},
    s3: store?.s3 ?? {},
    errors: store?.errors ?? {},
    injected: store?.injected ?? {},
  };
  const total = [...Object.values(counts.dynamodb), ...Object.values(counts.s3)].reduce((a, b) => a + b, 0);
  return {
    v: REPORT_DATA_VERSION,
    session: start.session,
    workflow: start.workflow,
    status: end?.status ?? 'RUNNING',
    startedAt: t0,
    durationMs: (end?.at ?? (ended ? lastAt : Math.max(lastAt, now))) - t0,
    ended,
    input: start.input,
    ...(end?.result !== undefined ? { result: end.result } : {}),
    ...(end?.error !== undefined ? { error: end.error } : {}),
    failures,
    ...(start.faults !== undefined ? { faults: start.faults } : {}),
    ...(end?.timedOut ? { timedOut: true } : {}),
    states: picture === undefined ? [] : stateCounts(picture, rows, end),
    instances: rows,
    invocations: {
      total: invs.length,
      cold: invs.filter((i) => i.cold).length,
      warm: invs.filter((i) => !i.cold && i.e !== undefined).length,
      retries: invs.filter((i) => i.attempt > 0 || i.retry).length,
      duplicates: invs.filter((i) => i.dup).length,
      crashes: invs.filter((i) => i.err?.startsWith('Unum.SimulatedCrash')).length,
      timeouts: invs.filter((i) => i.err?.startsWith('Sandbox.Timedout')).length,
      errors: invs.filter((i) => i.err !== undefined).length,
    },
    store: { ...counts, total },
    cost: sessionCost({ rcu: store?.rcu ?? 0, wcu: store?.wcu ?? 0 }, counts.s3, { requests: invs.length, gbSeconds }),
    otherLogs,
  };
}

/** An error-level line of the runtime's JSON log that names an error: `{"level":"error","error":"ItemFailed","cause":"…"}`. */
function loggedError(line: string): { error: string; cause?: string } | undefined {
  if (!line.startsWith('{') || !/"level":\s*"error"/i.test(line)) return undefined;
  try {
    const o = JSON.parse(line);
    if (typeof o.error !== 'string') return undefined;
    return { error: o.error, ...(typeof o.cause === 'string' ? { cause: o.cause } : {}) };
  } catch {
    return undefined;
  }
}

/** A sleep of the runtime inside an invocation, for a Wait or a Retry interval (its WAIT_LOG_FIELDS info line). */
function loggedWait(line: string): { state: string; ms: number; retry: boolean } | undefined {
  if (!line.startsWith('{') || !line.includes(`"${WAIT_LOG_FIELDS.MS}"`)) return undefined;
  try {
    const o = JSON.parse(line);
    const ms = o[WAIT_LOG_FIELDS.MS];
    const state = o[WAIT_LOG_FIELDS.STATE];
    return typeof ms === 'number' && typeof state === 'string' ? { state, ms, retry: o[WAIT_LOG_FIELDS.KIND] === WAIT_LOG_KINDS.RETRY } : undefined;
  } catch {
    return undefined;
  }
}

function invocationOf(e: InvocationStartEvent, t0: number): ReportInvocation & { id: number } {
  return {
    id: e.id,
    s: e.at - t0,
    attempt: e.attempt,
    ...(e.duplicate ? { dup: true as const } : {}),
    ...(e.reinvoked ? { re: true as const } : {}),
    ...(e.retry ? { retry: true as const } : {}),
    ...(e.crashAt !== undefined ? { crash: e.crashAt } : {}),
  };
}

/** For each node: the fan-outs around it, outermost first (`Map EachItem`, `Parallel Both`), which its key's frames index. */
function fanoutsOf(picture: WorkflowPicture): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const n of picture.nodes) {
    const names = boxesAround(picture, n.parent).reverse().flatMap((c) => (c.kind === 'map' ? [`item %d of ${c.state}`]
      : c.kind === 'parallel' ? [`branch %d of ${c.state}`] : []));
    out.set(n.state, names);
  }
  return out;
}

/** The box `id` and the boxes around it, innermost first. */
function boxesAround(picture: WorkflowPicture, id: string | undefined): PictureCluster[] {
  const out: PictureCluster[] = [];
  for (let c = picture.clusters.find((x) => x.id === id); c !== undefined; c = picture.clusters.find((x) => x.id === c!.parent)) out.push(c);
  return out;
}

/** `Square|0:3/0` → `item 4 of EachItem`; the iteration when a loop ran the node again. */
export function describeScope(key: string, fanouts: readonly string[]): string {
  const scope = key.slice(key.indexOf('|') + 1).split('/');
  const iteration = Number(scope.pop());
  const parts = scope.map((frame, i) => {
    const index = Number(frame.slice(frame.lastIndexOf(':') + 1));
    const retry = /~(\d+):/.exec(frame)?.[1];
    const text = (fanouts[i] ?? 'fan-out %d').replace('%d', String(index + 1));
    return retry === undefined ? text : `${text} (its attempt ${Number(retry) + 1})`;
  });
  if (iteration > 0) parts.push(`iteration ${iteration + 1}`);
  return parts.length === 0 ? 'top level' : parts.join(', ');
}

function stateCounts(picture: WorkflowPicture, rows: readonly ReportInstance[], end: SessionEndEvent | undefined): ReportState[] {
  const byNode = new Map<string, ReportInstance[]>();
  for (const r of rows) pushTo(byNode, r.node, r);
  const tally = (list: readonly ReportInstance[]) => ({
    succeeded: list.filter((r) => r.outcome === 'committed').length,
    failed: list.filter((r) => r.outcome === 'failed').length,
    retried: list.filter((r) => r.retries > 0).length,
    running: list.filter((r) => r.outcome === 'running' || r.outcome === 'incomplete').length,
  });
  const outcomeOf = (t: ReturnType<typeof tally>, n: number): StateOutcome => (n === 0 ? 'none' : t.failed > 0 ? (t.succeeded > 0 ? 'partial' : 'failed')
    : t.running > 0 ? 'running' : 'succeeded');
  const states: ReportState[] = picture.nodes.map((node) => {
    const list = byNode.get(node.state) ?? [];
    const t = tally(list);
    // A Fail state (or a state that runs in its predecessor's invocation) has no instance: the session's error names it.
    const outcome = list.length === 0 && end?.error?.node === node.state ? 'failed' : outcomeOf(t, list.length);
    return { state: node.state, kind: node.kind, outcome, instances: list.length, ...t };
  });
  // A Map's or Parallel's items: the instances of the nodes inside it, grouped by the frame it pushed.
  const depthOf = (id: string | undefined): number => boxesAround(picture, id).filter((c) => c.kind !== 'branch').length;
  const inside = (nodeParent: string | undefined, clusterId: string): boolean => boxesAround(picture, nodeParent).some((c) => c.id === clusterId);
  for (const c of picture.clusters) {
    if (c.kind === 'branch') continue;
    const depth = depthOf(c.id);
    const members = picture.nodes.filter((n) => inside(n.parent, c.id)).flatMap((n) => byNode.get(n.state) ?? []);
    // An item is its index in every attempt of the fan-out (a Retry on the Map re-runs them all): its last attempt says how it ended.
    const items = new Map<string, Array<{ attempt: number; r: ReportInstance }>>();
    for (const r of members) {
      const frames = r.key.slice(r.key.indexOf('|') + 1).split('/').slice(0, depth);
      const own = frames[depth - 1] ?? '';
      const attempt = Number(/~(\d+):/.exec(own)?.[1] ?? 0);
      pushTo(items, [...frames.slice(0, -1), own.replace(/~\d+:/, ':')].join('/'), { attempt, r });
    }
    const itemOutcomes = [...items.values()].map((all) => {
      const last = Math.max(...all.map((x) => x.attempt));
      const list = all.filter((x) => x.attempt === last).map((x) => x.r);
      return {
        failed: list.some((r) => r.outcome === 'failed'),
        running: list.some((r) => r.outcome === 'running' || r.outcome === 'incomplete'),
        retried: last > 0 || all.some((x) => x.r.retries > 0),
      };
    });
    const t = {
      total: items.size,
      succeeded: itemOutcomes.filter((i) => !i.failed && !i.running).length,
      failed: itemOutcomes.filter((i) => i.failed).length,
      retried: itemOutcomes.filter((i) => i.retried).length,
      running: itemOutcomes.filter((i) => !i.failed && i.running).length,
    };
    const outcome: StateOutcome = end?.error?.node === c.state ? 'failed' : t.total === 0 ? 'none'
      : t.failed > 0 ? (t.succeeded > 0 ? 'partial' : 'failed') : t.running > 0 ? 'running' : 'succeeded';
    states.push({ state: c.state, kind: c.kind, outcome, instances: members.length, ...tally(members), items: t });
  }
  return passedThrough(picture, states);
}

/**
 * States that run inside another state's invocation (a Choice, a Pass, a FanIn's join, a Wait that fits) have no
 * instance of their own: one was passed when a state after it ran.
 */
function passedThrough(picture: WorkflowPicture, states: ReportState[]): ReportState[] {
  const ids = new Map<string, number>();
  picture.nodes.forEach((n, i) => ids.set(n.id, i));
  picture.clusters.filter((c) => c.kind !== 'branch').forEach((c, i) => ids.set(c.id, picture.nodes.length + i));
  const out = [...states];
  for (let changed = true; changed;) {
    changed = false;
    for (const e of picture.edges) {
      const from = ids.get(e.from);
      const to = ids.get(e.to);
      if (e.loop || from === undefined || to === undefined) continue;
      const s = out[from];
      if (s.outcome === 'none' && s.instances === 0 && out[to].outcome !== 'none') {
        out[from] = { ...s, outcome: 'succeeded' };
        changed = true;
      }
    }
  }
  return out;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}
