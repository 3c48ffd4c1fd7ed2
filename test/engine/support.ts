import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join } from 'path';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { LocalApp, loadAssembly, synthesize } from '../../toolkit/src/local/assembly';
import { EngineOptions, LocalEngine } from '../../toolkit/src/local/engine';

/** Shared helpers of the engine tests. */

export const ROOT = join(__dirname, '..', '..');

/**
 * A new directory that the test and the engine's sandboxes both see, for files user code writes (run counters,
 * task tokens): each sandbox has a private /tmp (toolkit/src/local/private-tmp.ts), so it is made in `near` (a
 * folder of the repository) unless the repository is itself under /tmp (a clone there), then in the home directory.
 */
export function sharedDir(near: string, prefix: string): string {
  const inTmp = [tmpdir(), '/tmp'].some((t) => ROOT === t || ROOT.startsWith(`${t}/`));
  const base = inTmp ? join(homedir(), '.unum-test') : near;
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, prefix));
}

/** How a test runs a TypeScript CDK app. */
export function tsApp(file: string): string {
  return `node -r ts-node/register/transpile-only ${JSON.stringify(file)}`;
}

/** Synthesizes an app into a fresh directory and reads it. */
export async function synthApp(file: string): Promise<LocalApp> {
  const outdir = mkdtempSync(join(tmpdir(), 'unum-engine-test-'));
  await synthesize({ app: tsApp(file), outdir, cwd: ROOT });
  return loadAssembly(outdir);
}

/** An engine on the DynamoDB Local and s3rver that jest's global setup started. */
export function startEngine(app: LocalApp, options: Partial<EngineOptions> = {}): Promise<LocalEngine> {
  return LocalEngine.start({
    app,
    servers: { dynamodb: process.env.UNUM_TEST_DYNAMODB_ENDPOINT!, s3: process.env.UNUM_TEST_S3_ENDPOINT! },
    ...options,
  });
}

/**
 * Delivers SQS messages (`[messageId, body]`) to a function as one batch, as
 * Lambda's SQS event source mapping does (synchronously), and drains what
 * the sessions started; the function's answer (its batchItemFailures).
 */
export async function deliverSqsBatch(
  engine: LocalEngine, functionName: string, queueArn: string, messages: Array<[string, string]>,
): Promise<unknown> {
  const attributes = { ApproximateReceiveCount: '1' };
  const Records = messages.map(([messageId, body]) => ({ messageId, body, attributes, eventSource: 'aws:sqs', eventSourceARN: queueArn }));
  const out = await engine.lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify({ Records })) }));
  await engine.endpoint.idle();
  if (out.FunctionError !== undefined) throw new Error(`${functionName} failed on an SQS batch: ${Buffer.from(out.Payload ?? []).toString('utf8')}`);
  return JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
}

/** Captures what the CLI writes. */
export class Capture {
  text = '';
  isTTY = false;
  write(chunk: string | Uint8Array): boolean {
    this.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

export interface Example {
  readonly name: string;
  readonly app: string;
  readonly input: string;
  readonly expected: unknown;
}

/** Every example app: `examples/<name>/app.ts` with its input.json and expected.json. */
export function examples(): Example[] {
  const dir = join(ROOT, 'examples');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'app.ts')) && existsSync(join(dir, name, 'expected.json')))
    .sort()
    .map((name) => ({
      name,
      app: join(dir, name, 'app.ts'),
      input: join(dir, name, 'input.json'),
      expected: JSON.parse(readFileSync(join(dir, name, 'expected.json'), 'utf8')),
    }));
}
