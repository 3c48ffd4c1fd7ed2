import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';

/**
 * Settings of a workflow function that a workflow can also set for all its
 * functions (`UnumWorkflowProps.functionDefaults`): a function's own value
 * wins over the workflow's. They are applied when the function joins its
 * workflow, which is why settings that shape the Lambda function when it is
 * created (VPC, role, layers) are per function only.
 */
export interface UnumFunctionDefaults {
  /**
   * Invoke the function through an alias of its current version (so
   * provisioned concurrency and SnapStart apply): predecessors, the failure
   * path and `grantStart` use `name:alias`, and IAM grants that qualified ARN.
   * @default - the unqualified function ($LATEST)
   */
  readonly aliasName?: string;
  /**
   * Format of the function's logs; `JSON` is required to set log levels.
   * @default lambda.LoggingFormat.TEXT (Lambda's default)
   */
  readonly loggingFormat?: lambda.LoggingFormat;
  /**
   * Lowest level of the user code's and the runtime's logs that Lambda keeps (JSON format only).
   * @default - Lambda's default (INFO, with JSON format)
   */
  readonly applicationLogLevel?: lambda.ApplicationLogLevel;
  /**
   * Lowest level of Lambda's own platform logs that Lambda keeps (JSON format only).
   * @default - Lambda's default (INFO, with JSON format)
   */
  readonly systemLogLevel?: lambda.SystemLogLevel;
  /**
   * Retention of the log group the function creates (ignored with `logGroup`).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * X-Ray tracing of the function.
   * @default lambda.Tracing.DISABLED
   */
  readonly tracing?: lambda.Tracing;
}

/** The Lambda settings production stacks use, per workflow function. */
export interface UnumFunctionSettings extends UnumFunctionDefaults {
  /**
   * VPC to run the function in (it then needs a route to DynamoDB and S3:
   * gateway endpoints or NAT, and to Lambda to invoke its successors).
   * @default - not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of `vpc` for the function's network interfaces.
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function (with `vpc`).
   * @default - a new security group allowing all outbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Size of the function's /tmp.
   * @default Size.mebibytes(512)
   */
  readonly ephemeralStorageSize?: Size;
  /**
   * Layers in addition to the cdk-unum runtime layer (Lambda allows five in all).
   * @default - the runtime layer only
   */
  readonly layers?: lambda.ILayerVersion[];
  /**
   * Execution role. The workflow still adds to it exactly what the runtime
   * needs (its store, its successors, its log group); an imported immutable
   * role must already allow those.
   * @default - a new role that may write only to the function's log group
   */
  readonly role?: iam.IRole;
  /**
   * Statements added to the function's role, for what the user code calls.
   * @default - none
   */
  readonly initialPolicy?: iam.PolicyStatement[];
  /**
   * Lambda Insights extension version (adds its layer and managed policy).
   * @default - no Lambda Insights
   */
  readonly insightsVersion?: lambda.LambdaInsightsVersion;
  /**
   * Parameters and Secrets extension (adds its layer and configuration).
   * @default - no extension
   */
  readonly paramsAndSecrets?: lambda.ParamsAndSecretsLayerVersion;
  /**
   * SnapStart, for runtimes that support it (not Node.js); requires
   * `aliasName`, since SnapStart applies to published versions only.
   * @default - no SnapStart
   */
  readonly snapStart?: lambda.SnapStartConf;
  /**
   * Provisioned concurrency of the alias (requires `aliasName`).
   * @default - none
   */
  readonly provisionedConcurrentExecutions?: number;
  /**
   * Log group of the function, instead of one the function creates.
   * @default - a new log group with `logRetention`
   */
  readonly logGroup?: logs.ILogGroup;
}
