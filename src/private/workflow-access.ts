import { Annotations, CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { suppressNag } from './nag';
import { grantInvokeByName, grantWorkflowData, wildcardReasons } from './store-grants';
import { START_OBJECT_NAME, workflowObjectPrefix } from '../protocol/keys';
import { INVOKE_ACTIONS, READ_ITEM_ACTIONS, READ_OBJECT_ACTIONS, REDRIVE_ITEM_ACTIONS, START_OBJECT_ACTIONS } from '../protocol/permissions';
import type { IIntermediaryStore } from '../store';

/** What granting and targeting a workflow needs, the same for a defined and an imported one. */
export interface WorkflowEndpoint {
  readonly workflowName: string;
  readonly store: IIntermediaryStore;
  /** Exactly the ARN sessions are started through (qualified with an alias). */
  readonly entryFunctionArn: string;
  /** The entry as an IFunction, for targets that add their own invoke permission. */
  readonly entryTarget: lambda.IFunction;
}

/** The header of the API method response that carries the session id. */
const SESSION_HEADER = 'method.response.header.X-Unum-Session';

export function grantStart(grantee: iam.IGrantable, w: WorkflowEndpoint): iam.Grant {
  grantWorkflowData(grantee, w.store, w.workflowName, { itemActions: [], objectActions: [...START_OBJECT_ACTIONS], objectPattern: `*/${START_OBJECT_NAME}` });
  explainWildcards(grantee, w.workflowName);
  // Not IFunction.grantInvoke: it adds a ':*' qualifier wildcard.
  return iam.Grant.addToPrincipal({ grantee, actions: [...INVOKE_ACTIONS], resourceArns: [w.entryFunctionArn] });
}

export function grantRead(grantee: iam.IGrantable, w: WorkflowEndpoint): iam.Grant {
  const grant = grantWorkflowData(grantee, w.store, w.workflowName, { itemActions: [...READ_ITEM_ACTIONS], objectActions: [...READ_OBJECT_ACTIONS] });
  explainWildcards(grantee, w.workflowName);
  return grant;
}

/**
 * Redrive: the session's and its failure records' items, and invoking the functions those records name. A record
 * names a function as its runtime re-invokes itself (`invocationNames`: the name, or `name:alias`) or, when the
 * failure recorder wrote it, by the ARN Lambda reports, which qualifies an unaliased function with `$LATEST`.
 */
export function grantRedrive(grantee: iam.IGrantable, w: WorkflowEndpoint, stack: Stack, invocationNames: readonly string[]): iam.Grant {
  const items = grantWorkflowData(grantee, w.store, w.workflowName, { itemActions: [...REDRIVE_ITEM_ACTIONS], objectActions: [] });
  const names = invocationNames.flatMap((n) => (n.includes(':') ? [n] : [n, `${n}:$LATEST`]));
  return items.combine(grantInvokeByName(grantee, stack, names));
}

/** A grantee role's policy gets the reason for the workflow's object prefix wildcard, as the functions' do (call after granting). */
function explainWildcards(grantee: iam.IGrantable, workflow: string): void {
  const principal = grantee.grantPrincipal;
  const policy = principal instanceof iam.Role ? principal.node.tryFindChild('DefaultPolicy') : undefined;
  if (policy && !JSON.stringify((policy.node.defaultChild as CfnResource).getMetadata('cdk_nag') ?? {}).includes(`prefix ${workflowObjectPrefix(workflow)}`)) {
    suppressNag(policy, wildcardReasons(workflow, true));
  }
}

/** EventBridge invokes the entry asynchronously with the event: not an envelope, so the entry starts a session with it as input. */
export function eventTarget(w: WorkflowEndpoint, props?: targets.LambdaFunctionProps): events.IRuleTarget {
  return new targets.LambdaFunction(w.entryTarget, props);
}

/**
 * A non-proxy integration that invokes the entry asynchronously (the entry
 * would otherwise run its node inside the request and answer with the
 * runtime's result, which API Gateway cannot map). Lambda's request id of
 * the asynchronous invocation is the session id.
 */
export function apiIntegration(w: WorkflowEndpoint): apigateway.Integration {
  return new apigateway.LambdaIntegration(w.entryTarget, {
    proxy: false,
    requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': "'Event'" },
    requestTemplates: { 'application/json': "$input.json('$')" },
    passthroughBehavior: apigateway.PassthroughBehavior.WHEN_NO_TEMPLATES,
    integrationResponses: [{
      statusCode: '202',
      responseParameters: { [SESSION_HEADER]: 'integration.response.header.x-amzn-RequestId' },
      responseTemplates: { 'application/json': '{"started":true}' },
    }],
  });
}

export function addApiMethod(w: WorkflowEndpoint, resource: apigateway.IResource, httpMethod?: string): apigateway.Method {
  return resource.addMethod(httpMethod ?? 'POST', apiIntegration(w), {
    methodResponses: [{ statusCode: '202', responseParameters: { [SESSION_HEADER]: true } }],
  });
}

/**
 * An SQS event source mapping on the entry (its alias when it has one),
 * always with ReportBatchItemFailures: the entry starts one session per
 * message and answers with the messages that did not start one. The
 * event source validates the batching props and grants the entry's role
 * what consuming needs (KMS decrypt for an encrypted queue).
 */
export function addSqsSource(scope: IConstruct, w: WorkflowEndpoint, entry: { node: string; timeout?: Duration }, queue: sqs.IQueue,
  props: lambdaEventSources.SqsEventSourceProps = {}): lambdaEventSources.SqsEventSource {
  if (props.reportBatchItemFailures === false) {
    throw new Error(`UnumWorkflow '${w.workflowName}': addSqsSource needs reportBatchItemFailures, since the entry reports each message `
      + 'that did not start a session (Lambda would otherwise delete the whole batch): leave reportBatchItemFailures unset');
  }
  checkVisibilityTimeout(w.workflowName, entry, queue);
  if (queue instanceof sqs.Queue && queue.deadLetterQueue === undefined) {
    Annotations.of(scope).addWarningV2('cdk-unum:sqsSourceWithoutDeadLetterQueue', `UnumWorkflow '${w.workflowName}': queue '${queue.node.path}' has no `
      + 'dead-letter queue, so a message that can never start a session (its body is not JSON) is received again until the queue\'s retention '
      + 'period ends: give the queue a deadLetterQueue with a maxReceiveCount');
  }
  const source = new lambdaEventSources.SqsEventSource(queue, { ...props, reportBatchItemFailures: true });
  w.entryTarget.addEventSource(source);
  return source;
}

/** SQS's default visibility timeout, when the queue sets none. */
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

/**
 * Lambda refuses a mapping whose queue hides a message for less time than
 * the function may run (it would be delivered again while its batch still
 * runs): said at synth, for a queue of this app, rather than at deploy.
 */
function checkVisibilityTimeout(workflow: string, entry: { node: string; timeout?: Duration }, queue: sqs.IQueue): void {
  const cfn = queue instanceof sqs.Queue ? queue.node.defaultChild as sqs.CfnQueue : undefined;
  const visibility = cfn === undefined ? undefined : cfn.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const timeout = entry.timeout;
  if (visibility === undefined || Token.isUnresolved(visibility) || timeout === undefined || timeout.isUnresolved()) return;
  if (visibility < timeout.toSeconds()) {
    throw new Error(`UnumWorkflow '${workflow}': queue '${queue.node.path}' hides a received message for ${visibility} s (its visibility timeout), `
      + `less than the ${timeout.toSeconds()} s the entry '${entry.node}' may run, and Lambda refuses such an event source: set the queue's `
      + `visibilityTimeout to at least ${timeout.toSeconds()} s (AWS advises six times the function timeout)`);
  }
}
