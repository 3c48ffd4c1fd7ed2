import { readFileSync } from 'fs';
import { gunzipSync } from 'zlib';
import { ENV, FunctionConfig, parseConfig } from 'cdk-unum/lib/protocol/config';
import { LambdaRuntime } from './lambda-init';
import { eagerGcEnabled, LocalFunction, LocalWorkflow, UsageError } from '../local/assembly';

/** One workflow function as the simulator needs it: its compiled configuration and its Lambda settings. */
export interface SimFunction {
  readonly node: string;
  readonly functionName: string;
  readonly config: FunctionConfig;
  readonly memoryMb: number;
  readonly runtime: LambdaRuntime;
  readonly timeoutSeconds: number;
  /** Payloads above this many bytes go through S3 (UNUM_PAYLOAD_THRESHOLD, else the runtime's 256 KB). */
  readonly payloadThreshold: number;
  /** EventInvokeConfig MaximumEventAgeInSeconds: how long Lambda retries a throttled event. */
  readonly maxEventAgeSeconds: number;
  /** The workflow's eagerCleanup (UNUM_EAGER_GC): the runtime tracks what it writes and deletes it when the session succeeds. */
  readonly eagerGc: boolean;
}

export interface SimWorkflow {
  readonly name: string;
  readonly entry: SimFunction;
  readonly byNode: ReadonlyMap<string, SimFunction>;
  readonly byFunctionName: ReadonlyMap<string, SimFunction>;
}

/** The runtime's default when UNUM_PAYLOAD_THRESHOLD is unset (lambda-runtime/runtime.ts). */
const DEFAULT_PAYLOAD_THRESHOLD = 256 * 1024;

/**
 * The configuration each function's runtime reads, decoded from the
 * environment the assembly gives it (plain JSON, gzip, or a file in a
 * layer), the same three places the runtime looks.
 */
export function functionConfig(f: LocalFunction): FunctionConfig {
  const env = f.environment;
  let text: string | undefined = env[ENV.CONFIG];
  if (text === undefined && env[ENV.CONFIG_GZIP] !== undefined) text = gunzipSync(Buffer.from(env[ENV.CONFIG_GZIP], 'base64')).toString('utf8');
  if (text === undefined && env[ENV.CONFIG_FILE] !== undefined) text = readFileSync(env[ENV.CONFIG_FILE], 'utf8');
  if (text === undefined) throw new UsageError(`function ${f.functionName} (node ${f.node}) carries no unum configuration (${ENV.CONFIG}, ${ENV.CONFIG_GZIP} or ${ENV.CONFIG_FILE})`);
  return parseConfig(JSON.parse(text));
}

function runtimeOf(runtime: string): LambdaRuntime {
  if (runtime.startsWith('python')) return 'python';
  if (runtime.startsWith('java')) return 'java';
  if (runtime.startsWith('dotnet')) return 'dotnet';
  if (runtime.startsWith('provided')) return 'provided';
  return 'nodejs';
}

export function simWorkflow(workflow: LocalWorkflow): SimWorkflow {
  const byNode = new Map<string, SimFunction>();
  const byFunctionName = new Map<string, SimFunction>();
  for (const f of workflow.functions) {
    const config = functionConfig(f);
    const threshold = Number(f.environment[ENV.PAYLOAD_THRESHOLD]);
    const sim: SimFunction = {
      node: config.node,
      functionName: f.functionName,
      config,
      memoryMb: f.memorySize,
      runtime: runtimeOf(f.runtime),
      timeoutSeconds: f.timeoutSeconds,
      payloadThreshold: Number.isFinite(threshold) && threshold > 0 ? threshold : DEFAULT_PAYLOAD_THRESHOLD,
      maxEventAgeSeconds: f.maxEventAgeSeconds,
      eagerGc: eagerGcEnabled(f),
    };
    byNode.set(sim.node, sim);
    byFunctionName.set(f.functionName, sim);
    // Successors invoke an alias-qualified name when the function has one.
    if (config.invokeName !== undefined) byFunctionName.set(config.invokeName, sim);
  }
  const entry = [...byNode.values()].find((f) => f.config.entry);
  if (entry === undefined) throw new UsageError(`workflow ${workflow.name} has no entry function`);
  return { name: workflow.name, entry, byNode, byFunctionName };
}
