import { execFile } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join as joinPath } from 'path';
import { promisify } from 'util';
import { gzipSync } from 'zlib';
import { buildSync, stop as stopEsbuild } from 'esbuild';
import { succeed, to, World } from './harness';
import { FunctionConfig } from '../../src/protocol';

/**
 * The bundled layer entry as Lambda loads it: configuration and store from
 * the environment, endpoints from AWS_ENDPOINT_URL_*, the user module from
 * the task root (.mjs with an async handler, .cjs), successors invoked
 * through the Lambda endpoint.
 */
let w: World;
const dir = mkdtempSync(joinPath(tmpdir(), 'unum-bundle-'));
const bundle = joinPath(dir, 'runtime.js');

beforeAll(async () => {
  buildSync({
    entryPoints: [joinPath(__dirname, '../../lambda-runtime/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    minify: true,
    keepNames: true,
    external: ['@aws-sdk/*'],
    outfile: bundle,
    logLevel: 'silent',
  });
  writeFileSync(joinPath(dir, 'app.mjs'), 'export const main = async (x, ctx) => ({ doubled: x.n * 2, node: ctx.node });\n');
  writeFileSync(joinPath(dir, 'legacy.cjs'), 'exports.run = (x) => x.doubled + 1;\n');
  w = await World.create('bundle');
  w.deploy('wf', [{ node: 'B', entry: false, next: succeed, handler: (x: unknown) => `B got ${JSON.stringify(x)}` }]);
});
afterAll(async () => {
  await w.close();
  // buildSync keeps an esbuild service process that would hold jest open.
  await stopEsbuild();
});

// Async: the child calls the Lambda endpoint served by this process.
async function runBundled(config: FunctionConfig, userHandler: string, event: unknown, gzip = false): Promise<any> {
  const json = JSON.stringify(config);
  const env = {
    ...process.env,
    ...(gzip ? { UNUM_CONFIG_GZIP: gzipSync(json).toString('base64') } : { UNUM_CONFIG: json }),
    UNUM_USER_HANDLER: userHandler,
    LAMBDA_TASK_ROOT: dir,
    UNUM_TABLE: w.table,
    UNUM_BUCKET: w.bucket,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.UNUM_TEST_DYNAMODB_ENDPOINT,
    AWS_ENDPOINT_URL_S3: process.env.UNUM_TEST_S3_ENDPOINT,
    AWS_ENDPOINT_URL_LAMBDA: w.endpoint.url,
    NODE_PATH: joinPath(__dirname, '../../node_modules'),
  };
  const script = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}, { awsRequestId: 'req-' + Date.now(), getRemainingTimeInMillis: () => 60000 })
    .then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env, encoding: 'utf8' });
  // The runtime's metrics line comes first, on stdout as in Lambda; the handler's answer is the last line.
  const lines = stdout.split('\n');
  const result = JSON.parse(lines.pop()!);
  return { ...result, emf: lines.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l)) };
}

test('the bundled handler runs an .mjs user module, checkpoints, and invokes its successor', async () => {
  const config: FunctionConfig = { v: 1, workflow: 'wf', node: 'A', entry: true, next: to('B'), retry: [], catch: [] };
  const { session, emf } = await runBundled(config, 'app.main', { n: 21 });
  expect(emf).toEqual([expect.objectContaining({ Workflow: 'wf', Node: 'A', session, Invocations: 1, SessionsStarted: 1 })]);
  await w.endpoint.idle();
  expect(await w.result(session)).toBe('B got {"doubled":42,"node":"A"}');
  const ckpt = await w.items(`${w.keys(session).checkpoint}A|`);
  expect(JSON.parse(ckpt[0].v.S)).toEqual({ doubled: 42, node: 'A' });
});

test('gzip configuration and a .cjs handler', async () => {
  const config: FunctionConfig = { v: 1, workflow: 'wf', node: 'A', entry: true, next: succeed, retry: [], catch: [] };
  const { session } = await runBundled(config, 'legacy.run', { doubled: 9 }, true);
  expect(await w.result(session)).toBe(10);
});
