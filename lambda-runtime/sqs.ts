import { Logger } from './types';
import { sqsSessionId } from '../src/protocol';

/** The part of an SQS event source mapping's record the entry reads. */
interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly eventSourceARN?: string;
}

/** What Lambda's SQS event source mapping reads back (with ReportBatchItemFailures). */
export interface SqsBatchResponse {
  readonly batchItemFailures: Array<{ readonly itemIdentifier: string }>;
}

/** An event from an SQS event source mapping: records, each from `aws:sqs`. */
export function isSqsBatch(event: unknown): event is { Records: SqsRecord[] } {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0
    && records.every((r) => r !== null && typeof r === 'object' && (r as { eventSource?: unknown }).eventSource === 'aws:sqs');
}

/**
 * Starts one session per record, in order. A record whose start failed is
 * reported in `batchItemFailures`, so the queue redelivers it (and moves it
 * to its dead-letter queue after maxReceiveCount): a redelivery finds the
 * session its message id named and does not start a second one. A body
 * that is not JSON can never start a session; it is reported the same way,
 * so the message reaches the dead-letter queue intact rather than being
 * dropped. From a FIFO queue, the records after a failure are reported
 * unprocessed, keeping their message group's order.
 */
export async function startSqsBatch(
  event: { Records: SqsRecord[] },
  where: { workflow: string; node: string; logger: Logger },
  start: (session: string, input: unknown) => Promise<unknown>,
): Promise<SqsBatchResponse> {
  const failures: Array<{ itemIdentifier: string }> = [];
  for (const record of event.Records) {
    const fields = { error: 'Unum.SqsStartFailed', messageId: record.messageId, queue: record.eventSourceARN };
    if (failures.length > 0 && record.eventSourceARN?.endsWith('.fifo')) {
      where.logger.warn('an earlier message of this FIFO batch failed to start a session: this one is left for redelivery, in order', fields);
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const session = sqsSessionId(record.messageId);
    const input = session === undefined ? undefined : parseBody(record.body);
    const problem = session === undefined ? `its message id '${String(record.messageId).slice(0, 100)}' cannot name a session`
      : input instanceof Error ? `its body is not JSON (${input.message}): send a JSON document as the message body`
        : undefined;
    if (problem !== undefined) {
      where.logger.error(`workflow '${where.workflow}': SQS message ${record.messageId} cannot start a session: ${problem}; `
        + 'reported as a batch item failure, so the queue\'s dead-letter queue receives it after maxReceiveCount', { ...fields, error: 'Unum.InvalidSqsMessage' });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await start(session!, input);
    } catch (e) {
      where.logger.error(`workflow '${where.workflow}': SQS message ${record.messageId} failed to start session ${session}; reported for redelivery`,
        { ...fields, session, cause: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

function parseBody(body: unknown): unknown {
  if (typeof body !== 'string') return new Error('the record has no string body');
  try {
    return JSON.parse(body);
  } catch (e) {
    return e as Error;
  }
}
