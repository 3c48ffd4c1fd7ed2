import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import * as metrics from './metrics';
import { WORKFLOW_METRICS } from '../protocol/metrics';

/**
 * The metric methods every workflow has, defined or imported: they need only
 * its name (the `Workflow` dimension the runtime writes), as aws-cdk-lib's
 * StateMachineBase gives its metrics to both kinds of state machine.
 * Hidden from jsii: its members appear on each subclass.
 * @internal
 */
export abstract class UnumWorkflowBase extends Construct {
  public abstract readonly workflowName: string;

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
   * Sessions started: counted by the write that created the session record, once per session
   * however often Lambda delivers the start.
   * @default - sum over 5 minutes
   */
  public metricSessionsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_STARTED, props);
  }

  /**
   * Sessions that ended SUCCEEDED (counted by the write that ended them, once).
   * @default - sum over 5 minutes
   */
  public metricSessionsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_SUCCEEDED, props);
  }

  /**
   * Sessions that ended FAILED: a Fail state, an error no Catch handled,
   * or an invocation Lambda gave up on (recorded by the failure recorder); once per session,
   * however many branches fail.
   * @default - sum over 5 minutes
   */
  public metricSessionsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_FAILED, props);
  }

  /**
   * Sessions that ended TIMED_OUT: they ran past the workflow's timeout.
   * @default - sum over 5 minutes
   */
  public metricSessionsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSIONS_TIMED_OUT, props);
  }

  /**
   * Milliseconds from a session's start to its terminal write, once per ended session, whichever its end.
   * @default - average over 5 minutes (`statistic: 'p99'` for the tail)
   */
  public metricSessionDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return metrics.workflowMetric(this.workflowName, WORKFLOW_METRICS.SESSION_DURATION, props);
  }
}
