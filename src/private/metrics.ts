import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRIC_DIMENSION, METRIC_NAMESPACE, MetricDefinition, NODE_METRICS, WORKFLOW_METRICS } from '../protocol/metrics';
import { CLEANUP_ITEM_ACTIONS, FUNCTION_ITEM_ACTIONS, RECORDER_ITEM_ACTIONS } from '../protocol/permissions';

/** A count adds up over the period; a duration is averaged (percentiles through `statistic`). */
function defaultStatistic(definition: MetricDefinition): string {
  return definition.unit === 'Count' ? cloudwatch.Stats.SUM : cloudwatch.Stats.AVERAGE;
}

/** The definition of a metric the runtimes write, by name, or a count for a name they do not (yet) write. */
function definitionNamed(known: Record<string, MetricDefinition>, metricName: string): MetricDefinition {
  return Object.values(known).find((d) => d.name === metricName) ?? { name: metricName, unit: 'Count' };
}

/** A per-workflow metric the runtimes write (dimension Workflow). */
export function workflowMetric(workflowName: string, definition: MetricDefinition, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: { [METRIC_DIMENSION.WORKFLOW]: workflowName },
    statistic: defaultStatistic(definition),
    ...props,
  });
}

/** A per-workflow metric by name: the statistic of a known metric's unit, Sum otherwise. */
export function workflowMetricNamed(workflowName: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return workflowMetric(workflowName, definitionNamed(WORKFLOW_METRICS, metricName), props);
}

/** A per-node metric the runtimes write (dimensions Workflow and Node). */
export function nodeMetric(workflowName: string, node: string, definition: MetricDefinition, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRIC_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: { [METRIC_DIMENSION.WORKFLOW]: workflowName, [METRIC_DIMENSION.NODE]: node },
    statistic: defaultStatistic(definition),
    ...props,
  });
}

/** A per-node metric by name: the statistic of a known metric's unit, Sum otherwise. */
export function nodeMetricNamed(workflowName: string, node: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return nodeMetric(workflowName, node, definitionNamed(NODE_METRICS, metricName), props);
}

/**
 * One time series per node of the workflow, found by a CloudWatch SEARCH:
 * for a dashboard of a workflow whose nodes this app does not know.
 */
export function everyNodeSearch(
  workflowName: string, definition: MetricDefinition, statistic: string, period: Duration,
): cloudwatch.SearchExpression {
  const schema = `{${METRIC_NAMESPACE},${METRIC_DIMENSION.WORKFLOW},${METRIC_DIMENSION.NODE}}`;
  const quoted = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  return new cloudwatch.SearchExpression({
    expression: `SEARCH('${schema} ${METRIC_DIMENSION.WORKFLOW}=${quoted(workflowName)} MetricName=${quoted(definition.name)}', `
      + `'${statistic}', ${period.toSeconds()})`,
    label: `\${PROP('Dim.${METRIC_DIMENSION.NODE}')}`,
    period,
  });
}

/** A Lambda function's own metric (AWS/Lambda), by function name: all its versions and aliases. */
export function lambdaMetric(functionName: string, metricName: string, statistic: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: functionName },
    statistic,
    ...props,
  });
}

/** The DynamoDB operations the runtime, its cleanup and the failure recorder send, from the actions they are granted. */
export const STORE_OPERATIONS: readonly string[] = [...new Set([...FUNCTION_ITEM_ACTIONS, ...CLEANUP_ITEM_ACTIONS, ...RECORDER_ITEM_ACTIONS])]
  .map((action) => action.replace(/^dynamodb:/, ''));

/** Requests to the store's table that DynamoDB throttled, summed over the operations workflows send. */
export function storeThrottledRequests(tableName: string, period: Duration): cloudwatch.MathExpression {
  const usingMetrics = Object.fromEntries(STORE_OPERATIONS.map((operation, i) => [`op${i}`, new cloudwatch.Metric({
    namespace: 'AWS/DynamoDB',
    metricName: 'ThrottledRequests',
    dimensionsMap: { TableName: tableName, Operation: operation },
    statistic: cloudwatch.Stats.SUM,
    period,
  })]));
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).map((id) => `FILL(${id}, 0)`).join(' + '),
    usingMetrics,
    label: 'Throttled requests',
    period,
  });
}
