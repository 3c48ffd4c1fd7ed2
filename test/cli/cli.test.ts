import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { progressDisplay } from '../../toolkit/src/cli/output/progress';
import { synthesize } from '../../toolkit/src/local/assembly';
import { Capture, ROOT, tsApp } from '../engine/support';
import { unum, unumIn } from '../support/cli';

/**
 * The `unum` command line: the errors a new user meets, each with what to
 * do; full runs with the embedded servers; sessions kept in a data directory.
 */
const APPS = join(ROOT, 'test', 'engine', 'apps');
let assembly: string;
const work = mkdtempSync(join(tmpdir(), 'unum-cli-test-'));

beforeAll(async () => {
  assembly = join(work, 'cdk.out');
  await synthesize({ app: tsApp(join(APPS, 'app.ts')), outdir: assembly, cwd: ROOT });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('errors a new user meets', () => {
  test('no workflow in the app', async () => {
    const r = await unum('run', '--app', tsApp(join(APPS, 'empty.ts')));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^unum: no cdk-unum workflow in the app: define an UnumWorkflow in one of its stacks/m);
  });

  test('several workflows and no --workflow', async () => {
    const r = await unum('run', '--assembly', assembly, '--input', '{}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the app has 8 workflows (chain, failing, large, queue, retry, sandbox, squares, timeout): choose one with --workflow <name>');
  });

  test('a workflow name that does not exist', async () => {
    const r = await unum('run', '--assembly', assembly, '--workflow', 'chian');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no workflow named 'chian' in the app; its workflows: chain, failing,");
  });

  test('input that is not JSON', async () => {
    for (const [input, source] of [['{n: 1}', '--input'], ['hello', '--input']]) {
      const r = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--input', input);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`the input in ${source} is not JSON`);
      expect(r.stderr).toContain('a string needs quotes');
    }
    const file = join(work, 'bad.json');
    writeFileSync(file, '{"unterminated": ');
    const r = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--input', `@${file}`);
    expect(r.stderr).toContain(`the input in ${file} is not JSON`);
    expect((await unum('run', '--assembly', assembly, '--input', '@nope.json')).stderr).toContain('--input @nope.json: no such file');
  });

  test('an app command that fails to synthesize shows its error', async () => {
    const r = await unum('run', '--app', tsApp(join(APPS, 'broken.ts')), '--input', '{}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unum: the app command failed to synthesize (exit 1)');
    expect(r.stderr).toContain("UnumFunction 'Nothing': set exactly one of entry");
    expect(r.stderr).toContain('or pass an existing cloud assembly with --assembly');
  });

  test('an app command that does not exist', async () => {
    const r = await unum('run', '--app', 'no-such-command-unum-test', '--input', '{}');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/failed to synthesize \(exit 127\)[\s\S]*not found/);
  });

  test('no app at all', async () => {
    const r = await unumIn(work, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no CDK app: pass --app "<command>"');
  });

  test('a directory that is not a cloud assembly', async () => {
    const r = await unum('run', '--assembly', work);
    expect(r.stderr).toContain(`${work} is not a cloud assembly (no manifest.json)`);
  });

  test('a port in use', async () => {
    const server: Server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--port', String(port), '--input', '{"n":1}');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`unum: port ${port} (Lambda endpoint, --port) is already in use on 127.0.0.1: choose another port`);
      const d = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--dynamodb-port', String(port), '--input', '{"n":1}');
      expect(d.stderr).toContain(`port ${port} (DynamoDB endpoint, --dynamodb-port) is already in use`);
    } finally {
      server.close();
    }
  });

  test('no Java: how to install it', async () => {
    const r = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--java', '/nonexistent/bin/java', '--input', '{"n":1}');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unum: Java is not available: /nonexistent/bin/java was not found.');
    expect(r.stderr).toContain('DynamoDB Local, which needs Java 17 or later');
    expect(r.stderr).toContain('sudo apt-get install -y openjdk-17-jre-headless');
  });

  test('bad options', async () => {
    expect((await unum('run', '--crash-rate', 'often')).stderr).toContain('--crash-rate must be a number (got "often")');
    expect((await unum('run', '--concurrency', '0')).stderr).toContain('--concurrency must be an integer from 1');
    expect((await unum('run', '--bogus')).stderr).toMatch(/Unknown option '--bogus'[\s\S]*unum help/);
    expect((await unum('frobnicate')).stderr).toContain('unknown command "frobnicate"');
    const crash = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--crash-at', 'lunch', '--input', '1');
    expect(crash.code).toBe(2);
    expect(crash.stderr).toContain('--crash-at lunch is not a runtime step; the steps are: after-ingress');
    const aimed = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--crash-at', 'after-user-code', '--fault-nodes', 'Double,Halve', '--input', '1');
    expect(aimed.code).toBe(2);
    expect(aimed.stderr).toContain("--fault-nodes: the workflow has no function node 'Halve'; its function nodes are: Double, Increment");
  });

  test('status without a data directory', async () => {
    const r = await unum('status', 'abc', '--data-dir', join(work, 'missing'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sessions are kept only when run with --data-dir');
  });

  test('help lists the commands and the fault steps', async () => {
    const r = await unum('help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('unum run [--app "<cdk app command>" | --assembly <cdk.out>]');
    expect(r.stdout).toContain('after-checkpoint-write');
    const imp = await unum('import', '--help');
    expect(imp.code).toBe(0);
    expect(imp.stdout).toContain('unum import — write cdk-unum TypeScript');
  });
});

describe('runs with the embedded servers', () => {
  const dataDir = join(work, 'data');

  test('run --json, then status and result from the data directory', async () => {
    const r = await unum('run', '--assembly', assembly, '--workflow', 'chain', '--input', '{"n":20}', '--data-dir', dataDir, '--json', '--session', 'cli-session-1');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ workflow: 'chain', session: 'cli-session-1', status: 'SUCCEEDED', result: 41 });
    expect(report.instances.map((i: { instance: string }) => i.instance)).toEqual(['Double|0', 'Increment|0']);
    expect(report.store.dynamodb.GetItem).toBe(2);
    expect(r.stderr).toContain('2/2 instances finished, 0 running');

    const status = await unum('status', 'cli-session-1', '--data-dir', dataDir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^session cli-session-1: SUCCEEDED\n {2}workflow: chain\n/);
    const result = await unum('result', 'cli-session-1', '--data-dir', dataDir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toBe(41);
    const list = await unum('status', '--data-dir', dataDir);
    expect(list.stdout).toMatch(/SUCCEEDED\s+chain\s+cli-session-1/);
  });

  test('a failing session exits 1 and names the failing node and error; status shows it too', async () => {
    const r = await unum('run', '--assembly', assembly, '--workflow', 'failing', '--input', '{"n":1}', '--data-dir', dataDir, '--session', 'cli-fail-1');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✘ FAILED  workflow failing, session cli-fail-1');
    expect(r.stdout).toContain("Failed at node 'Boom' (instance Boom|0): BoomError");
    expect(r.stdout).toMatch(/Last log lines of .*Boom/);
    expect(r.stderr).toContain("unum: session cli-fail-1 FAILED: node 'Boom' failed: BoomError: the boom node always fails");
    const status = await unum('status', 'cli-fail-1', '--data-dir', dataDir);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("failed at node 'Boom' (instance Boom|0): BoomError — the boom node always fails");
    const result = await unum('result', 'cli-fail-1', '--data-dir', dataDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no result');
  });

  test('status and result of an ended session answer without starting DynamoDB Local', async () => {
    // A Java that cannot start proves no JVM is booted: the answer comes from the ended-session record.
    const noJava = ['--java', join(work, 'no-such-java')];
    const status = await unum('status', 'cli-session-1', '--data-dir', dataDir, ...noJava);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^session cli-session-1: SUCCEEDED\n/);
    const result = await unum('result', 'cli-session-1', '--data-dir', dataDir, ...noJava);
    expect(JSON.parse(result.stdout)).toBe(41);
    const failed = await unum('status', 'cli-fail-1', '--data-dir', dataDir, ...noJava);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("failed at node 'Boom' (instance Boom|0): BoomError");
    // A session with no record still needs the store, and says why it cannot open it.
    const unknown = await unum('status', 'never-ran', '--data-dir', dataDir, ...noJava);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no-such-java');
  });

  test('the command as a process: synthesizes the app, prints the report, exit code 0', () => {
    const p = spawnSync(process.execPath, ['-r', join(ROOT, 'toolkit', 'dev', 'from-sources.js'), join(ROOT, 'toolkit', 'src', 'cli', 'main.ts'), 'run',
      '--app', tsApp(join(APPS, 'app.ts')), '--workflow', 'squares', '--input', '{"count":3}'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(p.stderr).toContain('unum: synthesizing');
    expect(p.status).toBe(0);
    expect(p.stdout).toContain('✔ SUCCEEDED  workflow squares');
    expect(p.stdout).toMatch(/Result:\n {2}14\n/);
    expect(p.stdout).toMatch(/Store requests: \d+\n {2}DynamoDB: /);
  });
});

test('progress: one line redrawn on a terminal, plain lines without control codes otherwise', () => {
  const p = { started: 3, finished: 1, retrying: 1, failed: 0, running: 1, invocations: 4, elapsedMs: 1500 };
  const tty = new Capture();
  tty.isTTY = true;
  const live = progressDisplay(tty, true);
  live.update(p);
  live.update({ ...p, finished: 3, retrying: 0, running: 0 });
  live.done();
  const draws = tty.text.split('\r\u001b[K').slice(1);
  expect(draws[0]).toMatch(/^\[█{7}░{13}\] 1\/3 instances finished, 1 running, 1 retrying  [\d.]+\/s  1\.5s$/);
  expect(draws[draws.length - 1]).toMatch(/^\[█{20}\] 3\/3 instances finished, 0 running  [\d.]+\/s  [\d.]+s\n$/);
  const log = new Capture();
  const plain = progressDisplay(log, true);
  plain.update(p);
  plain.update({ ...p, finished: 2 });
  plain.done();
  // The first state at once, the last at the end; the one between fell within the interval and is skipped.
  expect(log.text).not.toContain('\u001b');
  expect(log.text.split('\n')).toEqual([
    expect.stringMatching(/^\[█{7}░{13}\] 1\/3 instances finished/),
    expect.stringMatching(/^\[█{13}░{7}\] 2\/3 instances finished/),
    '',
  ]);
  const quiet = new Capture();
  const off = progressDisplay(quiet, false);
  off.update(p);
  off.done();
  expect(quiet.text).toBe('');
});
