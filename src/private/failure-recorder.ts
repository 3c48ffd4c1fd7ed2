import { ArnFormat, Lazy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { workflowFunctionName } from './function-name';
import { executionRole, grantLogWrite } from './function-role';
import { DEFAULT_LOG_RETENTION } from './function-settings';
import { suppressNag } from './nag';
import { grantInvokeByName, grantWorkflowData } from './store-grants';
import { UnumFunction } from '../function';
import { ENV, ForwardTarget, RECORDER_ENV, RECORDER_HANDLER, S3_RECORD_PREFIX } from '../protocol/config';
import { FORWARD_ACTIONS, FORWARD_KMS_ACTIONS, RECORDER_ITEM_ACTIONS } from '../protocol/permissions';
import { IIntermediaryStore } from '../store';

/**
 * The workflow's failure recorder: one small function (its handler is in
 * the runtime layer) that is every workflow function's asynchronous
 * on-failure destination, so a session whose invocation Lambda gave up on
 * is recorded FAILED instead of staying RUNNING. A user's own `onFailure`
 * (any of aws-cdk-lib's destinations) gets from the recorder what Lambda
 * would have sent it, since Lambda allows one on-failure destination per
 * function.
 */
export function addFailureRecorder(scope: Construct, props: {
  readonly workflowName: string;
  readonly store: IIntermediaryStore;
  readonly layer: lambda.ILayerVersion;
  readonly functions: readonly UnumFunction[];
  readonly entry: UnumFunction;
  readonly logRetention?: logs.RetentionDays;
  /**
   * Functions that fan out a Parallel or Map that handles failures: a
   * branch that crashed until Lambda gave up is reported to them.
   */
  readonly origins?: readonly string[];
}): lambda.Function {
  const forward: Record<string, ForwardTarget> = {};
  const recorderScope = new Construct(scope, 'FailureRecorder');
  const functionName = workflowFunctionName(recorderScope);
  // A log group with a retention, like the workflow's functions (Lambda's own would keep logs forever).
  const logGroup = new logs.LogGroup(recorderScope, 'LogGroup', { retention: props.logRetention ?? DEFAULT_LOG_RETENTION });
  const role = executionRole(recorderScope);
  grantLogWrite(role, logGroup.logGroupArn);
  const recorder = new lambda.Function(recorderScope, 'Function', {
    functionName,
    role,
    logGroup,
    runtime: lambda.Runtime.NODEJS_24_X,
    code: lambda.Code.fromInline('// The cdk-unum failure recorder runs from the runtime layer (/opt/unum/runtime.js).'),
    handler: RECORDER_HANDLER,
    layers: [props.layer],
    memorySize: 128,
    description: `cdk-unum: records sessions of workflow ${props.workflowName} FAILED when Lambda gives up on an invocation`,
    environment: {
      [ENV.TABLE]: props.store.tableName,
      [ENV.TTL_SECONDS]: String(props.store.timeToLive.toSeconds()),
      [RECORDER_ENV.WORKFLOW]: props.workflowName,
      [RECORDER_ENV.ENTRY_FUNCTION]: props.entry.functionName,
      [RECORDER_ENV.ENTRY_NODE]: props.entry.id,
      // Filled below, once the recorder exists to be granted the user's functions.
      [RECORDER_ENV.FORWARD]: Lazy.string({ produce: () => Stack.of(scope).toJsonString(forward) }),
    },
  });
  // It reads checkpoints and the session, and writes the session and its failure records, of its workflow only.
  grantWorkflowData(recorder, props.store, props.workflowName, { itemActions: RECORDER_ITEM_ACTIONS, objectActions: [] });
  if (props.origins !== undefined && props.origins.length > 0) grantInvokeByName(recorder, Stack.of(scope), props.origins);
  (recorder.node.defaultChild as lambda.CfnFunction).addMetadata('cdk-unum', { workflow: props.workflowName, recorder: true });
  // Not LambdaDestination: its grantInvoke adds a ':*' qualifier wildcard, and Lambda invokes the recorder unqualified.
  const destination: lambda.IDestination = {
    bind: (_scope, source) => {
      source.addToRolePolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [recorder.functionArn] }));
      return { destination: recorder.functionArn };
    },
  };
  for (const fn of props.functions) {
    const { retryAttempts, maxEventAge, onFailure } = fn._asyncInvoke;
    if (onFailure !== undefined) forward[fn.functionName] = userDestination(fn, onFailure, recorder);
    fn.lambdaFunction.configureAsyncInvoke({ retryAttempts, maxEventAge, onFailure: destination });
    // Lambda keeps asynchronous settings per qualifier: predecessors invoking the alias need them there too.
    fn.alias?.configureAsyncInvoke({ retryAttempts, maxEventAge, onFailure: destination });
  }
  return recorder;
}

/** What the destination classes keep (private in aws-cdk-lib, stable since their introduction). */
interface DestinationFields {
  readonly fn?: lambda.IFunction;
  readonly options?: destinations.LambdaDestinationOptions;
  readonly queue?: sqs.IQueue;
  readonly topic?: sns.ITopic;
  readonly eventBus?: events.IEventBus;
  readonly bucket?: s3.IBucket;
}

/**
 * The user's own on-failure destination as the recorder forwards to it,
 * with the one action it takes granted on that destination only (not the
 * destination classes' own grants, which add reads and qualifier wildcards).
 */
function userDestination(fn: UnumFunction, onFailure: lambda.IDestination, recorder: lambda.Function): ForwardTarget {
  const d = onFailure as unknown as DestinationFields;
  const allow = (kind: ForwardTarget['kind'], resource: string, key?: kms.IKey): void => {
    recorder.addToRolePolicy(new iam.PolicyStatement({ actions: [FORWARD_ACTIONS[kind]], resources: [resource] }));
    key?.grant(recorder, ...FORWARD_KMS_ACTIONS);
  };
  if (onFailure instanceof destinations.LambdaDestination && d.fn !== undefined) {
    allow('lambda', d.fn.functionArn);
    return { kind: 'lambda', target: d.fn.functionArn, ...(d.options?.responseOnly === true ? { responseOnly: true } : {}) };
  }
  if (onFailure instanceof destinations.SqsDestination && d.queue !== undefined) {
    if (d.queue.fifo) throw new Error(`UnumFunction '${fn.id}': onFailure is a FIFO queue, which Lambda does not accept as a destination; use a standard queue`);
    allow('sqs', d.queue.queueArn, d.queue.encryptionMasterKey);
    return { kind: 'sqs', target: d.queue.queueUrl };
  }
  if (onFailure instanceof destinations.SnsDestination && d.topic !== undefined) {
    if (d.topic.fifo) throw new Error(`UnumFunction '${fn.id}': onFailure is a FIFO topic, which Lambda does not accept as a destination; use a standard topic`);
    allow('sns', d.topic.topicArn, d.topic.masterKey);
    return { kind: 'sns', target: d.topic.topicArn };
  }
  if (onFailure instanceof destinations.EventBridgeDestination) {
    const bus = d.eventBus?.eventBusArn ?? Stack.of(recorder).formatArn({
      service: 'events', resource: 'event-bus', resourceName: 'default', arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    allow('eventbridge', bus);
    return { kind: 'eventbridge', target: bus };
  }
  if (onFailure instanceof destinations.S3Destination && d.bucket !== undefined) {
    allow('s3', d.bucket.arnForObjects(`${S3_RECORD_PREFIX}${fn.functionName}/*`), d.bucket.encryptionKey);
    suppressNag(recorder.role!.node.findChild('DefaultPolicy'), [{
      id: 'AwsSolutions-IAM5',
      reason: `Lambda names each on-failure record object by date and a random id under ${S3_RECORD_PREFIX}<function>/; the recorder writes there only`,
      appliesTo: [{ regex: `/^Resource::.*\\/${S3_RECORD_PREFIX.replace(/\//g, '\\/')}${fn.functionName}\\/\\*$/g` }],
    }]);
    return { kind: 's3', target: d.bucket.bucketName };
  }
  throw new Error(`UnumFunction '${fn.id}': onFailure must be one of aws-cdk-lib's destinations (LambdaDestination, SqsDestination, `
    + 'SnsDestination, EventBridgeDestination, S3Destination): the workflow\'s failure recorder is the function\'s on-failure destination '
    + 'and forwards Lambda\'s record to yours, so it must know how to send it');
}
