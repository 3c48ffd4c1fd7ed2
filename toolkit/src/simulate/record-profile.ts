import { DEFAULT_PROFILE, EngineFacts, FunctionProfile, Profile } from './profile';
import { median } from '../local/median';
import type { TraceEvent } from '../local/session-trace';
import { TRACE_VALUE_LIMIT } from '../local/session-trace';

export interface RecordedProfile {
  readonly v: 1;
  /** What the figures come from. */
  readonly source: string;
  readonly dynamodb?: Partial<Profile['dynamodb']>;
  readonly lambda?: Partial<Pick<Profile['lambda'], 'runtimeOverheadSeconds' | 'dispatchSeconds'>>;
  readonly functions: Record<string, FunctionProfile>;
  readonly engine?: EngineFacts;
}


const seconds = (ms: number): number => Number((ms / 1000).toFixed(6));

/**
 * A profile measured by the local engine from one session's trace: each
 * node's user code time (median over its attempts, the runtime's
 * UserCodeDuration), its init time (median over its cold starts), the
 * checkpoint write's latency (median over commits), the rest of a
 * handler's time besides init, user code and that write (median over
 * invocations: the runtime's reads, joins and invokes, as the runtime
 * overhead, less one checkpoint read and one Invoke call, which the simulator
 * charges on their own), the DynamoDB requests' latencies (medians by
 * operation, as the engine's store proxy saw them), Lambda's dispatch (the
 * shortest time an event waited in the engine's queue), and the node's output
 * when every instance of it committed the same complete value (so a Choice
 * or Map after it sees what the engine saw). What the engine does not time
 * (the caller's side of an Invoke, S3) keeps the defaults. `engine` records
 * the engine's concurrency limit, for `unum simulate --platform engine`;
 * `checkpoints` the whole inline checkpoints by instance (LocalEngine's
 * onCheckpoint), for outputs the trace cut.
 */
export function profileFromTrace(events: readonly TraceEvent[], source: string, engine?: EngineFacts,
  checkpoints?: ReadonlyMap<string, string>): RecordedProfile {
  const nodeOf = new Map<number, string>();
  const nodeOfInstance = new Map<string, string>();
  const user = new Map<string, number[]>();
  const init = new Map<string, number[]>();
  const outputs = new Map<string, Set<string>>();
  const puts: number[] = [];
  // Per invocation: its start, its user code and the checkpoint write, to find what the handler spends besides them.
  const startOf = new Map<number, { at: number; instance: string; user: number }>();
  const putOf = new Map<string, number>();
  const overheads: number[] = [];
  const queued: number[] = [];
  let requestMs: Record<string, number> | undefined;
  for (const e of events) {
    if (e.t === 'store' && e.requestMs !== undefined) {
      requestMs = e.requestMs;
    } else if (e.t === 'inv') {
      if (e.queuedMs !== undefined) queued.push(e.queuedMs);
      nodeOf.set(e.id, e.node);
      nodeOfInstance.set(e.instance, e.node);
      startOf.set(e.id, { at: e.at, instance: e.instance, user: 0 });
    } else if (e.t === 'user') {
      const node = (e.id !== undefined ? nodeOf.get(e.id) : undefined) ?? nodeOfInstance.get(e.instance);
      if (node !== undefined) user.set(node, [...(user.get(node) ?? []), ...e.ms]);
      const started = e.id !== undefined ? startOf.get(e.id) : undefined;
      if (started) started.user += e.ms.reduce((a, b) => a + b, 0);
    } else if (e.t === 'end') {
      const node = nodeOf.get(e.id);
      if (e.cold && e.initMs !== undefined && node !== undefined) init.set(node, [...(init.get(node) ?? []), e.initMs]);
      const started = startOf.get(e.id);
      if (started && !e.error) overheads.push(e.at - started.at - (e.cold ? e.initMs ?? 0 : 0) - started.user - (putOf.get(started.instance) ?? 0));
    } else if (e.t === 'commit') {
      puts.push(e.at - e.sent);
      putOf.set(e.instance, e.at - e.sent);
      // Only a function's own checkpoint (a Pass or join list checkpoints under another instance).
      const node = nodeOfInstance.get(e.instance);
      if (node === undefined) continue;
      const set = outputs.get(node) ?? new Set<string>();
      // A cut value, an S3 object or a fan-in reference is not the value itself.
      const whole = checkpoints?.get(e.instance) ?? (e.output !== undefined && e.output.length < TRACE_VALUE_LIMIT ? e.output : undefined);
      set.add(whole !== undefined && e.s3 === undefined && !e.fanIn ? whole : '\u0000');
      outputs.set(node, set);
    }
  }
  const functions: Record<string, FunctionProfile> = {};
  for (const node of new Set([...user.keys(), ...init.keys()])) {
    const f: { -readonly [K in keyof FunctionProfile]: FunctionProfile[K] } = {};
    const u = user.get(node);
    if (u && u.length > 0) f.durationSeconds = seconds(median(u));
    const i = init.get(node);
    if (i && i.length > 0) f.initSeconds = seconds(median(i));
    const out = outputs.get(node);
    if (out && out.size === 1) {
      const [text] = [...out];
      if (text !== '\u0000') {
        try {
          f.output = JSON.parse(text);
        } catch { /* not JSON: keep the default (the input) */ }
      }
    }
    functions[node] = f;
  }
  const get = requestMs?.GetItem;
  const dynamodb = {
    ...(puts.length > 0 ? { putSeconds: seconds(median(puts)) } : {}),
    ...(get !== undefined ? { getSeconds: seconds(get) } : {}),
    ...(requestMs?.UpdateItem !== undefined ? { updateSeconds: seconds(requestMs.UpdateItem) } : {}),
    ...(requestMs?.BatchGetItem !== undefined ? { batchGetSeconds: seconds(requestMs.BatchGetItem) } : {}),
  };
  // The residual of a handler holds the checkpoint read and the successor's Invoke call, which the simulator charges
  // on their own (getSeconds, invokeSeconds: the engine cannot time the caller's side, so the default stays): they
  // are taken out, so that a chain's step costs what the engine measured.
  const charged = (get ?? DEFAULT_PROFILE.dynamodb.getSeconds * 1000) + DEFAULT_PROFILE.lambda.invokeSeconds * 1000;
  const lambda = {
    ...(overheads.length > 0 ? { runtimeOverheadSeconds: seconds(Math.max(0, median(overheads) - charged)) } : {}),
    // The shortest wait: longer ones queued behind the engine's sandbox limit (--concurrency), where Lambda scales out.
    ...(queued.length > 0 ? { dispatchSeconds: seconds(Math.min(...queued)) } : {}),
  };
  return {
    v: 1,
    source,
    ...(Object.keys(dynamodb).length > 0 ? { dynamodb } : {}),
    ...(Object.keys(lambda).length > 0 ? { lambda } : {}),
    functions,
    ...(engine !== undefined ? { engine } : {}),
  };
}
