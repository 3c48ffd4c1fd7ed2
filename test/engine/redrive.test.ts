import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ROOT, sharedDir, startEngine, synthApp } from './support';
import { ATTR, FAILURE_SORT_PREFIX, REDRIVE_ATTR, SESSION_ATTR, sessionItemKey } from '../../src/protocol';
import { RedriveError } from '../../toolkit/src/client';
import { redriveSession } from '../../toolkit/src/client/redrive';
import { LocalApp, selectWorkflow } from '../../toolkit/src/local/assembly';
import { LocalEngine } from '../../toolkit/src/local/engine';

/**
 * Redrive through the engine (test/engine/apps/redrive.ts): a Map of 100
 * whose items 7, 42 and 93 fail while a marker file says their dependency
 * is down. Every run of an item appends its index to a file (outside /tmp,
 * which each sandbox has to itself), so the counts are the user code's
 * real runs, and the join appends a line per run.
 */
let app: LocalApp;
let engine: LocalEngine;
let dir: string;

beforeAll(async () => {
  app = await synthApp(join(__dirname, 'apps', 'redrive.ts'));
  engine = await startEngine(app, { concurrency: 8 });
}, 300_000);
afterAll(async () => engine?.stop());
beforeEach(() => {
  dir = sharedDir(join(ROOT, 'test', 'engine'), '.redrive-');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BROKEN = [7, 42, 93];
const items = (n: number) => Array.from({ length: n }, (_, index) => ({ dir, index }));
const lines = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l !== '') : []);
const runs = () => lines('runs').map(Number);
const runsOf = (index: number) => runs().filter((i) => i === index).length;
const breakItems = (indexes: number[]) => indexes.forEach((i) => writeFileSync(join(dir, `broken-${i}`), ''));
const repair = (indexes: number[]) => indexes.forEach((i) => unlinkSync(join(dir, `broken-${i}`)));

describe.each([
  ['redrive-map', 'a Map whose failing items fail the session', 'RdItem', 'RdTotal'],
  ['redrive-map-handled', 'a Map that handles failures and fails the session itself', 'RhItem', 'RhTotal'],
])('%s: %s', (workflow, _what, item, total) => {
  test('3 of 100 items fail; the redrive runs exactly those 3 again and the join fires once', async () => {
    breakItems(BROKEN);
    const first = await engine.run({ workflow, input: { items: items(100) } });
    expect(first.status).toBe('FAILED');
    expect(first.error?.error).toMatch(/ItemBroken/);
    expect(runs()).toHaveLength(100);
    expect(lines('joins')).toEqual([]);
    const committedFirst = Object.keys(first.commits).filter((k) => k.startsWith(`${item}|`));
    expect(committedFirst).toHaveLength(97);

    repair(BROKEN);
    const redriven = await engine.redrive({ workflow, session: first.session });
    expect(redriven.status).toBe('SUCCEEDED');
    expect(redriven.redrive).toMatchObject({ session: first.session, redriveCount: 1 });
    expect(redriven.redrive!.instances).toHaveLength(3);
    // User code ran once more for the three failed items, and for no other.
    expect(runs()).toHaveLength(103);
    expect(runs().slice(100).sort((a, b) => a - b)).toEqual(BROKEN);
    for (let i = 0; i < 100; i++) expect(runsOf(i)).toBe(BROKEN.includes(i) ? 2 : 1);
    expect(lines('joins')).toEqual(['join']);
    expect(Object.keys(redriven.commits).filter((k) => k.startsWith(`${item}|`))).toHaveLength(3);
    expect(Object.keys(redriven.commits).filter((k) => k.startsWith(`${total}|`))).toHaveLength(1);
    expect(redriven.result).toEqual({ count: 100, sum: 2 * (99 * 100) / 2, redrives: 1 });
    const d = await engine.client(selectWorkflow(app, workflow)).describeSession(first.session);
    expect(d).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(d.error).toBeUndefined();
  }, 300_000);

  test('an item that fails again fails the session again; the next redrive runs only that item', async () => {
    // Items 0..49 hold two of the broken ones, 7 and 42.
    breakItems([7, 42]);
    const failed = await engine.run({ workflow, input: { items: items(50) } });
    expect(failed.status).toBe('FAILED');
    repair([7]);
    const again = await engine.redrive({ workflow, session: failed.session });
    expect(again.status).toBe('FAILED');
    expect(again.redrive!.instances).toHaveLength(2);
    expect(again.error?.error).toMatch(/ItemBroken/);
    expect(runsOf(7)).toBe(2);
    expect(runsOf(42)).toBe(2);
    repair([42]);
    const done = await engine.redrive({ workflow, session: failed.session });
    expect(done.status).toBe('SUCCEEDED');
    expect(done.redrive).toMatchObject({ redriveCount: 2 });
    expect(done.redrive!.instances).toHaveLength(1);
    expect(runsOf(7)).toBe(2);
    expect(runsOf(42)).toBe(3);
    expect(runs()).toHaveLength(50 + 2 + 1);
    expect(lines('joins')).toEqual(['join']);
    expect(done.result).toEqual({ count: 50, sum: 2 * (49 * 50) / 2, redrives: 2 });
  }, 300_000);
});

describe('the client refuses what it cannot redrive, and changes nothing', () => {
  const client = () => engine.client(selectWorkflow(app, 'redrive-map'));

  test('an unknown session', async () => {
    await expect(client().redrive('no-such-session')).rejects.toThrow(RedriveError);
    await expect(client().redrive('no-such-session')).rejects.toThrow(/no-such-session.*no such session/);
  });

  test('a session that succeeded', async () => {
    const ok = await engine.run({ workflow: 'redrive-map', input: { items: items(3) } });
    expect(ok.status).toBe('SUCCEEDED');
    await expect(client().redrive(ok.session)).rejects.toThrow(/it is SUCCEEDED; only a FAILED or TIMED_OUT session can be redriven/);
    expect(runs()).toHaveLength(3);
  }, 120_000);

  test('a failed session whose records expired; the client redrives it while they last', async () => {
    breakItems([1]);
    const failed = await engine.run({ workflow: 'redrive-map', input: { items: items(3) } });
    expect(failed.status).toBe('FAILED');
    const store = client().store;
    const key = sessionItemKey({ workflow: 'redrive-map', session: failed.session });
    const before = await store.get(key);
    // DynamoDB deletes expired items up to days after their time: such a session is still read, and refused.
    const past = String(Math.floor(Date.now() / 1000) - 60);
    await store.dynamodb.send(new PutItemCommand({ TableName: store.table, Item: { ...before, [ATTR.TTL]: { N: past } } }));
    await expect(client().redrive(failed.session)).rejects.toThrow(/its records expired at .*TTL/);
    const expired = await store.get(key);
    expect(expired![SESSION_ATTR.STATUS].S).toBe('FAILED');
    expect(expired![SESSION_ATTR.REDRIVE_COUNT]).toBeUndefined();

    // Within the TTL the client's redrive moves the session to RUNNING with its count, and re-invokes item 1 only.
    await store.dynamodb.send(new PutItemCommand({ TableName: store.table, Item: before }));
    repair([1]);
    const result = await client().redrive(failed.session);
    expect(result).toEqual({ session: failed.session, redriveCount: 1, instances: ['RdItem|0:1/0'] });
    const running = await store.get(key);
    expect(running![SESSION_ATTR.REDRIVE_COUNT].N).toBe('1');
    await engine.endpoint.idle();
    const d = await client().describeSession(failed.session);
    expect(d).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect(runsOf(1)).toBe(2);
    expect(runs()).toHaveLength(4);
    // Nothing is left to resume: a RUNNING or SUCCEEDED session is refused.
    await expect(client().redrive(failed.session)).rejects.toThrow(/it is SUCCEEDED/);
  }, 120_000);
});

describe('redrive beyond a failed Map', () => {
  const steps = () => lines('steps');

  test('a TIMED_OUT session: the redrive restarts the step that met the deadline, the workflow timeout runs again, and it succeeds', async () => {
    writeFileSync(join(dir, 'slow'), '');
    const first = await engine.run({ workflow: 'redrive-timeout', input: { dir } });
    expect(first.status).toBe('TIMED_OUT');
    expect(steps()).toEqual(['first', 'slow']);
    const client = engine.client(selectWorkflow(app, 'redrive-timeout'));
    expect(await client.describeSession(first.session)).toMatchObject({ status: 'TIMED_OUT' });

    unlinkSync(join(dir, 'slow'));
    const redriven = await engine.redrive({ workflow: 'redrive-timeout', session: first.session });
    expect({ status: redriven.status, result: redriven.result }).toEqual({ status: 'SUCCEEDED', result: { done: true } });
    expect(redriven.redrive).toMatchObject({ redriveCount: 1, instances: ['TmSlow|0'] });
    // The committed first step did not run again; the slow one ran once more, then the last.
    expect(steps()).toEqual(['first', 'slow', 'slow', 'last']);
    expect(Object.keys(redriven.commits).sort()).toEqual(['TmLast|0', 'TmSlow|0']);
    expect(await client.describeSession(first.session)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
  }, 300_000);

  test('a redrive that stops after moving the session to RUNNING, before any invocation, is finished by the next one; the join fires once', async () => {
    breakItems([5, 11]);
    const failed = await engine.run({ workflow: 'redrive-map', input: { items: items(20) } });
    expect(failed.status).toBe('FAILED');
    repair([5, 11]);
    const client = engine.client(selectWorkflow(app, 'redrive-map'));
    const ref = { workflow: 'redrive-map', session: failed.session };
    // Lambda unreachable (nothing listens on port 9): the redrive fails after its conditional move, as a crashed client would.
    const unreachable = new LambdaClient({
      endpoint: 'http://127.0.0.1:9', region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    await expect(redriveSession(client.store, unreachable, ref)).rejects.toThrow();
    const stuck = await client.store.get(sessionItemKey(ref));
    expect(stuck![SESSION_ATTR.STATUS].S).toBe('RUNNING');
    expect(stuck![SESSION_ATTR.REDRIVE_PENDING].N).toBe('1');
    await engine.endpoint.idle();
    expect(runs()).toHaveLength(20);

    const finished = await engine.redrive({ workflow: 'redrive-map', session: failed.session });
    expect(finished.status).toBe('SUCCEEDED');
    // The same redrive, finished: its count stays 1.
    expect(finished.redrive).toMatchObject({ redriveCount: 1 });
    expect([...finished.redrive!.instances].sort()).toEqual(['RdItem|0:11/0', 'RdItem|0:5/0']);
    expect(runs()).toHaveLength(22);
    expect(runsOf(5)).toBe(2);
    expect(runsOf(11)).toBe(2);
    expect(lines('joins')).toEqual(['join']);
    expect(finished.result).toEqual({ count: 20, sum: 2 * (19 * 20) / 2, redrives: 1 });
    const done = await client.store.get(sessionItemKey(ref));
    expect(done![SESSION_ATTR.REDRIVE_PENDING]).toBeUndefined();
    await expect(client.redrive(failed.session)).rejects.toThrow(/it is SUCCEEDED/);
  }, 300_000);

  test('items whose inputs were stored in S3 (over the inline threshold) are redriven from their stored inputs', async () => {
    breakItems([2]);
    const pad = 'x'.repeat(2000);
    const input = { items: Array.from({ length: 6 }, (_, index) => ({ dir, index, pad })) };
    const failed = await engine.run({ workflow: 'redrive-big', input });
    expect(failed.status).toBe('FAILED');
    const store = engine.client(selectWorkflow(app, 'redrive-big')).store;
    const records = await store.dynamodb.send(new QueryCommand({
      TableName: store.table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :p)',
      ExpressionAttributeNames: { '#pk': ATTR.PK, '#sk': ATTR.SK },
      ExpressionAttributeValues: { ':pk': { S: sessionItemKey({ workflow: 'redrive-big', session: failed.session }).pk }, ':p': { S: FAILURE_SORT_PREFIX } },
      ConsistentRead: true,
    }));
    // The record kept the envelope with the stored input's reference, not the input.
    const envelopes = (records.Items ?? []).map((r) => JSON.parse(r[REDRIVE_ATTR.ENVELOPE].S!));
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0].input.s3).toEqual({ bucket: expect.any(String), key: expect.any(String) });
    expect(envelopes[0].input.value).toBeUndefined();

    repair([2]);
    const redriven = await engine.redrive({ workflow: 'redrive-big', session: failed.session });
    expect(redriven.status).toBe('SUCCEEDED');
    expect(runsOf(2)).toBe(2);
    expect(runs()).toHaveLength(7);
    expect(lines('joins')).toEqual(['join']);
    expect(redriven.result).toEqual({ count: 6, sum: 2 * (5 * 6) / 2, redrives: 1 });
  }, 300_000);
});
