import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Chain, IntermediaryStore, IUnumWorkflow, UnumFunction, UnumWorkflow, UnumWorkflowMonitoring } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { METRIC_DIMENSION, METRIC_NAMESPACE, NODE_METRICS, WORKFLOW_METRICS } from '../../src/protocol/metrics';
import { FUNCTION_ITEM_ACTIONS, CLEANUP_ITEM_ACTIONS, RECORDER_ITEM_ACTIONS } from '../../src/protocol/permissions';
import { FIXTURES, SHAPES } from '../support/shapes';

const ENV = { account: '123456789012', region: 'us-east-1' };
const newStack = (id = 'S') => new Stack(new App(), id, { env: ENV });
const fn = (stack: Stack, id: string) => new UnumFunction(stack, id, { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler' });

/** A two-node workflow whose name differs from its construct id, as the runtime sees it. */
function ordersWorkflow(stack: Stack): { workflow: UnumWorkflow; take: UnumFunction; ship: UnumFunction } {
  const take = fn(stack, 'TakeOrder');
  const ship = fn(stack, 'ShipOrder');
  const workflow = new UnumWorkflow(stack, 'Flow', { workflowName: 'orders-v2', definition: Chain.start(take).next(ship) });
  return { workflow, take, ship };
}

/** What the compiler wrote for `f`: the workflow and node names the runtime puts in its metric dimensions. */
function configOf(stack: Stack, f: UnumFunction): FunctionConfig {
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { FunctionName: f.functionName } })) as any[];
  return JSON.parse(resource.Properties.Environment.Variables.UNUM_CONFIG);
}

/** How a metric renders, with its account and region left out. */
const rendered = (metric: cloudwatch.Metric) => ({
  namespace: metric.namespace,
  metricName: metric.metricName,
  dimensions: metric.dimensions,
  statistic: metric.statistic,
  period: metric.period.toSeconds(),
});

const alarmsOf = (t: Template): Record<string, any> => t.findResources('AWS::CloudWatch::Alarm');

/** The dashboard body with every reference replaced by `<LogicalId>` or `<LogicalId.Attr>`, parsed. */
function dashboardBody(t: Template): any {
  const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as any[];
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') return part;
    if (part.Ref) return `<${part.Ref}>`;
    if (part['Fn::GetAtt']) return `<${part['Fn::GetAtt'].join('.')}>`;
    throw new Error(`unexpected part ${JSON.stringify(part)}`);
  }).join('');
  return JSON.parse(text);
}
const widgetTitled = (body: any, title: string) => body.widgets.find((w: any) => w.properties.title === title);

describe('workflow metrics', () => {
  test('each names the namespace, metric and Workflow dimension the runtime writes (the compiled config\'s workflow), with a unit-appropriate statistic', () => {
    const stack = newStack();
    const { workflow, take } = ordersWorkflow(stack);
    const runtimeWorkflow = configOf(stack, take).workflow;
    expect(runtimeWorkflow).toBe('orders-v2');
    const dimensions = { [METRIC_DIMENSION.WORKFLOW]: runtimeWorkflow };
    expect([
      workflow.metricSessionsStarted(), workflow.metricSessionsSucceeded(), workflow.metricSessionsFailed(),
      workflow.metricSessionsTimedOut(), workflow.metricSessionDuration(),
    ].map(rendered)).toEqual([
      { namespace: METRIC_NAMESPACE, metricName: WORKFLOW_METRICS.SESSIONS_STARTED.name, dimensions, statistic: 'Sum', period: 300 },
      { namespace: METRIC_NAMESPACE, metricName: WORKFLOW_METRICS.SESSIONS_SUCCEEDED.name, dimensions, statistic: 'Sum', period: 300 },
      { namespace: METRIC_NAMESPACE, metricName: WORKFLOW_METRICS.SESSIONS_FAILED.name, dimensions, statistic: 'Sum', period: 300 },
      { namespace: METRIC_NAMESPACE, metricName: WORKFLOW_METRICS.SESSIONS_TIMED_OUT.name, dimensions, statistic: 'Sum', period: 300 },
      { namespace: METRIC_NAMESPACE, metricName: WORKFLOW_METRICS.SESSION_DURATION.name, dimensions, statistic: 'Average', period: 300 },
    ]);
    // The literal values the runtimes' EMF carries: a rename in src/protocol must be deliberate.
    expect(rendered(workflow.metricSessionsFailed())).toMatchObject({ namespace: 'cdk-unum', metricName: 'SessionsFailed', dimensions: { Workflow: 'orders-v2' } });
  });

  test('options override the statistic, period and label; metric(name) takes a known metric\'s statistic', () => {
    const { workflow } = ordersWorkflow(newStack());
    const p99 = workflow.metricSessionDuration({ statistic: cloudwatch.Stats.p(99), period: Duration.minutes(1), label: 'tail' });
    expect(rendered(p99)).toMatchObject({ statistic: 'p99', period: 60 });
    expect(p99.label).toBe('tail');
    expect(rendered(workflow.metric('SessionDuration'))).toMatchObject({ metricName: 'SessionDuration', statistic: 'Average' });
    expect(rendered(workflow.metric('SessionsFailed'))).toEqual(rendered(workflow.metricSessionsFailed()));
    expect(rendered(workflow.metric('SomethingNew'))).toMatchObject({ metricName: 'SomethingNew', statistic: 'Sum', dimensions: { Workflow: 'orders-v2' } });
  });

  test('a workflow imported in another stack has the same metrics', () => {
    const app = new App();
    const ordersStack = new Stack(app, 'Orders', { env: ENV });
    const { workflow } = ordersWorkflow(ordersStack);
    const shop = new Stack(app, 'Shop', { env: ENV });
    const imported = UnumWorkflow.fromWorkflowAttributes(shop, 'Orders', {
      workflowName: workflow.workflowName,
      entryFunctionArn: workflow.entryFunctionArn,
      store: IntermediaryStore.fromTableName(shop, 'Store', 'orders-table'),
    });
    const all = (w: IUnumWorkflow) => [
      w.metricSessionsStarted(), w.metricSessionsSucceeded(), w.metricSessionsFailed(), w.metricSessionsTimedOut(),
      w.metricSessionDuration(), w.metric('SessionsStarted'),
    ].map(rendered);
    expect(all(imported)).toEqual(all(workflow));
  });
});

describe('node metrics', () => {
  test('each names the Workflow and Node dimensions of the function\'s compiled config, Sum for counts and Average for durations', () => {
    const stack = newStack();
    const { ship } = ordersWorkflow(stack);
    const config = configOf(stack, ship);
    expect(config.node).toBe('ShipOrder');
    const dimensions = { [METRIC_DIMENSION.WORKFLOW]: config.workflow, [METRIC_DIMENSION.NODE]: config.node };
    const methods: Array<[cloudwatch.Metric, { name: string }, string]> = [
      [ship.metricInvocations(), NODE_METRICS.INVOCATIONS, 'Sum'],
      [ship.metricUserErrors(), NODE_METRICS.USER_ERRORS, 'Sum'],
      [ship.metricRetries(), NODE_METRICS.RETRIES, 'Sum'],
      [ship.metricDuplicateDeliveries(), NODE_METRICS.DUPLICATE_DELIVERIES, 'Sum'],
      [ship.metricUserCodeDuration(), NODE_METRICS.USER_CODE_DURATION, 'Average'],
      [ship.metricJoinArrivals(), NODE_METRICS.JOIN_ARRIVALS, 'Sum'],
      [ship.metricJoinsFired(), NODE_METRICS.JOINS_FIRED, 'Sum'],
      [ship.metricPayloadsSpilled(), NODE_METRICS.PAYLOADS_SPILLED, 'Sum'],
    ];
    for (const [metric, definition, statistic] of methods) {
      expect(rendered(metric)).toEqual({ namespace: METRIC_NAMESPACE, metricName: definition.name, dimensions, statistic, period: 300 });
    }
    // Every node metric of the protocol has its method.
    expect(methods.map(([, d]) => d.name).sort()).toEqual(Object.values(NODE_METRICS).map((d) => d.name).sort());
    expect(rendered(ship.metric('UserCodeDuration', { statistic: 'p99' }))).toMatchObject({ metricName: 'UserCodeDuration', statistic: 'p99', dimensions });
    expect(rendered(ship.metricUserErrors({ period: Duration.minutes(1) }))).toMatchObject({ period: 60 });
  });

  test('before the function is in a workflow, a metric method says why it cannot name the workflow', () => {
    const stack = newStack();
    const loose = fn(stack, 'Loose');
    expect(() => loose.metricUserErrors()).toThrow(/UnumFunction 'Loose': its metrics carry the name of its workflow; create the UnumWorkflow before/);
    new UnumWorkflow(stack, 'Later', { definition: loose });
    expect(loose.metricUserErrors().dimensions).toEqual({ Workflow: 'Later', Node: 'Loose' });
  });
});

describe('UnumWorkflowMonitoring alarms', () => {
  test('sessions, each function\'s Lambda errors and throttles, the failure path and the store, all notifying the topic', () => {
    const stack = newStack();
    const { workflow, take, ship } = ordersWorkflow(stack);
    const topic = new sns.Topic(stack, 'Alarms');
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, alarmTopic: topic });
    const t = Template.fromStack(stack);
    const alarms = Object.values(alarmsOf(t)) as any[];
    // 2 session alarms, the store, 3 per function, 3 on the failure path.
    expect(alarms).toHaveLength(2 + 1 + 3 * 2 + 3);
    expect(monitoring.alarms).toHaveLength(alarms.length);
    const topicRef = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties).toMatchObject({ EvaluationPeriods: 1, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
    }
    const byMetric = (namespace: string, metricName: string) =>
      alarms.filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === metricName);
    expect(byMetric('cdk-unum', 'SessionsFailed').map((a) => a.Properties)).toEqual([expect.objectContaining({
      Dimensions: [{ Name: 'Workflow', Value: 'orders-v2' }], Statistic: 'Sum', Period: 300, Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    })]);
    expect(byMetric('cdk-unum', 'SessionsTimedOut')).toHaveLength(1);
    for (const name of ['Errors', 'Throttles', 'DestinationDeliveryFailures']) {
      const fnNames = byMetric('AWS/Lambda', name).map((a) => a.Properties.Dimensions[0].Value);
      // The workflow functions by name, and (for errors) the failure recorder by reference.
      expect(fnNames.filter((n) => typeof n === 'string').sort()).toEqual([ship.functionName, take.functionName].sort());
    }
    const recorderRef = { Ref: stack.getLogicalId(workflow.failureRecorder.node.defaultChild as lambda.CfnFunction) };
    expect(byMetric('AWS/Lambda', 'AsyncEventsDropped').map((a) => a.Properties)).toEqual([expect.objectContaining({
      Dimensions: [{ Name: 'FunctionName', Value: recorderRef }], Statistic: 'Sum', Threshold: 1,
    })]);
    expect(byMetric('AWS/Lambda', 'AsyncEventAge').map((a) => a.Properties)).toEqual([expect.objectContaining({
      Dimensions: [{ Name: 'FunctionName', Value: recorderRef }], Statistic: 'Maximum', Threshold: 15 * 60 * 1000, ComparisonOperator: 'GreaterThanThreshold',
    })]);
    expect(byMetric('AWS/Lambda', 'Errors').filter((a) => a.Properties.Dimensions[0].Value.Ref === recorderRef.Ref)).toHaveLength(1);
    const cfnAlarm = (alarm?: cloudwatch.Alarm) => alarm!.node.defaultChild as cloudwatch.CfnAlarm;
    expect(monitoring.alarms).toContain(monitoring.functionErrorsAlarm(ship));
    expect(cfnAlarm(monitoring.functionErrorsAlarm(ship)).metricName).toBe('Errors');
    expect(stack.resolve(cfnAlarm(monitoring.functionErrorsAlarm(ship)).dimensions)).toEqual([{ name: 'FunctionName', value: ship.functionName }]);
    expect(cfnAlarm(monitoring.functionThrottlesAlarm(take)).metricName).toBe('Throttles');
    expect(stack.resolve(cfnAlarm(monitoring.functionThrottlesAlarm(take)).dimensions)).toEqual([{ name: 'FunctionName', value: take.functionName }]);
    expect(cfnAlarm(monitoring.functionFailureDeliveryAlarm(ship))).toMatchObject({ metricName: 'DestinationDeliveryFailures', statistic: 'Sum', threshold: 1 });
    expect(stack.resolve(cfnAlarm(monitoring.functionFailureDeliveryAlarm(ship)).dimensions)).toEqual([{ name: 'FunctionName', value: ship.functionName }]);
  });

  test('the store alarm sums ThrottledRequests of every operation the runtime, its cleanup and the recorder send', () => {
    const stack = newStack();
    const { workflow } = ordersWorkflow(stack);
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, storeThrottlesThreshold: 5 });
    const alarm = alarmsOf(Template.fromStack(stack))[stack.getLogicalId(monitoring.storeThrottlesAlarm!.node.defaultChild as cloudwatch.CfnAlarm)];
    expect(alarm.Properties.Threshold).toBe(5);
    const metrics: any[] = alarm.Properties.Metrics;
    const stats = metrics.filter((m) => m.MetricStat).map((m) => m.MetricStat);
    const operations = [...new Set([...FUNCTION_ITEM_ACTIONS, ...CLEANUP_ITEM_ACTIONS, ...RECORDER_ITEM_ACTIONS])].map((a) => a.split(':')[1]);
    expect(stats.map((s) => s.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value).sort()).toEqual(operations.sort());
    const tableRef = { Ref: stack.getLogicalId((workflow.store as IntermediaryStore).table.node.defaultChild as any) };
    for (const s of stats) {
      expect(s).toMatchObject({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ThrottledRequests' }, Stat: 'Sum', Period: 300 });
      expect(s.Metric.Dimensions).toContainEqual({ Name: 'TableName', Value: tableRef });
    }
    const [expression] = metrics.filter((m) => m.Expression);
    expect(expression).toMatchObject({ ReturnData: true });
    expect(expression.Expression.split(' + ')).toHaveLength(operations.length);
  });

  test('thresholds, periods and evaluation periods are settable; addAlarmAction reaches every alarm', () => {
    const stack = newStack();
    const { workflow, ship } = ordersWorkflow(stack);
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', {
      workflow,
      period: Duration.minutes(1),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      failedSessionsThreshold: 10,
      timedOutSessionsThreshold: 2,
      functionErrorsThreshold: 4,
      functionThrottlesThreshold: 6,
      failureBacklogAgeThreshold: Duration.hours(1),
    });
    const topic = new sns.Topic(stack, 'Pager');
    monitoring.addAlarmAction(new actions.SnsAction(topic));
    const alarms = alarmsOf(Template.fromStack(stack));
    const props = (alarm?: cloudwatch.Alarm) => alarms[stack.getLogicalId(alarm!.node.defaultChild as cloudwatch.CfnAlarm)].Properties;
    expect(props(monitoring.failedSessionsAlarm)).toMatchObject({ Threshold: 10, Period: 60, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
    expect(props(monitoring.timedOutSessionsAlarm).Threshold).toBe(2);
    expect(props(monitoring.functionErrorsAlarm(ship)).Threshold).toBe(4);
    expect(props(monitoring.functionThrottlesAlarm(ship)).Threshold).toBe(6);
    expect(props(monitoring.failureBacklogAgeAlarm).Threshold).toBe(3_600_000);
    expect(props(monitoring.failuresDroppedAlarm).Period).toBe(60);
    // The math expression's own metrics follow the period too.
    const storePeriods = props(monitoring.storeThrottlesAlarm).Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Period);
    expect(storePeriods).toEqual(Array(6).fill(60));
    const pager = { Ref: stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic) };
    for (const alarm of Object.values(alarms) as any[]) expect(alarm.Properties.AlarmActions).toEqual([pager]);
  });

  test('an imported workflow gets the session and store alarms (its functions are in the app that defines it)', () => {
    const app = new App();
    const { workflow } = ordersWorkflow(new Stack(app, 'Orders', { env: ENV }));
    const shop = new Stack(app, 'Shop', { env: ENV });
    const imported = UnumWorkflow.fromWorkflowAttributes(shop, 'Orders', {
      workflowName: workflow.workflowName, entryFunctionArn: workflow.entryFunctionArn, store: IntermediaryStore.fromTableName(shop, 'Store', 'orders-table'),
    });
    const monitoring = new UnumWorkflowMonitoring(shop, 'Monitoring', { workflow: imported });
    const alarms = Object.values(alarmsOf(Template.fromStack(shop))) as any[];
    expect(alarms.map((a) => a.Properties.MetricName ?? 'store').sort()).toEqual(['SessionsFailed', 'SessionsTimedOut', 'store']);
    expect(alarms.flatMap((a) => a.Properties.Metrics ?? []).filter((m: any) => m.MetricStat)
      .every((m: any) => m.MetricStat.Metric.Dimensions.some((d: any) => d.Name === 'TableName' && d.Value === 'orders-table'))).toBe(true);
    expect(monitoring.failuresDroppedAlarm).toBeUndefined();
    expect(() => monitoring.functionErrorsAlarm(workflow.entryFunction)).toThrow(/is not a function of workflow 'orders-v2' \(an imported workflow/);
  });

  test('createAlarms false creates none and leaves the getters undefined', () => {
    const stack = newStack();
    const { workflow, ship } = ordersWorkflow(stack);
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, createAlarms: false });
    expect(Object.keys(alarmsOf(Template.fromStack(stack)))).toEqual([]);
    expect(monitoring.alarms).toEqual([]);
    expect(monitoring.failedSessionsAlarm).toBeUndefined();
    expect(monitoring.functionErrorsAlarm(ship)).toBeUndefined();
    expect(monitoring.functionFailureDeliveryAlarm(ship)).toBeUndefined();
  });

  test('bad settings are refused naming the construct and the setting', () => {
    const stack = newStack();
    const { workflow } = ordersWorkflow(stack);
    const other = ordersWorkflow(newStack('Other'));
    expect(() => new UnumWorkflowMonitoring(stack, 'A', { workflow, evaluationPeriods: 0 }))
      .toThrow("UnumWorkflowMonitoring 'S/A': evaluationPeriods must be a whole number of at least 1 (got 0)");
    expect(() => new UnumWorkflowMonitoring(stack, 'B', { workflow, failedSessionsThreshold: 0.5 })).toThrow(/'S\/B': failedSessionsThreshold must be a whole number/);
    expect(() => new UnumWorkflowMonitoring(stack, 'C', { workflow, evaluationPeriods: 2, datapointsToAlarm: 3 }))
      .toThrow(/'S\/C': datapointsToAlarm \(3\) cannot exceed evaluationPeriods \(2\)/);
    expect(() => new UnumWorkflowMonitoring(stack, 'D', { workflow, createAlarms: false, alarmTopic: new sns.Topic(stack, 'T') }))
      .toThrow(/'S\/D': alarmTopic is set but createAlarms is false/);
    const monitoring = new UnumWorkflowMonitoring(stack, 'E', { workflow });
    expect(() => monitoring.functionErrorsAlarm(other.ship)).toThrow("UnumWorkflowMonitoring 'S/E': UnumFunction 'ShipOrder' is not a function of workflow 'orders-v2'");
  });
});

describe('UnumWorkflowMonitoring dashboard', () => {
  test('sessions over time, p50/p99 duration, per-node errors, Lambda\'s view, the failure path, the store and the alarms', () => {
    const stack = newStack();
    const { workflow, take, ship } = ordersWorkflow(stack);
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, dashboardName: 'orders' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'orders' });
    const body = dashboardBody(t);
    const metricsOf = (title: string) => widgetTitled(body, title).properties.metrics;

    expect(metricsOf('Sessions')).toEqual(['SessionsStarted', 'SessionsSucceeded', 'SessionsFailed', 'SessionsTimedOut'].map((name, i) =>
      ['cdk-unum', name, 'Workflow', 'orders-v2', { label: ['Started', 'Succeeded', 'Failed', 'Timed out'][i], stat: 'Sum' }]));
    expect(metricsOf('Session duration (ms)')).toEqual([
      ['cdk-unum', 'SessionDuration', 'Workflow', 'orders-v2', { label: 'p50', stat: 'p50' }],
      ['cdk-unum', 'SessionDuration', 'Workflow', 'orders-v2', { label: 'p99', stat: 'p99' }],
    ]);
    expect(metricsOf('User errors by node')).toEqual(['TakeOrder', 'ShipOrder'].map((node) =>
      ['cdk-unum', 'UserErrors', 'Node', node, 'Workflow', 'orders-v2', { label: node, stat: 'Sum' }]));
    expect(metricsOf('User code duration p99 by node (ms)').map((m: any[]) => m[m.length - 1].stat)).toEqual(['p99', 'p99']);
    expect(metricsOf('Lambda errors by node')).toEqual([take, ship].map((f) => ['AWS/Lambda', 'Errors', 'FunctionName', f.functionName, { label: f.id, stat: 'Sum' }]));
    expect(metricsOf('Lambda throttles by node').map((m: any[]) => m[3])).toEqual([take.functionName, ship.functionName]);
    const recorder = `<${stack.getLogicalId(workflow.failureRecorder.node.defaultChild as lambda.CfnFunction)}>`;
    expect(metricsOf('Failure path')).toEqual(expect.arrayContaining([
      ['AWS/Lambda', 'AsyncEventsDropped', 'FunctionName', recorder, { label: 'Failures dropped', stat: 'Sum' }],
      ['AWS/Lambda', 'AsyncEventAge', 'FunctionName', recorder, { label: 'Oldest waiting (ms)', stat: 'Maximum', yAxis: 'right' }],
      [{ label: 'Failures not delivered to the recorder', expression: 'd0 + d1' }],
      ...[take, ship].map((f, i) => ['AWS/Lambda', 'DestinationDeliveryFailures', 'FunctionName', f.functionName, { id: `d${i}`, visible: false, stat: 'Sum' }]),
    ]));
    expect(JSON.stringify(metricsOf('Store: throttled requests'))).toContain('ThrottledRequests');
    const alarmWidget = body.widgets.find((w: any) => w.type === 'alarm');
    expect(alarmWidget.properties.alarms).toHaveLength(monitoring.alarms.length);
  });

  test('for an imported workflow, per-node graphs find the nodes by SEARCH', () => {
    const stack = newStack('Shop');
    const imported = UnumWorkflow.fromWorkflowAttributes(stack, 'Orders', {
      workflowName: 'orders-v2',
      entryFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-take:live',
      store: IntermediaryStore.fromTableName(stack, 'Store', 'orders-table'),
    });
    new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow: imported });
    const body = dashboardBody(Template.fromStack(stack));
    expect(widgetTitled(body, 'User errors by node').properties.metrics).toEqual([[{
      expression: 'SEARCH(\'{cdk-unum,Workflow,Node} Workflow="orders-v2" MetricName="UserErrors"\', \'Sum\', 300)',
      label: '${PROP(\'Dim.Node\')}',
    }]]);
    expect(widgetTitled(body, 'Lambda errors by node')).toBeUndefined();
    expect(widgetTitled(body, 'Failure path')).toBeUndefined();
  });

  test('createDashboard false creates none', () => {
    const stack = newStack();
    const { workflow } = ordersWorkflow(stack);
    const monitoring = new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, createDashboard: false });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(monitoring.dashboard).toBeUndefined();
    expect(monitoring.alarms.length).toBeGreaterThan(0);
  });
});

describe('synthesized monitoring', () => {
  /** A parallel join, so several nodes' widgets and alarms are in the template. */
  const monitoredStack = (createAlarms: boolean): Stack => {
    const stack = newStack('Monitored');
    const workflow = new UnumWorkflow(stack, 'Flow', { definition: SHAPES.parallelJoin(stack) });
    new UnumWorkflowMonitoring(stack, 'Monitoring', { workflow, createAlarms, ...(createAlarms ? { alarmTopic: new sns.Topic(stack, 'Alarms') } : {}) });
    return stack;
  };

  test('with alarms', () => {
    expect(Template.fromStack(monitoredStack(true)).toJSON()).toMatchSnapshot();
  });

  test('without alarms (dashboard only)', () => {
    expect(Template.fromStack(monitoredStack(false)).toJSON()).toMatchSnapshot();
  });
});
