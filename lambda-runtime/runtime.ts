import { randomUUID } from 'crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { PARKED, armCallback, cancelCallback, parkCallback, resumeCallback } from './callback';
import { Egress, InlineInvocation, Payload } from './egress';
import { reportFanoutFailure } from './fanout-failure';
import { FaultHook, FaultStep } from './faults';
import { logSleep } from './flow';
import { trackGarbage } from './gc';
import { invocationFields, jsonLogger, withFields } from './log';
import { LineWriter, Metrics } from './metrics';
import { errorCause, errorName, findCatch, retryDelayMs, retryWait } from './retry';
import { ScheduleTarget, SchedulerClientSource, scheduleLongRetry } from './schedule';
import {
  FailureRecord, RedrivePoint, SessionTimedOut, createSession, failSession, sessionDeadline, succeedSession, timeOutSession,
} from './session';
import { isSqsBatch, startSqsBatch } from './sqs';
import { LambdaContext, Logger, UnumContext, UnumHandler } from './types';
import { S3ClientSource } from '../src/client/s3';
import { ITEM_VALUE_LIMIT, Item, SESSION_ATTR, Store } from '../src/client/store';
import {
  DataFlow, ENVELOPE_VERSION, Envelope, EnvelopeError, ERROR_TIMEOUT, Frame, FunctionConfig, Input, checkpointItemKey, instanceKey, isPastDeadline,
  SessionRef, TRACE_ENV, accountOfFunctionArn, ContextReads, contextObject, contextReads, looksLikeEnvelope, sessionItemKey,
  parseEnvelope, payloadObjectKey, sampledTraceId, USER_CODE_TIMEOUT_MARGIN_MS, workflowDeadline, writePath,
} from '../src/protocol';
import { Clock, clockFromEnv } from '../src/protocol/clock';
import { DataFlowError, effectiveInput, isJsonataFlow, stateOutput } from '../src/protocol/dataflow';
import { ERROR_QUERY_EVALUATION, jsonataInput, jsonataOutput } from '../src/protocol/jsonata';
import { VARIABLES_ATTR } from '../src/protocol/keys';

export interface RuntimeClients {
  readonly dynamodb: DynamoDBClient;
  /** A client, or a factory called on first use (S3 is needed only for spilled payloads). */
  readonly s3: S3ClientSource;
  readonly lambda: LambdaClient;
  /** For long Waits only (a client, or a factory called on first use). */
  readonly scheduler?: SchedulerClientSource;
}

export interface RuntimeOptions {
  readonly config: FunctionConfig;
  /** The user function, or a loader called once, on first use (cold start stays cheap for duplicates). */
  readonly userHandler: UnumHandler | { readonly load: () => Promise<UnumHandler> };
  readonly clients: RuntimeClients;
  readonly table: string;
  readonly bucket?: string;
  readonly ttlSeconds?: number;
  /** Payloads above this many bytes travel through S3 (default 256 KB). */
  readonly payloadThreshold?: number;
  /** Delete intermediate data when the session completes. */
  readonly eagerGc?: boolean;
  readonly faults?: FaultHook;
  readonly logger?: Logger;
  /**
   * Receives each EMF metrics line (default: stdout, where Lambda keeps it). An in-process host running many
   * functions (the toolkit's test runner) captures them instead of mixing them into the test's own output.
   */
  readonly metricsWriter?: LineWriter;
  /** This function's own name, for retries re-invoked asynchronously (default: from the Lambda context). */
  readonly functionName?: string;
  /** Bound on successor invocations in flight (default 64). */
  readonly invokeConcurrency?: number;
  /** Map items issued between two progress records (default FANOUT_BATCH, 256). */
  readonly fanoutBatch?: number;
  /** Time for waits, retry intervals and deadlines (default: SKIP_TIME_ENV's simulated clock when set, else the real one). */
  readonly clock?: Clock;
  /** Where Waits longer than LONG_WAIT_THRESHOLD_MS are scheduled (default: none; they continue in re-invocations). */
  readonly schedule?: ScheduleTarget;
}

export type RuntimeHandler = (event: unknown, lambdaContext?: LambdaContext) => Promise<unknown>;

/** The start input could not be read (the failure is recorded on the session). */
const NO_INPUT = Symbol('no input');

/** Marks a data-flow failure (already recorded on the session). */
const DATA_FLOW_FAILED = Symbol('data flow failed');
/** The user code's input is not selected yet (or again, for a retry that reads the context object). */
const NOT_SELECTED = Symbol('not selected');


export class UserCodeTimeout extends Error {
  constructor(ms: number) {
    super(`user code did not finish within ${ms} ms (the invocation's remaining time)`);
    this.name = ERROR_TIMEOUT;
  }
}

/** The orchestration runtime of one workflow function. */
export function createRuntime(options: RuntimeOptions): RuntimeHandler {
  const runtime = new Runtime(options);
  return (event, lambdaContext) => runtime.handle(event, lambdaContext);
}

/** One invocation: the envelope and where it sits. */
export interface Invocation {
  readonly envelope: Envelope;
  readonly instance: string;
  readonly info: { node: string; session: string; instance: string };
  readonly lambdaContext?: LambdaContext;
  readonly logger: Logger;
  /** What this invocation did, written as one EMF line when it ends. */
  readonly metrics: Metrics;
  /** The entry's own instance run after the start states, in the invocation that ran them. */
  readonly afterStart?: boolean;
  /** ISO 8601: when this invocation started (`$$.State.EnteredTime`). */
  readonly enteredTime: string;
  /** The clock's skipped time when this invocation started: skipped time uses up the invocation's remaining time too. */
  readonly skippedAtStart: number;
}

/** A committed checkpoint; `value` when this invocation wrote it (saves decoding it again). */
type Committed = { item: Item; value?: unknown };

export class Runtime {
  readonly store: Store;
  readonly config: FunctionConfig;
  readonly payloadThreshold: number;
  readonly logger: Logger;
  private handlerPromise?: Promise<UnumHandler>;
  /** $$.Execution.Input / StartTime, read once per invocation. */
  private readonly sessionRecords = new WeakMap<Invocation, Promise<{ startTime?: string; input?: unknown; redriveCount?: number }>>();

  readonly clock: Clock;
  private scheduler?: Exclude<SchedulerClientSource, () => unknown>;

  constructor(readonly options: RuntimeOptions) {
    this.clock = options.clock ?? clockFromEnv(process.env);
    this.config = options.config;
    this.store = new Store({
      dynamodb: options.clients.dynamodb,
      s3: options.clients.s3,
      table: options.table,
      bucket: options.bucket,
      ttlSeconds: options.ttlSeconds,
    });
    this.payloadThreshold = options.payloadThreshold ?? 256 * 1024;
    this.logger = options.logger ?? jsonLogger({ workflow: options.config.workflow, node: options.config.node });
  }

  fault(step: FaultStep, inv: Invocation): void {
    this.options.faults?.(step, inv.info);
  }

  async handle(event: unknown, lambdaContext?: LambdaContext): Promise<unknown> {
    if (this.config.entry && isSqsBatch(event)) {
      const { workflow, node } = this.config;
      return startSqsBatch(event, { workflow, node, logger: this.logger },
        (session, input) => this.run(this.startEnvelope(session, input), lambdaContext));
    }
    const envelope = await this.ingress(event, lambdaContext);
    if (envelope === undefined) {
      const metrics = new Metrics(this.config.workflow, this.config.node, {}, this.options.metricsWriter);
      metrics.count('INVOCATIONS');
      metrics.flush();
      return { error: 'invalid envelope (logged, nothing changed)' };
    }
    return this.run(envelope, lambdaContext);
  }

  private async run(received: Envelope, lambdaContext?: LambdaContext, afterStart = false): Promise<unknown> {
    const { workflow, node } = this.config;
    const envelope = await this.withDeadline(received);
    const instance = instanceKey(envelope.node, envelope.frames, envelope.iteration);
    const info = { node: envelope.node, session: envelope.session, instance };
    const inv: Invocation = {
      envelope,
      instance,
      info,
      lambdaContext,
      logger: withFields(this.logger, { session: envelope.session, instance, ...invocationFields(lambdaContext?.awsRequestId) }),
      metrics: new Metrics(workflow, node, { session: envelope.session, instance }, this.options.metricsWriter),
      ...(afterStart ? { afterStart } : {}),
      enteredTime: new Date(this.clock.now()).toISOString(),
      skippedAtStart: this.clock.skippedMs(),
    };
    inv.metrics.count('INVOCATIONS');
    try {
      this.fault('after-ingress', inv);
      if (this.pastDeadline(envelope)) {
        await this.timeOut(inv);
        return { session: envelope.session, instance, status: 'timed out' };
      }
      return await this.process(inv);
    } catch (e) {
      if (!isPermanent(e)) {
        // Lambda logs the error too, but not which session and instance it belongs to.
        inv.logger.error('the invocation failed; Lambda retries the event', { error: errorName(e), cause: errorCause(e) });
        throw e;
      }
      // Lambda's retries would fail the same way (and re-run the user code): the session ends here.
      const isStart = this.config.entry && envelope.frames.length === 0 && envelope.iteration === 0;
      const failure = { node: envelope.node, instance, error: errorName(e), cause: permanentCause(envelope.node, e) };
      inv.logger.error('the invocation cannot succeed; the session fails, no retry', { error: failure.error, cause: failure.cause });
      await this.failSession(inv, failure, isStart);
      return { session: envelope.session, instance, status: 'failed' };
    } finally {
      // Also when the invocation throws (Lambda retries it): what it did until then happened.
      inv.metrics.flush();
    }
  }

  /** Records the failure on the session; counts the session failed (and started) when this write ended (and created) it. */
  async failSession(inv: Invocation, failure: FailureRecord, create = false): Promise<void> {
    const outcome = await failSession(this.store, inv.envelope, { ...failure, redrive: this.redrivePoint(inv) }, create);
    if (outcome.created) inv.metrics.sessionStarted();
    if (outcome.ended !== undefined) inv.metrics.sessionFailed(outcome.ended);
  }

  /**
   * A final failure in the scope `frames`: the innermost enclosing Parallel
   * or Map that handles failures gets it (its origin decides: retry, catch,
   * fail), else the session fails.
   */
  async failInScope(inv: Invocation, failure: FailureRecord, frames: readonly Frame[], ownFailure = false): Promise<void> {
    const report = await reportFanoutFailure(this.store, inv.envelope, frames,
      { instance: failure.instance, error: failure.error, cause: failure.cause ?? '' }, this.redrivePoint(inv), ownFailure);
    switch (report.kind) {
      case 'none':
        return this.failSession(inv, failure);
      case 'invalid':
        return this.failSession(inv, { ...failure, error: 'Unum.InvalidConfig', cause: `${report.why}; after ${failure.error}: ${failure.cause ?? ''}` });
      case 'absorbed':
        inv.logger.info(`the failure is not reported: ${report.why}`, { error: failure.error });
        return;
      case 'report':
        inv.logger.warn(`the failure goes to the enclosing ${report.envelope.fanoutFailure!.item === undefined ? 'fan-out' : 'map (tolerated)'}`, {
          error: report.envelope.fanoutFailure!.error, fanout: report.envelope.fanoutFailure!.instance, functionName: report.functionName,
        });
        await this.invoke(report.functionName, report.envelope);
    }
  }

  /** Where a redrive resumes this invocation: its envelope, re-invoked by the name its predecessors use. */
  private redrivePoint(inv: Invocation): RedrivePoint | undefined {
    try {
      return { envelope: inv.envelope, functionName: this.ownName(inv, 'record where a redrive resumes') };
    } catch {
      return undefined;
    }
  }

  /** Ends the session SUCCEEDED; counted only by the write that ended it (not a duplicate's). */
  async succeedSession(inv: Invocation, result: Item): Promise<void> {
    const ended = await succeedSession(this.store, inv.envelope, result);
    if (ended !== undefined) inv.metrics.sessionSucceeded(ended);
  }

  /** Store.encodeValue, counting a value written to S3 as a spilled payload. */
  async encodeValue(inv: Invocation, value: unknown, prefix: string, spillKey: string, limit?: number): Promise<Item> {
    const attrs = await this.store.encodeValue(value, prefix, spillKey, limit);
    if (attrs[`${prefix}s3`] !== undefined) inv.metrics.count('PAYLOADS_SPILLED');
    return attrs;
  }

  private async process(inv: Invocation): Promise<unknown> {
    if (this.runsStartStates(inv)) return this.runStartStates(inv);
    const { envelope, instance } = inv;
    // Checkpoint first: a retry or duplicate skips the user code and the input.
    let committed: Committed | undefined;
    const existing = await this.store.get(checkpointItemKey(envelope, instance));
    this.fault('after-checkpoint-read', inv);
    // A callback resume (a timeout check firing after the answer, a second resume) after the answer's own resume
    // committed: that invocation, and Lambda's retries of it, run the egress.
    if (existing !== undefined && envelope.callback === true) {
      inv.metrics.count('DUPLICATE_DELIVERIES');
      return { session: envelope.session, instance, status: 'duplicate' };
    }
    committed = existing === undefined ? await this.execute(inv) : { item: existing };
    if (committed === undefined) return { session: envelope.session, instance, status: 'not committed' };
    // Continuations (of Waits, of fan-outs) find their own checkpoint: they are no duplicates.
    if (existing !== undefined && envelope.waits === undefined && envelope.fanouts === undefined && envelope.issue === undefined
      && envelope.fanoutFailure === undefined) {
      inv.metrics.count('DUPLICATE_DELIVERIES');
    }
    // Another delivery wrote the checkpoint while this one ran: that one (and Lambda's retries of it) runs the egress.
    if (existing === undefined && !('value' in committed)) {
      inv.metrics.count('DUPLICATE_DELIVERIES');
      return { session: envelope.session, instance, status: 'duplicate' };
    }
    const { item } = committed;
    const caught = item.c?.N === undefined ? undefined : Number(item.c.N);
    const action = caught === undefined ? this.config.next : this.config.catch[caught].next;
    const fanIn = Store.fanInOf(item);
    const output: Payload = fanIn !== undefined ? { fanIn } : {
      value: 'value' in committed ? committed.value : await this.store.decodeValue(envelope, item),
      s3Key: item.s3?.S,
    };
    const assigned = item[VARIABLES_ATTR]?.S;
    const variables = assigned !== undefined ? JSON.parse(assigned) as Record<string, unknown> : envelope.variables;
    const scope = { frames: envelope.frames, iteration: envelope.iteration, variables };
    await new Egress(this, inv, existing !== undefined).run(action, output, scope, this.config.node);
    return { session: envelope.session, instance };
  }

  /**
   * Validates the event. An invalid one changes nothing in the store (it may
   * name any session, or none): it is logged, counted, and dropped without
   * an error, so Lambda does not retry it.
   */
  private async ingress(event: unknown, lambdaContext?: LambdaContext): Promise<Envelope | undefined> {
    const { workflow, node } = this.config;
    if (!looksLikeEnvelope(event)) {
      if (this.config.entry) {
        // Lambda keeps the request id across retries of an async event, so a retried start is one session.
        return this.startEnvelope(lambdaContext?.awsRequestId ?? randomUUID(), event);
      }
      this.rejectEvent(`node '${node}' is not the workflow's entry: it accepts only unum envelopes (got an event without 'unum')`, lambdaContext);
      return undefined;
    }
    try {
      // A continuation of the start states names their first state.
      const start = this.config.start?.node;
      const addressed = start !== undefined && (event as { node?: unknown }).node === start ? start : node;
      const envelope = parseEnvelope(event, { workflow, node: addressed, bucket: this.store.bucket, now: this.clock.now() });
      if (envelope.stored === undefined) return envelope;
      // A long Wait's schedule could not carry the envelope (Scheduler's Input limit): it passed the stored one's key.
      const stored = JSON.parse(await this.store.getObject(this.store.bucket!, envelope.stored));
      if (stored?.stored !== undefined) throw new EnvelopeError(`node '${node}': invalid envelope: a stored envelope names another`);
      return parseEnvelope(stored, { workflow, node: addressed, bucket: this.store.bucket, now: this.clock.now() });
    } catch (e) {
      if (!(e instanceof EnvelopeError)) throw e;
      const session = (event as { session?: unknown }).session;
      this.rejectEvent(e.message, lambdaContext, typeof session === 'string' ? session.slice(0, 128) : undefined);
      return undefined;
    }
  }

  /**
   * Whether this invocation runs the start states (FunctionConfig.start): a
   * session's start, or a continuation of the start states (a Wait, a
   * fan-out), which names their first state.
   */
  private runsStartStates(inv: Invocation): boolean {
    const start = this.config.start;
    if (start === undefined || inv.afterStart) return false;
    const e = inv.envelope;
    return e.node === start.node || (this.isStart(e) && e.waits === undefined && e.fanouts === undefined);
  }

  /**
   * Runs the start states on the session input, which is checkpointed as
   * their output first (so a retry or continuation replays them like any
   * egress). The first invocation of this function they lead to runs here,
   * after them: a start costs no invocation of its own unless the states
   * lead elsewhere only (a Choice that routes to another function).
   */
  private async runStartStates(received: Invocation): Promise<unknown> {
    const start = this.config.start!;
    const instance = instanceKey(start.node, [], 0);
    const inv: Invocation = {
      ...received, envelope: { ...received.envelope, node: start.node }, instance, info: { ...received.info, node: start.node, instance },
    };
    const { envelope } = inv;
    const key = checkpointItemKey(envelope, instance);
    const existing = await this.store.get(key);
    let item = existing;
    let value: unknown;
    if (existing === undefined) {
      const input = await this.readInput(inv, true);
      if (input === NO_INPUT) return { session: envelope.session, instance, status: 'failed' };
      await this.startSession(inv, input);
      const attrs = await this.encodeValue(inv, input, '', payloadObjectKey(envelope, instance, 'output'), Math.min(this.payloadThreshold, ITEM_VALUE_LIMIT));
      if (this.options.eagerGc) {
        await trackGarbage(this.store, envelope, `C|${instance}`);
        if (attrs.s3 !== undefined) await trackGarbage(this.store, envelope, `O|${attrs.s3.S}`);
      }
      const put = await this.store.putIfAbsent(key, attrs);
      item = put.created ? attrs : put.existing ?? await this.store.get(key);
      if (put.created) value = input;
    }
    if (value === undefined) value = await this.store.decodeValue(envelope, item!);
    const inline: InlineInvocation = { node: this.config.node };
    const egress = new Egress(this, inv, existing !== undefined, undefined, undefined, inline);
    await egress.run(start.next, { value, s3Key: item!.s3?.S }, { frames: [], iteration: 0 }, undefined);
    if (inline.envelope === undefined) return { session: envelope.session, instance };
    return this.run(inline.envelope, inv.lambdaContext, true);
  }

  /**
   * The instance's input; NO_INPUT when it cannot be read (a missing S3
   * object or JSON that does not parse), after failing the session
   * (`isStart`: the session record is created failed).
   */
  private async readInput(inv: Invocation, isStart: boolean): Promise<unknown> {
    try {
      return await this.resolveInput(inv.envelope, inv.envelope.input);
    } catch (e) {
      if ((e as Error).name !== 'NoSuchKey' && (e as Error).name !== 'SyntaxError') throw e;
      await this.failSession(inv, {
        node: inv.envelope.node, instance: inv.instance, error: 'Unum.InvalidInput', cause: `cannot read the input: ${errorCause(e)}`,
      }, isStart);
      return NO_INPUT;
    }
  }

  /** Creates the session record with its input (and trace id); a retried start finds it and changes nothing. */
  private async startSession(inv: Invocation, input: unknown): Promise<void> {
    const { envelope, instance } = inv;
    const inputAttrs = 's3' in envelope.input ? { [`${SESSION_ATTR.INPUT_PREFIX}s3`]: { S: envelope.input.s3.key } }
      : await this.encodeValue(inv, input, SESSION_ATTR.INPUT_PREFIX, payloadObjectKey(envelope, instance, 'input'));
    const traceId = sampledTraceId(process.env[TRACE_ENV]);
    const traced: Item = traceId ? { [SESSION_ATTR.TRACE]: { S: traceId } } : {};
    if (await createSession(this.store, envelope, { ...inputAttrs, ...traced }, envelope.deadline)) inv.metrics.sessionStarted();
    this.fault('after-session-create', inv);
  }

  /** The envelope of a session the entry starts with a plain event as its input. */
  private startEnvelope(session: string, input: unknown): Envelope {
    const { workflow, node } = this.config;
    return { unum: ENVELOPE_VERSION, workflow, session, node, frames: [], iteration: 0, input: { value: input ?? null } };
  }

  /** The session's first invocation (not a retry handed over by it). */
  private isStart(envelope: Envelope): boolean {
    return this.config.entry && envelope.frames.length === 0 && envelope.iteration === 0 && !envelope.attempt;
  }

  /**
   * A start of a workflow with a timeout gets the session's deadline: the
   * one recorded when the session exists (a retried start keeps its first
   * deadline), else now plus the timeout. Every later envelope copies it.
   */
  private async withDeadline(envelope: Envelope): Promise<Envelope> {
    const seconds = this.config.timeoutSeconds;
    if (seconds === undefined || envelope.deadline !== undefined || !this.isStart(envelope)) return envelope;
    return { ...envelope, deadline: await sessionDeadline(this.store, envelope) ?? workflowDeadline(this.clock.now(), seconds) };
  }

  pastDeadline(envelope: Envelope): boolean {
    return isPastDeadline(envelope.deadline, this.clock.now());
  }

  /** The one place this runtime records a session TIMED_OUT (the deadline has passed; nothing more is invoked). */
  async timeOut(inv: Invocation): Promise<void> {
    const { envelope, instance } = inv;
    const at = { node: envelope.node, instance, deadline: envelope.deadline!, redrive: this.redrivePoint(inv) };
    const ended = await timeOutSession(this.store, envelope, at);
    if (ended !== undefined) {
      inv.metrics.sessionTimedOut(ended);
      inv.logger.error('the session ran past its timeout: recorded TIMED_OUT, no successor invoked', {
        error: ERROR_TIMEOUT, deadline: new Date(envelope.deadline!).toISOString(),
      });
    } else {
      inv.logger.info('past the session deadline: nothing invoked (the session had ended already)', { deadline: envelope.deadline });
    }
  }

  /** One structured line per rejected event: `invalidEnvelopes` is the count a metric filter sums. */
  private rejectEvent(message: string, lambdaContext?: LambdaContext, session?: string): void {
    const claimed = session === undefined ? {} : { claimedSession: session };
    this.logger.error(message, { error: 'Unum.InvalidEnvelope', invalidEnvelopes: 1, ...claimed, ...invocationFields(lambdaContext?.awsRequestId) });
  }

  /**
   * Runs the user code (with retries) and commits the checkpoint. Returns
   * the committed item (ours or the race winner's), or undefined when the
   * instance ended without one (failure recorded, or retry re-invoked).
   */
  private async execute(inv: Invocation): Promise<Committed | undefined> {
    const { envelope, instance } = inv;
    // With start states, those created the session.
    const isStart = this.isStart(envelope) && this.config.start === undefined;
    const input = await this.readInput(inv, isStart);
    if (input === NO_INPUT) return undefined;
    if (isStart) await this.startSession(inv, input);

    const flow = this.config.dataFlow;
    const jsonata = isJsonataFlow(flow);
    let attempt = envelope.attempt ?? 0;
    // Step Functions' InputPath and Parameters (JSONata: Arguments) select what the user code sees (again per retry when they read $$.State.RetryCount).
    const inputReads = jsonata ? contextReads([flow?.arguments], []) : contextReads([flow?.parameters], [flow?.inputPath]);
    const selectInput = async (taskToken?: string) => {
      const context = await this.contextObject(inv, envelope.node, attempt, inputReads, undefined, taskToken);
      const variables = envelope.variables;
      // A failing Arguments is an error of the state (its Retry and Catch apply); a JSONPath data-flow error fails the session.
      const select = () => (jsonata ? jsonataInput(flow!, input, context, variables) : effectiveInput(flow, input, context));
      return this.applyDataFlow(inv, select, jsonata);
    };
    // A callback node selects its input per attempt, with that attempt's token (callbackTask).
    const callback = this.config.callback !== undefined;
    let userInput: unknown = NOT_SELECTED;
    // A resume after a claimed token: its first turn reads the answer instead of running the user code.
    let resuming = callback && envelope.callback === true;
    // A retry handed over by the invocation whose attempt failed: not before its deadline.
    if (envelope.notBefore !== undefined && !await this.awaitRetry(inv, attempt, envelope.notBefore)) return undefined;
    let output: unknown;
    let caught: number | undefined;
    let variables: Record<string, unknown> | undefined;
    for (;;) {
      if (this.pastDeadline(envelope)) {
        await this.timeOut(inv);
        return undefined;
      }
      // Outside the user code only a States.QueryEvaluationError is the state's: a store error there stays the invocation's (Lambda retries it).
      let evaluating = false;
      try {
        if (callback) {
          const resumed = resuming;
          resuming = false;
          const done = await this.callbackTask(inv, attempt, resumed, selectInput);
          if (done === PARKED || done === DATA_FLOW_FAILED) return undefined;
          output = done.output;
        } else {
          evaluating = true;
          if (userInput === NOT_SELECTED) userInput = await selectInput();
          evaluating = false;
          if (userInput === DATA_FLOW_FAILED) return undefined;
          output = await this.runUser(userInput, inv, attempt);
        }
        evaluating = true;
        if (jsonata) {
          // Output and Assign are part of the attempt: their States.QueryEvaluationError is retried and caught like the user code's errors.
          const out = await this.jsonataResult(inv, flow!, input, output, attempt);
          if (out === DATA_FLOW_FAILED) return undefined;
          output = out.output;
          variables = out.variables;
        }
        break;
      } catch (e) {
        if (e instanceof SessionTimedOut || this.pastDeadline(envelope)) {
          await this.timeOut(inv);
          return undefined;
        }
        const evaluation = e instanceof DataFlowError;
        if (evaluating && !evaluation) throw e;
        const what = evaluation ? 'JSONata evaluation' : 'user code';
        if (!evaluation) inv.metrics.count('USER_ERRORS');
        const name = errorName(e);
        const delay = retryDelayMs(this.config.retry, name, attempt);
        if (delay !== undefined) {
          inv.metrics.count('RETRIES');
          attempt++;
          // An interval past the session's deadline ends at it, where the next turn of the loop times the session out.
          const notBefore = Math.min(this.clock.now() + delay, envelope.deadline ?? Infinity);
          inv.logger.warn(`${what} failed; retrying`, { error: name, cause: errorCause(e), attempt, delayMs: delay, notBefore });
          if (!await this.awaitRetry(inv, attempt, notBefore)) return undefined;
          if (inputReads.context) userInput = NOT_SELECTED;
          continue;
        }
        const c = findCatch(this.config.catch, name);
        if (c < 0) {
          inv.logger.error(`${what} failed; no retry or catch left`, { error: name, cause: errorCause(e) });
          await this.failInScope(inv, { node: envelope.node, instance, error: name, cause: errorCause(e) }, envelope.frames);
          return undefined;
        }
        const errorOutput = { Error: name, Cause: errorCause(e) };
        const catcher = this.config.catch[c].jsonata;
        if (catcher === undefined) {
          output = writePath(input, this.config.catch[c].resultPath, errorOutput);
        } else {
          // The catcher's own Output and Assign: a failure there fails the session (it is not caught again).
          const context = await this.contextObject(inv, envelope.node, attempt, contextReads([catcher.output, catcher.assign], []));
          const out = await this.applyDataFlow(inv, () => jsonataOutput(catcher, { input, errorOutput, context }, envelope.variables));
          if (out === DATA_FLOW_FAILED) return undefined;
          output = (out as { output: unknown }).output;
          if (catcher.assign !== undefined) variables = (out as { variables: Record<string, unknown> }).variables;
        }
        caught = c;
        break;
      }
    }
    if (!jsonata && flow !== undefined && caught === undefined) {
      // ResultSelector, ResultPath (into the raw input), OutputPath.
      const result = output;
      const context = await this.contextObject(inv, envelope.node, attempt, contextReads([flow.resultSelector], [flow.outputPath]));
      // Lambda sets the version it runs (an alias's resolved version), which is lambda:invoke's ExecutedVersion.
      const version = process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST';
      output = await this.applyDataFlow(inv, () => stateOutput(flow, input, result, version, context));
      if (output === DATA_FLOW_FAILED) return undefined;
    }
    this.fault('after-user-code', inv);

    const attrs = await this.encodeValue(inv, output, '', payloadObjectKey(envelope, instance, 'output'),
      Math.min(this.payloadThreshold, ITEM_VALUE_LIMIT));
    if (caught !== undefined) attrs.c = { N: String(caught) };
    // The variables this state assigned are committed with its output, so a replay of its egress hands on the same ones.
    if (variables !== undefined) attrs[VARIABLES_ATTR] = { S: JSON.stringify(variables) };
    if (this.options.eagerGc) {
      await trackGarbage(this.store, envelope, `C|${instance}`);
      if (attrs.s3 !== undefined) await trackGarbage(this.store, envelope, `O|${attrs.s3.S}`);
    }
    const put = await this.store.putIfAbsent(checkpointItemKey(envelope, instance), attrs);
    this.fault('after-checkpoint-write', inv);
    // The loser of a race continues with the winner's output, so downstream sees one output.
    if (put.created) return { item: attrs, value: output };
    return { item: put.existing ?? (await this.store.get(checkpointItemKey(envelope, instance)))! };
  }

  /**
   * One attempt of a callback node: the answer when resuming, else park (the item with this attempt's token), run
   * the user code with the token, and end with nothing committed. A user error cancels the token and goes to Retry
   * and Catch like any other, unless the token was answered first (that answer's resume continues the task).
   */
  private async callbackTask(inv: Invocation, attempt: number, resumed: boolean, selectInput: (taskToken: string) => Promise<unknown>):
  Promise<{ output: unknown } | typeof PARKED | typeof DATA_FLOW_FAILED> {
    if (resumed) return resumeCallback(this, inv, attempt);
    const parked = await parkCallback(this, inv, attempt);
    if (parked === PARKED) return PARKED;
    let input: unknown;
    try {
      input = await selectInput(parked.token);
    } catch (e) {
      // A States.QueryEvaluationError of the Arguments: no user code saw the token, so it is cancelled before the Retry or Catch.
      if (!await cancelCallback(this, inv, attempt)) return PARKED;
      throw e;
    }
    if (input === DATA_FLOW_FAILED) {
      await cancelCallback(this, inv, attempt);
      return DATA_FLOW_FAILED;
    }
    try {
      await this.runUser(input, inv, attempt, parked.token);
    } catch (e) {
      if (!await cancelCallback(this, inv, attempt)) return PARKED;
      throw e;
    }
    await armCallback(this, inv, parked);
    inv.logger.info('parked: the task waits for its token to be answered; nothing runs until then', { attempt });
    return PARKED;
  }

  /**
   * The context object (`$$`) of `state`, or undefined when the state's
   * templates and paths do not read it (`reads`), so a workflow without `$$` pays nothing. The
   * session record is read, once per invocation, only for
   * `$$.Execution.Input` / `StartTime`: the input may be large, so the
   * envelope does not carry it.
   */
  async contextObject(inv: Invocation, state: string, attempt: number, reads: ContextReads,
    mapItem?: { index: number; value: unknown }, taskToken?: string): Promise<Record<string, unknown> | undefined> {
    if (!reads.context) return undefined;
    const record = reads.sessionRecord ? await this.sessionFacts(inv) : {};
    return contextObject({
      workflow: inv.envelope.workflow,
      session: inv.envelope.session,
      state,
      enteredTime: inv.enteredTime,
      attempt,
      region: process.env.AWS_REGION,
      account: accountOfFunctionArn(inv.lambdaContext?.invokedFunctionArn),
      ...record,
      mapItem,
      taskToken,
    });
  }

  /** The session's start time, input and redrive count, from one consistent read of its record. */
  private sessionFacts(inv: Invocation): Promise<{ startTime?: string; input?: unknown; redriveCount?: number }> {
    let facts = this.sessionRecords.get(inv);
    if (facts === undefined) {
      facts = (async () => {
        const item = await this.store.get(sessionItemKey(inv.envelope));
        if (item === undefined) return {};
        return {
          startTime: item[SESSION_ATTR.START]?.S,
          input: await this.store.decodeValue(inv.envelope, item, SESSION_ATTR.INPUT_PREFIX),
          redriveCount: Number(item[SESSION_ATTR.REDRIVE_COUNT]?.N ?? 0),
        };
      })();
      this.sessionRecords.set(inv, facts);
    }
    return facts;
  }

  /**
   * JSONata: Output (default: the result) and Assign on $states.input and $states.result (the lambda:invoke response
   * when asked); the variables only when the state assigns some.
   */
  private async jsonataResult(inv: Invocation, flow: DataFlow, input: unknown, output: unknown, attempt: number):
  Promise<{ output: unknown; variables?: Record<string, unknown> } | typeof DATA_FLOW_FAILED> {
    const version = process.env.AWS_LAMBDA_FUNCTION_VERSION ?? '$LATEST';
    const result = flow.lambdaResponse === true ? stateOutput({ lambdaResponse: true }, input, output, version) : output;
    const context = await this.contextObject(inv, inv.envelope.node, attempt, contextReads([flow.output, flow.assign], []));
    const out = await this.applyDataFlow(inv, () => jsonataOutput(flow, { input, result, context }, inv.envelope.variables), true);
    if (out === DATA_FLOW_FAILED) return DATA_FLOW_FAILED;
    const { output: shaped, variables } = out as { output: unknown; variables: Record<string, unknown> };
    return flow.assign === undefined ? { output: shaped } : { output: shaped, variables };
  }

  /**
   * A path that does not fit the value fails the session, like Step Functions (not retried, not caught).
   * `stateError`: a States.QueryEvaluationError is thrown on, to the state's Retry and Catch, as in Step Functions.
   */
  private async applyDataFlow(inv: Invocation, apply: () => unknown, stateError = false): Promise<unknown> {
    try {
      return await apply();
    } catch (e) {
      if (!(e instanceof DataFlowError)) throw e;
      if (stateError && e.name === ERROR_QUERY_EVALUATION) throw e;
      inv.logger.error('input/output processing failed', { error: e.name, cause: e.message });
      await this.failInScope(inv, { node: inv.envelope.node, instance: inv.instance, error: e.name, cause: e.message }, inv.envelope.frames);
      return DATA_FLOW_FAILED;
    }
  }

  private async resolveInput(session: SessionRef, input: Input): Promise<unknown> {
    if ('value' in input) return input.value;
    if ('s3' in input) return JSON.parse(await this.store.getObject(input.s3.bucket, input.s3.key));
    return this.store.readFanIn(session, input.fanIn);
  }

  private async runUser(input: unknown, inv: Invocation, attempt: number, taskToken?: string): Promise<unknown> {
    const user = this.options.userHandler;
    this.handlerPromise ??= typeof user === 'function' ? Promise.resolve(user) : user.load();
    const handler = await this.handlerPromise.catch((e) => {
      this.handlerPromise = undefined;
      throw e;
    });
    const { envelope } = inv;
    const inner = envelope.frames[envelope.frames.length - 1];
    const context: UnumContext = {
      workflow: envelope.workflow,
      session: envelope.session,
      node: envelope.node,
      instance: inv.instance,
      fanouts: envelope.frames.map((f) => ({ fanout: f.fanout, index: f.index, size: f.size, attempt: f.attempt ?? 0 })),
      index: inner?.index ?? 0,
      size: inner?.size ?? 1,
      iteration: envelope.iteration,
      attempt,
      ...(taskToken === undefined ? {} : { taskToken }),
      logger: inv.logger,
      getRemainingTimeInMillis: () => this.remaining(inv),
      lambdaContext: inv.lambdaContext,
    };
    const budget = this.remaining(inv) - USER_CODE_TIMEOUT_MARGIN_MS;
    // The session's deadline stops the user code too (it keeps running detached, as after a Lambda timeout).
    const untilDeadline = envelope.deadline === undefined ? Infinity : envelope.deadline - this.clock.now();
    const started = Date.now();
    const run = Promise.resolve().then(() => handler(input, context));
    const wait = Math.max(0, Math.min(budget, untilDeadline));
    const error = untilDeadline < budget ? () => new SessionTimedOut() : () => new UserCodeTimeout(wait);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (Number.isFinite(wait)) timer = setTimeout(() => reject(error()), wait);
    });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
      inv.metrics.userCodeDuration(Date.now() - started);
    }
  }

  remaining(inv: Invocation): number {
    return (inv.lambdaContext?.getRemainingTimeInMillis?.() ?? Infinity) - (this.clock.skippedMs() - inv.skippedAtStart);
  }

  /**
   * Waits for a retry's deadline. True: the attempt runs in this
   * invocation. False: the wait does not fit in the time left, so the same
   * instance was re-invoked with the attempt counter and the deadline, which
   * the fresh invocation waits out before the attempt.
   */
  private async awaitRetry(inv: Invocation, attempt: number, notBefore: number): Promise<boolean> {
    if (await scheduleLongRetry(this, inv, { ...inv.envelope, attempt, notBefore }, notBefore, String(attempt))) return false;
    const { sleepMs, here } = retryWait(notBefore, this.clock.now(), this.remaining(inv));
    logSleep(inv.logger, 'RETRY', inv.info.node, sleepMs, `retry attempt ${attempt}`);
    await this.clock.sleep(sleepMs);
    if (here) return true;
    const name = this.ownName(inv, 're-invoke for a retry');
    inv.logger.info('retry interval does not fit in this invocation: re-invoked to wait for it', { attempt, notBefore, waitedMs: sleepMs, functionName: name });
    await this.invoke(name, { ...inv.envelope, attempt, notBefore });
    return false;
  }

  /**
   * The name this function re-invokes itself by: the one its predecessors
   * use (`name:alias` from the configuration), so a continuation runs where
   * the first invocation did and needs no other grant. The Lambda context's
   * name is the unqualified function, right only without an alias.
   */
  schedulerClient(): Exclude<SchedulerClientSource, () => unknown> {
    const source = this.options.clients.scheduler;
    if (source === undefined) throw new Error('cannot schedule a long Wait: the runtime has no Scheduler client');
    this.scheduler ??= typeof source === 'function' ? source() : source;
    return this.scheduler;
  }

  ownName(inv: Invocation, why: string): string {
    const name = this.options.functionName ?? this.config.invokeName ?? inv.lambdaContext?.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME;
    if (name === undefined) throw new Error(`cannot ${why}: the function name is unknown`);
    return name;
  }

  async invoke(functionName: string, envelope: Envelope): Promise<void> {
    await this.options.clients.lambda.send(new InvokeCommand({
      FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(envelope)),
    }));
  }
}

/**
 * Errors that every retry would meet again: the output is not JSON, a
 * payload needs a bucket that is not configured or does not exist, a
 * successor or the table does not exist, a request the service refuses as
 * malformed or too large. Throttling, timeouts and crashes stay with
 * Lambda's retries (and its on-failure destination once they run out).
 */
const PERMANENT_ERRORS = new Set([
  'Unum.InvalidOutput', 'Unum.NoBucket', 'NoSuchBucket', 'ResourceNotFoundException', 'ValidationException',
  'RequestEntityTooLargeException', 'InvalidRequestContentException',
]);

function isPermanent(e: unknown): boolean {
  return PERMANENT_ERRORS.has(errorName(e));
}

function permanentCause(node: string, e: unknown): string {
  const hints: Record<string, string> = {
    'Unum.InvalidOutput': 'return plain JSON values (no BigInt, no circular references)',
    'Unum.NoBucket': "give the workflow a store with a bucket, or keep the node's output below the payload threshold",
    'NoSuchBucket': "the store's bucket does not exist: create it or point the workflow at a store whose bucket exists",
    'ResourceNotFoundException': 'a successor function or the store table does not exist: deploy the whole workflow',
  };
  const hint = hints[errorName(e)];
  return `node '${node}': ${errorCause(e)}${hint ? `; ${hint}` : ''}`;
}
