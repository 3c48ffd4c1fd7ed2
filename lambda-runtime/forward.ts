import { randomUUID } from 'crypto';
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type * as SNS from '@aws-sdk/client-sns';
import type * as SQS from '@aws-sdk/client-sqs';
import { once } from './lazy';
import { s3Module } from '../src/client/s3';
import { ForwardTarget, S3_RECORD_PREFIX } from '../src/protocol';

/**
 * Sends Lambda's on-failure record on to a user's own destination exactly
 * as Lambda would have: the record JSON as an SQS message body, an SNS
 * message, an S3 object under Lambda's own key layout, an EventBridge
 * event's detail (source `lambda`), or an asynchronous Lambda invocation's
 * payload (only its responsePayload with LambdaDestination's responseOnly,
 * which aws-cdk-lib implements as an EventBridge rule passing
 * `$.detail.responsePayload`).
 */

/** Lambda's EventBridge events for a failed asynchronous invocation. */
export const EVENT_SOURCE = 'lambda';
export const EVENT_DETAIL_TYPE_FAILURE = 'Lambda Function Invocation Result - Failure';

/**
 * The SDK modules Lambda provides; each is loaded the first time a record
 * goes to that kind of destination, so no workflow function's cold start
 * pays for them (they share the runtime bundle with the recorder).
 */
/* eslint-disable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */
const sqsModule = once(() => require('@aws-sdk/client-sqs') as typeof SQS);
const snsModule = once(() => require('@aws-sdk/client-sns') as typeof SNS);
const eventBridgeModule = once(() => require('@aws-sdk/client-eventbridge') as typeof EventBridge);
/* eslint-enable @typescript-eslint/no-require-imports, import/no-extraneous-dependencies */

/** The clients, made on first use (endpoints from AWS_ENDPOINT_URL_*). */
export class ForwardClients {
  private readonly made = new Map<string, unknown>();

  constructor(readonly lambda: LambdaClient, private readonly config: Record<string, unknown> = {}) {}

  get sqs(): SQS.SQSClient {
    // With an endpoint override (a local emulation), send there, not to the AWS host in the queue URL.
    const useQueueUrlAsEndpoint = process.env.AWS_ENDPOINT_URL_SQS === undefined;
    return this.client('sqs', () => new (sqsModule().SQSClient)({ ...this.config, useQueueUrlAsEndpoint }));
  }

  get sns(): SNS.SNSClient {
    return this.client('sns', () => new (snsModule().SNSClient)(this.config));
  }

  get eventBridge(): EventBridge.EventBridgeClient {
    return this.client('eventbridge', () => new (eventBridgeModule().EventBridgeClient)(this.config));
  }

  get s3(): InstanceType<ReturnType<typeof s3Module>['S3Client']> {
    const forcePathStyle = process.env.AWS_ENDPOINT_URL_S3 !== undefined;
    return this.client('s3', () => new (s3Module().S3Client)({ ...this.config, forcePathStyle, requestChecksumCalculation: 'WHEN_REQUIRED' }));
  }

  private client<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as T;
  }
}

export interface ForwardedRecord {
  readonly timestamp?: string;
  readonly requestContext?: { readonly functionArn?: string };
  readonly responsePayload?: unknown;
}

/** Delivers `record` to `to`; throws when the destination refuses it (Lambda's retries of the recorder then deliver it again). */
export async function forwardRecord(record: ForwardedRecord, to: ForwardTarget, clients: ForwardClients): Promise<void> {
  const json = JSON.stringify(record);
  const functionArn = record.requestContext?.functionArn ?? '';
  switch (to.kind) {
    case 'lambda': {
      const payload = to.responseOnly ? JSON.stringify(record.responsePayload ?? null) : json;
      await clients.lambda.send(new InvokeCommand({ FunctionName: to.target, InvocationType: 'Event', Payload: Buffer.from(payload) }));
      return;
    }
    case 'sqs':
      await clients.sqs.send(new (sqsModule().SendMessageCommand)({ QueueUrl: to.target, MessageBody: json }));
      return;
    case 'sns':
      await clients.sns.send(new (snsModule().PublishCommand)({ TopicArn: to.target, Message: json }));
      return;
    case 'eventbridge': {
      const put = await clients.eventBridge.send(new (eventBridgeModule().PutEventsCommand)({
        Entries: [{
          Source: EVENT_SOURCE,
          DetailType: EVENT_DETAIL_TYPE_FAILURE,
          Detail: json,
          EventBusName: to.target,
          Resources: [to.target, functionArn].filter((r) => r !== ''),
          ...(record.timestamp ? { Time: new Date(record.timestamp) } : {}),
        }],
      }));
      // PutEvents reports a refused entry in its answer, not as an error.
      const refused = put.Entries?.find((e) => e.ErrorCode !== undefined);
      if ((put.FailedEntryCount ?? 0) > 0 || refused !== undefined) {
        throw new Error(`EventBridge refused the on-failure record for ${to.target}: ${refused?.ErrorCode ?? 'unknown'} ${refused?.ErrorMessage ?? ''}`.trim());
      }
      return;
    }
    case 's3':
      await clients.s3.send(new (s3Module().PutObjectCommand)({
        Bucket: to.target, Key: s3RecordKey(functionArn, record.timestamp), Body: json,
      }));
      return;
  }
}

/** `aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`, in UTC, as Lambda names it. */
export function s3RecordKey(functionArn: string, timestamp?: string): string {
  const name = functionArn.startsWith('arn:') ? functionArn.split(':')[6] : functionArn.split(':')[0];
  const t = timestamp !== undefined && !Number.isNaN(Date.parse(timestamp)) ? new Date(timestamp) : new Date();
  const iso = t.toISOString();
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19).replace(/:/g, '.')];
  return `${S3_RECORD_PREFIX}${name}/${date.replace(/-/g, '/')}/${date}T${time}-${randomUUID()}`;
}
