import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SINGLE_SHARD_LIMIT, shardCount, shardSize } from '../../src/protocol/join';
import { itemKind } from '../../src/protocol/keys';
import { chain, choiceJoin, mapJoin, parallelJoin, synthShapes } from '../lib/shapes';
import { median, round } from '../lib/stats';
import { BenchServers, BenchWorld, REGION, RunResult } from '../lib/world';

/**
 * Part 1: store requests and capacity units per transition, counted by the
 * counting proxies in front of DynamoDB Local and s3rver while the real
 * runtime runs compiled workflows in process.
 */

export interface ShapeFigures {
  readonly shape: string;
  readonly n?: number;
  /** Function instances run (= Lambda invocations = state transitions of the tasks). */
  readonly transitions: number;
  readonly storeRequests: number;
  readonly storeRequestsPerTransition: number;
  readonly rcu: number;
  readonly wcu: number;
  readonly maxWritesPerKey: number;
  readonly hottestKeyKind?: string;
  /** Requests by operation (DynamoDB and S3). */
  readonly requests: Record<string, number>;
  /** Map → join: store requests of the branch function, per branch. */
  readonly perBranch?: number;
  readonly perBranchDetail?: Record<string, number>;
  /** Map → join: store requests of the join's target (it reads the N outputs). */
  readonly targetRequests?: number;
  /** Chain: a middle node's store requests (the steady-state transition). */
  readonly steadyTransition?: Record<string, number>;
  readonly wcuPerBranch?: number;
  readonly shards?: number;
  readonly runs: number;
  /** Whether every measured run counted the same requests (they are deterministic). */
  readonly stable: boolean;
  readonly medianMs: number;
  readonly ok: boolean;
}

export interface Calibration {
  readonly put2500BytesWcu: number;
  readonly consistentGet2500BytesRcu: number;
  readonly put9000BytesWcu: number;
  readonly consistentGet9000BytesRcu: number;
  readonly deleteWcu: number;
}

export interface StoreResults {
  readonly calibration: Calibration;
  readonly shapes: ShapeFigures[];
}

const keyKind = (pk?: string): string | undefined => {
  if (pk === undefined) return undefined;
  const k = itemKind(pk);
  if (k?.kind === 'J') return k.rest.split('#').length > 2 ? 'join shard' : 'join root';
  if (k?.kind === 'C') return 'checkpoint';
  if (k?.kind === 'S') return 'session';
  return k?.kind ?? pk.slice(0, 2);
};

/** DynamoDB Local's own accounting of known item sizes: the method's check. */
async function calibrate(servers: BenchServers, table: string): Promise<Calibration> {
  const client = new DynamoDBClient({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, endpoint: servers.direct.dynamodb });
  const put = async (bytes: number) => (await client.send(new PutItemCommand({
    TableName: table, Item: { pk: { S: `calibration-${bytes}` }, sk: { S: 'x' }, v: { S: 'a'.repeat(bytes - 25) } }, ReturnConsumedCapacity: 'TOTAL',
  }))).ConsumedCapacity!.CapacityUnits!;
  const get = async (bytes: number) => (await client.send(new GetItemCommand({
    TableName: table, Key: { pk: { S: `calibration-${bytes}` }, sk: { S: 'x' } }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL',
  }))).ConsumedCapacity!.CapacityUnits!;
  const out: Calibration = {
    put2500BytesWcu: await put(2500),
    consistentGet2500BytesRcu: await get(2500),
    put9000BytesWcu: await put(9000),
    consistentGet9000BytesRcu: await get(9000),
    deleteWcu: (await client.send(new DeleteItemCommand({
      TableName: table, Key: { pk: { S: 'calibration-2500' }, sk: { S: 'x' } }, ReturnConsumedCapacity: 'TOTAL',
    }))).ConsumedCapacity!.CapacityUnits!,
  };
  client.destroy();
  return out;
}

function signature(r: RunResult): string {
  return JSON.stringify([r.store.dynamodb, r.store.s3, r.store.rcu, r.store.wcu, r.store.maxWritesPerKey]);
}

interface Measured {
  readonly last: RunResult;
  readonly ms: number[];
  readonly stable: boolean;
  readonly ok: boolean;
}

async function measure(world: BenchWorld, input: unknown, expected: unknown, runs: number, warmup: number): Promise<Measured> {
  for (let i = 0; i < warmup; i++) await world.run(input);
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await world.run(input));
  const last = results[results.length - 1];
  return {
    last,
    ms: results.map((r) => r.ms),
    stable: results.every((r) => signature(r) === signature(last)),
    ok: results.every((r) => r.status === 'SUCCEEDED' && JSON.stringify(r.result) === JSON.stringify(expected)),
  };
}

function figures(shape: string, m: Measured, runs: number, n?: number): ShapeFigures {
  const r = m.last;
  const storeRequests = r.store.dynamodbRequests + r.store.s3Requests;
  return {
    shape,
    ...(n !== undefined ? { n } : {}),
    transitions: r.lambdaInvocations,
    storeRequests,
    storeRequestsPerTransition: round(storeRequests / r.lambdaInvocations, 3),
    rcu: r.store.rcu,
    wcu: r.store.wcu,
    maxWritesPerKey: r.store.maxWritesPerKey,
    hottestKeyKind: keyKind(r.store.hottestKey),
    requests: { ...r.store.dynamodb, ...r.store.s3 },
    runs,
    stable: m.stable,
    medianMs: round(median(m.ms), 1),
    ok: m.ok,
  };
}

export interface StoreRaw {
  /** The last run of each shape and its depth in tasks (for the cost part). */
  readonly runs: Record<string, { run: RunResult; depth: number }>;
}

export async function runStoreBench(servers: BenchServers, options: { quick: boolean; log: (s: string) => void }): Promise<StoreResults & StoreRaw> {
  const runsOf: StoreRaw['runs'] = {};
  const sizes = options.quick ? [10, 100, 1000] : [10, 100, 1000, 10000];
  const shapes: Record<string, (s: any) => any> = {
    Chain10: (s) => chain(s, 10),
    ParallelJoin: parallelJoin,
    ChoiceJoin: choiceJoin,
  };
  for (const n of sizes) shapes[`Map${n}`] = (s) => mapJoin(s, n);
  const app = synthShapes(shapes);
  const out: ShapeFigures[] = [];

  // Chain of 10: input 0, result 10. A middle node (N5) is the steady-state transition.
  {
    const w = await BenchWorld.create(servers, app, 'Chain10');
    const m = await measure(w, 0, 10, 5, 1);
    const steady = m.last.byFunction[w.functionOf('N5')];
    out.push({ ...figures('chain of 10', m, 5), steadyTransition: steady });
    runsOf['chain of 10'] = { run: m.last, depth: 10 };
    options.log(`  chain of 10: ${out[out.length - 1].storeRequests} store requests`);
    await w.close();
  }
  for (const [name, wf, input, expected] of [['parallel → join', 'ParallelJoin', 0, 2], ['choice → join', 'ChoiceJoin', 1, 4]] as const) {
    const w = await BenchWorld.create(servers, app, wf);
    const m = await measure(w, input, expected, 5, 1);
    out.push(figures(name, m, 5));
    runsOf[name] = { run: m.last, depth: wf === 'ParallelJoin' ? 4 : 3 };
    options.log(`  ${name}: ${out[out.length - 1].storeRequests} store requests`);
    await w.close();
  }
  for (const n of sizes) {
    const w = await BenchWorld.create(servers, app, `Map${n}`);
    const runs = n >= 10000 ? 1 : n >= 1000 ? 3 : 5;
    const warmup = n >= 10000 ? 0 : 1;
    const m = await measure(w, 0, n, runs, warmup);
    const item = w.functionOf('Item');
    const branch = m.last.byFunction[item] ?? {};
    const branchStore = Object.entries(branch).filter(([c]) => c !== 'InvokeCommand').reduce((a, [, c]) => a + c, 0);
    const collect = m.last.byFunction[w.functionOf('Collect')] ?? {};
    const f = figures('map → join', m, runs, n);
    runsOf[`map → join N=${n}`] = { run: m.last, depth: 3 };
    out.push({
      ...f,
      perBranch: round(branchStore / n, 3),
      perBranchDetail: Object.fromEntries(Object.entries(branch).map(([c, v]) => [c.replace(/Command$/, ''), round(v / n, 3)])),
      targetRequests: Object.entries(collect).filter(([c]) => c !== 'InvokeCommand').reduce((a, [, c]) => a + c, 0),
      wcuPerBranch: round(f.wcu / n, 3),
      shards: n <= SINGLE_SHARD_LIMIT ? 1 : shardCount(n),
    });
    options.log(`  map → join N=${n}: ${round(branchStore / n, 3)} store requests per branch, ${f.wcu} WCU, `
      + `max ${f.maxWritesPerKey} writes on one key (shard size ${shardSize(n)}), ${f.medianMs} ms`);
    await w.close();
  }
  const calibration = await calibrate(servers, app.workflows.find((wf) => wf.name === 'Chain10')!.table);
  return { calibration, shapes: out, runs: runsOf };
}
