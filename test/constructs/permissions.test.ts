import { readFileSync } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Chain, IntermediaryStore, UnumFunction, UnumWorkflow } from '../../src';
import { invokedFunctionNames } from '../../src/private/function-config';
import {
  CLEANUP_ITEM_ACTIONS, CLEANUP_OBJECT_ACTIONS, FORWARD_ACTIONS, FUNCTION_ITEM_ACTIONS, FUNCTION_OBJECT_ACTIONS, FunctionConfig, INVOKE_ACTIONS,
  LOG_ACTIONS, RECORDER_HANDLER, RECORDER_ITEM_ACTIONS, REDRIVE_ITEM_ACTIONS, SCHEDULE_ACTIONS, SCHEDULE_ENV,
} from '../../src/protocol';
import { SHAPES } from '../support/shapes';

/**
 * Least privilege, exactly: the actions granted to each workflow function
 * are the SDK commands the runtime's code sends, read from the source the
 * runtime layer is bundled from (lambda-runtime/index.ts and every module
 * it imports). A call added without its action, or an action granted that
 * no code calls, fails here.
 */

const ROOT = path.join(__dirname, '..', '..');

/** IAM action of an SDK command (the Invoke API is authorized as lambda:InvokeFunction; EventBridge's prefix is events). */
function actionOf(service: string, command: string): string {
  if (service === 'lambda' && command === 'Invoke') return 'lambda:InvokeFunction';
  return `${service === 'eventbridge' ? 'events' : service}:${command}`;
}

const RUNTIME = path.join(ROOT, 'lambda-runtime');
const RECORDER = path.join(RUNTIME, 'recorder.ts');

/**
 * The IAM actions each runtime module's SDK commands need, following
 * relative imports from `entry` (not into `skip`).
 */
function runtimeCalls(entry: string, skip: readonly string[] = []): Map<string, Set<string>> {
  const calls = new Map<string, Set<string>>();
  const visit = (file: string): void => {
    if (calls.has(file) || skip.includes(file)) return;
    const text = readFileSync(file, 'utf8');
    const actions = new Set<string>();
    calls.set(file, actions);
    const services = new Map<string, string>();
    for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
      for (const name of m[1].split(',').map((n) => n.trim()).filter(Boolean)) services.set(name, m[2]);
    }
    for (const m of text.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const service = services.get(`${m[1]}Command`);
      if (service === undefined) throw new Error(`${file}: cannot tell the service of ${m[1]}Command`);
      actions.add(actionOf(service, m[1]));
    }
    // Modules loaded lazily: new (s3Module().PutObjectCommand)(...), or a loader `x = once(() => require('@aws-sdk/client-y'))`.
    const loaders = new Map([['s3Module', 's3']]);
    for (const m of text.matchAll(/(\w+) = once\(\(\) => require\('@aws-sdk\/client-([a-z0-9-]+)'\)/g)) loaders.set(m[1], m[2]);
    for (const m of text.matchAll(/new\s+\((\w+)\(\)\.(\w+)Command\)/g)) {
      const service = loaders.get(m[1]);
      if (service === undefined) throw new Error(`${file}: cannot tell the service of ${m[1]}().${m[2]}Command`);
      actions.add(actionOf(service, m[2]));
    }
    for (const m of text.matchAll(/from\s+'(\.[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), m[1]);
      const next = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => { try { readFileSync(f); return true; } catch { return false; } });
      if (next !== undefined) visit(next);
    }
  };
  visit(entry);
  return calls;
}

/** What workflow functions run: the layer's entry without the failure recorder, which only the recorder function runs. */
const calls = runtimeCalls(path.join(RUNTIME, 'index.ts'), [RECORDER]);
/** Modules only the recorder runs (its forwarding to users' destinations). */
const recorderOnly = [...runtimeCalls(RECORDER)].filter(([file]) => !calls.has(file));
const all = new Set([...calls.values()].flatMap((s) => [...s]));
const gcFile = path.join(RUNTIME, 'gc.ts');
/** Commands only eager cleanup sends. */
const cleanupOnly = new Set([...calls.get(gcFile)!].filter((a) => ![...calls].some(([f, s]) => f !== gcFile && s.has(a))));
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

test('the protocol lists exactly the actions the runtime code calls', () => {
  expect(calls.size).toBeGreaterThan(5);
  expect(sorted(all)).toEqual(sorted([...FUNCTION_ITEM_ACTIONS, ...FUNCTION_OBJECT_ACTIONS, ...CLEANUP_ITEM_ACTIONS, ...CLEANUP_OBJECT_ACTIONS,
    ...INVOKE_ACTIONS, ...SCHEDULE_ACTIONS]));
  expect(sorted(cleanupOnly)).toEqual(sorted([...CLEANUP_ITEM_ACTIONS, ...CLEANUP_OBJECT_ACTIONS]));
  // The recorder's own modules send exactly the forwarding actions, one per destination kind.
  expect(recorderOnly.map(([file]) => path.relative(ROOT, file)).sort()).toEqual(['lambda-runtime/forward.ts', 'lambda-runtime/recorder.ts']);
  expect(sorted(recorderOnly.flatMap(([, actions]) => [...actions]))).toEqual(sorted(Object.values(FORWARD_ACTIONS)));
});

/**
 * The IAM actions the client's redrive sends: its own SDK commands, and those of the Store methods it calls
 * (each method's text runs to the next method of src/client/store.ts).
 */
function redriveCalls(): string[] {
  const text = readFileSync(path.join(ROOT, 'toolkit', 'src', 'client', 'redrive.ts'), 'utf8');
  const store = readFileSync(path.join(ROOT, 'src', 'client', 'store.ts'), 'utf8');
  const methods = new Map([...store.matchAll(/^ {2}(?:private )?async (\w+)\(/gm)].map((m, i, found) => [m[1], store.slice(m.index, found[i + 1]?.index)]));
  const actions = new Set<string>();
  const commands = (source: string, services: Map<string, string>) => {
    for (const m of source.matchAll(/new\s+(\w+)Command\s*\(/g)) {
      const service = services.get(`${m[1]}Command`);
      if (service === undefined) throw new Error(`cannot tell the service of ${m[1]}Command`);
      actions.add(actionOf(service, m[1]));
    }
  };
  const importsOf = (source: string) => new Map([...source.matchAll(/import\s+\{([^}]*)\}\s+from\s+'@aws-sdk\/client-([a-z0-9-]+)'/g)]
    .flatMap((m) => m[1].split(',').map((n) => [n.trim(), m[2]] as [string, string])));
  commands(text, importsOf(text));
  for (const m of text.matchAll(/\bstore\.(\w+)\(/g)) {
    const method = methods.get(m[1]);
    if (method === undefined) throw new Error(`redrive.ts calls store.${m[1]}, which src/client/store.ts does not define`);
    commands(method, importsOf(store));
  }
  return sorted(actions);
}

describe('grantRedrive', () => {
  test('the protocol lists exactly the actions the client\'s redrive sends', () => {
    expect(redriveCalls()).toEqual(sorted([...REDRIVE_ITEM_ACTIONS, ...INVOKE_ACTIONS]));
  });

  test('grants those actions exactly: the workflow\'s items, and invoking its functions by the names failure records hold', () => {
    const stack = new Stack(new App(), 'Redrive', { env: { account: '123456789012', region: 'us-east-1' } });
    const code = lambda.Code.fromInline('exports.h = async (x) => x;');
    const workflow = new UnumWorkflow(stack, 'rd', {
      definition: Chain.start(new UnumFunction(stack, 'A', { code, handler: 'index.h', functionName: 'rd-a' }))
        .next(new UnumFunction(stack, 'B', { code, handler: 'index.h', functionName: 'rd-b', aliasName: 'live' })),
    });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantRedrive(role);
    const t = Template.fromStack(stack);
    const [policy] = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } })) as any[];
    const fn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:lambda:us-east-1:123456789012:function:${name}`]] });
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: [...REDRIVE_ITEM_ACTIONS],
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^rdStoreTable/), 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['W#rd#*'] } },
      },
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: [fn('rd-a'), fn('rd-a:$LATEST'), fn('rd-b:live')] },
    ]);
    const granted = policy.Properties.PolicyDocument.Statement.flatMap((st: any) => [st.Action].flat());
    // An action redrive sends that the grant lacks (or one granted that it does not send) fails here.
    expect(sorted(granted)).toEqual(redriveCalls());
  });

  test('with a customer-managed store key, the key\'s decrypt and encrypt actions (its UpdateItems write), on that key only', () => {
    const stack = new Stack(new App(), 'RedriveKms', { env: { account: '123456789012', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key');
    const code = lambda.Code.fromInline('exports.h = async (x) => x;');
    const workflow = new UnumWorkflow(stack, 'rdk', {
      definition: new UnumFunction(stack, 'A', { code, handler: 'index.h' }), store: new IntermediaryStore(stack, 'Store', { encryptionKey: key }),
    });
    const role = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    workflow.grantRedrive(role);
    const t = Template.fromStack(stack);
    const [policy] = Object.values(t.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as iam.CfnRole) }] } })) as any[];
    const keyId = stack.getLogicalId(key.node.defaultChild as kms.CfnKey);
    const onKey = policy.Properties.PolicyDocument.Statement.filter((st: any) => JSON.stringify(st.Resource).includes(keyId));
    expect(onKey).toEqual([{ Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] } }]);
  });
});

test('a recorder forwarding to every kind of onFailure is granted each forwarding action once, on its destination only', () => {
  const stack = new Stack(new App(), 'Perm-forward', { env: { account: '123456789012', region: 'us-east-1' } });
  const target = new lambda.Function(stack, 'Mine', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  const kinds: lambda.IDestination[] = [
    new destinations.LambdaDestination(target),
    new destinations.LambdaDestination(target, { responseOnly: true }),
    new destinations.SqsDestination(new sqs.Queue(stack, 'Q')),
    new destinations.SnsDestination(new sns.Topic(stack, 'T')),
    new destinations.EventBridgeDestination(new events.EventBus(stack, 'B')),
    new destinations.S3Destination(new s3.Bucket(stack, 'R')),
  ];
  const nodes = kinds.map((onFailure, i) => new UnumFunction(stack, `N${i}`, {
    code: lambda.Code.fromInline('exports.h = async (x) => x;'), handler: 'index.h', onFailure,
  }));
  const chain = nodes.slice(1).reduce((c, n) => c.next(n), Chain.start(nodes[0]));
  new UnumWorkflow(stack, 'forward', { definition: chain });
  const t = Template.fromStack(stack);
  const recorder = Object.values(t.findResources('AWS::Lambda::Function')).find((fn: any) => fn.Properties.Handler === RECORDER_HANDLER) as any;
  const statements = Object.values(t.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === recorder.Properties.Role['Fn::GetAtt'][0]))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const granted = statements.flatMap((st: any) => [st.Action].flat());
  // The two LambdaDestinations share their one statement.
  expect(sorted(granted)).toEqual(sorted([...RECORDER_ITEM_ACTIONS, ...LOG_ACTIONS, ...Object.values(FORWARD_ACTIONS)]));
  expect(granted.length).toBe(new Set(granted).size);
  for (const st of statements.filter((x: any) => Object.values<string>(FORWARD_ACTIONS).includes(x.Action))) {
    // One named resource each: no wildcard beyond Lambda's own S3 key layout for the function.
    expect(Array.isArray(st.Resource)).toBe(false);
    const text = JSON.stringify(st.Resource);
    if (st.Action === 's3:PutObject') expect(text).toContain(`/aws/lambda/async/${nodes[5].functionName}/*`);
    else expect(text).not.toContain('*');
  }
});

function configOf(fn: any): FunctionConfig {
  const vars = fn.Properties.Environment.Variables;
  if (vars.UNUM_CONFIG) return JSON.parse(vars.UNUM_CONFIG);
  return JSON.parse(gunzipSync(Buffer.from(vars.UNUM_CONFIG_GZIP, 'base64')).toString());
}

describe.each([false, true])('every function role of every shape (eager cleanup %s) allows exactly what its runtime calls', (eagerCleanup) => {
  test.each(Object.keys(SHAPES))('%s', (shape) => {
    const stack = new Stack(new App(), `Perm-${shape}`, { env: { account: '123456789012', region: 'us-east-1' } });
    new UnumWorkflow(stack, shape, { definition: SHAPES[shape](stack), eagerCleanup });
    const t = Template.fromStack(stack);
    const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
    const roles = t.findResources('AWS::IAM::Role');
    const functions = Object.values(t.findResources('AWS::Lambda::Function')) as any[];
    const isRecorder = (fn: any) => fn.Properties.Handler === RECORDER_HANDLER;
    const recorder = functions.find(isRecorder);
    const recorderArn = JSON.stringify(Object.values(t.findResources('AWS::Lambda::EventInvokeConfig'))[0]
      .Properties.DestinationConfig.OnFailure.Destination);
    const statementsOf = (fn: any) => policies.filter((p) => p.Properties.Roles.some((r: any) => r.Ref === fn.Properties.Role['Fn::GetAtt'][0]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    // The failure recorder reads a checkpoint and fails the session: of this workflow only.
    const recorderStatements = statementsOf(recorder);
    expect(sorted(recorderStatements.flatMap((s) => [s.Action].flat()))).toEqual(sorted([...RECORDER_ITEM_ACTIONS, ...LOG_ACTIONS]));
    expect(recorderStatements.find((s) => [s.Action].flat().includes('dynamodb:GetItem')).Condition)
      .toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`W#${shape}#*`] } });
    for (const fn of functions.filter((f) => !isRecorder(f))) {
      const config = configOf(fn);
      const role = fn.Properties.Role['Fn::GetAtt'][0];
      expect(roles[role].Properties.ManagedPolicyArns).toBeUndefined();
      const every = statementsOf(fn);
      // Every function may invoke its on-failure destination, the recorder, in a statement of its own.
      const toRecorder = every.filter((s) => JSON.stringify(s.Resource) === recorderArn);
      expect(toRecorder).toEqual([{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: JSON.parse(recorderArn) }]);
      const statements = every.filter((s) => !toRecorder.includes(s));
      const granted = statements.flatMap((s) => [s.Action].flat());
      const ends = JSON.stringify([config.next, config.catch]).includes('"kind":"succeed"');
      const reinvokes = invokedFunctionNames(config).length > 0 || config.retry.length > 0
        || JSON.stringify([config.next, config.catch]).includes('"kind":"wait"');
      const scheduleActions = new Set<string>(SCHEDULE_ACTIONS);
      const expected = [...all].filter((a) => !cleanupOnly.has(a) && a !== 'lambda:InvokeFunction' && !scheduleActions.has(a));
      if (eagerCleanup && ends) expected.push(...cleanupOnly);
      // Only a function with a long Wait schedules (and passes the scheduler's role); test/constructs/long-wait checks those grants.
      if (fn.Properties.Environment?.Variables?.[SCHEDULE_ENV.GROUP] !== undefined) expected.push(...SCHEDULE_ACTIONS, 'iam:PassRole');
      if (reinvokes) expected.push('lambda:InvokeFunction');
      expect({ node: config.node, actions: sorted(granted) }).toEqual({ node: config.node, actions: sorted([...expected, ...LOG_ACTIONS]) });
      // Each action is granted once, every resource is named (no qualifier wildcards on functions).
      expect(granted.length).toBe(new Set(granted).size);
      for (const s of statements) {
        const resources = JSON.stringify(s.Resource);
        if ([s.Action].flat().includes('lambda:InvokeFunction')) expect(resources).not.toMatch(/:\*/);
        if ([s.Action].flat().some((a: string) => a.startsWith('dynamodb:'))) {
          expect(s.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`W#${shape}#*`] } });
        }
        if ([s.Action].flat().some((a: string) => a.startsWith('s3:'))) expect(resources).toContain(`/unum/${shape}/*`);
        if ([s.Action].flat().some((a: string) => a.startsWith('logs:'))) {
          expect(s.Resource).toEqual({ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] });
        }
      }
    }
  });
});
