import { request } from 'http';
import { join } from 'path';
import globalSetup from '../../toolkit/src/testing/jest-global-setup';
import globalTeardown from '../../toolkit/src/testing/jest-global-teardown';
import { TEST_SERVERS_ENV, sharedTestServers } from '../../toolkit/src/testing/test-servers';
import { TEST_MODE_ENV, WorkflowTestRunner } from '../../toolkit/src/testing/workflow-test-runner';
import { synthApp } from '../engine/support';

/** The jest global setup users reference: servers up once, endpoints to the workers by environment, down at the end. */
const saved = { ...process.env };
afterEach(() => {
  for (const key of [TEST_SERVERS_ENV.DYNAMODB, TEST_SERVERS_ENV.S3, TEST_MODE_ENV]) {
    if (saved[key] === undefined) delete process.env[key];
    else process.env[key] = saved[key];
  }
});

function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(endpoint, { method: 'GET' }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

test('globalSetup starts DynamoDB Local and s3rver and publishes them; a runner uses them; globalTeardown stops them', async () => {
  await globalSetup();
  const servers = sharedTestServers()!;
  try {
    expect(servers.dynamodb).not.toBe(saved[TEST_SERVERS_ENV.DYNAMODB]);
    expect(await answers(servers.dynamodb)).toBe(true);
    expect(await answers(servers.s3)).toBe(true);
    const app = await synthApp(join(__dirname, 'apps', 'app.ts'));
    const runner = await WorkflowTestRunner.start({ assemblyDir: app.dir });
    try {
      expect(runner.localEngine.options.servers).toEqual(servers);
      expect((await runner.run({ workflow: 'chain', input: { n: 1 } })).output).toBe(3);
    } finally {
      await runner.stop();
    }
  } finally {
    await globalTeardown();
  }
  expect(await answers(servers.dynamodb)).toBe(false);
  expect(await answers(servers.s3)).toBe(false);
}, 180_000);

test('UNUM_TEST_MODE chooses the mode; an unknown one is refused naming the modes', async () => {
  const app = await synthApp(join(__dirname, 'apps', 'app.ts'));
  process.env[TEST_MODE_ENV] = 'faithful';
  const runner = await WorkflowTestRunner.start({ assemblyDir: app.dir });
  expect(runner.mode).toBe('faithful');
  await runner.stop();
  process.env[TEST_MODE_ENV] = 'quick';
  await expect(WorkflowTestRunner.start({ assemblyDir: app.dir })).rejects.toThrow('UNUM_TEST_MODE=quick: the modes are fast, faithful');
  await expect(WorkflowTestRunner.start({})).rejects.toThrow('give exactly one of assemblyDir');
}, 180_000);
