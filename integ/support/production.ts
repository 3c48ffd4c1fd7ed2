import { App, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Chain, IntermediaryStore, UnumFunction, UnumWorkflow, UnumWorkflowMonitoring } from '../../src';
import { FIXTURES } from '../../test/support/shapes';

/**
 * The "Running in production" example of the README (user code from the
 * echo fixtures instead of `entry` files): a workflow in a VPC, invoked
 * through aliases, with JSON logs kept three months, X-Ray tracing, alarms
 * to an encrypted SNS topic and a dashboard, and a second stack that starts it from an EventBridge rule and may read its
 * sessions. Used by integ.production.ts and the cdk-nag test.
 */
export class OrdersStack extends Stack {
  public readonly workflow: UnumWorkflow;
  public readonly monitoring: UnumWorkflowMonitoring;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // No NAT: the functions reach DynamoDB and S3 through gateway endpoints, Lambda (successors) and X-Ray through interface endpoints.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.REJECT } },
    });
    vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const functions = new ec2.SecurityGroup(this, 'Functions', { vpc, description: 'Workflow functions' });
    for (const [endpointId, service] of [['Lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA], ['XRay', ec2.InterfaceVpcEndpointAwsService.XRAY]] as const) {
      vpc.addInterfaceEndpoint(endpointId, { service, open: false }).connections.allowDefaultPortFrom(functions);
    }

    const inVpc = { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, securityGroups: [functions] };
    const code = () => lambda.Code.fromAsset(FIXTURES);
    const take = new UnumFunction(this, 'TakeOrder', { code: code(), handler: 'index.handler', ...inVpc });
    const ship = new UnumFunction(this, 'ShipOrder', {
      code: code(),
      handler: 'index.handler',
      ...inVpc,
      memorySize: 512,
      provisionedConcurrentExecutions: 1,
      logRetention: logs.RetentionDays.ONE_YEAR,
    });
    this.workflow = new UnumWorkflow(this, 'Orders', {
      definition: Chain.start(take).next(ship),
      timeout: Duration.minutes(15), // a session still running then is TIMED_OUT
      store: new IntermediaryStore(this, 'Store', { removalPolicy: RemovalPolicy.DESTROY, pointInTimeRecovery: true }),
      functionDefaults: {
        aliasName: 'live',
        loggingFormat: lambda.LoggingFormat.JSON,
        applicationLogLevel: lambda.ApplicationLogLevel.INFO,
        logRetention: logs.RetentionDays.THREE_MONTHS,
        tracing: lambda.Tracing.ACTIVE,
      },
    });

    // Alarms notify an encrypted topic (subscribe the on-call to it); CloudWatch may publish to it only if the key lets CloudWatch use it.
    const alarmKey = new kms.Key(this, 'AlarmKey', { enableKeyRotation: true, description: 'Encrypts the orders alarm topic' });
    alarmKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const alarms = new sns.Topic(this, 'Alarms', { enforceSSL: true, masterKey: alarmKey });
    this.monitoring = new UnumWorkflowMonitoring(this, 'Monitoring', {
      workflow: this.workflow,
      alarmTopic: alarms,
      functionThrottlesThreshold: 5, // Lambda retries throttled events: page on more than a few in 5 minutes
    });
  }
}

/** Another team's stack: starts orders from its events and reads their sessions, knowing only the workflow's attributes. */
export class ShopStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { readonly orders: UnumWorkflow }) {
    super(scope, id, props);
    const orders = UnumWorkflow.fromWorkflowAttributes(this, 'Orders', {
      workflowName: props.orders.workflowName,
      entryFunctionArn: props.orders.entryFunctionArn,
      store: IntermediaryStore.fromAttributes(this, 'OrdersStore', {
        tableName: props.orders.store.tableName,
        bucketName: props.orders.store.bucketName,
      }),
    });
    new events.Rule(this, 'OrderPlaced', {
      eventPattern: { source: ['shop'], detailType: ['OrderPlaced'] },
      targets: [orders.asEventTarget({ event: events.RuleTargetInput.fromEventPath('$.detail'), maxEventAge: Duration.hours(2), retryAttempts: 4 })],
    });
    const support = new iam.Role(this, 'SupportRole', { assumedBy: new iam.AccountRootPrincipal(), description: 'Starts orders and reads their sessions' });
    orders.grantStart(support);
    orders.grantRead(support);
    // The shop's own view of the orders workflow: its sessions and nodes, no alarms (the orders team has them).
    new UnumWorkflowMonitoring(this, 'OrdersDashboard', { workflow: orders, createAlarms: false });
  }
}

export function productionApp(app: App): { orders: OrdersStack; shop: ShopStack } {
  const orders = new OrdersStack(app, 'UnumInteg-production');
  const shop = new ShopStack(app, 'UnumInteg-production-shop', { orders: orders.workflow });
  return { orders, shop };
}
