import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import * as metrics from './metrics';
import { addApiMethod, apiIntegration, eventTarget, grantRead, grantStart, WorkflowEndpoint } from './workflow-access';
import { WORKFLOW_METRICS } from '../protocol/metrics';
import type { IIntermediaryStore } from '../store';
import type { IUnumWorkflow, UnumWorkflowAttributes } from '../workflow-interface';

/** A workflow defined in another stack or app (`UnumWorkflow.fromWorkflowAttributes`). */
export class ImportedUnumWorkflow extends Construct implements IUnumWorkflow {
  public readonly workflowName: string;
  public readonly store: IIntermediaryStore;
  public readonly entryFunctionArn: string;
  private readonly endpoint: WorkflowEndpoint;

  constructor(scope: Construct, id: string, attrs: UnumWorkflowAttributes) {
    super(scope, id);
    this.workflowName = attrs.workflowName;
    this.store = attrs.store;
    this.entryFunctionArn = attrs.entryFunctionArn;
    const entryTarget = lambda.Function.fromFunctionAttributes(this, 'EntryFunction', { functionArn: attrs.entryFunctionArn, sameEnvironment: true });
    this.endpoint = { workflowName: this.workflowName, store: this.store, entryFunctionArn: this.entryFunctionArn, entryTarget };
  }

  public grantStart(grantee: iam.IGrantable): iam.Grant {
    return grantStart(grantee, this.endpoint);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return grantRead(grantee, this.endpoint);
  }

  public asEventTarget(props?: targets.LambdaFunctionProps): events.IRuleTarget {
    return eventTarget(this.endpoint, props);
  }

  public asApiIntegration(): apigateway.Integration {
    return apiIntegration(this.endpoint);
  }

  public addApiMethod(resource: apigateway.IResource, httpMethod?: string): apigateway.Method {
    return addApiMethod(this.endpoint, resource, httpMethod);
  }

  /**
   * A metric the runtime writes for this workflow (namespace `cdk-unum`,
   * dimension `Workflow`).
   * @param metricName e.g. `SessionsFailed`
   * @default - Average for a duration the runtime writes, Sum otherwise, over 5 minutes
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetricNamed(this.workflowName, metricName, props);
  }

  /**
   * Sessions started (the entry created the session record).
   * @default - sum over 5 minutes
   */
  public metricSessionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_STARTED, props);
  }

  /**
   * Sessions that ended SUCCEEDED.
   * @default - sum over 5 minutes
   */
  public metricSessionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_SUCCEEDED, props);
  }

  /**
   * Sessions that ended FAILED: a Fail state, an error no Catch handled,
   * or an invocation Lambda gave up on (recorded by the failure recorder).
   * @default - sum over 5 minutes
   */
  public metricSessionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_FAILED, props);
  }

  /**
   * Sessions that ran past the workflow's timeout.
   * @default - sum over 5 minutes
   */
  public metricSessionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_TIMED_OUT, props);
  }

  /**
   * Milliseconds from a session's start to its terminal write.
   * @default - average over 5 minutes (`statistic: 'p99'` for the tail)
   */
  public metricSessionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSION_DURATION, props);
  }
}
