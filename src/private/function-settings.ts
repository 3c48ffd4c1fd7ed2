import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { executionRole, grantLogWrite } from './function-role';
import { suppressNag } from './nag';
import type { UnumFunctionDefaults, UnumFunctionSettings } from '../function-settings';
import { TRACING_ACTIONS } from '../protocol/permissions';

/** Retention of the log groups the workflow creates, unless set (not Lambda's default: forever). */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.THREE_MONTHS;
/** Lambda's limit on layers per function. */
const MAX_LAYERS = 5;
/** Lambda's alias names: not only digits (those are versions), not $LATEST. */
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;

/**
 * The production settings of one workflow function: what is passed to its
 * `lambda.Function` when it is created, and what is applied when it joins
 * its workflow (with the workflow's defaults), kept out of function.ts.
 */
export class FunctionSettings {
  /** Set by `apply`: the alias successors invoke, if any. */
  public alias?: lambda.Alias;
  /** Set by `apply`: the function's log group. */
  public logGroup?: logs.ILogGroup;
  public readonly role: iam.IRole;
  private applied = false;

  constructor(private readonly scope: Construct, private readonly where: string, private readonly props: UnumFunctionSettings,
    private readonly runtime: lambda.Runtime) {
    this.check();
    this.role = props.role ?? executionRole(scope);
  }

  /** The extra `lambda.FunctionProps` of the settings fixed when the function is created. */
  public lambdaProps() {
    const p = this.props;
    return {
      vpc: p.vpc,
      vpcSubnets: p.vpcSubnets,
      securityGroups: p.securityGroups,
      ephemeralStorageSize: p.ephemeralStorageSize,
      layers: p.layers,
      initialPolicy: p.initialPolicy,
      insightsVersion: p.insightsVersion,
      paramsAndSecrets: p.paramsAndSecrets,
      snapStart: p.snapStart,
    };
  }

  /** Called once the function exists: managed policies its settings attached need reasons for cdk-nag. */
  public created(): void {
    const managed = [
      ...(this.props.vpc ? ['service-role/AWSLambdaVPCAccessExecutionRole'] : []),
      ...(this.props.insightsVersion ? ['CloudWatchLambdaInsightsExecutionRolePolicy'] : []),
    ];
    if (managed.length > 0 && this.role instanceof iam.Role) {
      suppressNag(this.role, managed.map((name) => ({
        id: 'AwsSolutions-IAM4',
        reason: `${name} is the AWS managed policy Lambda documents for this setting (network interfaces in the VPC / the Insights extension)`,
        appliesTo: [`Policy::arn:<AWS::Partition>:iam::aws:policy/${name}`],
      })));
    }
  }

  /** The effective alias name (the function's own, else the workflow's). */
  public aliasName(defaults: UnumFunctionDefaults): string | undefined {
    return this.props.aliasName ?? defaults.aliasName;
  }

  /**
   * Applies the settings a workflow can default, once, when the function
   * joins its workflow (before its configuration is compiled, which names
   * the alias).
   */
  public apply(fn: lambda.Function, d: UnumFunctionDefaults): void {
    if (this.applied) return;
    this.applied = true;
    const p = this.props;
    const aliasName = this.aliasName(d);
    this.checkAlias(aliasName);
    if (aliasName !== undefined) {
      this.alias = new lambda.Alias(this.scope, 'Alias', {
        aliasName, version: fn.currentVersion, provisionedConcurrentExecutions: p.provisionedConcurrentExecutions,
      });
    }

    this.logGroup = p.logGroup ?? new logs.LogGroup(this.scope, 'LogGroup', { retention: p.logRetention ?? d.logRetention ?? DEFAULT_LOG_RETENTION });
    grantLogWrite(this.role, this.logGroup.logGroupArn);
    const format = p.loggingFormat ?? d.loggingFormat;
    const applicationLogLevel = p.applicationLogLevel ?? d.applicationLogLevel;
    const systemLogLevel = p.systemLogLevel ?? d.systemLogLevel;
    if ((applicationLogLevel || systemLogLevel) && format !== lambda.LoggingFormat.JSON) {
      throw new Error(`${this.where}: applicationLogLevel and systemLogLevel need loggingFormat JSON (Lambda filters levels of JSON logs only): `
        + 'set loggingFormat: lambda.LoggingFormat.JSON on the function or in the workflow\'s functionDefaults');
    }
    const cfn = fn.node.defaultChild as lambda.CfnFunction;
    cfn.loggingConfig = { logGroup: this.logGroup.logGroupName, logFormat: format, applicationLogLevel, systemLogLevel };

    const tracing = p.tracing ?? d.tracing ?? lambda.Tracing.DISABLED;
    if (tracing !== lambda.Tracing.DISABLED) {
      cfn.tracingConfig = { mode: tracing };
      // A policy of its own, so the one wildcard X-Ray requires is suppressed there and nowhere else.
      const policy = new iam.Policy(this.scope, 'TracingPolicy', {
        statements: [new iam.PolicyStatement({ actions: [...TRACING_ACTIONS], resources: ['*'] })],
        roles: [this.role],
      });
      suppressNag(policy, [{
        id: 'AwsSolutions-IAM5',
        reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions',
        appliesTo: ['Resource::*'],
      }]);
      // Lambda refuses active tracing with a role that may not send traces yet.
      fn.node.addDependency(policy);
    }
  }

  private check(): void {
    const p = this.props;
    if (!p.vpc && (p.vpcSubnets || p.securityGroups)) {
      throw new Error(`${this.where}: vpcSubnets and securityGroups need vpc: set vpc or remove them`);
    }
    const size = p.ephemeralStorageSize;
    if (size && !Token.isUnresolved(size.toMebibytes()) && (size.toMebibytes() < 512 || size.toMebibytes() > 10240)) {
      throw new Error(`${this.where}: ephemeralStorageSize must be between 512 MiB and 10240 MiB (got ${size.toMebibytes()} MiB)`);
    }
    // The runtime layer always takes one of Lambda's five.
    const layers = 1 + (p.layers?.length ?? 0) + (p.insightsVersion ? 1 : 0) + (p.paramsAndSecrets ? 1 : 0);
    if (layers > MAX_LAYERS) {
      throw new Error(`${this.where}: ${layers} layers (the cdk-unum runtime layer, ${p.layers?.length ?? 0} in layers`
        + `${p.insightsVersion ? ', Lambda Insights' : ''}${p.paramsAndSecrets ? ', Parameters and Secrets' : ''}) exceed Lambda's ${MAX_LAYERS}; `
        + 'merge your layers or bundle their code into the function');
    }
    if (p.snapStart && !this.runtime.supportsSnapStart) {
      throw new Error(`${this.where}: snapStart is not available for ${this.runtime.name} (Lambda supports SnapStart for Java, Python 3.12+ and .NET 8+): `
        + 'remove snapStart; use provisionedConcurrentExecutions with aliasName to avoid cold starts');
    }
    if (p.logGroup && p.logRetention !== undefined) {
      throw new Error(`${this.where}: logRetention applies to the log group the function creates; with logGroup set its retention on that log group`);
    }
    const pc = p.provisionedConcurrentExecutions;
    if (pc !== undefined && !Token.isUnresolved(pc) && (!Number.isInteger(pc) || pc < 1)) {
      throw new Error(`${this.where}: provisionedConcurrentExecutions must be a positive integer (got ${pc})`);
    }
  }

  private checkAlias(aliasName: string | undefined): void {
    if (aliasName !== undefined && !Token.isUnresolved(aliasName) && !ALIAS_NAME.test(aliasName)) {
      throw new Error(`${this.where}: aliasName '${aliasName}' must be 1-128 letters, digits, - and _, not only digits`);
    }
    if (aliasName !== undefined && Token.isUnresolved(aliasName)) {
      throw new Error(`${this.where}: aliasName is a deploy-time value (a Token); predecessors invoke name:alias, fixed at synth: give a literal name`);
    }
    if (aliasName === undefined && this.props.snapStart) {
      throw new Error(`${this.where}: snapStart applies to published versions only, and successors invoke $LATEST without an alias: set aliasName`);
    }
    if (aliasName === undefined && this.props.provisionedConcurrentExecutions !== undefined) {
      throw new Error(`${this.where}: provisionedConcurrentExecutions applies to an alias: set aliasName (on the function or the workflow's functionDefaults)`);
    }
  }
}
