import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { UnumFunction } from './function';
import { lambdaMetric, storeThrottledRequests } from './private/metrics';
import { workflowDashboard } from './private/monitoring-dashboard';
import { UnumWorkflow } from './workflow';
import { IUnumWorkflow } from './workflow-interface';

/** Properties of an UnumWorkflowMonitoring. */
export interface UnumWorkflowMonitoringProps {
  /**
   * The workflow to watch. A workflow of this app gets every alarm; one
   * imported with `UnumWorkflow.fromWorkflowAttributes` gets the session and
   * store alarms only, since its functions and failure recorder are known
   * to the app that defines it.
   */
  readonly workflow: IUnumWorkflow;
  /**
   * Topic every alarm notifies when it goes into ALARM (`addAlarmAction`
   * adds other actions).
   * @default - no action
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Create the alarms.
   * @default true
   */
  readonly createAlarms?: boolean;
  /**
   * Create a CloudWatch dashboard of the workflow.
   * @default true
   */
  readonly createDashboard?: boolean;
  /**
   * Name of the dashboard.
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Period over which each alarm's metric is aggregated.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * Periods each alarm evaluates.
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching periods among `evaluationPeriods` that set an alarm off.
   * @default - evaluationPeriods
   */
  readonly datapointsToAlarm?: number;
  /**
   * Sessions ending FAILED in a period that set the failed-sessions alarm off.
   * @default 1
   */
  readonly failedSessionsThreshold?: number;
  /**
   * Sessions timing out in a period that set the timed-out-sessions alarm off.
   * @default 1
   */
  readonly timedOutSessionsThreshold?: number;
  /**
   * Errors Lambda reports for one workflow function in a period (the
   * runtime failing outside the user code: a timeout, a store outage, a
   * crash) that set its errors alarm off.
   * @default 1
   */
  readonly functionErrorsThreshold?: number;
  /**
   * Throttled invocations of one workflow function in a period that set
   * its throttles alarm off.
   * @default 1
   */
  readonly functionThrottlesThreshold?: number;
  /**
   * Requests to the store's table DynamoDB throttled in a period that set
   * the store alarm off.
   * @default 1
   */
  readonly storeThrottlesThreshold?: number;
  /**
   * Age of the oldest failure waiting for the failure recorder (Lambda's
   * `AsyncEventAge` of the recorder) that sets the failure backlog alarm off.
   * @default Duration.minutes(15)
   */
  readonly failureBacklogAgeThreshold?: Duration;
}

/**
 * Alarms and a dashboard for a workflow: sessions that fail or time out,
 * workflow functions that error or are throttled (Lambda's own metrics),
 * a failure path that falls behind or loses failures (so sessions would
 * stay RUNNING), and a store that DynamoDB throttles.
 */
export class UnumWorkflowMonitoring extends Construct {
  /** The dashboard, unless `createDashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;
  /** Sessions ending FAILED. */
  public readonly failedSessionsAlarm?: cloudwatch.Alarm;
  /** Sessions timing out. */
  public readonly timedOutSessionsAlarm?: cloudwatch.Alarm;
  /** DynamoDB throttling the store's table. */
  public readonly storeThrottlesAlarm?: cloudwatch.Alarm;
  /** The failure recorder failing (Lambda retries it). A workflow of this app only. */
  public readonly failureRecorderErrorsAlarm?: cloudwatch.Alarm;
  /** Lambda dropping failures the recorder never recorded: their sessions stay RUNNING. A workflow of this app only. */
  public readonly failuresDroppedAlarm?: cloudwatch.Alarm;
  /** Failures waiting too long for the recorder. A workflow of this app only. */
  public readonly failureBacklogAgeAlarm?: cloudwatch.Alarm;

  private readonly workflow: IUnumWorkflow;
  private readonly created: cloudwatch.Alarm[] = [];
  private readonly period: Duration;
  private readonly evaluationPeriods: number;
  private readonly datapointsToAlarm: number;
  private readonly functionAlarms = new Map<UnumFunction, FunctionAlarms>();

  constructor(scope: Construct, id: string, props: UnumWorkflowMonitoringProps) {
    super(scope, id);
    this.workflow = props.workflow;
    this.period = props.period ?? Duration.minutes(5);
    this.evaluationPeriods = props.evaluationPeriods ?? 1;
    this.datapointsToAlarm = props.datapointsToAlarm ?? this.evaluationPeriods;
    this.checkProps(props);
    const defined = props.workflow instanceof UnumWorkflow ? props.workflow : undefined;
    const name = props.workflow.workflowName;

    if (props.createAlarms ?? true) {
      this.failedSessionsAlarm = this.addCountAlarm(this, 'SessionsFailedAlarm', props.workflow.metricSessionsFailed(), props.failedSessionsThreshold ?? 1,
        `Sessions of workflow ${name} ended FAILED (a Fail state, an error no Catch handled, or an invocation Lambda gave up on). `
        + 'describeSession (cdk-unum toolkit client) shows the failing node and error.');
      this.timedOutSessionsAlarm = this.addCountAlarm(this, 'SessionsTimedOutAlarm', props.workflow.metricSessionsTimedOut(), props.timedOutSessionsThreshold ?? 1,
        `Sessions of workflow ${name} ran past the workflow's timeout.`);
      this.storeThrottlesAlarm = this.addCountAlarm(this, 'StoreThrottlesAlarm', storeThrottledRequests(props.workflow.store.tableName, this.period),
        props.storeThrottlesThreshold ?? 1,
        `DynamoDB throttled requests to the store of workflow ${name} (table ${props.workflow.store.tableName}, shared by every workflow using it). `
        + 'The runtime retries them; sustained throttling fails invocations.');
      if (defined) {
        this.addFunctionAlarms(defined, props);
        const failurePath = this.addFailurePathAlarms(defined, props);
        this.failureRecorderErrorsAlarm = failurePath.recorderErrors;
        this.failuresDroppedAlarm = failurePath.dropped;
        this.failureBacklogAgeAlarm = failurePath.backlogAge;
      }
    }
    for (const action of props.alarmTopic ? [new actions.SnsAction(props.alarmTopic)] : []) this.addAlarmAction(action);

    if (props.createDashboard ?? true) {
      this.dashboard = workflowDashboard(this, 'Dashboard', {
        dashboardName: props.dashboardName,
        workflow: props.workflow,
        functions: defined?.functions,
        failureRecorder: defined?.failureRecorder,
        alarms: this.alarms,
        period: this.period,
      });
    }
  }

  /** Every alarm created, to compose (e.g. in a `CompositeAlarm`). */
  public get alarms(): cloudwatch.IAlarm[] {
    return [...this.created];
  }

  /** Adds `actions` to every alarm (for an SNS topic, `alarmTopic` is shorter). */
  public addAlarmAction(...alarmActions: cloudwatch.IAlarmAction[]): void {
    for (const alarm of this.created) alarm.addAlarmAction(...alarmActions);
  }

  /**
   * The alarm on Lambda's errors of `fn`, a function of the workflow.
   * @returns undefined when `createAlarms` is false
   */
  public functionErrorsAlarm(fn: UnumFunction): cloudwatch.Alarm | undefined {
    return this.alarmsOf(fn)?.errors;
  }

  /**
   * The alarm on throttled invocations of `fn`, a function of the workflow.
   * @returns undefined when `createAlarms` is false
   */
  public functionThrottlesAlarm(fn: UnumFunction): cloudwatch.Alarm | undefined {
    return this.alarmsOf(fn)?.throttles;
  }

  /**
   * The alarm on failed invocations of `fn` that Lambda could not hand to
   * the failure recorder (its `DestinationDeliveryFailures`): their sessions
   * would stay RUNNING.
   * @returns undefined when `createAlarms` is false
   */
  public functionFailureDeliveryAlarm(fn: UnumFunction): cloudwatch.Alarm | undefined {
    return this.alarmsOf(fn)?.failureDelivery;
  }

  private alarmsOf(fn: UnumFunction): FunctionAlarms | undefined {
    if (!(this.workflow instanceof UnumWorkflow) || !this.workflow.functions.includes(fn)) {
      throw new Error(`UnumWorkflowMonitoring '${this.node.path}': UnumFunction '${fn.id}' is not a function of workflow `
        + `'${this.workflow.workflowName}'${this.workflow instanceof UnumWorkflow ? '' : ' (an imported workflow, whose functions it does not watch)'}`);
    }
    return this.functionAlarms.get(fn);
  }

  /** Each function's errors, throttles and lost failures, from Lambda's metrics (known to the app that defines the workflow). */
  private addFunctionAlarms(workflow: UnumWorkflow, props: UnumWorkflowMonitoringProps): void {
    const functions = new Construct(this, 'Functions');
    for (const fn of workflow.functions) {
      const scope = new Construct(functions, fn.id);
      const where = `node ${fn.id} of workflow ${workflow.workflowName} (function ${fn.functionName})`;
      this.functionAlarms.set(fn, {
        errors: this.addCountAlarm(scope, 'ErrorsAlarm', lambdaMetric(fn.functionName, 'Errors', cloudwatch.Stats.SUM), props.functionErrorsThreshold ?? 1,
          `Lambda reported errors of ${where}: the runtime failed outside the user code (a timeout, a store outage or a crash). `
          + 'Lambda retries the invocation, then the failure recorder records the session FAILED. The function\'s log group has the error.'),
        throttles: this.addCountAlarm(scope, 'ThrottlesAlarm', lambdaMetric(fn.functionName, 'Throttles', cloudwatch.Stats.SUM), props.functionThrottlesThreshold ?? 1,
          `Lambda throttled invocations of ${where}. Its asynchronous invocations wait and are retried for up to the function's maxEventAge; `
          + 'raise the account\'s concurrency or the function\'s reserved concurrency.'),
        failureDelivery: this.addCountAlarm(scope, 'FailureDeliveryAlarm', lambdaMetric(fn.functionName, 'DestinationDeliveryFailures', cloudwatch.Stats.SUM), 1,
          `Lambda could not deliver failed invocations of ${where} to the workflow's failure recorder, so their sessions stay RUNNING. `
          + 'The function\'s log group has their errors; check that the recorder exists and that the function\'s role may invoke it.'),
      });
    }
  }

  /**
   * The failure path has no queue of its own: Lambda queues each failed
   * invocation for the recorder, so the backlog is the recorder's
   * asynchronous event age, and a loss is an event Lambda dropped.
   */
  private addFailurePathAlarms(workflow: UnumWorkflow, props: UnumWorkflowMonitoringProps) {
    const recorder = workflow.failureRecorder.functionName;
    const recorderErrors = this.addCountAlarm(this, 'FailureRecorderErrorsAlarm', lambdaMetric(recorder, 'Errors', cloudwatch.Stats.SUM), 1,
      `The failure recorder of workflow ${workflow.workflowName} failed to record a failed session; Lambda retries it. Its log group has the error.`);
    const dropped = this.addCountAlarm(this, 'FailuresDroppedAlarm', lambdaMetric(recorder, 'AsyncEventsDropped', cloudwatch.Stats.SUM), 1,
      `Lambda dropped failures of workflow ${workflow.workflowName} that its failure recorder never recorded: those sessions stay RUNNING. `
      + 'The recorder\'s log group has its errors; the Lambda records of the failed invocations are lost.');
    const age = props.failureBacklogAgeThreshold ?? Duration.minutes(15);
    const backlogAge = this.addAlarm(this, 'FailureBacklogAgeAlarm', lambdaMetric(recorder, 'AsyncEventAge', cloudwatch.Stats.MAXIMUM),
      age.toMilliseconds(), cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      `Failures of workflow ${workflow.workflowName} waited over ${age.toHumanString()} for its failure recorder (throttled or failing), `
      + 'so their sessions show RUNNING meanwhile.');
    return { recorderErrors, dropped, backlogAge };
  }

  private addCountAlarm(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number, description: string): cloudwatch.Alarm {
    return this.addAlarm(scope, id, metric, threshold, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD, description);
  }

  private addAlarm(scope: Construct, id: string, metric: cloudwatch.IMetric, threshold: number,
    comparisonOperator: cloudwatch.ComparisonOperator, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric: withPeriod(metric, this.period),
      threshold,
      comparisonOperator,
      evaluationPeriods: this.evaluationPeriods,
      datapointsToAlarm: this.datapointsToAlarm,
      // No data is no failure: the runtime writes a count only when something happened.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    this.created.push(alarm);
    return alarm;
  }

  private checkProps(props: UnumWorkflowMonitoringProps): void {
    const where = `UnumWorkflowMonitoring '${this.node.path}'`;
    const positive: Array<[string, number | undefined]> = [
      ['evaluationPeriods', props.evaluationPeriods], ['datapointsToAlarm', props.datapointsToAlarm],
      ['failedSessionsThreshold', props.failedSessionsThreshold], ['timedOutSessionsThreshold', props.timedOutSessionsThreshold],
      ['functionErrorsThreshold', props.functionErrorsThreshold], ['functionThrottlesThreshold', props.functionThrottlesThreshold],
      ['storeThrottlesThreshold', props.storeThrottlesThreshold],
    ];
    for (const [field, value] of positive) {
      if (value !== undefined && !Token.isUnresolved(value) && !(Number.isInteger(value) && value >= 1)) {
        throw new Error(`${where}: ${field} must be a whole number of at least 1 (got ${value})`);
      }
    }
    const known = !Token.isUnresolved(this.datapointsToAlarm) && !Token.isUnresolved(this.evaluationPeriods);
    if (known && this.datapointsToAlarm > this.evaluationPeriods) {
      throw new Error(`${where}: datapointsToAlarm (${this.datapointsToAlarm}) cannot exceed evaluationPeriods (${this.evaluationPeriods})`);
    }
    if (props.createAlarms === false && props.alarmTopic !== undefined) {
      throw new Error(`${where}: alarmTopic is set but createAlarms is false, so no alarm would notify it: remove one of them`);
    }
  }
}

interface FunctionAlarms {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly failureDelivery: cloudwatch.Alarm;
}

/** The metric over the alarms' period (a math expression's own metrics follow it). */
function withPeriod(metric: cloudwatch.IMetric, period: Duration): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.Metric || metric instanceof cloudwatch.MathExpression) return metric.with({ period });
  return metric;
}
