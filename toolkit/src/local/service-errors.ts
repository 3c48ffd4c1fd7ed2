import { randomUUID } from 'crypto';
import { ServerResponse } from 'http';
import { crc32 } from 'zlib';

/**
 * Throttling and service errors exactly as AWS sends them, so that fault
 * injection reaches the unmodified SDK v3 clients the way a real throttle
 * would: the SDK must classify them (throttling / transient) and retry.
 */

export type ServiceErrorCode = 'ProvisionedThroughputExceededException' | 'SlowDown' | 'InternalError' | 'TooManyRequestsException';

/** DynamoDB (JSON 1.0): HTTP 400, `__type` with the service namespace, the body's CRC32 in `x-amz-crc32`. */
export function sendDynamoDbThrottle(res: ServerResponse): void {
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded. '
      + 'Consider increasing your provisioning level with the UpdateTable API.',
  });
  res.writeHead(400, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
    'x-amz-crc32': String(crc32(body)),
  });
  res.end(body);
}

/** S3 REST XML error: SlowDown is 503, InternalError 500; a HEAD response has no body. */
export function sendS3Error(res: ServerResponse, code: 'SlowDown' | 'InternalError', method: string | undefined): void {
  const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
  const hostId = Buffer.from(randomUUID()).toString('base64');
  const message = code === 'SlowDown' ? 'Please reduce your request rate.' : 'We encountered an internal error. Please try again.';
  const body = method === 'HEAD' ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
  res.writeHead(code === 'SlowDown' ? 503 : 500, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(body),
    'x-amz-request-id': requestId,
    'x-amz-id-2': hostId,
  });
  res.end(body);
}

/**
 * Lambda Invoke throttled: HTTP 429, the type in `x-amzn-ErrorType`, `Reason`
 * in the body. No Retry-After header: the SDK would honour it over its own
 * backoff, and Lambda sends none for invocation-rate throttles.
 */
export function sendLambdaThrottle(res: ServerResponse): void {
  const body = JSON.stringify({ Reason: 'ConcurrentInvocationLimitExceeded', Type: 'User', message: 'Rate Exceeded.' });
  res.writeHead(429, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-ErrorType': 'TooManyRequestsException',
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(body);
}
