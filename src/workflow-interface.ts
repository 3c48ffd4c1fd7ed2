import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IIntermediaryStore } from './store';

/** A workflow, defined in this app or imported with `UnumWorkflow.fromWorkflowAttributes`. */
export interface IUnumWorkflow extends IConstruct {
  /** Name of the workflow (its store keys and object prefix). */
  readonly workflowName: string;
  /** The store holding its sessions. */
  readonly store: IIntermediaryStore;
  /** ARN that starts a session (qualified when the entry is invoked through an alias). */
  readonly entryFunctionArn: string;

  /** Allow `grantee` to start sessions: invoke the entry (exactly its ARN) and write large start inputs. */
  grantStart(grantee: iam.IGrantable): iam.Grant;
  /** Allow `grantee` to read this workflow's sessions, failures and results, and nothing of other workflows in the store. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /**
   * An EventBridge rule target that starts one session per event, with the
   * event (or `props.event`) as its input.
   * @param props the target's input, retries and dead-letter queue
   */
  asEventTarget(props?: targets.LambdaFunctionProps): events.IRuleTarget;
  /**
   * An API Gateway integration that starts a session with the request's
   * JSON body as input and answers 202 at once; the session id is the
   * integration response header `x-amzn-RequestId` (see `addApiMethod`).
   */
  asApiIntegration(): apigateway.Integration;
  /**
   * Adds `httpMethod` on `resource`, integrated with `asApiIntegration`, that
   * answers 202 with the session id in the `X-Unum-Session` header.
   * @param httpMethod the HTTP method, POST by default
   */
  addApiMethod(resource: apigateway.IResource, httpMethod?: string): apigateway.Method;

  /**
   * A metric the runtime writes for this workflow (namespace `cdk-unum`,
   * dimension `Workflow`).
   * @param metricName e.g. `SessionsFailed`
   * @default - Average for a duration the runtime writes, Sum otherwise, over 5 minutes
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Sessions started (the entry created the session record).
   * @default - sum over 5 minutes
   */
  metricSessionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Sessions that ended SUCCEEDED.
   * @default - sum over 5 minutes
   */
  metricSessionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Sessions that ended FAILED: a Fail state, an error no Catch handled,
   * or an invocation Lambda gave up on (recorded by the failure recorder).
   * @default - sum over 5 minutes
   */
  metricSessionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Sessions that ran past the workflow's timeout.
   * @default - sum over 5 minutes
   */
  metricSessionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /**
   * Milliseconds from a session's start to its terminal write.
   * @default - average over 5 minutes (`statistic: 'p99'` for the tail)
   */
  metricSessionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** What `UnumWorkflow.fromWorkflowAttributes` needs to start and read a workflow defined elsewhere. */
export interface UnumWorkflowAttributes {
  /** Name of the workflow (`UnumWorkflow.workflowName`). */
  readonly workflowName: string;
  /**
   * ARN of the entry function, qualified with the alias if the entry has one
   * (`UnumWorkflow.entryFunctionArn`). It must be in this stack's account
   * and region, so that rule targets and integrations can add their
   * permission to invoke it.
   */
  readonly entryFunctionArn: string;
  /** The workflow's store, e.g. `IntermediaryStore.fromAttributes(...)` with its table and bucket. */
  readonly store: IIntermediaryStore;
}
