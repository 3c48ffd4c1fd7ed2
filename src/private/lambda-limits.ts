import { CfnResource, Duration, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { LAMBDA_ENVIRONMENT_LIMIT, TOKEN_ESTIMATE } from './function-config';
import { RETRY_SLEEP_MARGIN_MS, RetryRule } from '../protocol/config';
import { LONG_WAIT_THRESHOLD_MS } from '../protocol/schedule';

/** Lambda's limits on one function (deploy rejects anything outside them). */
const MAX_TIMEOUT_MS = Duration.minutes(15).toMilliseconds();
const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 10_240;

/** Refuses a timeout or memory size that Lambda rejects at deploy; Token values are left to CloudFormation. */
export function checkFunctionSettings(where: string, timeout: Duration, memorySize: number): void {
  if (!timeout.isUnresolved() && (timeout.toMilliseconds() > MAX_TIMEOUT_MS || timeout.toMilliseconds() < 1000)) {
    throw new Error(`${where}: timeout ${timeout.toHumanString()} is outside Lambda's 1 second to 15 minutes; `
      + 'set a timeout of at most Duration.minutes(15) (longer work belongs in several nodes, or a Wait between them)');
  }
  if (!Token.isUnresolved(memorySize) && (!Number.isInteger(memorySize) || memorySize < MIN_MEMORY_MB || memorySize > MAX_MEMORY_MB)) {
    throw new Error(`${where}: memorySize ${memorySize} must be a whole number of MB from ${MIN_MEMORY_MB} to ${MAX_MEMORY_MB} (Lambda's limits)`);
  }
}

/**
 * Refuses a retry whose longest delay an invocation waits (interval × backoffRate^(maxAttempts−1), capped by
 * maxDelay) a fresh invocation of `timeout` cannot wait: the runtime waits an interval up to
 * LONG_WAIT_THRESHOLD_MS inside an invocation (the failed one, or a fresh one it hands the retry to with the
 * deadline), so a longer one could never be honoured. A longer interval is left to a one-time schedule
 * (lambda-runtime/schedule.ts) and needs no invocation to wait it; with full jitter any delay up to the threshold
 * can be drawn. A Token timeout cannot be compared, so it is not checked.
 */
export function checkRetryFitsTimeout(where: string, index: number, rule: RetryRule, timeout: Duration): void {
  if (timeout.isUnresolved() || rule.maxAttempts === 0) return;
  if (Token.isUnresolved(rule.intervalSeconds) || (rule.maxDelaySeconds !== undefined && Token.isUnresolved(rule.maxDelaySeconds))) return;
  const threshold = LONG_WAIT_THRESHOLD_MS / 1000;
  const delays = Array.from({ length: rule.maxAttempts }, (_, attempt) => {
    const seconds = rule.intervalSeconds * rule.backoffRate ** attempt;
    return rule.maxDelaySeconds === undefined ? seconds : Math.min(seconds, rule.maxDelaySeconds);
  });
  const waited = delays.filter((d) => d <= threshold);
  const longest = Math.max(0, ...waited, rule.jitter === 'FULL' && delays.some((d) => d > threshold) ? threshold : 0);
  const timeoutMs = timeout.toMilliseconds();
  if (longest * 1000 + RETRY_SLEEP_MARGIN_MS < timeoutMs) return;
  const fits = Math.max(0, Math.ceil((timeoutMs - RETRY_SLEEP_MARGIN_MS) / 1000) - 1);
  const fix = fits >= rule.intervalSeconds
    ? `set maxDelay to at most Duration.seconds(${fits}), lower maxAttempts or backoffRate, or raise the timeout`
    : `lower the interval to at most ${fits} s, or raise the timeout`;
  throw new Error(`${where}: addRetry #${index} (errors ${rule.errors.join(', ')}) waits up to ${formatSeconds(longest)} before an attempt, `
    + `but the runtime waits intervals up to ${formatSeconds(threshold)} inside one invocation, which the ${timeout.toHumanString()} timeout limits `
    + `to ${fits} s (it keeps ${RETRY_SLEEP_MARGIN_MS / 1000} s free; longer intervals go through a schedule): ${fix} (at most Duration.minutes(15))`);
}

/**
 * The problem with a function's environment against Lambda's 4 KB limit, if
 * any: `variables` is the environment as CloudFormation will get it, where
 * an object is a deploy-time value (Ref, Fn::Join), counted at an estimate.
 */
export function environmentProblem(where: string, variables: Readonly<Record<string, unknown>>): string | undefined {
  const sizes = Object.entries(variables).map(([key, value]) => ({
    key,
    size: Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : TOKEN_ESTIMATE),
    estimated: typeof value !== 'string',
  }));
  const total = sizes.reduce((sum, v) => sum + v.size, 0);
  if (total <= LAMBDA_ENVIRONMENT_LIMIT) return undefined;
  const largest = [...sizes].sort((a, b) => b.size - a.size).slice(0, 3)
    .map((v) => `${v.key} (${v.size} bytes${v.estimated ? ', estimated: resolved at deploy' : ''})`);
  return `${where}: its environment variables take ${total} bytes, over Lambda's limit of ${LAMBDA_ENVIRONMENT_LIMIT} bytes `
    + `(largest: ${largest.join(', ')}): keep large values out of the environment, e.g. in the code asset, SSM Parameter Store or S3, `
    + 'and read them at run time (cdk-unum already moves its own configuration into a layer when it does not fit)';
}

function formatSeconds(seconds: number): string {
  return seconds >= 120 ? `${+(seconds / 60).toFixed(1)} min (${+seconds.toFixed(1)} s)` : `${+seconds.toFixed(1)} s`;
}

/** CloudFormation's resources per stack, as aws-cdk-lib applies it (the context key overrides it; 0 disables). */
const STACK_RESOURCE_LIMIT = 500;
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';

/**
 * Stacks holding a workflow's functions that exceed CloudFormation's
 * resource limit. aws-cdk-lib refuses them later without saying that
 * functions can move to nested stacks; this runs first (validation precedes
 * template synthesis) and says so.
 */
export function stackResourceProblems(where: string, functions: readonly IConstruct[]): string[] {
  const stacks = [...new Set(functions.map((f) => Stack.of(f)))];
  const problems: string[] = [];
  for (const stack of stacks) {
    const context = stack.node.tryGetContext(STACK_RESOURCE_LIMIT_CONTEXT);
    const limit = context !== undefined ? Number(context) : STACK_RESOURCE_LIMIT;
    if (!(limit > 0)) continue;
    const inStack = (c: IConstruct) => CfnResource.isCfnResource(c) && Stack.of(c) === stack;
    const total = stack.node.findAll().filter(inStack).length;
    if (total <= limit) continue;
    const mine = functions.filter((f) => Stack.of(f) === stack);
    const theirs = mine.reduce((sum, f) => sum + f.node.findAll().filter(inStack).length, 0);
    problems.push(`${where}: stack '${stack.node.path}' has ${total} resources, over CloudFormation's limit of ${limit} per stack; `
      + `${theirs} of them are this workflow's ${mine.length} functions (each with its role, policy and asynchronous invoke settings). `
      + 'Create some UnumFunctions in nested stacks (new UnumFunction(new NestedStack(stack, \'Part1\'), id, props)): '
      + 'a workflow accepts functions from nested stacks, its store and layers stay in the parent (README, "Deployment details")');
  }
  return problems;
}
