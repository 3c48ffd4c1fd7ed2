import { Lazy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { workflowFunctionName } from './function-name';
import { executionRole, grantLogWrite } from './function-role';
import { DEFAULT_LOG_RETENTION } from './function-settings';
import { grantWorkflowData } from './store-grants';
import { UnumFunction } from '../function';
import { ENV, RECORDER_ENV, RECORDER_HANDLER } from '../protocol/config';
import { RECORDER_ITEM_ACTIONS } from '../protocol/permissions';
import { IIntermediaryStore } from '../store';

/**
 * The workflow's failure recorder: one small function (its handler is in
 * the runtime layer) that is every workflow function's asynchronous
 * on-failure destination, so a session whose invocation Lambda gave up on
 * is recorded FAILED instead of staying RUNNING. A user's own `onFailure`
 * gets the record forwarded by the recorder (Lambda allows one on-failure
 * destination per function).
 */
export function addFailureRecorder(scope: Construct, props: {
  readonly workflowName: string;
  readonly store: IIntermediaryStore;
  readonly layer: lambda.ILayerVersion;
  readonly functions: readonly UnumFunction[];
  readonly entry: UnumFunction;
  readonly logRetention?: logs.RetentionDays;
}): lambda.Function {
  const forward: Record<string, string> = {};
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

/** The user's on-failure function, which the recorder may now invoke. */
function userDestination(fn: UnumFunction, onFailure: lambda.IDestination, recorder: lambda.Function): string {
  const target = onFailure instanceof destinations.LambdaDestination ? (onFailure as unknown as { fn: lambda.IFunction }).fn : undefined;
  const responseOnly = (onFailure as unknown as { options?: destinations.LambdaDestinationOptions }).options?.responseOnly === true;
  if (target === undefined || responseOnly) {
    throw new Error(`UnumFunction '${fn.id}': onFailure must be a LambdaDestination (without responseOnly); `
      + 'the workflow\'s failure recorder is the function\'s on-failure destination and forwards the record to a Lambda function only. '
      + 'Use a LambdaDestination whose function sends the record on to SQS, SNS or EventBridge');
  }
  target.grantInvoke(recorder);
  return target.functionArn;
}
