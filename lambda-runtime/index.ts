import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { gunzipSync } from 'zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { crashAt } from './faults';
import { invocationFields, jsonLogger } from './log';
import { RuntimeHandler, createRuntime } from './runtime';
import { scheduleTargetFromEnv, schedulerModule } from './schedule';
import { LambdaContext, UnumHandler } from './types';
import { s3Module } from '../src/client/s3';
import { ENV, FunctionConfig, instanceKey, looksLikeEnvelope, parseConfig } from '../src/protocol';

export { createRuntime } from './runtime';
export { clockFromEnv } from '../src/protocol/clock';
export { recorder, recordFailure } from './recorder';
export type { DestinationRecord, RecorderOptions } from './recorder';
export type { RuntimeOptions, RuntimeClients, RuntimeHandler } from './runtime';
export { FAULT_STEPS, SimulatedCrash, crashAt } from './faults';
export type { FaultHook, FaultStep, FaultInfo } from './faults';
export type * from './types';

/**
 * The Lambda entry (`/opt/unum/runtime.handler`). Everything is set up once
 * per sandbox, at the first invocation: the configuration, the three SDK
 * clients (endpoints from AWS_ENDPOINT_URL_*), and the user module.
 */
let runtime: RuntimeHandler | undefined;

export async function handler(event: unknown, context?: LambdaContext): Promise<unknown> {
  try {
    runtime ??= coldStart();
  } catch (e) {
    logStartFailure(e, event, context);
    throw e;
  }
  return runtime(event, context);
}

/** A function that cannot start (misconfigured) still names the session and instance the event was for, as far as it can tell. */
function logStartFailure(e: unknown, event: unknown, context?: LambdaContext): void {
  const identity: Record<string, unknown> = {};
  if (looksLikeEnvelope(event)) {
    const { workflow, node, session, frames, iteration } = event as Record<string, any>;
    Object.assign(identity, { workflow, node, session });
    try {
      if (typeof node === 'string' && Array.isArray(frames)) identity.instance = instanceKey(node, frames, Number(iteration) || 0);
    } catch {
      // Malformed frames name no instance.
    }
  }
  jsonLogger(identity).error('the function cannot start; Lambda retries the event', {
    error: (e as Error)?.name ?? 'Error', cause: (e as Error)?.message ?? String(e), ...invocationFields(context?.awsRequestId),
  });
}

function coldStart(): RuntimeHandler {
  const env = process.env;
  const config = readConfig();
  const table = env[ENV.TABLE];
  if (!table) throw new Error(`${ENV.TABLE} is not set: the function is not wired to an intermediary store`);
  const s3Endpoint = env.AWS_ENDPOINT_URL_S3 !== undefined;
  return createRuntime({
    config,
    userHandler: { load: () => loadUserHandler(env[ENV.USER_HANDLER]) },
    clients: {
      dynamodb: new DynamoDBClient(retryConfig(env)),
      // Path style for S3-compatible local servers; no checksums beyond what S3 requires.
      s3: () => new (s3Module().S3Client)({ ...retryConfig(env), forcePathStyle: s3Endpoint, requestChecksumCalculation: 'WHEN_REQUIRED' }),
      lambda: new LambdaClient(retryConfig(env)),
      scheduler: () => new (schedulerModule().SchedulerClient)(retryConfig(env)),
    },
    schedule: scheduleTargetFromEnv(env),
    table,
    bucket: env[ENV.BUCKET] || undefined,
    ttlSeconds: env[ENV.TTL_SECONDS] ? Number(env[ENV.TTL_SECONDS]) : undefined,
    payloadThreshold: env[ENV.PAYLOAD_THRESHOLD] ? Number(env[ENV.PAYLOAD_THRESHOLD]) : undefined,
    eagerGc: env[ENV.EAGER_GC] === '1' || env[ENV.EAGER_GC] === 'true',
    faults: env.UNUM_FAULT_CRASH_AT ? crashAt(env.UNUM_FAULT_CRASH_AT.split(',').map((s) => s.trim())) : undefined,
  });
}

/** Attempts per SDK call: throttles and 5xx are retried with the SDK's backoff before an invocation fails. */
export const SDK_MAX_ATTEMPTS = 5;

/**
 * SDK v3's standard retry mode (exponential backoff with full jitter,
 * throttling errors on a longer base delay) with more attempts than its
 * default 3: a throttled store or Invoke call should rarely cost a whole
 * Lambda retry. A function's own AWS_MAX_ATTEMPTS / AWS_RETRY_MODE win,
 * which an explicit client setting would silently override.
 */
export function retryConfig(env: NodeJS.ProcessEnv = process.env): { maxAttempts?: number; retryMode?: string } {
  return {
    ...(env.AWS_MAX_ATTEMPTS ? {} : { maxAttempts: SDK_MAX_ATTEMPTS }),
    ...(env.AWS_RETRY_MODE ? {} : { retryMode: 'standard' }),
  };
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): FunctionConfig {
  let json: string;
  if (env[ENV.CONFIG]) json = env[ENV.CONFIG]!;
  else if (env[ENV.CONFIG_GZIP]) json = gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP]!, 'base64')).toString('utf8');
  else if (env[ENV.CONFIG_FILE]) json = readFileSync(resolveTaskPath(env[ENV.CONFIG_FILE]!, env), 'utf8');
  else throw new Error(`no unum configuration: set ${ENV.CONFIG}, ${ENV.CONFIG_GZIP} or ${ENV.CONFIG_FILE}`);
  return parseConfig(JSON.parse(json));
}

function resolveTaskPath(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('/') ? path : join(env.LAMBDA_TASK_ROOT ?? process.cwd(), path);
}

/** `path/file.export` relative to LAMBDA_TASK_ROOT; .js, .cjs or .mjs. */
export async function loadUserHandler(spec: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<UnumHandler> {
  if (!spec || spec.lastIndexOf('.') <= 0) throw new Error(`${ENV.USER_HANDLER} must be 'file.export' (got ${JSON.stringify(spec)})`);
  const dot = spec.lastIndexOf('.');
  const base = resolveTaskPath(spec.slice(0, dot), env);
  const exportName = spec.slice(dot + 1);
  const file = ['.js', '.cjs', '.mjs', ''].map((ext) => base + ext).find((f) => existsSync(f));
  if (file === undefined) throw new Error(`user handler module ${base}(.js|.cjs|.mjs) not found`);
  let mod: Record<string, unknown>;
  try {
    // A CommonJS handler is required synchronously, as Lambda's own Node.js runtime does.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = file.endsWith('.mjs') ? await import(pathToFileURL(file).href) : require(file);
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw e;
    mod = await import(pathToFileURL(file).href);
  }
  const fn = mod[exportName] ?? (mod.default as Record<string, unknown> | undefined)?.[exportName];
  if (typeof fn !== 'function') throw new Error(`${file} does not export a function '${exportName}'`);
  return fn as UnumHandler;
}
