import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { everyNodeSearch, lambdaMetric, storeThrottledRequests } from './metrics';
import type { UnumFunction } from '../function';
import { NODE_METRICS } from '../protocol/metrics';
import type { IUnumWorkflow } from '../workflow-interface';

const THIRD = 8;
const FULL = 24;

export interface WorkflowDashboardProps {
  readonly dashboardName?: string;
  readonly workflow: IUnumWorkflow;
  /** Known only for a workflow of this app: then per-node graphs name each node, and Lambda's metrics and the failure path show. */
  readonly functions?: readonly UnumFunction[];
  readonly failureRecorder?: lambda.IFunction;
  readonly alarms: readonly cloudwatch.IAlarm[];
  readonly period: Duration;
}

/** Sessions over time, their p50/p99 duration, per-node errors and retries, the store, and (for a workflow of this app) Lambda's view and the failure path. */
export function workflowDashboard(scope: Construct, id: string, props: WorkflowDashboardProps): cloudwatch.Dashboard {
  const { workflow, period } = props;
  const dashboard = new cloudwatch.Dashboard(scope, id, { dashboardName: props.dashboardName, defaultInterval: Duration.days(1) });
  dashboard.addWidgets(new cloudwatch.TextWidget({
    markdown: `# cdk-unum workflow ${workflow.workflowName}`, width: FULL, height: 1,
  }));
  if (props.alarms.length > 0) {
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: FULL }));
  }
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({
      title: 'Sessions',
      width: THIRD,
      left: [
        workflow.metricSessionsStarted({ label: 'Started', period }),
        workflow.metricSessionsSucceeded({ label: 'Succeeded', period }),
        workflow.metricSessionsFailed({ label: 'Failed', period }),
        workflow.metricSessionsTimedOut({ label: 'Timed out', period }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Session duration (ms)',
      width: THIRD,
      left: [
        workflow.metricSessionDuration({ statistic: cloudwatch.Stats.p(50), label: 'p50', period }),
        workflow.metricSessionDuration({ statistic: cloudwatch.Stats.p(99), label: 'p99', period }),
      ],
    }),
    new cloudwatch.GraphWidget({
      title: 'Store: throttled requests',
      width: THIRD,
      left: [storeThrottledRequests(workflow.store.tableName, period)],
    }),
  );
  const perNode = (definition: typeof NODE_METRICS[keyof typeof NODE_METRICS], statistic: string): cloudwatch.IMetric[] =>
    props.functions
      ? props.functions.map((fn) => fn.metric(definition.name, { statistic, label: fn.id, period }))
      : [everyNodeSearch(workflow.workflowName, definition, statistic, period)];
  dashboard.addWidgets(
    new cloudwatch.GraphWidget({ title: 'User errors by node', width: THIRD, left: perNode(NODE_METRICS.USER_ERRORS, cloudwatch.Stats.SUM) }),
    new cloudwatch.GraphWidget({ title: 'Retries by node', width: THIRD, left: perNode(NODE_METRICS.RETRIES, cloudwatch.Stats.SUM) }),
    new cloudwatch.GraphWidget({
      title: 'User code duration p99 by node (ms)', width: THIRD, left: perNode(NODE_METRICS.USER_CODE_DURATION, cloudwatch.Stats.p(99)),
    }),
  );
  if (props.functions && props.failureRecorder) {
    const byFunction = (metricName: string) => props.functions!.map((fn) =>
      lambdaMetric(fn.functionName, metricName, cloudwatch.Stats.SUM, { label: fn.id, period }));
    const recorder = props.failureRecorder.functionName;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Lambda errors by node', width: THIRD, left: byFunction('Errors') }),
      new cloudwatch.GraphWidget({ title: 'Lambda throttles by node', width: THIRD, left: byFunction('Throttles') }),
      new cloudwatch.GraphWidget({
        title: 'Failure path',
        width: THIRD,
        left: [
          lambdaMetric(recorder, 'Invocations', cloudwatch.Stats.SUM, { label: 'Recorder invocations', period }),
          lambdaMetric(recorder, 'Errors', cloudwatch.Stats.SUM, { label: 'Recorder errors', period }),
          lambdaMetric(recorder, 'AsyncEventsDropped', cloudwatch.Stats.SUM, { label: 'Failures dropped', period }),
          undeliveredFailures(props.functions, period),
        ],
        right: [lambdaMetric(recorder, 'AsyncEventAge', cloudwatch.Stats.MAXIMUM, { label: 'Oldest waiting (ms)', period })],
      }),
    );
  }
  return dashboard;
}

/** Failed invocations Lambda could not hand to the recorder, summed over the workflow's functions. */
function undeliveredFailures(functions: readonly UnumFunction[], period: Duration): cloudwatch.IMetric {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  functions.forEach((fn, i) => { usingMetrics[`d${i}`] = lambdaMetric(fn.functionName, 'DestinationDeliveryFailures', cloudwatch.Stats.SUM, { period }); });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).join(' + '), usingMetrics, label: 'Failures not delivered to the recorder', period,
  });
}
