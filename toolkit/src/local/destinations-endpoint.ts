import { createHash, randomUUID } from 'crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'fs';
import { IncomingMessage, Server, ServerResponse, createServer } from 'http';
import { AddressInfo } from 'net';
import { dirname, join } from 'path';

/**
 * A local endpoint for the three message services a failure recorder
 * forwards to: SQS SendMessage (AWS JSON 1.0, as @aws-sdk/client-sqs
 * speaks it), SNS Publish (the Query protocol) and EventBridge PutEvents
 * (AWS JSON 1.1). Unmodified SDK clients reach it through
 * AWS_ENDPOINT_URL_SQS / _SNS / _EVENTBRIDGE. It delivers nowhere: every
 * message is recorded, in memory and, with a data directory, as a JSON
 * line in `<dataDir>/destinations.jsonl` (what `unum status` shows).
 */

export type DestinationService = 'sqs' | 'sns' | 'eventbridge';

export interface DeliveredMessage {
  readonly service: DestinationService;
  /** The queue URL, topic ARN, or event bus name or ARN the message was sent to. */
  readonly destination: string;
  /** SQS MessageBody, SNS Message, EventBridge Detail: for a failure recorder, Lambda's record JSON. */
  readonly body: string;
  /** EventBridge: source, detailType, resources, time; SNS: subject, when given. */
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly messageId: string;
  /** When the endpoint received it (ISO 8601). */
  readonly receivedAt: string;
  /** The workflow session the message is about, when its body is a Lambda record naming one. */
  readonly session?: string;
}

export interface DestinationsEndpointOptions {
  /** Default 0: an ephemeral port. */
  readonly port?: number;
  /** Keep the messages in `<dataDir>/destinations.jsonl` as well. */
  readonly dataDir?: string;
  /** Destinations that exist (queue URLs, topic ARNs, bus names or ARNs); others are refused as AWS does. Default: all exist. */
  readonly exists?: (service: DestinationService, destination: string) => boolean;
}

export const DELIVERED_FILE = 'destinations.jsonl';

export class DestinationsEndpoint {
  static async start(options: DestinationsEndpointOptions = {}): Promise<DestinationsEndpoint> {
    const endpoint = new DestinationsEndpoint(options);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once('error', reject);
      endpoint.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  readonly messages: DeliveredMessage[] = [];
  private readonly server: Server;

  private constructor(private readonly options: DestinationsEndpointOptions) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e) => json(res, 500, { __type: 'InternalFailure', message: String(e) }, '1.0'));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target === 'AmazonSQS.SendMessage') return this.sqsSendMessage(JSON.parse(body || '{}'), res);
    if (target === 'AWSEvents.PutEvents') return this.putEvents(JSON.parse(body || '{}'), res);
    const form = new URLSearchParams(body);
    if (form.get('Action') === 'Publish') return this.snsPublish(form, res);
    const operation = target || form.get('Action') || `${req.method} ${req.url}`;
    return json(res, 400, { __type: 'UnknownOperationException', message: `the local destinations endpoint does not implement ${operation}` }, '1.0');
  }

  private sqsSendMessage(input: { QueueUrl?: string; MessageBody?: string }, res: ServerResponse): void {
    const queue = String(input.QueueUrl ?? '');
    if (!this.exists('sqs', queue)) {
      // The JSON protocol in query-compatible mode: the SDK reads the legacy code from this header.
      res.setHeader('x-amzn-query-error', 'AWS.SimpleQueueService.NonExistentQueue;Sender');
      return json(res, 400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: `The specified queue does not exist: ${queue}` }, '1.0');
    }
    const body = String(input.MessageBody ?? '');
    const messageId = this.record('sqs', queue, body);
    // The SDK checks the body's MD5 against this.
    json(res, 200, { MessageId: messageId, MD5OfMessageBody: createHash('md5').update(body, 'utf8').digest('hex') }, '1.0');
  }

  private snsPublish(form: URLSearchParams, res: ServerResponse): void {
    const topic = form.get('TopicArn') ?? form.get('TargetArn') ?? '';
    const requestId = randomUUID();
    if (!this.exists('sns', topic)) {
      return xml(res, 404, '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>NotFound</Code>'
        + `<Message>Topic does not exist</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
    }
    const subject = form.get('Subject');
    const messageId = this.record('sns', topic, form.get('Message') ?? '', subject === null ? undefined : { subject });
    xml(res, 200, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult>`
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`);
  }

  private putEvents(input: { Entries?: Array<Record<string, unknown>> }, res: ServerResponse): void {
    const entries = (input.Entries ?? []).map((e) => {
      const bus = String(e.EventBusName ?? 'default');
      if (!this.exists('eventbridge', bus)) return { ErrorCode: 'NotFound', ErrorMessage: `Event bus ${bus} does not exist.` };
      if (typeof e.Source !== 'string' || typeof e.DetailType !== 'string' || typeof e.Detail !== 'string') {
        return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameters Source, DetailType and Detail are required' };
      }
      const time = e.Time !== undefined ? { time: e.Time } : {};
      const attributes = { source: e.Source, detailType: e.DetailType, resources: e.Resources ?? [], ...time };
      return { EventId: this.record('eventbridge', bus, e.Detail, attributes) };
    });
    json(res, 200, { FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries }, '1.1');
  }

  private exists(service: DestinationService, destination: string): boolean {
    return destination !== '' && (this.options.exists?.(service, destination) ?? true);
  }

  private record(service: DestinationService, destination: string, body: string, attributes?: Record<string, unknown>): string {
    const session = sessionOf(body);
    const message: DeliveredMessage = {
      service,
      destination,
      body,
      ...(attributes ? { attributes } : {}),
      messageId: randomUUID(),
      receivedAt: new Date().toISOString(),
      ...(session !== undefined ? { session } : {}),
    };
    this.messages.push(message);
    if (this.options.dataDir !== undefined) {
      const file = join(this.options.dataDir, DELIVERED_FILE);
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify(message)}\n`);
    }
    return message.messageId;
  }
}

/** The session a Lambda on-failure record is about: its envelope's, else (a start) its request id. */
function sessionOf(body: string): string | undefined {
  try {
    const record = JSON.parse(body);
    const session = record?.requestPayload?.session;
    if (typeof session === 'string') return session;
    const requestId = record?.requestContext?.requestId;
    return typeof requestId === 'string' ? requestId : undefined;
  } catch {
    return undefined;
  }
}

/** The messages a data directory recorded, of one session when given. */
export function readDeliveredMessages(dataDir: string, session?: string): DeliveredMessage[] {
  const file = join(dataDir, DELIVERED_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as DeliveredMessage)
    .filter((m) => session === undefined || m.session === session);
}

/** Lines for `unum status` and the run report. */
export function formatDelivered(messages: readonly DeliveredMessage[]): string[] {
  if (messages.length === 0) return [];
  return ['', 'Delivered to on-failure destinations (local SQS/SNS/EventBridge):',
    ...messages.map((m) => `  ${m.receivedAt}  ${m.service.padEnd(11)}  ${m.destination}  (${Buffer.byteLength(m.body)} bytes)`)];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown, version: '1.0' | '1.1'): void {
  res.writeHead(status, { 'Content-Type': `application/x-amz-json-${version}`, 'x-amzn-RequestId': randomUUID() });
  res.end(JSON.stringify(body));
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID() });
  res.end(body);
}
