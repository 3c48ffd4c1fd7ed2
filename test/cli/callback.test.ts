import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { callbackItemKey } from '../../src/protocol';
import { CALLBACK_ATTR, CALLBACK_STATE, parseTaskToken } from '../../src/protocol/callback';
import { loadAssembly, selectWorkflow, synthesize } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';
import { ROOT, sharedDir, tsApp } from '../engine/support';
import { unum } from '../support/cli';

/** `unum callback <token>`: answers the approval app's parked session kept in a data directory (test/engine/apps/approval.ts). */
const work = mkdtempSync(join(tmpdir(), 'unum-callback-test-'));
const assembly = join(work, 'cdk.out');
const dataDir = join(work, '.unum');
let dir: string;

beforeAll(async () => {
  await synthesize({ app: tsApp(join(ROOT, 'test', 'engine', 'apps', 'approval.ts')), outdir: assembly, cwd: ROOT });
}, 300_000);
beforeEach(() => {
  // The user code writes the token here; outside /tmp, which each sandbox has to itself.
  dir = sharedDir(join(ROOT, 'test', 'cli'), '.callback-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const common = ['--assembly', assembly, '--data-dir', dataDir, '--quiet'];

async function park(): Promise<string> {
  const r = await unum('run', ...common, '--workflow', 'approval', '--json', '--input', JSON.stringify({ dir, order: 'o-7' }));
  expect(JSON.parse(r.stdout).status).toBe('RUNNING');
  return readFileSync(join(dir, 'token-0'), 'utf8');
}

test('--success @file resumes the session, which succeeds; the same token again is refused with exit 2', async () => {
  const token = await park();
  writeFileSync(join(dir, 'out.json'), JSON.stringify({ approved: true }));
  const r = await unum('callback', token, '--success', `@${join(dir, 'out.json')}`, ...common, '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'SUCCEEDED', result: { dir, order: 'o-7', approval: { approved: true } } });
  const again = await unum('callback', token, '--success', '1', ...common);
  expect(again.code).toBe(2);
  expect(again.stderr).toMatch(/^unum: task token of instance 'Approve\|0' \(attempt 0\) of session .* refused: it was used already/);
}, 300_000);

test('--failure --error --cause fails the task: the Catch on Rejected routes it', async () => {
  const token = await park();
  const r = await unum('callback', token, '--failure', '--error', 'Rejected', '--cause', 'no budget', ...common, '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ status: 'SUCCEEDED', result: { rejection: { Error: 'Rejected', Cause: 'no budget' } } });
}, 300_000);

/** The token's callback item in the data directory's store (an engine started on it, as unum does). */
async function callbackItem(token: string) {
  const app = loadAssembly(assembly);
  const engine = await LocalEngine.start({ app, dataDir });
  try {
    const { binding } = parseTaskToken(token);
    return await engine.client(selectWorkflow(app, binding.workflow)).store.get(callbackItemKey(binding, binding.instance, binding.attempt));
  } finally {
    await engine.stop();
  }
}

test('--heartbeat moves the parked task\'s heartbeat and runs nothing; the token still answers the task', async () => {
  const token = await park();
  const { binding } = parseTaskToken(token);
  const before = await callbackItem(token);
  const r = await unum('callback', token, '--heartbeat', ...common, '--json');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toEqual({ heartbeat: true, ...binding });
  const after = await callbackItem(token);
  expect(after?.[CALLBACK_ATTR.STATE]?.S).toBe(CALLBACK_STATE.WAITING);
  expect(Number(after?.[CALLBACK_ATTR.HEARTBEAT]?.N)).toBeGreaterThan(Number(before?.[CALLBACK_ATTR.HEARTBEAT]?.N));
  const done = await unum('callback', token, '--success', '"ok"', ...common, '--json');
  expect(JSON.parse(done.stdout)).toMatchObject({ status: 'SUCCEEDED', result: { approval: 'ok' } });
  expect((await unum('callback', token, '--heartbeat', ...common)).code).toBe(2);
}, 300_000);

test('usage errors and a malformed token exit 2', async () => {
  expect((await unum('callback', 'x', ...common)).stderr).toMatch(/give exactly one of --success, --failure and --heartbeat/);
  expect((await unum('callback', 'x', '--heartbeat', '--error', 'E', ...common)).stderr).toMatch(/--error and --cause go with --failure/);
  expect((await unum('callback', 'x', '--success', '1', '--failure', ...common)).code).toBe(2);
  expect((await unum('callback', 'x', '--success', '1', '--error', 'E', ...common)).stderr).toMatch(/--error and --cause go with --failure/);
  const bad = await unum('callback', 'not-a-token', '--success', '1', ...common);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^unum: invalid task token: it does not start with 'unum1\.'/);
}, 300_000);
