import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { join, succeed, to, World } from './harness';
import { payloadObjectKey, sessionObjectPrefix, workflowKeyPrefix, workflowObjectPrefix } from '../../src/protocol';

/**
 * Two workflows share one store and run the same session id through nodes
 * of the same names: every item and object is bound to its workflow, so
 * neither sees the other's checkpoints (issue 10, item 3), and an envelope
 * cannot point its S3 input at another session's object (item 5).
 */

let payroll: World;
let orders: World;
const logged: string[] = [];
const logger = { debug() {}, info() {}, warn() {}, error: (m: string) => { logged.push(m); } };
/** Large enough to spill every output and fan-out input to S3. */
const big = 'x'.repeat(2000);

function deploy(w: World, tag: string): void {
  w.deploy(w.workflow, [
    { node: 'A', next: { kind: 'map', fanout: 'M', join: 'J', width: 3, item: to('B'), onEmpty: succeed }, handler: () => ({ wf: tag, big }) },
    { node: 'B', next: join('J', ['B'], succeed), handler: (x: any, ctx) => ({ wf: `${x.wf}`, index: ctx.index, big }) },
  ], { logger });
}

beforeAll(async () => {
  payroll = await World.create('iso-payroll', { workflow: 'Payroll', payloadThreshold: 1024 });
  orders = await World.create('iso-orders', { workflow: 'Orders', payloadThreshold: 1024, shareStoreOf: payroll });
  deploy(payroll, 'Payroll');
  deploy(orders, 'Orders');
});
afterAll(async () => {
  await orders?.close();
  await payroll?.close();
});

test('two workflows in one store, same session id and node names: each runs its own code and gets its own result', async () => {
  const session = 'shared-session-1';
  await payroll.run(null, session);
  await orders.run(null, session);
  const expected = (wf: string) => [0, 1, 2].map((index) => ({ wf, index, big }));
  expect(await payroll.result(session)).toEqual(expected('Payroll'));
  expect(await orders.result(session)).toEqual(expected('Orders'));
  for (const w of [payroll, orders]) {
    expect(w.runs).toEqual({ 'A|0': 1, 'B|0:0/0': 1, 'B|0:1/0': 1, 'B|0:2/0': 1 });
    expect((await w.client.describeSession(session)).workflow).toBe(w.workflow);
  }

  // Every partition key and every object key carries its workflow's prefix.
  const items = await payroll.items();
  const prefixes = new Set(items.map((i) => (i.pk.S as string).startsWith(workflowKeyPrefix('Payroll')) ? 'Payroll'
    : (i.pk.S as string).startsWith(workflowKeyPrefix('Orders')) ? 'Orders' : i.pk.S));
  expect([...prefixes].sort()).toEqual(['Orders', 'Payroll']);
  const objects = (await payroll.s3.send(new ListObjectsV2Command({ Bucket: payroll.bucket }))).Contents ?? [];
  expect(objects.length).toBeGreaterThan(0);
  for (const o of objects) {
    expect([workflowObjectPrefix('Payroll'), workflowObjectPrefix('Orders')].some((p) => o.Key!.startsWith(p))).toBe(true);
  }
  expect(objects.filter((o) => o.Key!.startsWith(workflowObjectPrefix('Orders'))).length)
    .toBe(objects.filter((o) => o.Key!.startsWith(workflowObjectPrefix('Payroll'))).length);
  // Without eager cleanup no function sends what only cleanup needs (and is not granted).
  for (const w of [payroll, orders]) {
    const sent = Object.entries(w.counter.byFunction).filter(([fn]) => fn !== 'client').flatMap(([, c]) => Object.keys(c));
    expect(sent).toEqual(expect.arrayContaining(['GetItemCommand', 'PutItemCommand', 'PutObjectCommand', 'GetObjectCommand']));
    expect(sent.filter((c) => ['QueryCommand', 'BatchWriteItemCommand', 'DeleteObjectCommand'].includes(c))).toEqual([]);
  }
});

describe('an envelope S3 reference outside its session is refused as an invalid envelope, nothing runs or is written', () => {
  const victim = 'victim-session';
  const attacker = 'attacker-session';
  beforeAll(async () => {
    await payroll.run(null, victim);
  });

  const envelope = (key: string, bucket = payroll.bucket) => ({
    unum: 1,
    workflow: 'Payroll',
    session: attacker,
    node: 'B',
    frames: [{ fanout: 'M', index: 0, size: 3, iteration: 0 }],
    iteration: 0,
    input: { s3: { bucket, key } },
  });
  const cases: Array<[string, () => any, RegExp]> = [
    ["another session's object", () => envelope(payloadObjectKey({ workflow: 'Payroll', session: victim }, 'A|0', 'output')),
      /input\.s3\.key must lie under this session's prefix/],
    ["another workflow's object", () => envelope(payloadObjectKey({ workflow: 'Orders', session: attacker }, 'A|0', 'output')),
      /input\.s3\.key must lie under this session's prefix/],
    ['a dot-dot segment out of the session prefix', () => envelope(`${sessionObjectPrefix({ workflow: 'Payroll', session: attacker })}../${victim}/x.json`),
      /input\.s3\.key must lie under this session's prefix/],
    ['another bucket', () => envelope(payloadObjectKey({ workflow: 'Payroll', session: attacker }, 'A|0', 'output'), 'some-other-bucket'),
      /input\.s3 must be in the store bucket/],
  ];
  test.each(cases)('%s', async (_name, event, message) => {
    logged.length = 0;
    const before = (await payroll.items(payroll.keys(attacker).checkpoint)).length;
    await payroll.send('B', event());
    expect(logged.join('\n')).toMatch(message);
    expect(logged.join('\n')).toMatch(/node 'B': invalid envelope/);
    expect(payroll.runs['B|0:0/0']).toBe(2); // once for each session run above, never for the attacker
    expect(await payroll.items(payroll.keys(attacker).checkpoint)).toHaveLength(before);
    expect(await payroll.items(payroll.keys(attacker).join)).toEqual([]);
    expect(payroll.endpoint.failures).toEqual([]); // not retried
  });
});
