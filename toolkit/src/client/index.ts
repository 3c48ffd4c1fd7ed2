import { randomUUID } from 'crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { Item, SESSION_ATTR, Store } from 'cdk-unum/lib/client/store';
import { ENVELOPE_VERSION, Envelope, FAILURE_SORT_PREFIX, Input, SessionRef, sessionItemKey, startObjectKey } from 'cdk-unum/lib/protocol';

import { CallbackResult, answerTaskToken, heartbeatTaskToken } from './callback';
import { RedriveResult, redriveSession } from './redrive';

export * from 'cdk-unum/lib/client/store';
export { RedriveError } from './redrive';
export { TaskTokenError } from './callback';
export type { CallbackOutcome, CallbackResult } from './callback';
export type { RedriveResult } from './redrive';

/**
 * The client API: start an execution, read its status and result. Used by
 * users' own code, the `unum` CLI and the runtime (which writes what this
 * reads). Only the three AWS SDK clients that Lambda provides.
 */

/** TIMED_OUT: the session ran past its workflow's timeout (error States.Timeout, naming the instance that found it). */
export type SessionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';

export interface Failure {
  readonly node: string;
  readonly instance: string;
  readonly error: string;
  readonly cause?: string;
  readonly time?: string;
}

export interface SessionDescription {
  readonly session: string;
  /** NOT_FOUND until the entry function has run (or after the TTL). */
  readonly status: SessionStatus | 'NOT_FOUND';
  readonly workflow?: string;
  readonly startTime?: string;
  readonly endTime?: string;
  /** When the session times out (its start plus the workflow's timeout); absent without a timeout. */
  readonly deadline?: string;
  /** The failure that ended the session (States.Timeout for a TIMED_OUT one). */
  readonly error?: Failure;
  /** Every failure recorded for the session (invalid envelopes, exhausted retries). */
  readonly failures: readonly Failure[];
  /** The session's X-Ray trace id, when its entry function is traced (one session is one trace). */
  readonly traceId?: string;
  /** How many times the session was redriven (absent: never). */
  readonly redriveCount?: number;
}

export interface UnumClientOptions {
  /** The workflow whose sessions this client starts and reads (store keys are bound to it). */
  readonly workflow: string;
  readonly table: string;
  /** Needed for inputs above the payload threshold and results stored in S3. */
  readonly bucket?: string;
  readonly dynamodb?: DynamoDBClient;
  readonly s3?: S3Client;
  readonly lambda?: LambdaClient;
  /** Inputs above this many bytes travel through S3 (default 256 KB). */
  readonly payloadThreshold?: number;
}

export interface StartExecutionOptions {
  /** The entry node's name. */
  readonly entryNode: string;
  /** The entry function's name or ARN. */
  readonly functionName: string;
  readonly input: unknown;
  /** Session id (default: a random UUID); starting twice with one id runs the session once. */
  readonly session?: string;
}

export class UnumClient {
  readonly store: Store;
  readonly workflow: string;
  private readonly lambda: LambdaClient;
  private readonly payloadThreshold: number;

  constructor(options: UnumClientOptions) {
    this.workflow = options.workflow;
    this.store = new Store({
      dynamodb: options.dynamodb ?? new DynamoDBClient({}),
      s3: options.s3 ?? new S3Client({ forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      table: options.table,
      bucket: options.bucket,
    });
    this.lambda = options.lambda ?? new LambdaClient({});
    this.payloadThreshold = options.payloadThreshold ?? 256 * 1024;
  }

  /** Invokes the entry function asynchronously with an envelope for a new session. */
  async startExecution(options: StartExecutionOptions): Promise<{ session: string }> {
    const session = options.session ?? randomUUID();
    const json = JSON.stringify(options.input ?? null);
    let input: Input = { value: options.input ?? null };
    if (Buffer.byteLength(json) > this.payloadThreshold) {
      const key = startObjectKey(this.ref(session));
      await this.store.putObject(key, json);
      input = { s3: { bucket: this.store.bucket!, key } };
    }
    const envelope: Envelope = {
      unum: ENVELOPE_VERSION, workflow: this.workflow, session, node: options.entryNode, frames: [], iteration: 0, input,
    };
    await this.lambda.send(new InvokeCommand({
      FunctionName: options.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(envelope)),
    }));
    return { session };
  }

  async describeSession(session: string): Promise<SessionDescription> {
    const item = await this.store.get(sessionItemKey(this.ref(session)));
    const failures = await this.failures(session);
    if (item === undefined) return { session, status: 'NOT_FOUND', failures };
    const s = (name: string): string | undefined => item[name]?.S;
    const error = s(SESSION_ATTR.ERROR) === undefined ? undefined : {
      node: s(SESSION_ATTR.NODE) ?? '', instance: s(SESSION_ATTR.INSTANCE) ?? '', error: s(SESSION_ATTR.ERROR)!, cause: s(SESSION_ATTR.CAUSE),
    };
    return {
      session,
      status: s(SESSION_ATTR.STATUS) as SessionStatus,
      workflow: s(SESSION_ATTR.WORKFLOW),
      startTime: s(SESSION_ATTR.START),
      endTime: s(SESSION_ATTR.END),
      ...(item[SESSION_ATTR.DEADLINE]?.N === undefined ? {} : { deadline: new Date(Number(item[SESSION_ATTR.DEADLINE].N)).toISOString() }),
      error,
      failures,
      ...(s(SESSION_ATTR.TRACE) ? { traceId: s(SESSION_ATTR.TRACE) } : {}),
      ...(item[SESSION_ATTR.REDRIVE_COUNT]?.N === undefined ? {} : { redriveCount: Number(item[SESSION_ATTR.REDRIVE_COUNT].N) }),
    };
  }

  /** The session's result once SUCCEEDED (a fan-in result is resolved into its list); throws otherwise. */
  async getResult(session: string): Promise<unknown> {
    const item = await this.store.get(sessionItemKey(this.ref(session)));
    const status = item?.[SESSION_ATTR.STATUS]?.S;
    if (item === undefined || status !== 'SUCCEEDED') {
      const detail = item?.[SESSION_ATTR.ERROR]?.S ? `: ${item[SESSION_ATTR.ERROR].S} ${item[SESSION_ATTR.CAUSE]?.S ?? ''}` : '';
      throw new Error(`session ${session} has no result (status ${status ?? 'NOT_FOUND'}${detail})`);
    }
    return this.store.decodeValue(this.ref(session), item, SESSION_ATTR.RESULT_PREFIX);
  }

  /**
   * Restarts a FAILED or TIMED_OUT session from the instances that stopped
   * it (see redrive.ts): what committed is not run again. Throws
   * RedriveError, changing nothing, for an unknown or expired session, one
   * that is not FAILED or TIMED_OUT, or one with nothing to resume.
   */
  async redrive(session: string): Promise<RedriveResult> {
    return redriveSession(this.store, this.lambda, this.ref(session));
  }

  /**
   * Answers a task token with the task's output: the parked task succeeds with it and the session goes on.
   * Throws TaskTokenError, changing nothing, for a token that is malformed, of another workflow, unknown, used
   * already, or whose attempt or session ended.
   */
  async sendTaskSuccess(token: string, output: unknown): Promise<CallbackResult> {
    return answerTaskToken(this.store, this.lambda, this.workflow, token, { kind: 'success', output });
  }

  /**
   * Answers a task token with a failure: the parked task fails with `error` (default States.TaskFailed) and
   * `cause`, which its Retry and Catch see. Refused like sendTaskSuccess.
   */
  async sendTaskFailure(token: string, error?: string, cause?: string): Promise<CallbackResult> {
    return answerTaskToken(this.store, this.lambda, this.workflow, token, { kind: 'failure', error, cause });
  }

  /**
   * Tells a parked task that its work goes on: its `heartbeat` limit runs again from now (Step Functions'
   * SendTaskHeartbeat). Refused like sendTaskSuccess; the token stays usable.
   */
  async sendTaskHeartbeat(token: string): Promise<CallbackResult> {
    return heartbeatTaskToken(this.store, this.workflow, token);
  }

  /** Polls until the session ends; returns its description. */
  async waitForSession(session: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<SessionDescription> {
    const deadline = Date.now() + (options.timeoutMs ?? 15 * 60 * 1000);
    for (;;) {
      const d = await this.describeSession(session);
      if (d.status !== 'RUNNING' && d.status !== 'NOT_FOUND') return d;
      if (Date.now() > deadline) throw new Error(`session ${session} did not end in time (status ${d.status})`);
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
    }
  }

  private ref(session: string): SessionRef {
    return { workflow: this.workflow, session };
  }

  private async failures(session: string): Promise<Failure[]> {
    const key = sessionItemKey(this.ref(session));
    const out = await this.store.dynamodb.send(new QueryCommand({
      TableName: this.store.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :f)',
      ExpressionAttributeValues: { ':pk': { S: key.pk }, ':f': { S: FAILURE_SORT_PREFIX } },
      ConsistentRead: true,
    }));
    return (out.Items ?? []).map((i: Item) => ({
      node: i.node?.S ?? '', instance: i.instance?.S ?? '', error: i.error?.S ?? '', cause: i.cause?.S, time: i.time?.S,
    }));
  }
}
