import { Fanouts } from './fanout';
import { FlowState, WAIT_MARGIN_MS, logSleep, reachesJoin } from './flow';
import { collectGarbage, trackGarbage } from './gc';
import { findCatch, retryDelayMs, retryWait } from './retry';
import { Invocation, Runtime } from './runtime';
import { scheduleLongRetry, scheduleResume } from './schedule';
import { SessionTimedOut } from './session';
import { ITEM_VALUE_LIMIT } from '../src/client/store';
import {
  Action, DagJoinAction, Envelope, ENVELOPE_VERSION, ERROR_NO_CHOICE_MATCHED, FANOUT_ATTEMPT_ATTR, FANOUT_ORIGIN_ATTR, FanInRef, FanoutFailure,
  FanoutOrigin, Frame, Input, ItemKey, JoinAction, MapAction, WindowJoinAction, checkpointItemKey, SessionRef, evaluateCondition, fanoutAttemptKey,
  fanoutInputItemKey, fanoutProgressItemKey, handlesFailures, instanceKey, joinInstanceKey, payloadObjectKey, writePath,
} from '../src/protocol';
import { conditionPaths } from '../src/protocol/conditions';
import { ChoiceAction, FanOutOutputAction, ParallelAction, PassAction, WaitAction } from '../src/protocol/config';
import { contextReads, readStatePath } from '../src/protocol/context';
import { applyTemplate, DataFlowError, effectiveInput, isJsonataFlow, needsRawInput, passOutput, stateOutput } from '../src/protocol/dataflow';
import {
  EMPTY_SOURCE, dagSlotInstanceKey, decodeElement, encodeElement, joinRootItemKey, joinShardItemKey, shardCapacity, shardCount, shardOf,
} from '../src/protocol/join';
import { ERROR_QUERY_EVALUATION, evaluateJsonataTemplate, jsonataChoiceTransition, jsonataCondition, jsonataItemSelector, jsonataOutput } from '../src/protocol/jsonata';
import { LONG_WAIT_THRESHOLD_MS } from '../src/protocol/schedule';
import { failDetails, hasJsonataFields, jsonataFailDetails, jsonataWaitUntil, JsonataScope, waitUntil } from '../src/protocol/states';

/** What flows along an edge: a value (perhaps already in S3) or a completed join. */
export type Payload = { value: unknown; s3Key?: string } | { fanIn: FanInRef };

export interface Scope {
  readonly frames: readonly Frame[];
  readonly iteration: number;
  /** The workflow variables in scope (JSONata's Assign; Envelope.variables), handed to every successor. */
  readonly variables?: Readonly<Record<string, unknown>>;
}

/**
 * Whether a join's continuation arrives at the enclosing join with the list
 * (perhaps after Waits): the outer reader then needs this join's list
 * checkpointed under its instance key.
 */
function cascades(then: Action): boolean {
  return then.kind === 'join' || (then.kind === 'wait' && cascades(then.next));
}

/** Whether an action tree runs a Parallel or Map in the same egress (not behind an invoke). */
function fansOutInline(action: Action): boolean {
  return JSON.stringify(action).includes('"kind":"parallel"') || JSON.stringify(action).includes('"kind":"map"');
}

/**
 * The start states' first invocation of the entry's own function: captured
 * instead of invoked, and run in the same invocation once the egress is done.
 */
export interface InlineInvocation {
  readonly node: string;
  claimed?: boolean;
  envelope?: Envelope;
}

/** A node's output could not be routed (no choice matched, no items array...): the session fails. */
class RoutingError extends Error {
  /** The scope the failing state ran in (set by the innermost step), where an enclosing fan-out may handle it. */
  frames?: readonly Frame[];
  /** A Parallel's or Map's own evaluation failed (ownFailure): its frame ends `frames`, and it is never a tolerated item. */
  fanOut?: boolean;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** A state's evaluation on the value; a path that does not fit it fails the session (States.Runtime), naming the state. */
/** routed() for the async evaluations (JSONata). */
async function routedAsync<T>(state: string, evaluate: () => Promise<T>): Promise<T> {
  try {
    return await evaluate();
  } catch (e) {
    if (e instanceof DataFlowError) throw new RoutingError(e.name, `${state}: ${e.message}`);
    throw e;
  }
}

function routed<T>(state: string, evaluate: () => T): T {
  try {
    return evaluate();
  } catch (e) {
    if (e instanceof DataFlowError) throw new RoutingError(e.name, `${state}: ${e.message}`);
    throw e;
  }
}

/**
 * The actions an egress skips when it was re-invoked only to issue one item
 * of a bounded Map (Envelope.issue). The rest lead to the Map and only
 * repeat idempotent records; a join is passed again only by the arrival that
 * claimed its completion, as for any retry of that arrival.
 */
const NOT_TOWARDS_A_MAP = new Set<Action['kind']>(['invoke', 'succeed', 'fail']);

/**
 * Runs the egress action tree on a committed output. Everything here is
 * idempotent (async invokes of checkpointed instances, set ADDs, conditional
 * session writes), so a redelivery simply runs it again.
 */
export class Egress {
  private invoked = false;
  // By join: one egress may complete nested joins (an inner Map's, then the Parallel's around it), each with its own list.
  private readonly materialized = new Map<string, Promise<unknown[]>>();

  /** `replay`: the checkpoint existed already (a retry, duplicate or continuation). */
  constructor(private readonly rt: Runtime, private readonly inv: Invocation, replay: boolean,
    private readonly flow: FlowState = FlowState.of(inv.envelope.waits),
    private readonly fanouts: Fanouts = new Fanouts(rt, inv, replay),
    private readonly inline?: InlineInvocation,
    /** Envelope.issue: this egress only issues those items of bounded Maps (null: it runs as usual). */
    private readonly issuing: Readonly<Record<string, number>> | null = inv.envelope.issue ?? null,
    /** Envelope.fanoutFailure: this egress only handles that fan-out's failure (null: it runs as usual). */
    private readonly failure: FanoutFailure | null = inv.envelope.fanoutFailure ?? null) {}

  /** Replaying down to one fan-out only (issuing a bounded Map's item, handling a failure): no other effects. */
  private get targeted(): boolean {
    return this.issuing !== null || this.failure !== null;
  }

  /** An egress that runs as usual from here on, sharing this one's fan-out progress. */
  private fresh(): Egress {
    return new Egress(this.rt, this.inv, true, FlowState.of(undefined), this.fanouts, undefined, null, null);
  }

  /** The workflow and session every key of this egress belongs to. */
  private get session(): SessionRef {
    return this.inv.envelope;
  }

  /** `source` is what arrives at a join: this node, an inner join, or undefined for an empty map's []. */
  async run(action: Action, payload: Payload, scope: Scope, source: string | undefined): Promise<void> {
    try {
      await this.step(action, payload, scope, source);
      await this.continueFanoutsLater();
      await this.continueWaitsLater();
    } catch (e) {
      if (e instanceof SessionTimedOut) return this.rt.timeOut(this.inv);
      if (!(e instanceof RoutingError)) throw e;
      await this.rt.failInScope(this.inv, {
        node: this.inv.envelope.node, instance: this.inv.instance, error: e.name, cause: e.message,
      }, e.frames ?? this.inv.envelope.frames, e.fanOut === true);
    }
  }

  private async step(action: Action, payload: Payload, scope: Scope, source: string | undefined): Promise<void> {
    try {
      return await this.stepIn(action, payload, scope, source);
    } catch (e) {
      // The innermost state's scope says which fan-out (if any) handles the failure.
      if (e instanceof RoutingError && e.frames === undefined) e.frames = scope.frames;
      throw e;
    }
  }

  private async stepIn(action: Action, payload: Payload, scope: Scope, source: string | undefined): Promise<void> {
    // Past the deadline nothing more happens: no successor, join arrival, session end or continuation.
    if (this.rt.pastDeadline(this.inv.envelope)) throw new SessionTimedOut();
    if (this.flow.skips(action)) return;
    if (this.targeted && NOT_TOWARDS_A_MAP.has(action.kind)) return;
    switch (action.kind) {
      case 'pass':
        return this.pass(action, payload, scope);
      case 'wait':
        return this.wait(action, payload, scope, source);
      case 'invoke': {
        const iteration = action.loop ? scope.iteration + 1 : scope.iteration;
        const target = instanceKey(action.node, scope.frames, iteration);
        // Claimed before any await: the branches and items of a fan-out run concurrently.
        const inline = this.inline !== undefined && this.inline.node === action.node && !this.inline.claimed;
        if (inline) this.inline!.claimed = true;
        // A replay invokes no successor that committed: that one's own retries finish its egress
        // (not the one run inline, whose egress only this invocation's retries finish).
        if (!inline && this.fanouts.replay && await this.rt.store.get(checkpointItemKey(this.session, target)) !== undefined) return;
        const envelope: Envelope = {
          unum: 1,
          workflow: this.rt.config.workflow,
          session: this.session.session,
          node: action.node,
          frames: scope.frames,
          iteration,
          input: await this.toInput(payload, target),
          ...(this.inv.envelope.deadline === undefined ? {} : { deadline: this.inv.envelope.deadline }),
          ...(scope.variables === undefined || Object.keys(scope.variables).length === 0 ? {} : { variables: scope.variables }),
        };
        if (inline) {
          this.inline!.envelope = envelope;
          return;
        }
        await this.rt.invoke(action.functionName, envelope);
        if (!this.invoked) {
          this.invoked = true;
          this.rt.fault('after-first-successor-invoke', this.inv);
        }
        return;
      }
      case 'choice': {
        const value = await this.value(payload);
        const rule = await this.firstRule(action, value, scope);
        const next = rule?.then ?? action.otherwise;
        if (next === undefined) {
          throw new RoutingError(ERROR_NO_CHOICE_MATCHED, `choice '${action.node}': no rule matched the output and there is no otherwise`);
        }
        if (action.jsonata === undefined && rule?.jsonata === undefined) return this.step(next, payload, scope, source);
        return this.choiceTransition(action, rule, next, value, scope);
      }
      case 'parallel': {
        const iteration = action.loop ? scope.iteration + 1 : scope.iteration;
        const outer = { ...scope, frames: scope.frames, iteration };
        const instance = instanceKey(action.fanout, scope.frames, iteration);
        // The attempt first: a failure of this Parallel is decided before its Arguments are evaluated again (they may be what failed).
        const run = await this.fanOutAttempt(action, instance, payload, outer, action.branches.length);
        if (run === undefined) return;
        const input = await this.fanOutInput(action, payload, outer).catch((e) => this.ownFailure(action.fanout, instance, outer, e, action));
        const egress = run.fresh ? this.fresh() : this;
        await Promise.all(action.branches.map((branch, index) => egress.step(branch, input, {
          frames: [...scope.frames, { fanout: action.fanout, index, size: action.branches.length, iteration, ...run.attempt }],
          iteration,
          variables: scope.variables,
        }, source)));
        return;
      }
      case 'map':
        return this.map(action, payload, scope, source);
      case 'fanOutOutput':
        return this.fanOutOutput(action, payload, scope);
      case 'join':
        return this.join(action, scope, source);
      case 'windowJoin':
        return this.windowJoin(action, scope, source);
      case 'dagJoin':
        return this.dagJoin(action, scope, source);
      case 'skip':
        // The marks first: a crash before `next` then redoes both, each idempotent.
        await Promise.all(action.joins.map((join) => this.dagJoin(join, scope, undefined)));
        return this.step(action.next, payload, scope, source);
      case 'succeed':
        return this.succeed(payload);
      case 'fail': {
        // Only a path reads the value (a fan-in list is not read for a fixed error).
        const jsonata = hasJsonataFields(action);
        const value = jsonata || action.errorPath !== undefined || action.causePath !== undefined ? await this.value(payload) : undefined;
        const { error, cause } = jsonata
          ? await routedAsync(`fail '${action.node}'`, async () => jsonataFailDetails(action, await this.jsonataScope(action.node, [action.error, action.cause], value, scope)))
          : routed(`fail '${action.node}'`, () => failDetails(action, value));
        // A Fail state inside a Parallel's branch or a Map's item fails that state, which may retry or catch it.
        await this.rt.failInScope(this.inv, { node: action.node, instance: this.inv.instance, error, cause }, scope.frames);
        return;
      }
    }
  }

  /** What a Fail's or a Wait's JSONata expressions read: the value, the context object (when they read it) and the variables in scope. */
  private async jsonataScope(node: string, templates: unknown[], input: unknown, scope: Scope): Promise<JsonataScope> {
    const context = await this.rt.contextObject(this.inv, node, 0, contextReads(templates, []));
    return { input, context, variables: scope.variables };
  }

  /** The first Choice rule that holds on the value: JSONata conditions are evaluated (async) with the variables in scope. */
  private async firstRule(action: ChoiceAction, value: unknown, scope: Scope): Promise<ChoiceAction['rules'][number] | undefined> {
    const jsonata = action.rules.filter((r) => r.when.op === 'jsonata').map((r) => (r.when as { expression: string }).expression);
    const context = await this.rt.contextObject(this.inv, action.node, 0, contextReads(jsonata, action.rules.flatMap((r) => conditionPaths(r.when))));
    for (const rule of action.rules) {
      const holds = rule.when.op === 'jsonata'
        ? await routedAsync(`choice '${action.node}'`, () => jsonataCondition((rule.when as { expression: string }).expression, value, context, scope.variables))
        : routed(`choice '${action.node}'`, () => evaluateCondition(rule.when, value, context));
      if (holds) return rule;
    }
    return undefined;
  }

  /**
   * A JSONata Choice's Output and Assign (the matched rule's and its own) on the way to `next`: like a Pass's, the
   * value is checkpointed as the Choice's output when it may arrive at a join (the compiler lists the Choice among its sources).
   */
  private async choiceTransition(action: ChoiceAction, rule: ChoiceAction['rules'][number] | undefined, next: Action, value: unknown, scope: Scope): Promise<void> {
    const templates = [action.jsonata?.output, action.jsonata?.assign, rule?.jsonata?.output, rule?.jsonata?.assign];
    const context = await this.rt.contextObject(this.inv, action.node, 0, contextReads(templates, []));
    const out = await routedAsync(`choice '${action.node}'`, () => jsonataChoiceTransition(action.jsonata, rule?.jsonata, { input: value, context }, scope.variables));
    if (reachesJoin(next)) await this.checkpointValue(instanceKey(action.node, scope.frames, scope.iteration), out.output);
    return this.step(next, { value: out.output }, { ...scope, variables: out.variables }, action.node);
  }

  /** A Pass: transform the value; checkpoint it as the Pass's output when it may arrive at a join. */
  private async pass(action: PassAction, payload: Payload, scope: Scope): Promise<void> {
    const raw = await this.value(payload);
    const flow = action.dataFlow;
    let value: unknown;
    let next = scope;
    if (isJsonataFlow(flow)) {
      // JSONata: Output (default: the input) and Assign, both on $states.input; the variables go on with the value.
      const context = await this.rt.contextObject(this.inv, action.node, 0, contextReads([flow.output, flow.assign], []));
      const out = await routedAsync(`pass '${action.node}'`, () => jsonataOutput(flow, { input: raw, context }, scope.variables));
      value = out.output;
      if (flow.assign !== undefined) next = { ...scope, variables: out.variables };
    } else {
      const context = await this.rt.contextObject(this.inv, action.node, 0, contextReads([flow.parameters], [flow.inputPath, flow.outputPath]));
      value = routed(`pass '${action.node}'`, () => passOutput(flow, raw, context));
    }
    if (reachesJoin(action.next)) await this.checkpointValue(instanceKey(action.node, scope.frames, scope.iteration), value);
    return this.step(action.next, { value }, next, action.node);
  }

  /** Checkpoints a value computed in the egress (deterministic in the committed output, so a duplicate writes the same value). */
  private async checkpointValue(instance: string, value: unknown): Promise<void> {
    const attrs = await this.rt.encodeValue(this.inv, value, '', payloadObjectKey(this.session, instance, 'output'),
      Math.min(this.rt.payloadThreshold, ITEM_VALUE_LIMIT));
    if (this.rt.options.eagerGc) {
      await trackGarbage(this.rt.store, this.session, `C|${instance}`);
      if (attrs.s3 !== undefined) await trackGarbage(this.rt.store, this.session, `O|${attrs.s3.S}`);
    }
    await this.rt.store.putIfAbsent(checkpointItemKey(this.session, instance), attrs);
  }

  /**
   * What a Parallel's or Map's branches start from: its InputPath applied to
   * the raw input. The raw input is recorded first when the join's ResultPath
   * places the list into it (the join may complete in any branch's function,
   * so it reads the value back from the store, not from an envelope).
   */
  private async fanOutInput(action: ParallelAction | MapAction, payload: Payload, scope: Scope): Promise<Payload> {
    const args = action.kind === 'parallel' ? action.arguments : undefined;
    if (!action.recordInput && action.inputPath === undefined && args === undefined) return payload;
    const raw = await this.value(payload);
    if (action.recordInput) {
      const instance = instanceKey(action.fanout, scope.frames, scope.iteration);
      const attrs = await this.rt.encodeValue(this.inv, raw, '', payloadObjectKey(this.session, instance, 'input'),
        Math.min(this.rt.payloadThreshold, ITEM_VALUE_LIMIT));
      if (this.rt.options.eagerGc && attrs.s3 !== undefined) await trackGarbage(this.rt.store, this.session, `O|${attrs.s3.S}`);
      await this.rt.store.putIfAbsent(fanoutInputItemKey(this.session, instance), attrs);
    }
    if (args !== undefined) {
      // JSONata has no InputPath: Arguments alone shape what the branches run on.
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([args], []));
      return { value: await routedAsync(`parallel '${action.fanout}'`, () => evaluateJsonataTemplate(args, { input: raw, context }, scope.variables, 'Arguments')) };
    }
    if (action.inputPath === undefined) return payload;
    const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([], [action.inputPath]));
    return { value: routed(`${action.kind} '${action.fanout}'`, () => effectiveInput({ inputPath: action.inputPath }, raw, context)) };
  }

  /**
   * A Parallel's or Map's ResultSelector, ResultPath and OutputPath on the
   * joined list, in the join's scope, by the arrival that completed it.
   */
  private async fanOutOutput(action: FanOutOutputAction, payload: Payload, scope: Scope): Promise<void> {
    const instance = instanceKey(action.fanout, scope.frames, scope.iteration);
    // Read directly, not through value(): one egress may complete nested joins, each with its own list.
    const list = 'fanIn' in payload ? await this.rt.store.readFanIn(this.session, payload.fanIn) : payload.value;
    let raw: unknown;
    if (needsRawInput(action.dataFlow)) {
      const item = await this.rt.store.get(fanoutInputItemKey(this.session, instance));
      if (item === undefined) {
        throw new RoutingError('Unum.InvalidConfig', `'${action.fanout}': its raw input was not recorded when it fanned out (deploy matching cdk-unum versions)`);
      }
      raw = await this.rt.store.decodeValue(this.session, item);
    }
    const flow = action.dataFlow;
    let value: unknown;
    let next = scope;
    if (isJsonataFlow(flow)) {
      // JSONata: Output (default: the list) and Assign on $states.result (the list) and $states.input (the raw input).
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([flow.output, flow.assign], []));
      const out = await routedAsync(`'${action.fanout}'`, () => jsonataOutput(flow, { input: raw, result: list, context }, scope.variables))
        .catch((e) => this.ownFailure(action.fanout, instance, scope, e));
      value = out.output;
      if (flow.assign !== undefined) next = { ...scope, variables: out.variables };
    } else {
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([flow.resultSelector], [flow.outputPath]));
      value = routed(`'${action.fanout}'`, () => stateOutput(flow, raw, list, undefined, context));
    }
    if (reachesJoin(action.next)) await this.checkpointValue(instance, value);
    return this.step(action.next, { value }, next, action.fanout);
  }

  /**
   * A Wait: sleep until its deadline when that fits in this invocation,
   * else leave it pending for a re-invocation (continueWaitsLater).
   */
  private async wait(action: WaitAction, payload: Payload, scope: Scope, source: string | undefined): Promise<void> {
    // Issuing a bounded Map's item or handling a fan-out's failure: the Wait was waited out when the Map first fanned out.
    if (this.targeted) return this.step(action.next, payload, scope, source);
    const key = instanceKey(action.node, scope.frames, scope.iteration);
    const resumed = this.flow.resume?.[key];
    // While resuming, a Wait that is not pending was passed by an earlier invocation: walk on (still resuming, so
    // no effects), as a pending Wait can lie beyond it (a long Wait right after another).
    if (this.flow.resuming && resumed === undefined) return this.step(action.next, payload, scope, source);
    // A Wait that would end past the session's deadline ends at it, and the session times out then.
    const sessionDeadline = this.inv.envelope.deadline ?? Infinity;
    const jsonata = hasJsonataFields(action);
    const reads = resumed === undefined && (jsonata || action.secondsPath !== undefined || action.timestampPath !== undefined);
    const value = reads ? await this.value(payload) : undefined;
    const until = resumed !== undefined ? resumed : jsonata
      ? await routedAsync(`wait '${action.node}'`, async () => jsonataWaitUntil(action, await this.jsonataScope(action.node, [action.seconds, action.timestamp], value, scope), this.rt.clock.now()))
      : routed(`wait '${action.node}'`, () => waitUntil(action, value, this.rt.clock.now()));
    const deadline = Math.min(until, sessionDeadline);
    const left = deadline - this.rt.clock.now();
    if (left > 0 && left + WAIT_MARGIN_MS >= this.rt.remaining(this.inv)) {
      this.flow.pending[key] = deadline;
      return;
    }
    logSleep(this.inv.logger, 'WAIT', action.node, left, `wait '${action.node}' in this invocation`);
    await this.rt.clock.sleep(left);
    if (deadline >= sessionDeadline) throw new SessionTimedOut();
    const egress = this.flow.resuming
      ? new Egress(this.rt, this.inv, this.fanouts.replay, this.flow.continuing(), this.fanouts, this.inline, this.issuing)
      : this;
    return egress.step(action.next, payload, scope, source);
  }

  /**
   * Waits that did not fit: a long one (LONG_WAIT_THRESHOLD_MS) is left to a one-time schedule, so no compute runs
   * while it lasts; a shorter one sleeps what this invocation can spare, then re-invokes this function.
   */
  private async continueWaitsLater(): Promise<void> {
    const pending = this.flow.pending;
    if (Object.keys(pending).length === 0) return;
    const earliest = Math.min(...Object.values(pending));
    const schedule = this.rt.options.schedule;
    if (schedule !== undefined && earliest - this.rt.clock.now() > LONG_WAIT_THRESHOLD_MS) {
      await scheduleResume(this.rt, this.inv, schedule, { ...this.inv.envelope, input: { value: null }, waits: { ...pending } }, earliest);
      return;
    }
    const sleepMs = Math.round(Math.min(earliest - this.rt.clock.now(), this.rt.remaining(this.inv) - WAIT_MARGIN_MS));
    const states = Object.keys(pending).join(', ');
    logSleep(this.inv.logger, 'WAIT', states, sleepMs, `wait ${states}, then re-invoking to wait on`);
    await this.rt.clock.sleep(sleepMs);
    const name = this.rt.ownName(this.inv, 'continue a Wait later');
    // The checkpoint exists, so the re-invocation never reads its input.
    await this.rt.invoke(name, { ...this.inv.envelope, input: { value: null }, waits: { ...pending } });
  }

  private async map(action: MapAction, payload: Payload, scope: Scope, source: string | undefined): Promise<void> {
    const iteration = action.loop ? scope.iteration + 1 : scope.iteration;
    const instance = instanceKey(action.fanout, scope.frames, iteration);
    // Handling another fan-out's failure: it is inside these items only when they start with a fan-out run by this egress.
    if (this.failure !== null && this.failure.instance !== instance && !fansOutInline(action.item)) return;
    const outer = { ...scope, frames: scope.frames, iteration };
    // A failure of this Map is decided before its Items are evaluated again (they may be what failed); only a tolerated
    // item's needs their number (its frame's size), and the Items did not fail then.
    const decidesFirst = this.failure !== null && this.failure.instance === instance && this.failure.item === undefined;
    let run = decidesFirst ? await this.fanOutAttempt(action, instance, payload, outer, 0) : undefined;
    if (decidesFirst && run === undefined) return;
    const value = await this.value(await this.fanOutInput(action, payload, outer));
    const items = await this.mapItems(action, value, scope).catch((e) => this.ownFailure(action.fanout, instance, outer, e, action));
    if (items.length === 0) {
      // A retry decided here runs as usual from here on (its onEmpty too).
      if (this.targeted && !run?.fresh) return;
      return (run?.fresh ? this.fresh() : this).step(action.onEmpty, { value: [] }, outer, undefined);
    }
    run ??= handlesFailures(action) || action.maxConcurrency
      ? await this.fanOutAttempt(action, instance, payload, outer, items.length) : { attempt: {}, fresh: false };
    if (run === undefined) return;
    const attempt = run.attempt.attempt ?? 0;
    const issueItem = async (egress: Egress, index: number) => egress.step(action.item, {
      value: await this.selectItem(action, value, index, items[index], scope)
        .catch((e) => this.ownFailure(action.fanout, instance, outer, e, action)),
    }, {
      frames: [...scope.frames, { fanout: action.fanout, index, size: items.length, iteration, ...run.attempt }],
      iteration,
      variables: scope.variables,
    }, source);
    if (this.issuing !== null) {
      const index = this.issuing[fanoutAttemptKey(instance, attempt)];
      if (index === undefined || index >= items.length) return;
      // From the Map's item on, the path runs as usual (the item's checkpoint dedupes a repeated request).
      return issueItem(this.fresh(), index);
    }
    const egress = run.fresh ? this.fresh() : this;
    const limit = action.maxConcurrency || this.rt.options.invokeConcurrency || 64;
    // A bounded Map issues its first maxConcurrency items; each item's arrival at the join issues the next one.
    const first = action.maxConcurrency ? Math.min(items.length, action.maxConcurrency) : items.length;
    await egress.fanouts.issue(fanoutAttemptKey(instance, attempt), first, limit, (index) => issueItem(egress, index));
  }

  /** A Map's items: its JSONata Items, its itemsPath's array, or `width` copies of its input. */
  private async mapItems(action: MapAction, value: unknown, scope: Scope): Promise<unknown[]> {
    if (action.items !== undefined) {
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([action.items], []));
      const found = await routedAsync(`map '${action.fanout}'`, () => evaluateJsonataTemplate(action.items, { input: value, context }, scope.variables, 'Items'));
      if (!Array.isArray(found)) {
        throw new RoutingError(ERROR_QUERY_EVALUATION, `map '${action.fanout}': Items must evaluate to an array, got ${JSON.stringify(found)}`);
      }
      return found;
    }
    if (action.itemsPath !== undefined) {
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([], [action.itemsPath]));
      const found = readStatePath(value, action.itemsPath, context);
      if (!found.found || !Array.isArray(found.value)) {
        throw new RoutingError('States.Runtime', `map '${action.fanout}': itemsPath ${action.itemsPath} does not select an array in the output`);
      }
      return found.value;
    }
    return new Array(action.width ?? 1).fill(value);
  }

  /**
   * A Parallel's or Map's own evaluation failed: a States.QueryEvaluationError of its Arguments, Items or ItemSelector
   * (`action` given, evaluated by the function that fans out) or of its join's Output or Assign (evaluated where the
   * join completed). When the fan-out handles failures, this is a failure of its running attempt, so it goes to its
   * Retry and Catch as a branch's final failure does: the error is thrown on with the fan-out's own frame (the
   * attempt the origin holds) as the innermost that handles failures, and run() reports it to the origin, never as a
   * tolerated item. Otherwise (or for another error) it is thrown on as it is, failing the session.
   */
  private async ownFailure(fanout: string, instance: string, outer: Scope, e: unknown, action?: ParallelAction | MapAction): Promise<never> {
    if (!(e instanceof RoutingError) || e.name !== ERROR_QUERY_EVALUATION) throw e;
    let attempt: number | undefined;
    if (action !== undefined) {
      // Recorded before the report reads it: Items and Arguments fail before any item or branch is issued.
      if (handlesFailures(action)) attempt = await this.recordOrigin(instance, action);
    } else {
      const item = await this.rt.store.get(fanoutProgressItemKey(this.session, instance));
      const text = item?.[FANOUT_ORIGIN_ATTR]?.S;
      if (text !== undefined && (JSON.parse(text) as FanoutOrigin).handles === true) attempt = Number(item?.[FANOUT_ATTEMPT_ATTR]?.N ?? 0);
    }
    if (attempt === undefined) throw e;
    e.frames = [...outer.frames, { fanout, index: 0, size: 1, iteration: outer.iteration, attempt }];
    e.fanOut = true;
    throw e;
  }

  /**
   * Who issues a bounded Map's later items and handles a fan-out's
   * failures: this function, re-invoked at this position. Written before
   * any item, once; the answer holds the attempt now running.
   */
  private async recordOrigin(instance: string, action: ParallelAction | MapAction): Promise<number> {
    const { node, frames, iteration, deadline, variables } = this.inv.envelope;
    const tolerance = action.kind === 'map' && (action.toleratedFailureCount !== undefined || action.toleratedFailurePercentage !== undefined)
      ? { toleratedFailureCount: action.toleratedFailureCount, toleratedFailurePercentage: action.toleratedFailurePercentage } : undefined;
    const origin: FanoutOrigin = {
      functionName: this.rt.ownName(this.inv, `record the origin of ${action.kind} '${action.fanout}'`),
      node,
      frames,
      iteration,
      ...(deadline === undefined ? {} : { deadline }),
      ...(variables === undefined ? {} : { variables }),
      ...(handlesFailures(action) ? { handles: true } : {}),
      ...(tolerance === undefined ? {} : { tolerance: JSON.parse(JSON.stringify(tolerance)) }),
    };
    const after = await this.rt.store.update(fanoutProgressItemKey(this.session, instance), { set: '#o = if_not_exists(#o, :o), #a = if_not_exists(#a, :z)' },
      { '#o': FANOUT_ORIGIN_ATTR, '#a': FANOUT_ATTEMPT_ATTR }, { ':o': { S: JSON.stringify(origin) }, ':z': { N: '0' } }, undefined, true);
    return Number(after?.[FANOUT_ATTEMPT_ATTR]?.N ?? 0);
  }

  /**
   * The attempt a Parallel or Map fans out with: `attempt` goes into its
   * frames when it handles failures (Frame.attempt), and `fresh` says the
   * items run as usual from here even in a targeted replay. When this
   * egress handles this fan-out's failure (Envelope.fanoutFailure), the
   * decision is taken here: a retry returns the next attempt; a catch, a
   * final failure or a stale report returns undefined (nothing to fan out).
   */
  private async fanOutAttempt(action: ParallelAction | MapAction, instance: string, payload: Payload, outer: Scope,
    size: number): Promise<{ attempt: { attempt?: number }; fresh: boolean } | undefined> {
    // A bounded Map without failure handling records its origin once, not again for each item it is asked to issue.
    if (!handlesFailures(action) && (this.issuing !== null || !(action.kind === 'map' && action.maxConcurrency))) return { attempt: {}, fresh: false };
    const current = await this.recordOrigin(instance, action);
    const attempt = handlesFailures(action) ? { attempt: current } : {};
    const f = this.failure;
    if (f === null || f.instance !== instance) return { attempt, fresh: false };
    const where = `${action.kind} '${action.fanout}'`;
    if (f.item !== undefined) {
      if (f.attempt === current && action.kind === 'map') await this.tolerateItem(action, f, outer, size);
      return undefined;
    }
    // A redelivery of the report that moved to the next attempt: issue it again (its checkpoints dedupe what was issued).
    if (f.attempt + 1 === current && f.notBefore === undefined) return { attempt: { attempt: current }, fresh: true };
    if (f.attempt !== current) {
      this.inv.logger.info(`${where}: a failure of an abandoned attempt was reported; ignored`, { attempt: f.attempt, current });
      return undefined;
    }
    const delay = f.notBefore !== undefined ? 0 : retryDelayMs(action.retry ?? [], f.error, current);
    if (delay !== undefined) {
      const notBefore = f.notBefore ?? Math.min(this.rt.clock.now() + delay, this.inv.envelope.deadline ?? Infinity);
      const resume = { ...this.inv.envelope, fanoutFailure: { ...f, notBefore } };
      if (await scheduleLongRetry(this.rt, this.inv, resume, notBefore, `${f.instance}@${f.attempt}`)) return undefined;
      const { sleepMs, here } = retryWait(notBefore, this.rt.clock.now(), this.rt.remaining(this.inv));
      logSleep(this.inv.logger, 'RETRY', action.fanout, sleepMs, `${where}: the Retry interval`);
      await this.rt.clock.sleep(sleepMs);
      if (!here) {
        // The interval does not fit in this invocation: the origin is re-invoked to wait out the rest.
        await this.rt.invoke(this.rt.ownName(this.inv, `retry ${where}`), resume);
        return undefined;
      }
      if (this.rt.pastDeadline(this.inv.envelope)) throw new SessionTimedOut();
      this.inv.metrics.count('RETRIES');
      this.inv.logger.warn(`${where} failed; retrying every branch`, { error: f.error, cause: f.cause, attempt: current + 1 });
      // One conditional write moves the attempt on; a concurrent duplicate that lost it issues the same attempt (deduped).
      await this.rt.store.update(fanoutProgressItemKey(this.session, instance), { set: '#a = :n' }, { '#a': FANOUT_ATTEMPT_ATTR },
        { ':n': { N: String(current + 1) }, ':c': { N: String(current) } }, '#a = :c');
      return { attempt: { attempt: current + 1 }, fresh: true };
    }
    const c = findCatch(action.catch ?? [], f.error);
    if (c < 0) {
      this.inv.logger.error(`${where} failed; no retry or catch left`, { error: f.error, cause: f.cause });
      await this.rt.failInScope(this.inv, { node: action.fanout, instance, error: f.error, cause: f.cause }, outer.frames);
      return undefined;
    }
    const rule = action.catch![c];
    const raw = await this.value(payload);
    const errorOutput = { Error: f.error, Cause: f.cause };
    let value: unknown;
    let handler = outer;
    if (rule.jsonata === undefined) {
      // The catcher's ResultPath places the error into the state's raw input (the value it fanned out on).
      value = routed(where, () => writePath(raw, rule.resultPath, errorOutput));
    } else {
      // As a Task's JSONata catcher: Output and Assign on the error and the raw input; an error here is not caught again.
      const catcher = rule.jsonata;
      const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([catcher.output, catcher.assign], []));
      const out = await routedAsync(where, () => jsonataOutput(catcher, { input: raw, errorOutput, context }, outer.variables));
      value = out.output;
      if (catcher.assign !== undefined) handler = { ...outer, variables: out.variables };
    }
    this.inv.logger.warn(`${where} failed; caught`, { error: f.error, cause: f.cause, catch: c });
    if (reachesJoin(rule.next)) await this.checkpointValue(instance, value);
    await this.fresh().step(rule.next, { value }, handler, action.fanout);
    return undefined;
  }

  /**
   * A Map's item failed within the tolerance: its result is `{ Error, Cause }`,
   * checkpointed under the Map's name in the item's scope (a source of the
   * join), and it arrives at the join like any item.
   */
  private async tolerateItem(action: MapAction, f: FanoutFailure, outer: Scope, size: number): Promise<void> {
    const frames = [...outer.frames, { fanout: action.fanout, index: f.item!, size, iteration: outer.iteration, attempt: f.attempt }];
    await this.checkpointValue(instanceKey(action.fanout, frames, outer.iteration), { Error: f.error, Cause: f.cause });
    const join: JoinAction = {
      kind: 'join',
      join: action.join,
      sources: action.sources ?? [action.fanout],
      then: action.onEmpty,
      ...(action.maxConcurrency ? { maxConcurrency: action.maxConcurrency } : {}),
    };
    await this.fresh().step(join, { value: null }, { frames, iteration: outer.iteration, variables: outer.variables }, action.fanout);
  }

  /** An item of a bounded Map finished: ask the function that fanned out to issue item `index` (the item's checkpoint dedupes repeats). */
  private async issueNextItem(inner: Frame, outer: readonly Frame[], index: number): Promise<void> {
    const instance = instanceKey(inner.fanout, outer, inner.iteration);
    const text = (await this.rt.store.get(fanoutProgressItemKey(this.session, instance)))?.[FANOUT_ORIGIN_ATTR]?.S;
    if (text === undefined) {
      throw new RoutingError('Unum.InvalidConfig', `map '${inner.fanout}' has maxConcurrency but recorded no origin to issue item ${index} (deploy matching cdk-unum versions)`);
    }
    const origin = JSON.parse(text) as FanoutOrigin;
    await this.rt.invoke(origin.functionName, {
      unum: ENVELOPE_VERSION,
      workflow: this.session.workflow,
      session: this.session.session,
      node: origin.node,
      frames: origin.frames,
      iteration: origin.iteration,
      input: { value: null },
      issue: { [fanoutAttemptKey(instance, inner.attempt ?? 0)]: index },
      ...(origin.deadline === undefined ? {} : { deadline: origin.deadline }),
      ...(origin.variables === undefined ? {} : { variables: origin.variables }),
    });
  }

  /**
   * A Map item's input: the itemSelector applied to the Map's input, with `$$.Map.Item` the item (Step Functions' ItemSelector);
   * a JSONata Map's (one with items) is a JSONata template reading `$states.context.Map.Item` and the variables.
   */
  private async selectItem(action: MapAction, mapInput: unknown, index: number, item: unknown, scope: Scope): Promise<unknown> {
    if (action.itemSelector === undefined) return item;
    const context = await this.rt.contextObject(this.inv, action.fanout, 0, contextReads([action.itemSelector], []), { index, value: item });
    if (action.items !== undefined) {
      return routedAsync(`map '${action.fanout}'`, () => jsonataItemSelector(action.itemSelector, mapInput, context, scope.variables));
    }
    return routed(`map '${action.fanout}'`, () => applyTemplate(action.itemSelector, mapInput, 'ItemSelector', context));
  }

  /**
   * Maps that stopped short of time: re-invoke this function to issue the
   * rest. The checkpoint exists, so the continuation replays the egress:
   * maps resume at their progress, committed successors are not invoked.
   */
  private async continueFanoutsLater(): Promise<void> {
    if (!this.fanouts.stopping) return;
    const name = this.rt.ownName(this.inv, 'continue a fan-out later');
    const fanouts = { ...this.inv.envelope.fanouts, ...this.fanouts.stopped };
    await this.rt.invoke(name, { ...this.inv.envelope, input: { value: null }, fanouts });
  }

  /**
   * Arrive at the join closing the innermost frame: one idempotent set ADD
   * on the slot's shard; the arrival that fills a shard adds it to the root;
   * the one that fills the root pops the frame and runs `then`.
   */
  private async join(action: JoinAction, scope: Scope, source: string | undefined): Promise<void> {
    const inner = scope.frames[scope.frames.length - 1];
    if (inner === undefined) throw new RoutingError('Unum.InvalidConfig', `join '${action.join}' reached outside any fan-out`);
    const ordinal = source === undefined ? EMPTY_SOURCE : action.sources.indexOf(source);
    if (ordinal < 0 && source !== undefined) {
      throw new RoutingError('Unum.InvalidConfig', `join '${action.join}' does not list '${source}' among its sources`);
    }
    const { index: slot, size } = inner;
    const instance = joinInstanceKey(action.join, scope.frames);
    const element = encodeElement({ slot, source: ordinal, iteration: scope.iteration }, size);
    const elements = await this.arrive(instance, slot, size, element);
    // After the arrival, so a crash before the request redoes both (Lambda's retry of this function).
    const bound = action.maxConcurrency ?? 0;
    if (bound > 0 && slot + bound < size && this.issuing === null) await this.issueNextItem(inner, scope.frames.slice(0, -1), slot + bound);
    if (elements === undefined) return;
    const ref: FanInRef = { join: action.join, instance, size, sources: action.sources };
    return this.continueJoin(ref, action.then, { frames: scope.frames.slice(0, -1), iteration: inner.iteration, variables: scope.variables });
  }

  /** The completing arrival runs the join's continuation in the join's scope, with the list as its value. */
  private async continueJoin(ref: FanInRef, then: Action, scope: Scope): Promise<void> {
    if (cascades(then)) {
      // A cascade: the outer join's reader finds this join's list under its instance key.
      await this.rt.store.putIfAbsent(checkpointItemKey(this.session, ref.instance), { fi: { S: JSON.stringify(ref) } });
    }
    return this.step(then, { fanIn: ref }, scope, ref.join);
  }

  /**
   * One idempotent set ADD on the slot's shard; the arrival that fills a
   * shard adds it to the root. Returns the completing shard's elements to
   * the one arrival that completes the instance (and claims it), else
   * undefined. `needed` overrides how many elements fill a single-shard
   * join (a window at the edge of a map has fewer slots).
   */
  private async arrive(instance: string, slot: number, size: number, element: string, needed?: number): Promise<string[] | undefined> {
    const shard = shardOf(slot, size);
    this.inv.metrics.count('JOIN_ARRIVALS');
    const arrived = await this.rt.store.update(joinShardItemKey(this.session, instance, shard),
      { add: '#e :e' }, { '#e': 'e' }, { ':e': { SS: [element] } }, undefined, true);
    this.rt.fault('after-join-arrive', this.inv);
    const elements = arrived?.e?.SS ?? [];
    if (elements.length < (needed ?? shardCapacity(shard, size))) return undefined;
    const shards = shardCount(size);
    const completionKey = shards > 1 ? joinRootItemKey(this.session, instance) : joinShardItemKey(this.session, instance, 0);
    if (shards > 1) {
      const root = await this.rt.store.update(completionKey,
        { add: '#d :d' }, { '#d': 'd' }, { ':d': { NS: [String(shard)] } }, undefined, true);
      if ((root?.d?.NS?.length ?? 0) < shards) return undefined;
    }
    const claim = await this.claimCompletion(completionKey, `${shard}/${element}`);
    if (claim === undefined) return undefined;
    if (claim === 'first') this.inv.metrics.count('JOINS_FIRED');
    this.rt.fault('after-join-complete', this.inv);
    if (this.rt.options.eagerGc) await trackGarbage(this.rt.store, this.session, `J|${size}|${instance}`);
    return elements;
  }

  /**
   * Arrive at a DAG join (`source` undefined: the predecessor was skipped).
   * The join's instance is the arrival's scope cut to the join's depth; the
   * arrival that completes it continues with the predecessors' outputs,
   * null for the skipped ones. When every predecessor was skipped, the
   * paths through the join are dead: nothing continues, and the
   * predecessors only it leads to are skipped in turn.
   */
  private async dagJoin(action: DagJoinAction, scope: Scope, source: string | undefined): Promise<void> {
    const expected = action.slots[action.slot];
    if (source !== undefined && source !== expected?.node) {
      throw new RoutingError('Unum.InvalidConfig', `join '${action.join}' expects '${expected?.node}' at slot ${action.slot}, not '${source}'`);
    }
    if (action.depth > scope.frames.length) {
      throw new RoutingError('Unum.InvalidConfig', `join '${action.join}' lives ${action.depth} frames deep, reached with ${scope.frames.length}`);
    }
    const frames = scope.frames.slice(0, action.depth);
    const iteration = action.depth < scope.frames.length ? scope.frames[action.depth].iteration : scope.iteration;
    const instance = instanceKey(action.join, frames, iteration);
    const size = action.slots.length;
    const element = encodeElement({ slot: action.slot, source: source === undefined ? EMPTY_SOURCE : 0, iteration }, size);
    const elements = await this.arrive(instance, action.slot, size, element);
    if (elements === undefined) return;
    const skipped = new Set(elements.map((text) => decodeElement(text, 0, size)).filter((e) => e.source === EMPTY_SOURCE).map((e) => e.slot));
    if (skipped.size === size) {
      await Promise.all((action.ifAllSkipped ?? []).map((next) => this.dagJoin(next, { frames, iteration, variables: scope.variables }, undefined)));
      return;
    }
    const instances = action.slots.map((slot, i) => (skipped.has(i) ? null : dagSlotInstanceKey(slot.node, slot.branches, frames, iteration)));
    return this.continueJoin({ join: action.join, instance, size, instances }, action.then, { frames, iteration, variables: scope.variables });
  }

  /**
   * Arrive at the window joins that wait for this item: the one of item
   * index - offset, for each offset. All offsets fit one shard item, so an
   * arrival is one idempotent set ADD per waiting item.
   */
  private async windowJoin(action: WindowJoinAction, scope: Scope, source: string | undefined): Promise<void> {
    const inner = scope.frames[scope.frames.length - 1];
    if (inner === undefined || source === undefined) {
      throw new RoutingError('Unum.InvalidConfig', `window join '${action.join}' reached outside a map item`);
    }
    const inMap = (index: number) => index >= 0 && index < inner.size;
    await Promise.all(action.offsets.map(async (offset, slot) => {
      const target = inner.index - offset;
      if (!inMap(target)) return;
      const frames = [...scope.frames.slice(0, -1), { ...inner, index: target }];
      const instance = instanceKey(action.join, frames, scope.iteration);
      const size = action.offsets.length;
      const element = encodeElement({ slot, source: 0, iteration: scope.iteration }, size);
      const present = action.offsets.filter((o) => inMap(target + o)).length;
      const arrived = await this.arrive(instance, slot, size, element, present);
      if (arrived === undefined) return;
      const elements = arrived.map((text) => decodeElement(text, 0, size));
      const instances = action.offsets.map((o, i) => {
        const e = elements.find((x) => x.slot === i);
        return e === undefined ? null : instanceKey(source, [...scope.frames.slice(0, -1), { ...inner, index: target + o }], e.iteration);
      });
      const joined = { frames, iteration: scope.iteration, variables: scope.variables };
      await this.continueJoin({ join: action.join, instance, size, instances }, action.then, joined);
    }));
  }

  /**
   * Every arrival that finds a join complete would continue it: a late
   * duplicate of any branch, and the retry of the branch that completed it
   * and crashed. Only the completing arrival (and its own retries, which
   * carry the same element) may continue, so duplicates do not fan out
   * downstream: one conditional-free write records who that is. 'first':
   * this write made the claim (the join fired now); 'again': a retry of the
   * claimant; undefined: another arrival holds it.
   */
  private async claimCompletion(key: ItemKey, element: string): Promise<'first' | 'again' | undefined> {
    const before = await this.rt.store.update(key, { set: '#c = if_not_exists(#c, :c)' }, { '#c': 'c' }, { ':c': { S: element } }, undefined, 'UPDATED_OLD');
    const holder = before?.c?.S;
    if (holder === undefined) return 'first';
    return holder === element ? 'again' : undefined;
  }

  private async succeed(payload: Payload): Promise<void> {
    const store = this.rt.store;
    const eager = this.rt.options.eagerGc === true;
    // With eager GC the branch checkpoints go away, so the result must not point at them.
    const result = 'fanIn' in payload && !eager ? { rfi: { S: JSON.stringify(payload.fanIn) } }
      : await this.rt.encodeValue(this.inv, await this.value(payload), 'r', payloadObjectKey(this.session, 'RESULT', 'output'));
    await this.rt.succeedSession(this.inv, result);
    this.rt.fault('after-session-end', this.inv);
    // Also when a duplicate ended it first: a crash may have cut that one's collection short.
    if (eager) await collectGarbage(store, this.session);
  }

  /** The plain value (each fan-in list is read once per invocation). */
  private async value(payload: Payload): Promise<unknown> {
    if ('value' in payload) return payload.value;
    const key = JSON.stringify(payload.fanIn);
    let list = this.materialized.get(key);
    if (list === undefined) {
      list = this.rt.store.readFanIn(this.session, payload.fanIn);
      this.materialized.set(key, list);
    }
    return list;
  }

  private async toInput(payload: Payload, target: string): Promise<Input> {
    if ('fanIn' in payload) return { fanIn: payload.fanIn };
    const bucket = this.rt.store.bucket;
    if (payload.s3Key !== undefined && bucket !== undefined) return { s3: { bucket, key: payload.s3Key } };
    const json = JSON.stringify(payload.value ?? null);
    if (Buffer.byteLength(json) <= this.rt.payloadThreshold) return { value: payload.value ?? null };
    const key = payloadObjectKey(this.session, target, 'input');
    await this.rt.store.putObject(key, json);
    this.inv.metrics.count('PAYLOADS_SPILLED');
    if (this.rt.options.eagerGc) await trackGarbage(this.rt.store, this.session, `O|${key}`);
    return { s3: { bucket: bucket!, key } };
  }
}
