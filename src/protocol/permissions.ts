/**
 * The AWS API actions the runtime and the client call, by who needs them:
 * the one list the constructs grant from. test/constructs/permissions.test.ts
 * checks it against the SDK commands the runtime's code sends, so a call
 * added without its action (or an action without a call) fails.
 */

/** Every workflow function: checkpoints, sessions, joins, fan-in reads. */
export const FUNCTION_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'] as const;
/** Every workflow function, with a payload bucket: spilled inputs and outputs. */
export const FUNCTION_OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject'] as const;
/** Eager cleanup only (lambda-runtime/gc.ts), in the functions that can end a session. */
export const CLEANUP_ITEM_ACTIONS = ['dynamodb:Query', 'dynamodb:BatchWriteItem'] as const;
export const CLEANUP_OBJECT_ACTIONS = ['s3:DeleteObject'] as const;
/** Successors, retries and Waits re-invoked later (always unqualified function names). */
export const INVOKE_ACTIONS = ['lambda:InvokeFunction'] as const;
/** A function with a long Wait (lambda-runtime/schedule.ts): one one-time schedule per waiting instance, in its workflow's group. */
export const SCHEDULE_ACTIONS = ['scheduler:CreateSchedule'] as const;
/** The failure recorder (lambda-runtime/recorder.ts): reads a checkpoint, moves the session to FAILED, writes the failure. */
export const RECORDER_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;
/**
 * The failure recorder forwarding to a user's own onFailure: the one action
 * each destination kind takes (lambda-runtime/forward.ts), granted on that
 * destination only. S3 writes under Lambda's own prefix for the function.
 */
export const FORWARD_ACTIONS = {
  lambda: 'lambda:InvokeFunction',
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  eventbridge: 'events:PutEvents',
  s3: 's3:PutObject',
} as const;
/** A KMS-encrypted queue, topic or bucket: the service encrypts what the recorder sends with a data key made for it. */
export const FORWARD_KMS_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'] as const;
/** What Lambda itself needs of the role to write the function's logs to its own log group. */
export const LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'] as const;
/** What Lambda itself needs of the role to send traces when X-Ray tracing is on (no resource-level permissions exist). */
export const TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

/** A client reading sessions: describeSession (GetItem, Query for failures), getResult (BatchGetItem for a fan-in, GetObject). */
export const READ_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'] as const;
export const READ_OBJECT_ACTIONS = ['s3:GetObject'] as const;
/** A client starting sessions with an input too large to pass inline writes the session's start object. */
export const START_OBJECT_ACTIONS = ['s3:PutObject'] as const;
/**
 * A client redriving sessions (toolkit/src/client/redrive.ts): reads the session and its failure records, moves the
 * session back to RUNNING and marks the records; it then invokes the failed instances' functions (INVOKE_ACTIONS).
 */
export const REDRIVE_ITEM_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] as const;
