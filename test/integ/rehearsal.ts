import * as path from 'path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Match, Matcher } from 'aws-cdk-lib/assertions';
import { IntegAssembly } from './integ-apps';
import { createRuntime, readConfig, RuntimeHandler, UnumHandler } from '../../lambda-runtime';
import { ENV } from '../../src/protocol';
import { Invoker, InvokeRequest, InvokeResult, LambdaEndpoint } from '../../toolkit/src/local/lambda-endpoint';

/**
 * Plays an integ app's assertions against the synthesized functions on the
 * local servers (DynamoDB Local and s3rver from the jest global setup),
 * instead of on an account: every workflow function of the test stack runs
 * the real runtime with the configuration and user code from the cloud
 * assembly, the Lambda invoke assertion goes through the local Invoke API,
 * and the DynamoDB GetItem assertion reads the local table once the
 * asynchronous invocations have drained. Each assertion's expectation is
 * evaluated with the matcher that integ-tests would use.
 */

/** One assertion of the DeployAssert stack and what the local run answered. */
export interface AssertionResult {
  readonly resource: string;
  readonly type: string;
  readonly actual: unknown;
  /** Undefined when the actual response matches the expectation. */
  readonly mismatch?: string;
}

export interface RehearsalResult {
  readonly assertions: AssertionResult[];
  /** Async events that still failed after Lambda's retries. */
  readonly asyncFailures: string[];
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };
let seq = 0;

export async function rehearse(assembly: IntegAssembly, options: { timeoutMs?: number } = {}): Promise<RehearsalResult> {
  const name = `integ-${process.pid}-${seq++}`;
  const table = `t-${name}`;
  const bucket = `b-${name}`;
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: requiredEnv('UNUM_TEST_DYNAMODB_ENDPOINT') });
  const s3 = new S3Client({
    ...common, endpoint: requiredEnv('UNUM_TEST_S3_ENDPOINT'), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await dynamodb.send(new CreateTableCommand({
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  }));
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const functions = new Map<string, RuntimeHandler>();
  const invoker: Invoker = {
    exists: (fn) => functions.has(fn),
    invoke: async (request: InvokeRequest): Promise<InvokeResult> => {
      try {
        const out = await functions.get(request.functionName)!(JSON.parse(request.payload), {
          awsRequestId: request.requestId, functionName: request.functionName, getRemainingTimeInMillis: () => 60_000,
        });
        return { payload: JSON.stringify(out ?? null) };
      } catch (e) {
        return { error: { errorType: (e as Error).name, errorMessage: (e as Error).message } };
      }
    },
  };
  const endpoint = await LambdaEndpoint.start({ invoker, retryDelayMs: 1 });
  const lambda = new LambdaClient({ ...common, endpoint: endpoint.url, maxAttempts: 1 });

  try {
    for (const stack of assembly.testStacks) {
      for (const fn of workflowFunctions(assembly, stack)) {
        functions.set(fn.functionName, createRuntime({
          config: fn.config,
          userHandler: fn.userHandler,
          clients: { dynamodb, s3, lambda },
          table,
          bucket,
          functionName: fn.functionName,
          logger: silent,
        }));
      }
    }
    if (functions.size === 0) throw new Error(`${assembly.dir}: no workflow functions in ${assembly.testStacks.join(', ')}`);

    // The assertions run in the order integ-tests chains them (`next`): resource dependency order.
    const assertions: AssertionResult[] = [];
    for (const [id, resource] of assertionsInOrder(assembly.template(assembly.assertionStack))) {
      const params = decodeParameters(resource.Properties.parameters ?? {});
      let actual: unknown;
      switch (resource.Type) {
        case 'Custom::DeployAssert@SdkCallLambdainvoke': {
          const response = await lambda.send(new InvokeCommand({
            FunctionName: params.FunctionName, Payload: params.Payload, InvocationType: params.InvocationType,
          }));
          actual = {
            StatusCode: response.StatusCode,
            ExecutedVersion: response.ExecutedVersion,
            ...(response.FunctionError ? { FunctionError: response.FunctionError } : {}),
            Payload: response.Payload ? Buffer.from(response.Payload).toString('utf8') : undefined,
          };
          break;
        }
        case 'Custom::DeployAssert@SdkCallDynamoDBgetItem': {
          // Like waitForAssertions: the workflow runs asynchronously; here "done" is an idle event queue.
          await withTimeout(endpoint.idle(), options.timeoutMs ?? 60_000, `${id}: the workflow did not finish`);
          const response = await dynamodb.send(new GetItemCommand({ Key: params.Key, ConsistentRead: params.ConsistentRead, TableName: table }));
          actual = response.Item ? { Item: response.Item } : {};
          break;
        }
        default:
          throw new Error(`${id}: the rehearsal does not know how to play ${resource.Type}; extend test/integ/rehearsal.ts`);
      }
      const expected = resource.Properties.expected;
      assertions.push({
        resource: id,
        type: resource.Type,
        actual,
        mismatch: expected === undefined ? undefined : mismatch(JSON.parse(expected), actual),
      });
    }
    await endpoint.idle();
    return {
      assertions,
      asyncFailures: endpoint.failures.map((f) => `${f.request.functionName}: ${f.error.errorType}: ${f.error.errorMessage}`),
    };
  } finally {
    await endpoint.stop();
    lambda.destroy();
    dynamodb.destroy();
    s3.destroy();
  }
}

interface WorkflowFunction {
  readonly functionName: string;
  readonly config: ReturnType<typeof readConfig>;
  readonly userHandler: { load: () => Promise<UnumHandler> };
}

/** The functions of a stack that carry an unum configuration, with their user code from the assembly's asset folders. */
function workflowFunctions(assembly: IntegAssembly, stack: string): WorkflowFunction[] {
  const resources = Object.values(assembly.template(stack).Resources ?? {}) as any[];
  return resources
    .filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.[ENV.USER_HANDLER] !== undefined)
    .map((r) => {
      const variables = r.Properties.Environment.Variables as Record<string, unknown>;
      if (variables[ENV.CONFIG_FILE] !== undefined) {
        throw new Error(`${r.Properties.FunctionName}: configurations shipped in a layer are not supported by the rehearsal`);
      }
      const config = readConfig(Object.fromEntries(Object.entries(variables).filter(([, v]) => typeof v === 'string')) as NodeJS.ProcessEnv);
      const key = r.Properties.Code?.S3Key;
      if (typeof key !== 'string' || !key.endsWith('.zip')) throw new Error(`${config.node}: the function code is not a file asset`);
      const taskRoot = path.join(assembly.dir, `asset.${key.slice(0, -'.zip'.length)}`);
      const spec = String(variables[ENV.USER_HANDLER]);
      const dot = spec.lastIndexOf('.');
      return {
        functionName: r.Properties.FunctionName,
        config,
        userHandler: {
          load: async () => {
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const handler = require(path.join(taskRoot, spec.slice(0, dot)))[spec.slice(dot + 1)];
            if (typeof handler !== 'function') throw new Error(`${spec} is not a function in ${taskRoot}`);
            return handler as UnumHandler;
          },
        },
      };
    });
}

/** Custom resources of the assertion stack, each after those it depends on. */
function assertionsInOrder(template: any): Array<[string, any]> {
  const all = Object.entries(template.Resources ?? {}) as Array<[string, any]>;
  const calls = new Map(all.filter(([, r]) => String(r.Type).startsWith('Custom::DeployAssert@')));
  const ordered: Array<[string, any]> = [];
  const visit = (id: string): void => {
    if (ordered.some(([done]) => done === id)) return;
    const deps = ([] as string[]).concat(calls.get(id).DependsOn ?? []).filter((d) => calls.has(d));
    deps.forEach(visit);
    ordered.push([id, calls.get(id)]);
  };
  [...calls.keys()].forEach(visit);
  return ordered;
}

/** integ-tests passes each API parameter JSON-encoded; Fn::ImportValue and other tokens are left out (the rehearsal supplies its own table). */
function decodeParameters(params: Record<string, unknown>): Record<string, any> {
  return Object.fromEntries(Object.entries(params)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => [k, JSON.parse(v as string)]));
}

/** The matcher integ-tests builds from an encoded expectation ($ObjectLike, $Exact, ...). */
function toMatcher(encoded: any): any {
  if (Array.isArray(encoded)) return encoded.map(toMatcher);
  if (encoded === null || typeof encoded !== 'object') return encoded;
  const [key] = Object.keys(encoded);
  if (Object.keys(encoded).length === 1 && key.startsWith('$')) {
    const inner = encoded[key];
    switch (key) {
      case '$ObjectLike': return Match.objectLike(toMatcher(inner));
      case '$ArrayWith': return Match.arrayWith(toMatcher(inner));
      case '$Exact': return Match.exact(toMatcher(inner));
      case '$StringLike': return Match.stringLikeRegexp(inner);
      case '$SerializedJson': return Match.serializedJson(toMatcher(inner));
      default: throw new Error(`unknown integ-tests matcher ${key}`);
    }
  }
  return Object.fromEntries(Object.entries(encoded).map(([k, v]) => [k, toMatcher(v)]));
}

function mismatch(expected: any, actual: unknown): string | undefined {
  const matcher = toMatcher(expected);
  const result = (Matcher.isMatcher(matcher) ? matcher : Match.exact(matcher)).test(actual);
  result.finished();
  return result.hasFailed() ? result.renderMismatch() : undefined;
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run under jest, whose global setup starts the local servers`);
  return value;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
    })]);
  } finally {
    clearTimeout(timer);
  }
}
