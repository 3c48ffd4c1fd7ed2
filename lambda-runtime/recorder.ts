import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { reportFanoutFailure } from './fanout-failure';
import { ForwardClients, forwardRecord } from './forward';
import { invocationFields, jsonLogger, withFields } from './log';
import { Metrics } from './metrics';
import { failSession } from './session';
import { LambdaContext } from './types';
import { s3Module } from '../src/client/s3';
import { Store } from '../src/client/store';
import {
  ENV, Envelope, EnvelopeError, ForwardTarget, RECORDER_ENV, checkpointItemKey, instanceKey, looksLikeEnvelope, parseEnvelope,
} from '../src/protocol';

/**
 * The failure recorder: every workflow function's asynchronous on-failure
 * destination. Lambda sends it the event it gave up on (retries exhausted,
 * or too old); it records the session FAILED with the node, the instance
 * and the error, then forwards the record to the user's own on-failure
 * destination, if any, as Lambda would have sent it (forward.ts). Checkpoints are never touched, and a session that
 * already ended is left as it is.
 */

/** What Lambda sends an on-failure destination. */
export interface DestinationRecord {
  readonly version?: string;
  readonly timestamp?: string;
  readonly requestContext?: {
    readonly requestId?: string;
    readonly functionArn?: string;
    readonly condition?: string;
    readonly approximateInvokeCount?: number;
  };
  readonly requestPayload?: unknown;
  readonly responseContext?: { readonly statusCode?: number; readonly executedVersion?: string; readonly functionError?: string };
  readonly responsePayload?: { readonly errorType?: string; readonly errorMessage?: string } | null;
}

export interface RecorderOptions {
  readonly store: Store;
  readonly clients: ForwardClients;
  readonly workflow: string;
  /** The entry function: a plain event it gave up on starts (and fails) the session its request id names. */
  readonly entryFunction: string;
  readonly entryNode: string;
  /** Function name → the user's own on-failure destination. */
  readonly forward: Readonly<Record<string, ForwardTarget>>;
  readonly logger?: ReturnType<typeof jsonLogger>;
}

/** `arn:aws:lambda:region:account:function:name[:qualifier]` → name. */
function functionNameOf(arn: string): string {
  return arn.startsWith('arn:') ? arn.split(':')[6] ?? arn : arn.split(':')[0];
}

export async function recordFailure(record: DestinationRecord, o: RecorderOptions, requestId?: string): Promise<{ recorded: boolean }> {
  const logger = withFields(o.logger ?? jsonLogger({ workflow: o.workflow, recorder: true }), invocationFields(requestId));
  const ctx = record.requestContext ?? {};
  const functionName = functionNameOf(ctx.functionArn ?? '');
  const payload = record.requestPayload;
  let target: { session: string; node: string; instance: string; start: boolean; envelope?: Envelope } | undefined;
  if (looksLikeEnvelope(payload)) {
    try {
      const e = parseEnvelope(payload, { workflow: o.workflow, node: String((payload as { node?: unknown }).node) });
      target = {
        envelope: e,
        session: e.session,
        node: e.node,
        instance: instanceKey(e.node, e.frames, e.iteration),
        start: functionName === o.entryFunction && e.frames.length === 0 && e.iteration === 0,
      };
    } catch (err) {
      if (!(err instanceof EnvelopeError)) throw err;
      const claimed = (payload as { session?: unknown }).session;
      logger.error(`on-failure record of ${functionName} holds an invalid envelope; nothing recorded`, {
        cause: err.message, ...(typeof claimed === 'string' ? { claimedSession: claimed.slice(0, 128) } : {}),
      });
    }
  } else if (functionName === o.entryFunction && ctx.requestId !== undefined) {
    // The runtime names a session started by a plain event after its request id, which Lambda keeps across retries.
    target = { session: ctx.requestId, node: o.entryNode, instance: instanceKey(o.entryNode, [], 0), start: true };
  } else {
    logger.error(`on-failure record of ${functionName || 'an unknown function'} names no session of this workflow; nothing recorded`);
  }
  let recorded = false;
  if (target !== undefined) {
    const error = record.responsePayload?.errorType ?? `Lambda.${ctx.condition ?? 'RetriesExhausted'}`;
    const attempts = ctx.approximateInvokeCount ?? 0;
    const ref = { workflow: o.workflow, session: target.session };
    const committed = await o.store.get(checkpointItemKey(ref, target.instance)) !== undefined;
    const cause = [
      record.responsePayload?.errorMessage ?? `the event was dropped (${ctx.condition ?? 'unknown condition'})`,
      `Lambda gave up after ${attempts} attempt(s) (${ctx.condition ?? 'RetriesExhausted'})`,
      ...(committed ? ['the instance had committed its output, which is kept; its successors may not all have been invoked'] : []),
    ].join('; ');
    // A branch of a Parallel or Map that handles failures, crashed before it committed: the fan-out decides (retry, catch).
    const e = target.envelope;
    // A redrive re-invokes the event Lambda gave up on, by the ARN Lambda named (its qualifier included).
    const redrive = e !== undefined && ctx.functionArn ? { envelope: e, functionName: ctx.functionArn } : undefined;
    if (e !== undefined && !committed && e.frames.some((f) => f.attempt !== undefined)
      && e.fanoutFailure === undefined && e.issue === undefined && e.fanouts === undefined && e.waits === undefined) {
      const report = await reportFanoutFailure(o.store, ref, e.frames, { instance: target.instance, error, cause }, redrive);
      if (report.kind === 'report' || report.kind === 'absorbed') {
        if (report.kind === 'report') {
          await o.clients.lambda.send(new InvokeCommand({
            FunctionName: report.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(report.envelope)),
          }));
        }
        logger.error('Lambda gave up on an invocation in a fan-out that handles failures: reported to it', {
          session: target.session, node: target.node, instance: target.instance, error, outcome: report.kind,
        });
        const forwardTo = o.forward[functionName];
        if (forwardTo !== undefined) await forwardRecord(record, forwardTo, o.clients);
        return { recorded: false };
      }
    }
    const outcome = await failSession(o.store, ref, { node: target.node, instance: target.instance, error, cause, redrive }, target.start);
    recorded = outcome.recorded;
    // The recorder is no node of the workflow: only the workflow's session counts.
    const metrics = new Metrics(o.workflow, undefined, { session: target.session, failedNode: target.node });
    if (outcome.created) metrics.sessionStarted();
    if (outcome.ended !== undefined) metrics.sessionFailed(outcome.ended);
    metrics.flush();
    logger.error('Lambda gave up on an invocation', { session: target.session, node: target.node, instance: target.instance, error, recorded });
  }
  const forward = o.forward[functionName];
  // Lambda allows one on-failure destination per function: the user's own gets the record from here, unchanged.
  if (forward !== undefined) await forwardRecord(record, forward, o.clients);
  return { recorded };
}

/** The recorder's Lambda entry (`/opt/unum/runtime.recorder`), configured by its environment. */
let options: RecorderOptions | undefined;

export async function recorder(event: DestinationRecord, context?: LambdaContext): Promise<{ recorded: boolean }> {
  options ??= recorderOptions(process.env);
  return recordFailure(event, options, context?.awsRequestId);
}

function recorderOptions(env: NodeJS.ProcessEnv): RecorderOptions {
  const table = env[ENV.TABLE];
  if (!table) throw new Error(`${ENV.TABLE} is not set: the failure recorder is not wired to an intermediary store`);
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 !== undefined;
  return {
    store: new Store({
      dynamodb: new DynamoDBClient({}),
      s3: () => new (s3Module().S3Client)({ forcePathStyle: s3Endpoint, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      table,
      bucket: env[ENV.BUCKET] || undefined,
      ttlSeconds: env[ENV.TTL_SECONDS] ? Number(env[ENV.TTL_SECONDS]) : undefined,
    }),
    clients: new ForwardClients(new LambdaClient({})),
    workflow: env[RECORDER_ENV.WORKFLOW] ?? '',
    entryFunction: env[RECORDER_ENV.ENTRY_FUNCTION] ?? '',
    entryNode: env[RECORDER_ENV.ENTRY_NODE] ?? '',
    forward: JSON.parse(env[RECORDER_ENV.FORWARD] || '{}'),
  };
}
