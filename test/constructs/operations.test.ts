import { App, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, IntermediaryStore, Map as UnumMap, UnumFunction, UnumFunctionProps, UnumWorkflow, Wait, WaitTime } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { FIXTURES } from '../support/shapes';

const ENV = { account: '123456789012', region: 'us-east-1' };
const newStack = (id = 'S') => new Stack(new App(), id, { env: ENV });
const fn = (stack: Stack, id: string, props: Partial<UnumFunctionProps> = {}) => new UnumFunction(stack, id, { code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', ...props });
const fnArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:us-east-1:123456789012:function:${name}`]] });
const configOf = (t: Template, name: string): FunctionConfig => {
  const [resource] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } })) as any[];
  return JSON.parse(resource.Properties.Environment.Variables.UNUM_CONFIG);
};
/** Every statement of the policies attached to the function's role. */
const statementsOf = (t: Template, f: UnumFunction): any[] => {
  const [resource] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: f.functionName } })) as any[];
  const role = resource.Properties.Role['Fn::GetAtt'][0];
  return (Object.values(t.findResources('AWS::IAM::Policy')) as any[])
    .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === role)).flatMap((p) => p.Properties.PolicyDocument.Statement);
};

describe('Lambda settings', () => {
  test('vpc, subnets, security groups, ephemeral storage, layers, insights and params-and-secrets reach the function', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const extra = new lambda.LayerVersion(stack, 'Extra', { code: lambda.Code.fromAsset(FIXTURES) });
    const a = fn(stack, 'A', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [sg],
      ephemeralStorageSize: Size.gibibytes(2),
      layers: [extra],
      insightsVersion: lambda.LambdaInsightsVersion.VERSION_1_0_229_0,
      paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(lambda.ParamsAndSecretsVersions.V1_0_103),
    });
    new UnumWorkflow(stack, 'Flow', { definition: a });
    const t = Template.fromStack(stack);
    const [resource] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: a.functionName } })) as any[];
    const p = resource.Properties;
    expect(p.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Sg/), 'GroupId'] }]);
    expect(p.VpcConfig.SubnetIds).toHaveLength(2);
    expect(p.EphemeralStorage).toEqual({ Size: 2048 });
    // The user's layer, the two extensions and the runtime layer: four of Lambda's five.
    expect(p.Layers).toHaveLength(4);
    expect(p.Layers[0]).toEqual({ Ref: expect.stringMatching(/^Extra/) });
    expect(JSON.stringify(p.Layers)).toContain('LambdaInsightsExtension');
    expect(JSON.stringify(p.Layers)).toContain('UnumRuntimeLayer');
    expect(p.Environment.Variables.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT).toBeDefined();
  });

  test('layers beyond Lambda\'s five (the runtime layer counts) are refused naming the node', () => {
    const stack = newStack();
    const layers = [1, 2, 3, 4].map((i) => new lambda.LayerVersion(stack, `L${i}`, { code: lambda.Code.fromAsset(FIXTURES) }));
    expect(() => fn(stack, 'A', { layers })).not.toThrow();
    expect(() => fn(stack, 'B', { layers, insightsVersion: lambda.LambdaInsightsVersion.VERSION_1_0_229_0 }))
      .toThrow(/UnumFunction 'B': 6 layers \(the cdk-unum runtime layer, 4 in layers, Lambda Insights\) exceed Lambda's 5/);
  });

  test('settings that cannot apply are refused naming the node', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    expect(() => fn(stack, 'A', { securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })] })).toThrow(/UnumFunction 'A': vpcSubnets and securityGroups need vpc/);
    expect(() => fn(stack, 'B', { ephemeralStorageSize: Size.mebibytes(100) })).toThrow(/UnumFunction 'B': ephemeralStorageSize must be between 512 MiB and 10240 MiB/);
    expect(() => fn(stack, 'C', { snapStart: lambda.SnapStartConf.ON_PUBLISHED_VERSIONS, aliasName: 'live' }))
      .toThrow(/UnumFunction 'C': snapStart is not available for nodejs24.x/);
    expect(() => fn(stack, 'D', { logGroup: new logs.LogGroup(stack, 'Group'), logRetention: logs.RetentionDays.ONE_DAY })).toThrow(/UnumFunction 'D': logRetention applies/);
    expect(() => fn(stack, 'E', { provisionedConcurrentExecutions: 0, aliasName: 'live' })).toThrow(/UnumFunction 'E': provisionedConcurrentExecutions must be a positive integer/);
    const workflow = (f: UnumFunction) => () => new UnumWorkflow(stack, `W${f.id}`, { definition: f });
    expect(workflow(fn(stack, 'F', { provisionedConcurrentExecutions: 2 }))).toThrow(/UnumFunction 'F': provisionedConcurrentExecutions applies to an alias: set aliasName/);
    expect(workflow(fn(stack, 'G', { aliasName: '123' }))).toThrow(/UnumFunction 'G': aliasName '123' must be/);
  });

  test('a user role gets exactly the runtime\'s grants, plus initialPolicy', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const extra = new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['arn:aws:sqs:us-east-1:123456789012:q'] });
    const a = fn(stack, 'A', { role, initialPolicy: [extra] });
    const b = fn(stack, 'B');
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
    const t = Template.fromStack(stack);
    const [resource] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: a.functionName } })) as any[];
    expect(resource.Properties.Role).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] });
    const actions = (f: UnumFunction) => statementsOf(t, f).filter((s) => !JSON.stringify(s).includes('sqs:')).flatMap((s) => [s.Action].flat()).sort();
    // The same runtime grants as a function with its own role (A also invokes B).
    expect(actions(a)).toEqual([...actions(b), 'lambda:InvokeFunction'].sort());
    expect(statementsOf(t, a)).toContainEqual({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:123456789012:q' });
  });
});

describe('invoking through an alias', () => {
  test('predecessors carry name:alias, IAM grants that qualified ARN, the alias has the async settings and provisioned concurrency', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B', { aliasName: 'live', provisionedConcurrentExecutions: 3 });
    const workflow = new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
    const t = Template.fromStack(stack);
    expect(b.invocationName).toBe(`${b.functionName}:live`);
    expect(configOf(t, a.functionName).next).toMatchObject({ kind: 'invoke', functionName: `${b.functionName}:live` });
    const invokes = statementsOf(t, a).filter((s) => s.Action === 'lambda:InvokeFunction' && !JSON.stringify(s.Resource).includes('FailureRecorder'));
    expect(invokes).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn(`${b.functionName}:live`) }]);
    t.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live', FunctionName: { Ref: Match.stringLikeRegexp('^BFunction') }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 3 },
    });
    // Lambda keeps async settings per qualifier: the alias gets the failure recorder as well as $LATEST.
    const configs = Object.values(t.findResources('AWS::Lambda::EventInvokeConfig', { Properties: { FunctionName: { Ref: Match.stringLikeRegexp('^BFunction') } } })) as any[];
    expect(configs.map((c) => JSON.stringify(c.Properties.Qualifier)).sort()).toEqual(['"$LATEST"', expect.stringContaining('BAlias')]);
    expect(new Set(configs.map((c) => JSON.stringify(c.Properties.DestinationConfig))).size).toBe(1);
    expect(workflow.entryFunctionArn).toBe(a.functionArn);
  });

  test('a function that re-invokes itself (retry, Wait, Map) does so through its alias: its configuration names it, IAM allows exactly it', () => {
    const stack = newStack();
    const a = fn(stack, 'A', { aliasName: 'live' }).addRetry({ interval: Duration.seconds(5) });
    const b = fn(stack, 'B', { aliasName: 'live' });
    const c = fn(stack, 'C');
    const d = fn(stack, 'D', { aliasName: 'live' });
    const each = new UnumMap(stack, 'Each', { itemsPath: '$.items' }).itemProcessor(fn(stack, 'Item'));
    new UnumWorkflow(stack, 'Flow', {
      definition: Chain.start(a).next(b).next(new Wait(stack, 'Pause', { time: WaitTime.duration(Duration.minutes(5)) })).next(c).next(d).next(each),
    });
    const t = Template.fromStack(stack);
    const ownInvokes = (f: UnumFunction) => statementsOf(t, f).filter((s) => s.Action === 'lambda:InvokeFunction')
      .flatMap((s) => [s.Resource].flat()).filter((r) => JSON.stringify(r).includes(`function:${f.functionName}`));
    for (const [f, reinvokes] of [[a, 'retry'], [b, 'Wait'], [d, 'Map']] as const) {
      expect({ node: f.id, reinvokes, invokeName: configOf(t, f.functionName).invokeName }).toEqual({ node: f.id, reinvokes, invokeName: `${f.functionName}:live` });
      // The qualified ARN only: neither $LATEST nor a qualifier wildcard.
      expect(ownInvokes(f)).toEqual([fnArn(`${f.functionName}:live`)]);
    }
    // Without an alias the Lambda context's name is right: nothing to carry, and C never re-invokes itself.
    expect(configOf(t, c.functionName).invokeName).toBeUndefined();
    expect(ownInvokes(c)).toEqual([]);
  });

  test('functionDefaults.aliasName puts every function behind the alias; grantStart grants the entry alias ARN only', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B', { aliasName: 'own' });
    const workflow = new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b), functionDefaults: { aliasName: 'prod' } });
    const client = new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantStart(client);
    const t = Template.fromStack(stack);
    expect(configOf(t, a.functionName).next).toMatchObject({ functionName: `${b.functionName}:own` });
    t.resourceCountIs('AWS::Lambda::Alias', 2);
    const [policy] = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^Client') }] } })) as any[];
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: fnArn(`${a.functionName}:prod`) });
    expect(JSON.stringify(policy)).not.toMatch(/function:[^"]*:\*/);
    t.hasOutput('*', { Value: `${a.functionName}:prod` });
  });
});

describe('logs and tracing', () => {
  test('each function creates its log group, with three months by default, and may write only there', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B', { logRetention: logs.RetentionDays.ONE_WEEK });
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
    const t = Template.fromStack(stack);
    for (const [f, days] of [[a, 90], [b, 7]] as const) {
      const group = stack.getLogicalId(f.logGroup.node.defaultChild as logs.CfnLogGroup);
      expect(t.toJSON().Resources[group].Properties.RetentionInDays).toBe(days);
      t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: f.functionName, LoggingConfig: { LogGroup: { Ref: group } } });
      const logStatements = statementsOf(t, f).filter((s) => JSON.stringify(s.Action).includes('logs:'));
      expect(logStatements).toEqual([{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [group, 'Arn'] } }]);
    }
  });

  test('a user log group is used and granted; format and levels follow the function, else the workflow', () => {
    const stack = newStack();
    const group = new logs.LogGroup(stack, 'Mine', { retention: logs.RetentionDays.ONE_YEAR });
    const a = fn(stack, 'A', { logGroup: group, applicationLogLevel: lambda.ApplicationLogLevel.DEBUG });
    const b = fn(stack, 'B');
    new UnumWorkflow(stack, 'Flow', {
      definition: Chain.start(a).next(b),
      functionDefaults: {
        loggingFormat: lambda.LoggingFormat.JSON, systemLogLevel: lambda.SystemLogLevel.WARN, logRetention: logs.RetentionDays.ONE_MONTH,
      },
    });
    const t = Template.fromStack(stack);
    const mine = stack.getLogicalId(group.node.defaultChild as logs.CfnLogGroup);
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: a.functionName, LoggingConfig: { LogGroup: { Ref: mine }, LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'WARN' },
    });
    expect(statementsOf(t, a).filter((s) => JSON.stringify(s.Action).includes('logs:')).map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [mine, 'Arn'] }]);
    const bGroup = stack.getLogicalId(b.logGroup.node.defaultChild as logs.CfnLogGroup);
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: b.functionName, LoggingConfig: { LogGroup: { Ref: bGroup }, LogFormat: 'JSON', SystemLogLevel: 'WARN' } });
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The user's, B's and the failure recorder's (with the workflow's retention): A creates none.
    t.resourceCountIs('AWS::Logs::LogGroup', 3);
  });

  test('log levels without JSON format are refused naming the node, wherever they are set', () => {
    const stack = newStack();
    expect(() => new UnumWorkflow(stack, 'W1', { definition: fn(stack, 'A', { applicationLogLevel: lambda.ApplicationLogLevel.WARN }) }))
      .toThrow(/UnumFunction 'A': applicationLogLevel and systemLogLevel need loggingFormat JSON/);
    expect(() => new UnumWorkflow(stack, 'W2', {
      definition: fn(stack, 'B', { loggingFormat: lambda.LoggingFormat.TEXT }), functionDefaults: { loggingFormat: lambda.LoggingFormat.JSON, systemLogLevel: lambda.SystemLogLevel.DEBUG },
    })).toThrow(/UnumFunction 'B': applicationLogLevel and systemLogLevel need loggingFormat JSON/);
  });

  test('active tracing adds exactly the two X-Ray actions, in a policy of their own that the function waits for', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B', { tracing: lambda.Tracing.DISABLED });
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b), functionDefaults: { tracing: lambda.Tracing.ACTIVE } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: a.functionName, TracingConfig: { Mode: 'Active' } });
    const [bFn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: b.functionName } })) as any[];
    expect(bFn.Properties.TracingConfig).toBeUndefined();
    const xray = (f: UnumFunction) => statementsOf(t, f).filter((s) => JSON.stringify(s.Action).includes('xray:'));
    expect(xray(a)).toEqual([{ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }]);
    expect(xray(b)).toEqual([]);
    const [aFn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: a.functionName } })) as any[];
    expect(aFn.DependsOn).toContainEqual(expect.stringMatching(/^ATracingPolicy/));
  });
});

describe('using a workflow from elsewhere', () => {
  function producer() {
    const app = new App();
    const stack = new Stack(app, 'Producer', { env: ENV });
    const workflow = new UnumWorkflow(stack, 'Orders', { definition: Chain.start(fn(stack, 'Take', { aliasName: 'live' })).next(fn(stack, 'Ship')) });
    return { app, workflow };
  }

  test('an imported workflow grants start (the entry ARN only) and read (its key and object prefix only)', () => {
    const { app, workflow } = producer();
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const imported = UnumWorkflow.fromWorkflowAttributes(consumer, 'Orders', {
      workflowName: 'Orders',
      entryFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-take:live',
      store: IntermediaryStore.fromAttributes(consumer, 'Store', { tableName: 'orders-table', bucketName: 'orders-payloads' }),
    });
    const role = new iam.Role(consumer, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantStart(role);
    imported.grantRead(role);
    const statements = Template.fromStack(consumer).toJSON().Resources;
    const policy = Object.values(statements).find((r: any) => r.Type === 'AWS::IAM::Policy') as any;
    const byAction = (action: string) => policy.Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes(action));
    expect(byAction('lambda:InvokeFunction')).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:orders-take:live' }]);
    const [query] = byAction('dynamodb:Query');
    expect(query.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#Orders#*'] } });
    expect([query.Action].flat().sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(JSON.stringify(byAction('s3:GetObject'))).toContain('orders-payloads/unum/Orders/*');
    expect(JSON.stringify(byAction('s3:PutObject'))).toContain('orders-payloads/unum/Orders/*/');
    expect(JSON.stringify(policy)).not.toMatch(/dynamodb:(Scan|PutItem|DeleteItem)/);
    expect(workflow.entryFunctionArn).toContain(':live');
  });

  test('an EventBridge rule starts the workflow through its entry alias, with permission on that alias only', () => {
    const { app, workflow } = producer();
    const stack = Stack.of(workflow);
    new events.Rule(stack, 'Nightly', { schedule: events.Schedule.cron({ hour: '3', minute: '0' }), targets: [workflow.asEventTarget()] });
    const consumer = new Stack(app, 'Consumer', { env: ENV });
    const imported = UnumWorkflow.fromWorkflowAttributes(consumer, 'Orders', {
      workflowName: 'Orders', entryFunctionArn: workflow.entryFunctionArn, store: IntermediaryStore.fromAttributes(consumer, 'Store', { tableName: 't' }),
    });
    new events.Rule(consumer, 'OnOrder', { eventPattern: { source: ['shop'] }, targets: [imported.asEventTarget()] });
    for (const s of [stack, consumer]) {
      const t = Template.fromStack(s);
      const [rule] = Object.values(t.findResources('AWS::Events::Rule')) as any[];
      expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toMatch(s === stack ? /Ref.*TakeAlias/ : /function:Producer-Take-[0-9a-f]+:live/);
      t.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com' });
    }
  });

  test('an API method starts a session asynchronously and answers 202 with the session id', () => {
    const { workflow } = producer();
    const api = new apigateway.RestApi(Stack.of(workflow), 'Api');
    workflow.addApiMethod(api.root.addResource('orders'));
    const t = Template.fromStack(Stack.of(workflow));
    t.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST',
      Integration: {
        Type: 'AWS',
        IntegrationHttpMethod: 'POST',
        RequestParameters: { 'integration.request.header.X-Amz-Invocation-Type': "'Event'" },
        IntegrationResponses: [{ StatusCode: '202', ResponseParameters: { 'method.response.header.X-Unum-Session': 'integration.response.header.x-amzn-RequestId' } }],
        Uri: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('/invocations$')])] },
      },
      MethodResponses: [{ StatusCode: '202', ResponseParameters: { 'method.response.header.X-Unum-Session': true } }],
    });
    expect(JSON.stringify(t.findResources('AWS::ApiGateway::Method'))).toMatch(/TakeAlias/);
  });

  test('an SQS source maps the queue onto the entry alias with ReportBatchItemFailures; the entry role may consume it and decrypt it', () => {
    const { workflow } = producer();
    const stack = Stack.of(workflow);
    const key = new kms.Key(stack, 'QueueKey');
    const dlq = new sqs.Queue(stack, 'OrdersDlq', { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: key });
    const queue = new sqs.Queue(stack, 'OrdersQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      visibilityTimeout: Duration.minutes(6),
    });
    const source = workflow.addSqsSource(queue, { batchSize: 5, maxConcurrency: 4 });
    const t = Template.fromStack(stack);
    const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')) as any[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0].Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersQueue/), 'Arn'] },
      // The alias's name, qualified: Lambda invokes the alias's version with its provisioned concurrency.
      FunctionName: { 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: expect.stringMatching(/^TakeAlias/) }] }] }, ':live']] },
      BatchSize: 5,
      ScalingConfig: { MaximumConcurrency: 4 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(source.eventSourceMappingId).toBeDefined();
    const take = workflow.entryFunction;
    const sqsStatements = statementsOf(t, take).filter((st) => JSON.stringify(st.Action).includes('sqs:'))
      .map((st) => ({ ...st, Action: [st.Action].flat().sort() }));
    expect(sqsStatements).toEqual([{
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersQueue/), 'Arn'] },
    }]);
    const decrypt = statementsOf(t, take).filter((st) => JSON.stringify(st.Resource).includes('QueueKey'));
    expect(decrypt).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^QueueKey/), 'Arn'] } }]);
    // Only the entry consumes: Ship's role is given nothing of the queue.
    const ship = workflow.functions.find((f) => f.id === 'Ship')!;
    expect(JSON.stringify(statementsOf(t, ship))).not.toMatch(/sqs:|QueueKey/);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('dead-letter'))).toEqual([]);
  });

  test('an SQS source refuses a visibility timeout shorter than the entry\'s, reportBatchItemFailures: false, FIFO batching windows and oversized batches, and warns without a dead-letter queue', () => {
    const { workflow } = producer();
    const stack = Stack.of(workflow);
    // Lambda would refuse the default 30 s visibility timeout against the entry's 60 s timeout at deploy: synth says so.
    expect(() => workflow.addSqsSource(new sqs.Queue(stack, 'Plain'))).toThrow("UnumWorkflow 'Orders': queue 'Producer/Plain' hides a received message "
      + "for 30 s (its visibility timeout), less than the 60 s the entry 'Take' may run, and Lambda refuses such an event source: "
      + "set the queue's visibilityTimeout to at least 60 s");
    const fifo = new sqs.Queue(stack, 'Fifo', { fifo: true, visibilityTimeout: Duration.seconds(60) });
    expect(() => workflow.addSqsSource(fifo, { reportBatchItemFailures: false }))
      .toThrow("UnumWorkflow 'Orders': addSqsSource needs reportBatchItemFailures, since the entry reports each message that did not start a session");
    expect(() => workflow.addSqsSource(fifo, { maxBatchingWindow: Duration.seconds(5) })).toThrow(/Batching window is not supported for FIFO queues/);
    expect(() => workflow.addSqsSource(fifo, { batchSize: 11 })).toThrow(/between 1 and 10 inclusive \(given 11\)/);
    workflow.addSqsSource(fifo, { batchSize: 10 });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('dead-letter'));
    expect(warnings.map((w) => w.entry.data)).toEqual([expect.stringContaining(
      "UnumWorkflow 'Orders': queue 'Producer/Fifo' has no dead-letter queue, so a message that can never start a session (its body is not JSON)")]);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  test('a deploy-time workflow name is refused', () => {
    const stack = newStack();
    expect(() => UnumWorkflow.fromWorkflowAttributes(stack, 'X', {
      workflowName: new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() }).roleName,
      entryFunctionArn: 'arn:aws:lambda:us-east-1:1:function:f',
      store: IntermediaryStore.fromTableName(stack, 'S2', 't'),
    })).toThrow(/fromWorkflowAttributes 'X': workflowName is a deploy-time value/);
  });
});
