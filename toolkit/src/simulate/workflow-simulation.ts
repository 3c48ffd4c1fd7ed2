import { conditionPaths, evaluateCondition } from 'cdk-unum/lib/protocol/conditions';
import type { Action, ChoiceAction, DagJoinAction, FailAction, JoinAction, MapAction, ParallelAction, WindowJoinAction } from 'cdk-unum/lib/protocol/config';
import { ERROR_EXCEED_TOLERATED, ERROR_TIMEOUT, exceedsTolerance, handlesFailures, USER_CODE_TIMEOUT_MARGIN_MS } from 'cdk-unum/lib/protocol/config';
import { ContextReads, contextObject, contextReads } from 'cdk-unum/lib/protocol/context';
import { applyTemplate, DataFlowError, effectiveInput, isJsonataFlow, needsRawInput, passOutput, stateOutput } from 'cdk-unum/lib/protocol/dataflow';
import { shardCapacity, shardCount, shardOf } from 'cdk-unum/lib/protocol/join';
import type { JsonataFlow, JsonataStates } from 'cdk-unum/lib/protocol/jsonata';
import {
  ERROR_QUERY_EVALUATION, evaluateJsonataTemplate, jsonataChoiceTransition, jsonataCondition, jsonataInput, jsonataItemSelector, jsonataOutput,
} from 'cdk-unum/lib/protocol/jsonata';
import { writePath } from 'cdk-unum/lib/protocol/jsonpath';
import { GC_PARTITIONS, instanceKey, joinInstanceKey } from 'cdk-unum/lib/protocol/keys';
import { failDetails, hasJsonataFields, jsonataFailDetails, jsonataWaitUntil, waitUntil } from 'cdk-unum/lib/protocol/states';
import { FunctionProfile, functionProfile, Profile } from './profile';
import { Simulation } from './simulation';
import { ITEM_OVERHEAD_BYTES, JOIN_ELEMENT_BYTES, KeyWrites, readUnits, StoreUsage } from './store-usage';
import { SimFunction, SimWorkflow } from './workflow-config';
import {
  assignedScope, batchSeconds, findCatch, ISSUE_CONCURRENCY, mapItems, outputOf, Payload, payloadBytes, preview, retriesInPlace, retryDelay, Scope,
  scopeOf, spills,
  THROTTLE_RETRY_FIRST_SECONDS, THROTTLE_RETRY_MAX_SECONDS,
} from './workflow-model';
import { admitted, WorkflowPlatform } from './workflow-platform';
import { UsageError } from '../local/assembly';

export interface SessionRecord {
  readonly id: number;
  readonly start: number;
  /** The session's input (`$$.Execution.Input` of its data flow). */
  readonly input: unknown;
  /** What eager cleanup has marked for collection: store items (markers included) and S3 objects. */
  readonly garbage: { items: number; objects: number };
  end?: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  error?: string;
  /** The invocation that ended the session: its parents are the critical path. */
  last?: InvocationRecord;
  /** Step Functions state transitions of the same execution (tasks and structural states). */
  transitions: number;
  /** Writes of the session record. */
  readonly writes: KeyWrites;
}

export interface InvocationRecord {
  readonly node: string;
  /** When the caller sent the Invoke request (the first one, before throttles). */
  readonly sent: number;
  readonly admitted: number;
  readonly init: number;
  readonly parent?: InvocationRecord;
}

/** An event on its way to a function. */
interface Call {
  readonly fn: SimFunction;
  readonly session: SessionRecord;
  readonly payload: Payload;
  readonly scope: Scope;
  readonly parent?: InvocationRecord;
  readonly sent: number;
  /** The user code's attempt (a retry that did not fit its invocation re-invokes the function). */
  readonly attempt: number;
  /** A continuation (a Wait that did not fit, a fan-out's retry or catch): run this action instead of the function. */
  readonly resume?: Action;
  /** Seconds the handler sleeps before the continuation (a fan-out's Retry interval that fits the invocation). */
  readonly sleep?: number;
  throttleDelay: number;
}

/** One running handler: it returns when its synchronous path and every join arrival it waits for are done. */
interface Handler {
  readonly call: Call;
  readonly inv: InvocationRecord;
  readonly started: number;
  end: number;
  pending: number;
  readonly finish: () => void;
  /** The inputs read already (a list is read once per invocation); most handlers read none, so it is made on first use. */
  read?: Set<Payload>;
}

interface JoinState {
  readonly size: number;
  arrived: number;
  readonly perShard: Uint32Array;
  shardsDone: number;
  readonly values: unknown[];
  readonly skipped: boolean[];
  units: number;
  /** Writes per shard item, then the root's. */
  readonly writes: KeyWrites[];
  /** Map with MaxConcurrency: issues item i + bound on item i's arrival. */
  readonly issue?: (slot: number, h: Handler, t: number) => number;
}

/** A Parallel or Map that handles failures, per session and instance (the FanoutOrigin and progress items). */
interface FanoutState {
  readonly action: ParallelAction | MapAction;
  /** The value it fanned out on (its raw input), which a retry fans out on again and a catch places the error into. */
  readonly payload: Payload;
  readonly scope: Scope;
  readonly origin: SimFunction;
  attempt: number;
  /** Attempts whose failure was claimed and decided. */
  readonly decided: Set<number>;
  /** Failed item indexes per attempt, against a Map's tolerance. */
  readonly tolerated: Map<number, Set<number>>;
}

export interface FunctionCounters {
  /** Handlers whose user code ran (attempts included). */
  userRuns: number;
}

/**
 * Sessions of one compiled workflow on the Lambda platform model, executed
 * as the runtime executes them: for each invocation the input read (S3 or
 * a join's list), the checkpoint read, the user code with its Retry and
 * Catch, the checkpoint write (to S3 above the threshold), and the egress:
 * asynchronous invokes, Choice, Parallel, Map (its size from the value at
 * itemsPath), join arrivals on sharded counters, the session's end. Every
 * service time comes from the profile; the only randomness is the seeded
 * one (failures, choice probabilities, jitter, arrivals).
 */
export class WorkflowSimulation {
  public readonly sessions: SessionRecord[] = [];
  public readonly usage = new StoreUsage();
  public readonly counters = new Map<string, FunctionCounters>();
  /** Sessions that have ended (succeeded or failed). */
  public ended = 0;
  /** Calls sent whose handler has not returned yet (or that Lambda has not dropped). */
  public active = 0;
  private readonly joins = new Map<string, JoinState>();
  private readonly fanouts = new Map<string, FanoutState>();
  /** Raw inputs of fan-outs whose join's output processing reads them (the runtime's fanoutInputItemKey). */
  private readonly rawInputs = new Map<string, unknown>();
  /** The invocations that read their session record already (the runtime's sessionFacts, once per invocation). */
  private readonly sessionRecordReads = new WeakSet<Handler>();
  private readonly profiles = new Map<string, FunctionProfile>();

  /**
   * @param startMs the calendar date of simulated time 0 (epoch ms): Timestamp waits count from it, the context object shows it
   */
  public constructor(private readonly sim: Simulation, public readonly platform: WorkflowPlatform,
    public readonly workflow: SimWorkflow, private readonly profile: Profile, private readonly startMs = 0) {
    for (const fn of workflow.byNode.values()) {
      const p = functionProfile(profile, fn.node);
      this.profiles.set(fn.node, p);
      this.counters.set(fn.node, { userRuns: 0 });
      platform.addFunction({
        name: fn.node,
        memoryMb: fn.memoryMb,
        runtime: fn.runtime,
        initTime: p.initSeconds,
        serviceTime: 0,
        reservedConcurrency: p.reservedConcurrency,
      });
    }
  }

  /** A client starts a session now: it invokes the entry function with `input`. */
  public startSession(input: unknown): SessionRecord {
    const id = this.sessions.length;
    const session: SessionRecord = {
      id,
      start: this.sim.now,
      input,
      status: 'RUNNING',
      transitions: 0,
      writes: new KeyWrites(() => `session record (session ${id})`),
      garbage: { items: 0, objects: 0 },
    };
    this.sessions.push(session);
    this.send(this.workflow.entry, session, { value: input }, scopeOf([], 0, undefined), undefined, this.sim.now, 0);
    return session;
  }

  private send(fn: SimFunction, session: SessionRecord, payload: Payload, scope: Scope, parent: InvocationRecord | undefined, t: number,
    attempt: number, resume?: Action, sleep?: number): void {
    const call: Call = { fn, session, payload, scope, parent, sent: t, attempt, resume, sleep, throttleDelay: 0 };
    this.active++;
    const arrives = t + this.profile.lambda.invokeSeconds + this.profile.lambda.dispatchSeconds;
    this.sim.schedule(arrives - this.sim.now, () => this.admit(call));
  }

  private admit(call: Call): void {
    const outcome = this.platform.invoke(call.fn.node, {
      run: (init, finish) => this.handle(call, init, () => {
        finish();
        this.active--;
      }),
    });
    if (admitted(outcome)) return;
    // Throttled: Lambda keeps the event and retries it with backoff until it is too old, then drops it (on-failure).
    call.throttleDelay = call.throttleDelay === 0 ? THROTTLE_RETRY_FIRST_SECONDS : Math.min(THROTTLE_RETRY_MAX_SECONDS, call.throttleDelay * 2);
    if (this.sim.now + call.throttleDelay - call.sent > call.fn.maxEventAgeSeconds) {
      this.endSession(call.session, 'FAILED', this.sim.now, undefined, `${call.fn.node}: event dropped after throttling for ${call.fn.maxEventAgeSeconds} s`);
      this.active--;
      return;
    }
    this.sim.schedule(call.throttleDelay, () => this.admit(call));
  }

  private handle(call: Call, init: number, finish: () => void): void {
    const now = this.sim.now;
    const inv: InvocationRecord = { node: call.fn.node, sent: call.sent, admitted: now, init, parent: call.parent };
    const h: Handler = { call, inv, started: now + init, end: now + init, pending: 0, finish };
    let t = h.started + this.profile.lambda.runtimeOverheadSeconds;
    t = this.readInput(h, call.payload, t);
    if (call.resume !== undefined) {
      this.walk(h, call.resume, call.payload, call.scope, t + (call.sleep ?? 0), call.fn.node);
    } else if (call.fn.config.entry && call.scope.frames.length === 0 && call.attempt === 0 && call.fn.config.start !== undefined) {
      // The start states run on the session input, checkpointed first; the entry's own first invocation runs inline.
      t += this.profile.dynamodb.getSeconds;
      this.usage.get();
      t = this.createSession(call, t);
      t = this.checkpoint(call.fn, call.payload, t, call.session);
      this.walk(h, call.fn.config.start.next, call.payload, call.scope, t, call.fn.config.start.node, true);
    } else {
      if (call.fn.config.entry && call.scope.frames.length === 0 && call.attempt === 0) t = this.createSession(call, t);
      this.body(h, call.payload, call.scope, t, call.attempt);
    }
    this.maybeFinish(h);
  }

  private maybeFinish(h: Handler): void {
    if (h.pending === 0) this.sim.schedule(h.end - this.sim.now, h.finish);
  }

  /** The session record with its input (runtime.ts startSession), the input in S3 when it is too large for the item. */
  private createSession(call: Call, t: number): number {
    let bytes = payloadBytes(call.payload);
    if (!call.payload.s3 && spills(bytes, call.fn.payloadThreshold)) {
      this.usage.s3Put();
      t += this.profile.s3.putSeconds;
      bytes = ITEM_OVERHEAD_BYTES;
    }
    this.usage.write(ITEM_OVERHEAD_BYTES + bytes, t, call.session.writes);
    return t + this.profile.dynamodb.putSeconds;
  }

  /** The function's own work: checkpoint read, user code (with Retry and Catch), checkpoint write, egress. */
  private body(h: Handler, input: Payload, scope: Scope, at: number, firstAttempt: number): void {
    const fn = h.call.fn;
    const p = this.profiles.get(fn.node)!;
    const d = this.profile.dynamodb;
    let t = at + d.getSeconds;
    this.usage.get();
    const duration = p.durationSeconds ?? 0;
    const failureRate = p.failureRate ?? 0;
    const counters = this.counters.get(fn.node)!;
    for (let attempt = firstAttempt; ; attempt++) {
      counters.userRuns++;
      h.call.session.transitions++;
      // The runtime stops user code at the invocation's remaining time less its margin: States.Timeout.
      const budget = Math.max(0, fn.timeoutSeconds - (t - h.started) - USER_CODE_TIMEOUT_MARGIN_MS / 1000);
      const timedOut = duration > budget;
      t += timedOut ? budget : duration;
      if (!timedOut && (failureRate === 0 || this.sim.random() >= failureRate)) break;
      const error = timedOut ? ERROR_TIMEOUT : 'Error';
      const delay = retryDelay(fn.config.retry, attempt, this.sim.random, error);
      if (delay === undefined) {
        const why = timedOut ? `did not finish within ${budget.toFixed(3)} s (the function's timeout)` : 'failed';
        return this.catchOrFail(h, input, scope, t, error, timedOut ? 'simulated timeout' : 'simulated failure',
          `${fn.node}: the user code ${why} and no Retry or Catch rule is left`);
      }
      if (!retriesInPlace(delay, fn.timeoutSeconds - (t - h.started))) {
        this.send(fn, h.call.session, input, scope, h.inv, t + delay - this.profile.lambda.invokeSeconds, attempt + 1);
        h.end = Math.max(h.end, t + this.profile.lambda.invokeSeconds);
        return;
      }
      t += delay;
    }
    const flow = fn.config.dataFlow;
    if (flow !== undefined && isJsonataFlow(flow)) return this.jsonataTask(h, flow, input, scope, t, p);
    let output = outputOf(p, input);
    if (flow !== undefined) {
      // JSONPath data flow on the simulated values, as the runtime applies it.
      const ctx = this.context(h, fn.node, t, contextReads([flow.parameters, flow.resultSelector], [flow.inputPath, flow.outputPath]));
      t = ctx.t;
      const shaped = this.shape(h, scope, t, () => {
        const effective = effectiveInput(flow, input.value, ctx.context);
        return stateOutput(flow, input.value, p.output !== undefined ? p.output : effective, undefined, ctx.context);
      });
      if (shaped === undefined) return;
      output = { value: shaped.value, bytes: p.outputBytes };
    }
    t = this.checkpoint(fn, output, t, h.call.session);
    this.walk(h, fn.config.next, output, scope, t, fn.node);
  }

  /**
   * A function with JSONata data flow (runtime.ts execute): Arguments on its input, the profile's output (else the
   * Arguments' value) as `$states.result`, then Output and Assign; the assigned variables go on with the output. An
   * expression that fails is an error of the state, which its Catch takes (retrying it would fail the same way).
   */
  private jsonataTask(h: Handler, flow: JsonataFlow, input: Payload, scope: Scope, t: number, p: FunctionProfile): void {
    const fn = h.call.fn;
    const inputContext = this.context(h, fn.node, t, contextReads([flow.arguments], []));
    const outputContext = this.context(h, fn.node, inputContext.t, contextReads([flow.output, flow.assign], []));
    const at = outputContext.t;
    this.evaluate(h, scope, at, async () => {
      const args = await jsonataInput(flow, input.value, inputContext.context, scope.variables);
      const result = p.output !== undefined ? p.output : args;
      return jsonataOutput(flow, { input: input.value, result, context: outputContext.context }, scope.variables);
    }, (out) => {
      const next = assignedScope(scope, flow, out.variables);
      const output: Payload = { value: out.output, bytes: p.outputBytes };
      this.walk(h, fn.config.next, output, next, this.checkpoint(fn, output, at, h.call.session), fn.node);
    }, (e) => this.catchOrFail(h, input, scope, at, e.name, e.message, `${fn.node}: ${e.message}`));
  }

  /**
   * The state's error after its retries (runtime.ts execute): the first Catch rule that matches places `{ Error, Cause }`
   * (its ResultPath into the input, or a JSONata catcher's Output and Assign), checkpoints it and goes on; else the scope fails.
   */
  private catchOrFail(h: Handler, input: Payload, scope: Scope, t: number, error: string, cause: string, failure: string): void {
    const fn = h.call.fn;
    const rule = findCatch(fn.config.catch, error);
    if (rule === undefined) return this.failInScope(h, scope, t, error, failure);
    const errorOutput = { Error: error, Cause: cause };
    const go = (value: unknown, next: Scope, at: number): void =>
      this.walk(h, rule.next, { value }, next, this.checkpoint(fn, { value }, at, h.call.session), fn.node);
    const catcher = rule.jsonata;
    if (catcher === undefined) {
      const placed = this.shape(h, scope, t, () => writePath(input.value, rule.resultPath, errorOutput));
      if (placed !== undefined) go(placed.value, scope, t);
      return;
    }
    this.outputAndAssign(h, fn.node, catcher, { input: input.value, errorOutput }, scope, t, go);
  }

  /**
   * Goes on with the value of an asynchronous evaluation (JSONata's): the simulated clock holds while it runs and the
   * handler stays open until `then` has run. A DataFlowError goes to `failed`, by default failing the scope.
   */
  private evaluate<T>(h: Handler, scope: Scope, t: number, compute: () => Promise<T>, then: (value: T) => void,
    failed: (e: DataFlowError) => void = (e) => this.failInScope(h, scope, t, e.name, e.message)): void {
    h.pending++;
    this.sim.hold(async () => {
      let value: T;
      try {
        value = await compute();
      } catch (e) {
        if (!(e instanceof DataFlowError)) throw e;
        failed(e);
        return this.release(h);
      }
      then(value);
      this.release(h);
    });
  }

  private release(h: Handler): void {
    h.pending--;
    this.maybeFinish(h);
  }

  /**
   * A JSONata state's Output and Assign on `states` and the context object they read, evaluated in `scope`: `then`
   * gets the output, the scope after the Assign and the time after the context's reads.
   */
  private outputAndAssign(h: Handler, state: string, flow: JsonataFlow, states: JsonataStates, scope: Scope, t: number,
    then: (output: unknown, next: Scope, at: number) => void): void {
    const ctx = this.context(h, state, t, contextReads([flow.output, flow.assign], []));
    this.evaluate(h, scope, ctx.t, () => jsonataOutput(flow, { ...states, context: ctx.context }, scope.variables),
      (out) => then(out.output, assignedScope(scope, flow, out.variables), ctx.t));
  }

  /** The conditional put of a checkpoint; the value goes to S3 first when it is too large for the item. */
  private checkpoint(fn: SimFunction, output: Payload, t: number, session: SessionRecord): number {
    const bytes = payloadBytes(output);
    const spilled = spills(bytes, fn.payloadThreshold);
    if (spilled) {
      this.usage.s3Put();
      t += this.profile.s3.putSeconds;
    }
    // Eager cleanup marks the checkpoint (and its object) before writing it (gc.ts trackGarbage).
    t = this.trackGarbage(fn, session, t, 1, 0);
    if (spilled) t = this.trackGarbage(fn, session, t, 0, 1);
    this.usage.write(spilled ? ITEM_OVERHEAD_BYTES * 2 : ITEM_OVERHEAD_BYTES + bytes, t);
    return t + this.profile.dynamodb.putSeconds;
  }

  /**
   * With eager cleanup (the workflow's eagerCleanup), one put of a garbage marker that names `items` store items
   * and `objects` S3 objects for the session's collection; without it, nothing.
   */
  private trackGarbage(fn: SimFunction, session: SessionRecord, t: number, items: number, objects: number): number {
    if (!fn.eagerGc) return t;
    this.usage.write(ITEM_OVERHEAD_BYTES, t);
    session.garbage.items += 1 + items;
    session.garbage.objects += objects;
    return t + this.profile.dynamodb.putSeconds;
  }

  /**
   * The session's collection by the function that ended it (gc.ts collectGarbage): a consistent Query of each
   * garbage partition, BatchWriteItem deletes of 25 items, 8 at a time, and S3 deletes, 16 at a time (DELETE is
   * not billed). It runs after the session ended, so it lengthens the invocation, not the session.
   */
  private collectGarbage(session: SessionRecord, t: number): number {
    const d = this.profile.dynamodb;
    const { items, objects } = session.garbage;
    for (let p = 0; p < GC_PARTITIONS; p++) this.usage.get(ITEM_OVERHEAD_BYTES * Math.ceil(items / GC_PARTITIONS));
    t += GC_PARTITIONS * d.getSeconds;
    this.usage.batchDelete(items);
    t += Math.ceil(Math.ceil(items / 25) / 8) * d.putSeconds;
    return t + Math.ceil(objects / 16) * this.profile.s3.putSeconds;
  }

  /** Reads an input that is not inline, once per handler: an S3 object, or a join's shards and then the branch checkpoints. */
  private readInput(h: Handler, p: Payload, t: number): number {
    if (!p.s3 && !p.fanIn) return t;
    h.read ??= new Set();
    if (h.read.has(p)) return t;
    if (p.s3) {
      h.read.add(p);
      this.usage.s3Get();
      return t + this.profile.s3.getSeconds;
    }
    if (p.fanIn) {
      h.read.add(p);
      const b = this.profile.dynamodb.batchGetSeconds;
      this.usage.batchGet(p.fanIn.shards, p.fanIn.shards);
      this.usage.batchGet(p.fanIn.items, p.fanIn.units);
      return t + batchSeconds(p.fanIn.shards, b) + batchSeconds(p.fanIn.items, b);
    }
    return t;
  }

  /** The egress from `action` at time `t`; `source` is the node the value comes from (a join arrival's source). */
  private walk(h: Handler, action: Action, payload: Payload, scope: Scope, t: number, source: string | undefined, inlineStart = false): void {
    const session = h.call.session;
    if (session.status !== 'RUNNING' && session.end !== undefined && session.end <= t) return;
    const lambda = this.profile.lambda;
    const d = this.profile.dynamodb;
    switch (action.kind) {
      case 'invoke': {
        const target = this.workflow.byFunctionName.get(action.functionName) ?? this.workflow.byNode.get(action.node);
        if (target === undefined) throw new UsageError(`node ${h.call.fn.node} invokes ${action.functionName}, which is not a function of workflow ${this.workflow.name}`);
        const next = scopeOf(scope.frames, action.loop ? scope.iteration + 1 : scope.iteration, scope.variables);
        if (inlineStart && target === h.call.fn) return this.body(h, payload, next, t, 0);
        let sent = payload;
        if (!payload.fanIn && !payload.s3 && payloadBytes(payload) > target.payloadThreshold) {
          this.usage.s3Put();
          t += this.profile.s3.putSeconds;
          sent = { value: payload.value, bytes: payload.bytes, s3: true };
          t = this.trackGarbage(h.call.fn, session, t, 0, 1);
        }
        this.send(target, session, sent, next, h.inv, t, 0);
        h.end = Math.max(h.end, t + lambda.invokeSeconds);
        return;
      }
      case 'choice':
        return this.choice(h, action, payload, scope, t, source, inlineStart);
      case 'pass':
      case 'wait':
        return this.passOrWait(h, action, payload, scope, t, inlineStart);
      case 'parallel': {
        session.transitions++;
        const iteration = action.loop ? scope.iteration + 1 : scope.iteration;
        const size = action.branches.length;
        const handling = this.failureHandling(h, action, payload, scope, iteration, t);
        return this.fanOutInput(h, action, payload, scope, iteration, handling.t, (input, at) => action.branches.forEach((branch, index) =>
          this.walk(h, branch, input, scopeOf([...scope.frames, { fanout: action.fanout, index, size, iteration, ...handling.attempt }], iteration,
            scope.variables), at, source, inlineStart)));
      }
      case 'map':
        return this.map(h, action, payload, scope, t, source, inlineStart);
      case 'fanOutOutput': {
        t = this.readInput(h, payload, t);
        const key = `${session.id}|${instanceKey(action.fanout, scope.frames, scope.iteration)}`;
        if (needsRawInput(action.dataFlow)) {
          // The raw input recorded when it fanned out (fanoutInputItemKey).
          this.usage.get();
          t += d.getSeconds;
        }
        const raw = this.rawInputs.get(key);
        const flow = action.dataFlow;
        const go = (value: unknown, next: Scope, at: number): void => {
          const output: Payload = { value };
          if (action.next.kind === 'join') at = this.checkpoint(h.call.fn, output, at, session);
          this.walk(h, action.next, output, next, at, action.fanout, inlineStart);
        };
        if (isJsonataFlow(flow)) {
          // Output (default: the list) and Assign on $states.result (the list) and $states.input (the raw input).
          return this.outputAndAssign(h, action.fanout, flow, { input: raw, result: payload.value }, scope, t, go);
        }
        const ctx = this.context(h, action.fanout, t, contextReads([flow.resultSelector], [flow.outputPath]));
        const shaped = this.shape(h, scope, ctx.t, () => stateOutput(flow, raw, payload.value, undefined, ctx.context));
        if (shaped !== undefined) go(shaped.value, scope, ctx.t);
        return;
      }
      case 'join': {
        const inner = scope.frames[scope.frames.length - 1];
        const outer = scopeOf(scope.frames.slice(0, -1), inner.iteration, scope.variables);
        return this.arrive(h, joinInstanceKey(action.join, scope.frames), action.join, inner.index, inner.size, payload, t, false,
          (list, at, state) => {
            const ref: Payload = { value: list, fanIn: { shards: shardCount(inner.size), items: inner.size, units: state.units } };
            if (action.then.kind === 'join') at = this.cascade(at);
            this.walk(h, action.then, ref, outer, at, action.join);
          });
      }
      case 'dagJoin':
        return this.dagJoin(h, action, payload, scope, t, false);
      case 'skip':
        action.joins.forEach((j) => this.dagJoin(h, j, payload, scope, t, true));
        return this.walk(h, action.next, payload, scope, t, source, inlineStart);
      case 'windowJoin':
        return this.windowJoin(h, action, payload, scope, t);
      case 'succeed': {
        t = this.readInput(h, payload, t);
        // The result refers to the join's list, except with eager cleanup, which deletes the list: then it is the value.
        const resultBytes = !payload.fanIn ? payloadBytes(payload) : h.call.fn.eagerGc ? Buffer.byteLength(JSON.stringify(payload.value ?? null)) : 0;
        this.usage.write(ITEM_OVERHEAD_BYTES + resultBytes, t, session.writes);
        this.endSession(session, 'SUCCEEDED', t + d.updateSeconds, h.inv);
        h.end = Math.max(h.end, h.call.fn.eagerGc ? this.collectGarbage(session, t + d.updateSeconds) : t + d.updateSeconds);
        return;
      }
      case 'fail':
        return this.fail(h, action, payload, scope, t);
    }
  }

  /**
   * A Fail state: its error and cause (fixed, ErrorPath and CausePath, or JSONata) fail the scope: inside a
   * Parallel's branch or a Map's item that state, which may retry or catch it.
   */
  private fail(h: Handler, action: FailAction, payload: Payload, scope: Scope, t: number): void {
    h.call.session.transitions++;
    const failWith = (details: { error: string; cause?: string }): void =>
      this.failInScope(h, scope, t, details.error, `Fail state ${action.node}: ${details.error}${details.cause === undefined ? '' : `: ${details.cause}`}`);
    if (!hasJsonataFields(action)) {
      if (action.errorPath !== undefined || action.causePath !== undefined) t = this.readInput(h, payload, t);
      const details = this.shape(h, scope, t, () => failDetails(action, payload.value));
      if (details !== undefined) failWith(details.value as { error: string; cause?: string });
      return;
    }
    t = this.readInput(h, payload, t);
    const ctx = this.context(h, action.node, t, contextReads([action.error, action.cause], []));
    t = ctx.t;
    const jsonataScope = { input: payload.value, context: ctx.context, variables: scope.variables };
    this.evaluate(h, scope, t, () => jsonataFailDetails(action, jsonataScope), failWith);
  }

  /**
   * A Choice: the profile's probabilities when it gives them, else its rules on the simulated value (JSONata
   * conditions with the variables in scope); then a JSONata Choice's Output and Assign on the way out.
   */
  private choice(h: Handler, action: ChoiceAction, payload: Payload, scope: Scope, t: number, source: string | undefined,
    inlineStart: boolean): void {
    const session = h.call.session;
    session.transitions++;
    t = this.readInput(h, payload, t);
    const go = (index: number, value: unknown, next: Scope, at: number): void => {
      const then = index < action.rules.length ? action.rules[index].then : action.otherwise;
      if (then === undefined) {
        const d = this.profile.dynamodb;
        this.endSession(session, 'FAILED', at + d.updateSeconds, h.inv, `choice '${action.node}': no rule matched the simulated value ${preview(value)}`);
        this.usage.write(ITEM_OVERHEAD_BYTES, at, session.writes);
        h.end = Math.max(h.end, at + d.updateSeconds);
        return;
      }
      if (value !== payload.value && (then.kind === 'join' || then.kind === 'dagJoin')) at = this.checkpoint(h.call.fn, { value }, at, session);
      this.walk(h, then, value === payload.value ? payload : { value }, next, at, source, inlineStart);
    };
    const weighted = this.profile.choices[action.node] !== undefined;
    const jsonataRules = action.rules.filter((r) => r.when.op === 'jsonata').map((r) => (r.when as { expression: string }).expression);
    const transition = action.jsonata !== undefined || action.rules.some((r) => r.jsonata !== undefined);
    const paths = action.rules.flatMap((r) => conditionPaths(r.when));
    if (!transition && (weighted || jsonataRules.length === 0)) {
      const ctx = weighted ? { context: undefined, t } : this.context(h, action.node, t, contextReads([], paths));
      return go(weighted ? this.weightedChoice(action) : this.firstRule(action, payload.value, ctx.context), payload.value, scope, ctx.t);
    }
    const templates = [action.jsonata?.output, action.jsonata?.assign, ...action.rules.flatMap((r) => [r.jsonata?.output, r.jsonata?.assign])];
    const ctx = this.context(h, action.node, t, contextReads([...jsonataRules, ...templates], paths));
    this.evaluate(h, scope, ctx.t, async () => {
      const index = weighted ? this.weightedChoice(action) : await this.firstJsonataRule(action, payload.value, ctx.context, scope);
      const rule = action.rules[index] as ChoiceAction['rules'][number] | undefined;
      if (!transition || (rule?.then ?? action.otherwise) === undefined) return { index, output: payload.value, variables: scope.variables };
      const out = await jsonataChoiceTransition(action.jsonata, rule?.jsonata, { input: payload.value, context: ctx.context }, scope.variables);
      return { index, ...out };
    }, (chosen) => go(chosen.index, chosen.output, scopeOf(scope.frames, scope.iteration, chosen.variables), ctx.t),
    (e) => this.failInScope(h, scope, ctx.t, e.name,
      `choice '${action.node}': ${e.message} (on the simulated value ${preview(payload.value)}; or give its branch probabilities in the profile: `
      + `"choices": { "${action.node}": [p1, ..., pOtherwise] })`));
  }

  private passOrWait(h: Handler, action: Extract<Action, { kind: 'pass' | 'wait' }>, payload: Payload, scope: Scope, t: number, inlineStart: boolean): void {
    h.call.session.transitions++;
    if (action.kind === 'pass') {
      // A Pass reaching a join checkpoints its value so the join's reader finds it.
      const go = (value: Payload, next: Scope, at: number): void => {
        if (action.next.kind === 'join' || action.next.kind === 'dagJoin') at = this.checkpoint(h.call.fn, value, at, h.call.session);
        this.walk(h, action.next, value, next, at, action.node, inlineStart);
      };
      const flow = action.dataFlow;
      if (isJsonataFlow(flow)) {
        // Output (default: the input) and Assign, both on $states.input; the variables go on with the value.
        t = this.readInput(h, payload, t);
        return this.outputAndAssign(h, action.node, flow, { input: payload.value }, scope, t, (output, next, at) => go({ value: output }, next, at));
      }
      if (Object.keys(flow).length === 0) return go(payload, scope, t);
      t = this.readInput(h, payload, t);
      const ctx = this.context(h, action.node, t, contextReads([flow.parameters, flow.result], [flow.inputPath, flow.outputPath]));
      const shaped = this.shape(h, scope, ctx.t, () => passOutput(flow, payload.value, ctx.context));
      if (shaped !== undefined) go({ value: shaped.value }, scope, ctx.t);
      return;
    }
    const after = (seconds: number, at: number): void => {
      if (retriesInPlace(seconds, h.call.fn.timeoutSeconds - (at - h.started))) {
        return this.walk(h, action.next, payload, scope, at + seconds, action.node, inlineStart);
      }
      // Too long for this invocation: the function re-invokes itself to continue after the wait.
      this.send(h.call.fn, h.call.session, payload, scope, h.inv, at + seconds - this.profile.lambda.invokeSeconds, 0, action.next);
      h.end = Math.max(h.end, at + this.profile.lambda.invokeSeconds);
    };
    // The runtime reads the value (from S3 when it spilled) only when the wait reads it.
    const jsonata = hasJsonataFields(action);
    if (jsonata || action.secondsPath !== undefined || action.timestampPath !== undefined) t = this.readInput(h, payload, t);
    // Only a timestamp needs the calendar date; seconds count from 0, exact in floating point.
    const dated = action.timestamp !== undefined || action.timestampPath !== undefined;
    if (!jsonata) {
      const nowMs = dated ? this.epochMs(t) : 0;
      const until = this.shape(h, scope, t, () => waitUntil(action, payload.value, nowMs));
      if (until !== undefined) after(((until.value as number) - nowMs) / 1000, t);
      return;
    }
    const ctx = this.context(h, action.node, t, contextReads([action.seconds, action.timestamp], []));
    const at = ctx.t;
    const nowMs = dated ? this.epochMs(at) : 0;
    this.evaluate(h, scope, at, () => jsonataWaitUntil(action, { input: payload.value, context: ctx.context, variables: scope.variables }, nowMs),
      (until) => after((until - nowMs) / 1000, at));
  }

  private map(h: Handler, action: MapAction, payload: Payload, scope: Scope, t: number, source: string | undefined, inlineStart: boolean): void {
    h.call.session.transitions++;
    t = this.readInput(h, payload, t);
    const iteration = action.loop ? scope.iteration + 1 : scope.iteration;
    this.fanOutInput(h, action, payload, scope, iteration, t, (input, at) => {
      const mapInput = input.value;
      if (action.items === undefined) {
        const items = mapItems(action.fanout, mapInput, action.itemsPath, action.width);
        const selector = action.itemSelector;
        const reads = contextReads([selector], []);
        const itemInput = selector === undefined || typeof selector === 'string' ? (index: number): unknown => items[index]
          : (index: number): unknown => applyTemplate(selector, mapInput, 'ItemSelector', this.context(h, action.fanout, at, reads, { index, value: items[index] }).context);
        return this.fanOutItems(h, action, payload, scope, iteration, at, items.length, itemInput, source, inlineStart);
      }
      // A JSONata Map: its Items, then every item's ItemSelector, evaluated before it fans out.
      const ctx = this.context(h, action.fanout, at, contextReads([action.items], []));
      const selectorReads = contextReads([action.itemSelector], []);
      this.evaluate(h, scope, ctx.t, async () => {
        const items = await evaluateJsonataTemplate(action.items, { input: mapInput, context: ctx.context }, scope.variables, 'Items');
        if (!Array.isArray(items)) {
          throw new DataFlowError(ERROR_QUERY_EVALUATION, `map '${action.fanout}': Items must evaluate to an array, got ${preview(items)}`);
        }
        if (action.itemSelector === undefined) return items;
        const inputs: unknown[] = [];
        for (let index = 0; index < items.length; index++) {
          const context = this.context(h, action.fanout, ctx.t, selectorReads, { index, value: items[index] }).context;
          inputs.push(await jsonataItemSelector(action.itemSelector, mapInput, context, scope.variables));
        }
        return inputs;
      }, (inputs) => this.fanOutItems(h, action, payload, scope, iteration, ctx.t, inputs.length, (index) => inputs[index], source, inlineStart));
    });
  }

  /** A Map's items issued as the runtime issues them: all at once 64 at a time, or its MaxConcurrency at a time, each arrival issuing the next. */
  private fanOutItems(h: Handler, action: MapAction, payload: Payload, scope: Scope, iteration: number, t: number, size: number,
    itemInput: (index: number) => unknown, source: string | undefined, inlineStart: boolean): void {
    if (size === 0) return this.walk(h, action.onEmpty, { value: [] }, scopeOf(scope.frames, iteration, scope.variables), t, undefined, inlineStart);
    const bound = action.maxConcurrency ?? 0;
    const handling = this.failureHandling(h, action, payload, scope, iteration, t);
    t = handling.t;
    if (bound > 0 && !handlesFailures(action)) {
      // The FanoutOrigin record: who issues later items.
      this.usage.write(ITEM_OVERHEAD_BYTES, t);
      t += this.profile.dynamodb.updateSeconds;
    }
    const issue = (index: number, from: Handler, at: number): void => this.walk(from, action.item, { value: itemInput(index) },
      scopeOf([...scope.frames, { fanout: action.fanout, index, size, iteration, ...handling.attempt }], iteration, scope.variables),
      at, source, inlineStart && from === h);
    const first = bound > 0 ? Math.min(bound, size) : size;
    const limit = bound > 0 ? bound : ISSUE_CONCURRENCY;
    for (let i = 0; i < first; i++) issue(i, h, t + Math.floor(i / limit) * this.profile.lambda.invokeSeconds);
    if (bound > 0 && bound < size) {
      // Item i's arrival at the join reads the FanoutOrigin and issues item i + bound (the runtime asks the origin function to).
      const join = joinInstanceKey(action.join, [...scope.frames, { fanout: action.fanout, index: 0, size, iteration }]);
      this.joinState(`${h.call.session.id}|${join}`, size, (slot, from, at) => {
        if (slot + bound >= size) return at;
        this.usage.get();
        const next = at + this.profile.dynamodb.getSeconds;
        issue(slot + bound, from, next);
        return next;
      });
    }
  }

  private dagJoin(h: Handler, action: DagJoinAction, payload: Payload, scope: Scope, t: number, skipped: boolean): void {
    const frames = scope.frames.slice(0, action.depth);
    const iteration = action.depth < scope.frames.length ? scope.frames[action.depth].iteration : scope.iteration;
    const size = action.slots.length;
    this.arrive(h, instanceKey(action.join, frames, iteration), action.join, action.slot, size, payload, t, skipped, (list, at, state) => {
      const outer = scopeOf(frames, iteration, scope.variables);
      if (state.skipped.every((s) => s)) {
        (action.ifAllSkipped ?? []).forEach((next) => this.dagJoin(h, next, payload, outer, at, true));
        return;
      }
      const ref: Payload = { value: list, fanIn: { shards: 0, items: size, units: state.units } };
      this.walk(h, action.then, ref, outer, at, action.join);
    });
  }

  /**
   * A window join across Map items (egress.ts windowJoin): item i arrives at the window of item i - offset in slot
   * offset's index, for each offset; a window is complete when every one of its neighbours inside the Map arrived,
   * and the arrival that completes it continues `then` in that item's scope.
   */
  private windowJoin(h: Handler, action: WindowJoinAction, payload: Payload, scope: Scope, t: number): void {
    const inner = scope.frames[scope.frames.length - 1];
    if (inner === undefined) throw new UsageError(`window join '${action.join}' is reached outside a map item`);
    const inMap = (index: number): boolean => index >= 0 && index < inner.size;
    const size = action.offsets.length;
    action.offsets.forEach((offset, slot) => {
      const target = inner.index - offset;
      if (!inMap(target)) return;
      const frames = [...scope.frames.slice(0, -1), { ...inner, index: target }];
      const present = action.offsets.filter((o) => inMap(target + o)).length;
      this.arrive(h, instanceKey(action.join, frames, scope.iteration), action.join, slot, size, payload, t, false, (list, at, state) => {
        const ref: Payload = { value: list.map((v) => v ?? null), fanIn: { shards: 0, items: size, units: state.units } };
        this.walk(h, action.then, ref, scopeOf(frames, scope.iteration, scope.variables), at, action.join);
      }, present);
    });
  }

  /**
   * The context object a state's JSONPath data flow reads, with the simulated session's facts, and the time after
   * the read of the session record the runtime makes (once per invocation) when the flow reads Execution.Input or StartTime.
   */
  private context(h: Handler, state: string, t: number, reads: ContextReads,
    mapItem?: { index: number; value: unknown }): { context: Record<string, unknown> | undefined; t: number } {
    if (!reads.context) return { context: undefined, t };
    if (reads.sessionRecord && !this.sessionRecordReads.has(h)) {
      this.sessionRecordReads.add(h);
      this.usage.get();
      t += this.profile.dynamodb.getSeconds;
    }
    const session = h.call.session;
    return {
      t,
      context: contextObject({
        workflow: this.workflow.name,
        session: `simulated-${session.id}`,
        state,
        attempt: 0,
        enteredTime: new Date(this.epochMs(t)).toISOString(),
        startTime: new Date(this.epochMs(session.start)).toISOString(),
        input: session.input,
        ...(mapItem ? { mapItem } : {}),
      }),
    };
  }

  /** The calendar time of simulated time `t`, in epoch ms. */
  private epochMs(t: number): number {
    return this.startMs + t * 1000;
  }

  /** Applies a JSONPath data flow; a DataFlowError (States.Runtime) fails the scope as the runtime's routing does. */
  private shape(h: Handler, scope: Scope, t: number, apply: () => unknown): { value: unknown } | undefined {
    try {
      return { value: apply() };
    } catch (e) {
      if (!(e instanceof DataFlowError)) throw e;
      this.failInScope(h, scope, t, e.name, e.message);
      return undefined;
    }
  }

  /**
   * What a Parallel's or Map's branches start from, handed to `then`: its InputPath (a JSONata Parallel: its Arguments)
   * applied to the raw input, recorded first (one conditional put) when the output processing at its join reads it (needsRawInput).
   */
  private fanOutInput(h: Handler, action: ParallelAction | MapAction, payload: Payload, scope: Scope, iteration: number, t: number,
    then: (input: Payload, t: number) => void): void {
    const args = action.kind === 'parallel' ? action.arguments : undefined;
    if (!action.recordInput && action.inputPath === undefined && args === undefined) return then(payload, t);
    t = this.readInput(h, payload, t);
    if (action.recordInput) {
      this.rawInputs.set(`${h.call.session.id}|${instanceKey(action.fanout, scope.frames, iteration)}`, payload.value);
      this.usage.write(ITEM_OVERHEAD_BYTES + payloadBytes(payload), t);
      t += this.profile.dynamodb.putSeconds;
    }
    if (args !== undefined) {
      const ctx = this.context(h, action.fanout, t, contextReads([args], []));
      return this.evaluate(h, scope, ctx.t, () => evaluateJsonataTemplate(args, { input: payload.value, context: ctx.context }, scope.variables, 'Arguments'),
        (value) => then({ value }, ctx.t));
    }
    if (action.inputPath === undefined) return then(payload, t);
    const ctx = this.context(h, action.fanout, t, contextReads([], [action.inputPath]));
    const shaped = this.shape(h, scope, ctx.t, () => effectiveInput({ inputPath: action.inputPath }, payload.value, ctx.context));
    if (shaped !== undefined) then({ value: shaped.value }, ctx.t);
  }

  /**
   * A Parallel or Map that handles failures (Retry, Catch, tolerated failures) records its FanoutOrigin before it
   * fans out (one UpdateItem) and puts its attempt into its frames; the state of its attempts is kept here.
   */
  private failureHandling(h: Handler, action: ParallelAction | MapAction, payload: Payload, scope: Scope, iteration: number,
    t: number): { attempt: { attempt?: number }; t: number } {
    if (!handlesFailures(action)) return { attempt: {}, t };
    const key = `${h.call.session.id}|${instanceKey(action.fanout, scope.frames, iteration)}`;
    let state = this.fanouts.get(key);
    if (state === undefined) {
      state = { action, payload, scope, origin: h.call.fn, attempt: 0, decided: new Set(), tolerated: new Map() };
      this.fanouts.set(key, state);
    }
    this.usage.write(ITEM_OVERHEAD_BYTES, t);
    return { attempt: { attempt: state.attempt }, t: t + this.profile.dynamodb.updateSeconds };
  }

  /**
   * A branch, item or session path failed for good at `t` (fanout-failure.ts reportFanoutFailure): the innermost
   * enclosing fan-out that handles failures takes it (its origin function is invoked to retry every branch or to run
   * the catch handler), a Map within its tolerance joins the item as `{ Error, Cause }`, and without one the session fails.
   */
  private failInScope(h: Handler, scope: Scope, t: number, error: string, cause: string): void {
    const session = h.call.session;
    const d = this.profile.dynamodb;
    let k = scope.frames.length - 1;
    while (k >= 0 && scope.frames[k].attempt === undefined) k--;
    if (k < 0) {
      this.usage.write(ITEM_OVERHEAD_BYTES, t, session.writes);
      this.endSession(session, 'FAILED', t + d.updateSeconds, h.inv, cause);
      h.end = Math.max(h.end, t + d.updateSeconds);
      return;
    }
    const frame = scope.frames[k];
    const outerFrames = scope.frames.slice(0, k);
    const state = this.fanouts.get(`${session.id}|${instanceKey(frame.fanout, outerFrames, frame.iteration)}`)!;
    // The fan-out's own scope, with the variables of when it fanned out (its FanoutOrigin's).
    const outer = scopeOf(outerFrames, frame.iteration, state.scope.variables);
    // The origin record is read first; the failure of an abandoned attempt is dropped.
    this.usage.get();
    t += d.getSeconds;
    h.end = Math.max(h.end, t);
    if (state.attempt !== frame.attempt) return;
    const action = state.action;
    if (action.kind === 'map' && (action.toleratedFailureCount !== undefined || action.toleratedFailurePercentage !== undefined)) {
      const failed = state.tolerated.get(state.attempt) ?? new Set<number>();
      state.tolerated.set(state.attempt, failed.add(frame.index));
      this.usage.write(ITEM_OVERHEAD_BYTES + failed.size * JOIN_ELEMENT_BYTES, t);
      t += d.updateSeconds;
      if (!exceedsTolerance(action, failed.size, frame.size)) {
        // Within the tolerance the item joins as { Error, Cause }, checkpointed under the Map's name.
        const value = { Error: error, Cause: cause };
        t = this.checkpoint(h.call.fn, { value }, t, h.call.session);
        const join: JoinAction = { kind: 'join', join: action.join, sources: action.sources ?? [action.fanout], then: action.onEmpty };
        return this.walk(h, join, { value }, scopeOf(scope.frames.slice(0, k + 1), outer.iteration, outer.variables), t, action.fanout);
      }
      error = ERROR_EXCEED_TOLERATED;
    }
    // The first failing branch of the attempt claims the decision (one if_not_exists write); later ones stop here.
    this.usage.write(ITEM_OVERHEAD_BYTES, t);
    t += d.updateSeconds;
    h.end = Math.max(h.end, t);
    if (state.decided.has(state.attempt)) return;
    state.decided.add(state.attempt);
    const origin = state.origin;
    const delay = retryDelay(action.retry ?? [], state.attempt, this.sim.random, error);
    if (delay !== undefined) {
      // The origin sleeps out the interval (re-invoked when it does not fit), moves the attempt on and fans out again.
      state.attempt++;
      const inPlace = retriesInPlace(delay, origin.timeoutSeconds);
      this.send(origin, session, state.payload, state.scope, h.inv, inPlace ? t : t + delay, 0, action, inPlace ? delay : 0);
      return;
    }
    const rule = findCatch(action.catch ?? [], error);
    if (rule === undefined) {
      // The origin fails in its own scope, which an enclosing fan-out may handle in turn.
      return this.failInScope(h, outer, t + this.profile.lambda.invokeSeconds, error, cause);
    }
    const errorOutput = { Error: error, Cause: cause };
    const catcher = rule.jsonata;
    if (catcher === undefined) {
      const placed = this.shape(h, outer, t, () => writePath(state.payload.value, rule.resultPath, errorOutput));
      if (placed !== undefined) this.send(origin, session, { value: placed.value }, outer, h.inv, t, 0, rule.next);
      return;
    }
    // A JSONata catcher's Output and Assign on the error and the raw input; an error there is not caught again.
    this.outputAndAssign(h, action.fanout, catcher, { input: state.payload.value, errorOutput }, outer, t,
      (output, handler, at) => this.send(origin, session, { value: output }, handler, h.inv, at, 0, rule.next));
  }

  private joinState(key: string, size: number, issue?: JoinState['issue']): JoinState {
    let state = this.joins.get(key);
    if (state === undefined) {
      state = {
        size,
        arrived: 0,
        perShard: new Uint32Array(shardCount(size)),
        shardsDone: 0,
        values: new Array(size),
        skipped: new Array(size).fill(false),
        units: 0,
        writes: [],
        issue,
      };
      this.joins.set(key, state);
    }
    return state;
  }

  /**
   * A join arrival at time `t` (egress.ts arrive): the set ADD on the slot's
   * shard, the root's ADD when it completes a shard of a sharded join, and
   * the completion claim; the completing arrival continues in this handler.
   */
  private arrive(h: Handler, key: string, join: string, slot: number, size: number, payload: Payload, t: number, skipped: boolean,
    complete: (list: unknown[], at: number, state: JoinState) => void, needed = size): void {
    h.pending++;
    const session = h.call.session;
    this.sim.schedule(t - this.sim.now, () => {
      const u = this.profile.dynamodb.updateSeconds;
      const state = this.joinState(`${session.id}|${key}`, size);
      const shard = shardOf(slot, size);
      const shards = state.perShard.length;
      const inShard = ++state.perShard[shard];
      const writes = (item: number): KeyWrites => (state.writes[item] ??=
        new KeyWrites(() => `join ${join} ${item === shards ? 'root' : `shard ${item}`} (session ${session.id})`));
      this.usage.write(ITEM_OVERHEAD_BYTES + inShard * JOIN_ELEMENT_BYTES, t, writes(shard));
      let at = t + u;
      state.arrived++;
      state.values[slot] = skipped ? null : payload.value;
      state.skipped[slot] = skipped;
      if (!skipped) state.units += readUnits(ITEM_OVERHEAD_BYTES + (payload.fanIn || payload.s3 ? ITEM_OVERHEAD_BYTES : payloadBytes(payload)));
      if (state.issue) at = state.issue(slot, h, at);
      // A window at the Map's edge waits only for the neighbours it has (needed < size, always one shard).
      if (inShard === (shards > 1 ? shardCapacity(shard, size) : needed)) {
        if (shards > 1) {
          this.usage.write(ITEM_OVERHEAD_BYTES + (++state.shardsDone) * JOIN_ELEMENT_BYTES, at, writes(shards));
          at += u;
        }
        if (state.arrived === needed) {
          this.usage.write(ITEM_OVERHEAD_BYTES, at, writes(shards > 1 ? shards : 0));
          at += u;
          // The join's shards, root and list checkpoint, marked by the arrival that completed it.
          at = this.trackGarbage(h.call.fn, session, at, shardCount(size) + 2, 0);
          this.joins.delete(`${session.id}|${key}`);
          complete(state.values, at, state);
        }
      }
      h.end = Math.max(h.end, at);
      this.release(h);
    });
  }

  /** A join whose continuation is another join records its list as a checkpoint (egress.ts continueJoin). */
  private cascade(t: number): number {
    this.usage.write(ITEM_OVERHEAD_BYTES, t);
    return t + this.profile.dynamodb.putSeconds;
  }

  /** The index of the Choice's way out by the profile's probabilities (the rules', then the otherwise's: rules.length). */
  private weightedChoice(action: ChoiceAction): number {
    const weights = this.profile.choices[action.node]!;
    const ways = action.rules.length + 1;
    const total = weights.reduce((a, b) => a + b, 0);
    let x = this.sim.random() * total;
    for (let i = 0; i < weights.length && i < ways; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return Math.min(weights.length, ways) - 1;
  }

  /** The index of the first JSONPath rule that holds on the simulated value (rules.length: none). */
  private firstRule(action: ChoiceAction, value: unknown, context: unknown): number {
    for (let i = 0; i < action.rules.length; i++) {
      if (this.ruleHolds(action, i, value, context)) return i;
    }
    return action.rules.length;
  }

  /** Whether the Choice's JSONPath rule `i` holds on the simulated value; one it cannot evaluate asks for probabilities. */
  private ruleHolds(action: ChoiceAction, i: number, value: unknown, context: unknown): boolean {
    try {
      return evaluateCondition(action.rules[i].when, value, context);
    } catch (e) {
      throw new UsageError(`choice '${action.node}': cannot evaluate its rule on the simulated value ${preview(value)} (${(e as Error).message}); `
        + `give its branch probabilities in the profile: "choices": { "${action.node}": [p1, ..., pOtherwise] }`);
    }
  }

  /** firstRule with JSONata conditions among the rules (egress.ts firstRule): those are evaluated with the variables in scope. */
  private async firstJsonataRule(action: ChoiceAction, value: unknown, context: unknown, scope: Scope): Promise<number> {
    for (let i = 0; i < action.rules.length; i++) {
      const when = action.rules[i].when;
      const holds = when.op === 'jsonata' ? await jsonataCondition(when.expression, value, context, scope.variables)
        : this.ruleHolds(action, i, value, context);
      if (holds) return i;
    }
    return action.rules.length;
  }

  private endSession(session: SessionRecord, status: 'SUCCEEDED' | 'FAILED', at: number, last: InvocationRecord | undefined, error?: string): void {
    if (session.status !== 'RUNNING') return;
    this.ended++;
    session.status = status;
    session.end = at;
    session.last = last;
    session.error = error;
  }
}
