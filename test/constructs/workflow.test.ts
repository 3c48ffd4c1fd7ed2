import { createHash } from 'crypto';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, Choice, Condition, FanIn, IntermediaryStore, Map, Parallel, UnumFunction, UnumWorkflow } from '../../src';
import { FunctionConfig } from '../../src/protocol/config';
import { serialize, test as serializerTest } from '../../src/testing/snapshot-serializer';
import { fn, FIXTURES, shapeStack, SHAPES } from '../support/shapes';
import { findDependencyCycle } from '../support/template-graph';

const newStack = () => new Stack(new App(), 'S', { env: { account: '123456789012', region: 'us-east-1' } });

function functionResource(t: Template, node: string): any {
  const found = Object.values(t.findResources('AWS::Lambda::Function'))
    .find((r: any) => r.Metadata?.['cdk-unum']?.node === node);
  if (!found) throw new Error(`no function for node ${node}`);
  return found;
}

function configOf(t: Template, node: string): FunctionConfig {
  const vars = functionResource(t, node).Properties.Environment.Variables;
  if (vars.UNUM_CONFIG) return JSON.parse(vars.UNUM_CONFIG);
  return JSON.parse(gunzipSync(Buffer.from(vars.UNUM_CONFIG_GZIP, 'base64')).toString());
}

function invokeArn(name: string) {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:us-east-1:123456789012:function:${name}`]] };
}

describe('UnumWorkflow', () => {
  test('each function runs the runtime layer handler and gets its own compiled configuration', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B');
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    const resource = functionResource(t, 'A');
    expect(resource.Properties).toMatchObject({
      Handler: '/opt/unum/runtime.handler',
      Runtime: 'nodejs24.x',
      MemorySize: 256,
      Timeout: 60,
      FunctionName: a.functionName,
      Layers: [{ Ref: expect.stringMatching(/^UnumRuntimeLayer/) }],
    });
    expect(resource.Properties.Environment.Variables).toEqual({
      UNUM_USER_HANDLER: 'index.handler',
      UNUM_TABLE: { Ref: expect.stringMatching(/^FlowStoreTable/) },
      UNUM_BUCKET: { Ref: expect.stringMatching(/^FlowStorePayloads/) },
      UNUM_TTL_SECONDS: '604800',
      UNUM_PAYLOAD_THRESHOLD: '262144',
      UNUM_CONFIG: expect.any(String),
    });
    expect(resource.Metadata['cdk-unum']).toEqual({ workflow: 'Flow', node: 'A', entry: true });
    expect(configOf(t, 'A').next).toEqual({ kind: 'invoke', node: 'B', functionName: b.functionName });
    expect(Object.values(t.findOutputs('*'))).toEqual([{ Description: expect.stringContaining('workflow Flow'), Value: a.functionName }]);
  });

  test('IAM: a function may invoke exactly its successors and use only its store', () => {
    const stack = newStack();
    const a = fn(stack, 'A');
    const b = fn(stack, 'B');
    const c = fn(stack, 'C');
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(new Parallel(stack, 'P').branch(b).branch(c)) });
    const t = Template.fromStack(stack);
    // Only the function's own log group, the one its LoggingConfig names.
    const logStatement = (f: UnumFunction) => ({
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(f.logGroup.node.defaultChild as CfnElement), 'Arn'] },
    });
    const tableStatement = {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchGetItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#Flow#*'] } },
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FlowStoreTable/), 'Arn'] },
    };
    const objectStatement = {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^FlowStorePayloads/), 'Arn'] }, '/unum/Flow/*']] },
    };
    // Lambda invokes the on-failure destination, unqualified, with the function's role.
    const recorderStatement = {
      Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FlowFailureRecorder/), 'Arn'] },
    };
    const policies = t.findResources('AWS::IAM::Policy');
    const policyOf = (node: string) => {
      const role = functionResource(t, node).Properties.Role['Fn::GetAtt'][0];
      return Object.values(policies).find((p: any) => p.Properties.Roles[0].Ref === role) as any;
    };
    expect(policyOf('A').Properties.PolicyDocument.Statement).toEqual([
      logStatement(a), tableStatement, objectStatement,
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [invokeArn(b.functionName), invokeArn(c.functionName)] },
      recorderStatement,
    ]);
    // No managed policy (AWSLambdaBasicExecutionRole would allow logs:* on every log group).
    for (const role of Object.values(t.findResources('AWS::IAM::Role'))) expect((role as any).Properties.ManagedPolicyArns).toBeUndefined();
    // Branch ends arrive at the join that ends the workflow: they invoke nothing but their on-failure destination.
    expect(policyOf('B').Properties.PolicyDocument.Statement).toEqual([logStatement(b), tableStatement, objectStatement, recorderStatement]);
  });

  test('loops and back-edges deploy: no resource depends on another workflow function', () => {
    for (const shape of Object.keys(SHAPES)) {
      const template = Template.fromStack(shapeStack(new App(), shape)).toJSON();
      expect({ shape, cycle: findDependencyCycle(template) }).toEqual({ shape, cycle: undefined });
    }
  });

  test('the loop body may invoke itself through the back-edge', () => {
    const t = Template.fromStack(shapeStack(new App(), 'loop'));
    const step = configOf(t, 'Step');
    expect(step.next).toMatchObject({ kind: 'choice', otherwise: { kind: 'invoke', node: 'Step', loop: true } });
  });

  test('a retry rule lets the function re-invoke itself', () => {
    const stack = newStack();
    const a = fn(stack, 'A').addRetry({ errors: ['Throttled'], maxAttempts: 2 });
    new UnumWorkflow(stack, 'Flow', { definition: a });
    const t = Template.fromStack(stack);
    expect(configOf(t, 'A').retry).toEqual([{ errors: ['Throttled'], intervalSeconds: 1, maxAttempts: 2, backoffRate: 2 }]);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: invokeArn(a.functionName) })]) },
    });
  });

  test('FanIn over predecessors: a decision that skips a predecessor may continue the join, so it may invoke what follows', () => {
    const t = Template.fromStack(shapeStack(new App(), 'dagJoin'));
    const invoked = (node: string) => {
      const role = functionResource(t, node).Properties.Role['Fn::GetAtt'][0];
      const policy = Object.values(t.findResources('AWS::IAM::Policy')).find((p: any) => p.Properties.Roles[0].Ref === role) as any;
      const statement = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Action === 'lambda:InvokeFunction');
      return [statement?.Resource ?? []].flat().map((r: any) => r['Fn::Join'][1][2])
        .map((arn: string) => Object.values(t.findResources('AWS::Lambda::Function'))
          .find((f: any) => arn.endsWith(`:function:${f.Properties.FunctionName}`)) as any)
        .map((f: any) => f.Metadata['cdk-unum'].node);
    };
    // B routes to Quick or Slow and marks the other skipped at BeforeD, which that mark may complete.
    expect(invoked('B')).toEqual(['D', 'Quick', 'Slow']);
    expect(invoked('Quick')).toEqual(['D']);
    expect(invoked('C')).toEqual(['Last']);
    expect(invoked('A')).toEqual(['C', 'D']);
    expect(configOf(t, 'C').next).toMatchObject({ kind: 'dagJoin', join: 'BeforeLast', depth: 0, slot: 0 });
  });

  test('FanIn over predecessors: an empty list, or a predecessor that ends in several states, is refused at once', () => {
    const stack = newStack();
    expect(() => new FanIn(stack, 'None', { predecessors: [] })).toThrow(
      "FanIn 'None': predecessors is empty; list the states it waits for (or leave it out to close a Parallel or Map)");
    const route = new Choice(stack, 'Route').when(Condition.isPresent('$.a'), fn(stack, 'X')).otherwise(fn(stack, 'Y'));
    expect(() => new FanIn(stack, 'Join', { predecessors: [Chain.start(fn(stack, 'A')).next(route.afterwards())] })).toThrow(
      "FanIn 'Join': predecessor 'A' ends in 2 states; each predecessor must end in one UnumFunction or Pass");
  });

  test('one runtime layer per stack, one store per workflow unless shared', () => {
    const stack = newStack();
    const shared = new IntermediaryStore(stack, 'Shared');
    new UnumWorkflow(stack, 'One', { definition: fn(stack, 'A'), store: shared });
    new UnumWorkflow(stack, 'Two', { definition: fn(stack, 'B'), store: shared });
    new UnumWorkflow(stack, 'Three', { definition: fn(stack, 'C') });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    t.resourceCountIs('AWS::DynamoDB::Table', 2);
  });

  test('grantStart invokes the entry function (unqualified) and writes start objects; grantRead reads only this workflow', () => {
    const stack = newStack();
    const shared = new IntermediaryStore(stack, 'Shared');
    const wf = new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'A')).next(fn(stack, 'B')), store: shared });
    new UnumWorkflow(stack, 'Other', { definition: fn(stack, 'C'), store: shared });
    const starter = new iam.Role(stack, 'Starter', { assumedBy: new iam.AccountRootPrincipal() });
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
    wf.grantStart(starter);
    wf.grantRead(reader);
    const t = Template.fromStack(stack);
    const statements = (prefix: string) => (Object.values(t.findResources('AWS::IAM::Policy'))
      .find((p: any) => p.Properties.Roles[0].Ref.startsWith(prefix)) as any).Properties.PolicyDocument.Statement;
    const objects = (pattern: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SharedPayloads/), 'Arn'] }, pattern]] });
    const workflowItems = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#Flow#*'] } };
    expect(statements('Starter')).toEqual([
      { Effect: 'Allow', Action: 's3:PutObject', Resource: objects('/unum/Flow/*/start.json') },
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: invokeArn(wf.entryFunction.functionName) },
    ]);
    expect(statements('Reader')).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
        Condition: workflowItems,
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^SharedTable/), 'Arn'] },
      },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('/unum/Flow/*') },
    ]);
  });

  test('configuration too large for the environment is compressed, then shipped as a layer file', () => {
    // A Choice with many distinct rules makes one function's configuration large; hashes defeat compression.
    const build = (rules: number) => {
      const stack = newStack();
      const choice = new Choice(stack, 'Route');
      const targets = [fn(stack, 'X'), fn(stack, 'Y')];
      for (let i = 0; i < rules; i++) {
        const value = createHash('sha256').update(String(i)).digest('hex');
        choice.when(Condition.stringEquals('$.key', value), targets[i % 2]);
      }
      new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'Start')).next(choice) });
      return Template.fromStack(stack);
    };
    const medium = build(40);
    const vars = functionResource(medium, 'Start').Properties.Environment.Variables;
    expect(vars.UNUM_CONFIG).toBeUndefined();
    expect(vars.UNUM_CONFIG_GZIP).toEqual(expect.any(String));
    expect((configOf(medium, 'Start').next as any).rules).toHaveLength(40);

    const huge = build(200);
    const start = functionResource(huge, 'Start').Properties;
    expect(start.Environment.Variables.UNUM_CONFIG_FILE).toBe('/opt/unum-config/Flow/Start.json');
    expect(start.Environment.Variables.UNUM_CONFIG_GZIP).toBeUndefined();
    expect(start.Layers).toHaveLength(2);
    expect(functionResource(huge, 'X').Properties.Layers).toHaveLength(1);
    huge.resourceCountIs('AWS::Lambda::LayerVersion', 2);

    // The users' snapshot serializer prints the gzipped configuration decoded, and masks asset hashes.
    const printed = serialize(vars, {}, '', 0, [], (v) => JSON.stringify(v));
    expect(JSON.parse(printed)['UNUM_CONFIG_GZIP (decoded by the cdk-unum snapshot serializer)'].next.rules).toHaveLength(40);
    expect(serializerTest(vars)).toBe(true);
    expect(serializerTest({ UNUM_CONFIG: '{}' })).toBe(false);
    expect(serialize(`s3://bucket/${'0f'.repeat(32)}.zip`, {}, '', 0, [], (v) => String(v))).toBe('s3://bucket/ASSET-HASH.zip');
    expect(serializerTest('no hash here')).toBe(false);
  });

  test('timeout compiles into the entry\'s configuration only, in whole seconds; without it no configuration has one', () => {
    const stack = newStack();
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(fn(stack, 'A')).next(fn(stack, 'B')), timeout: Duration.minutes(15) });
    new UnumWorkflow(stack, 'Plain', { definition: Chain.start(fn(stack, 'C')).next(fn(stack, 'D')) });
    const t = Template.fromStack(stack);
    expect(configOf(t, 'A')).toMatchObject({ entry: true, timeoutSeconds: 900 });
    for (const node of ['B', 'C', 'D']) expect(configOf(t, node).timeoutSeconds).toBeUndefined();
  });

  test('the entry function output can be turned off', () => {
    const stack = newStack();
    new UnumWorkflow(stack, 'Flow', { definition: fn(stack, 'A'), entryFunctionOutput: false });
    expect(Template.fromStack(stack).findOutputs('*')).toEqual({});
  });
});

describe('UnumFunction', () => {
  test('entry is bundled with esbuild and the runtime wraps the exported handler', () => {
    const stack = newStack();
    const f = new UnumFunction(stack, 'Echo', { entry: path.join(FIXTURES, 'echo.ts'), handler: 'handler', memorySize: 512 });
    new UnumWorkflow(stack, 'Flow', { definition: f });
    const t = Template.fromStack(stack);
    expect(functionResource(t, 'Echo').Properties).toMatchObject({
      Handler: '/opt/unum/runtime.handler',
      MemorySize: 512,
      Environment: { Variables: { UNUM_USER_HANDLER: 'index.handler' } },
    });
  });

  test('async invoke settings are passed to Lambda', () => {
    const stack = newStack();
    const f = new UnumFunction(stack, 'A', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', retryAttempts: 1, maxEventAge: Duration.minutes(10),
    });
    new UnumWorkflow(stack, 'Flow', { definition: f });
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 1, MaximumEventAgeInSeconds: 600 });
  });

  test('function names are deterministic, unique per stack and within 64 characters', () => {
    const stack = new Stack(new App(), 'AVeryLongStackNameThatKeepsGoingAndGoingForTheSakeOfTheTest');
    const a = fn(stack, 'AnEvenLongerFunctionIdentifierThatWouldOverflowTheLimit');
    const b = fn(stack, 'AnEvenLongerFunctionIdentifierThatWouldOverflowTheLimit2');
    new UnumWorkflow(stack, 'Flow', { definition: Chain.start(a).next(b) });
    expect(a.functionName.length).toBeLessThanOrEqual(64);
    expect(a.functionName).not.toEqual(b.functionName);
    expect(a.functionName).toMatch(/^AVeryLongStackName.*-[0-9a-f]{8}$/);
  });
});

describe('the context object and Map itemSelector', () => {
  test('itemSelector and $$ parameters reach the configurations of the functions that apply them', () => {
    const stack = newStack();
    const selector = { 'index.$': '$$.Map.Item.Index', 'item.$': '$$.Map.Item.Value', 'prefix.$': '$.prefix' };
    const split = new UnumFunction(stack, 'Split', {
      code: lambda.Code.fromAsset(FIXTURES), handler: 'index.handler', parameters: { 'name.$': '$$.Execution.Name', 'x.$': '$$.Execution.Input.x' },
    });
    new UnumWorkflow(stack, 'Wf', {
      definition: Chain.start(split)
        .next(new Map(stack, 'Each', { itemsPath: '$.items', itemSelector: selector }).itemProcessor(fn(stack, 'Work')))
        .next(new FanIn(stack, 'Joined'))
        .next(fn(stack, 'Agg')),
    });
    const config = configOf(Template.fromStack(stack), 'Split');
    expect(config.dataFlow).toEqual({ parameters: { 'name.$': '$$.Execution.Name', 'x.$': '$$.Execution.Input.x' } });
    expect(config.next).toMatchObject({ kind: 'map', fanout: 'Each', itemsPath: '$.items', itemSelector: selector });
  });
});
