import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { fnName, World, WorldOptions } from './harness';
import { FAULT_STEPS, SimulatedCrash, UnumContext, UnumHandler } from '../../lambda-runtime';
import { keyOf } from '../../src/client/store';
import { compileWorkflow } from '../../src/compiler/compile';
import { GraphState } from '../../src/compiler/graph';
import { FunctionConfig, joinShardItemKey } from '../../src/protocol';
import { InvokeRequest } from '../../toolkit/src/local/lambda-endpoint';

/**
 * FanIns over an explicit set of predecessors (DAG joins) against the real
 * store: dead-path elimination by Choice rules, success and catch; dissolved
 * Parallels; a DAG join that cascades into an outer Parallel's join; and
 * Lambda's at-least-once delivery and crashes.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const task = (id: string, next?: string, extra: Partial<GraphState> = {}): GraphState =>
  ({ kind: 'task', id, functionName: fnName(id), ...(next ? { next } : {}), ...extra } as GraphState);
const fanIn = (id: string, predecessors: string[], next?: string): GraphState =>
  ({ kind: 'fanIn', id, predecessors, ...(next ? { next } : {}) });

/** What the user code saw, per session and node. */
interface Seen {
  input: unknown;
  fanouts: string;
  runs: number;
}

/** A world with one workflow compiled from a graph; records each node's input and runs, and each function's deliveries. */
class Harness {
  static async create(name: string, options: WorldOptions = {}): Promise<Harness> {
    return new Harness(await World.create(name, options));
  }

  /** session → node → what its user code saw. */
  readonly seen: Record<string, Record<string, Seen>> = {};
  /** Deliveries (function invocations) per function name since the last reset. */
  deliveries: Record<string, number> = {};
  configs: Record<string, FunctionConfig> = {};

  private readonly reader = new DynamoDBClient({
    region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, endpoint: process.env.UNUM_TEST_DYNAMODB_ENDPOINT,
  });

  private constructor(readonly w: World) {
    const invoke = w.invoke.bind(w);
    w.invoke = async (request: InvokeRequest) => {
      this.deliveries[request.functionName] = (this.deliveries[request.functionName] ?? 0) + 1;
      return invoke(request);
    };
  }

  deploy(start: string, states: GraphState[], handlersOf: Record<string, UnumHandler> | ((h: Harness) => Record<string, UnumHandler>)): void {
    const handlers = typeof handlersOf === 'function' ? handlersOf(this) : handlersOf;
    const compiled = compileWorkflow({ name: 'wf', start, states });
    this.configs = Object.fromEntries(compiled.functions.map((c) => [c.node, c]));
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(this.configs).sort());
    this.w.deploy('wf', compiled.functions.map((config) => ({
      node: config.node,
      entry: config.entry,
      next: config.next,
      catch: [...config.catch],
      retry: [...config.retry],
      ...(config.dataFlow ? { dataFlow: config.dataFlow } : {}),
      handler: (input: unknown, ctx: UnumContext) => {
        const nodes = (this.seen[ctx.session] ??= {});
        const seen = (nodes[ctx.node] ??= { input: undefined, fanouts: '', runs: 0 });
        seen.input = input;
        seen.fanouts = ctx.fanouts.map((f) => `${f.fanout}${f.index}/${f.size}`).join('.');
        seen.runs++;
        return handlers[config.node](input, ctx);
      },
    })));
  }

  async run(input: unknown): Promise<string> {
    this.deliveries = {};
    this.w.counter.reset();
    return this.w.run(input);
  }

  /** Inputs by node of one session. */
  inputs(session: string): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.seen[session] ?? {}).map(([node, s]) => [node, s.input]));
  }

  /** User-code runs by node of one session. */
  runs(session: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.seen[session] ?? {}).map(([node, s]) => [node, s.runs]));
  }

  /** Deliveries by node (functions only) since the last run started. */
  delivered(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.deliveries).map(([fn, n]) => [fn.replace(/^fn-/, ''), n]));
  }

  /** Checkpoints committed in a session, by instance key (successful conditional puts). */
  commits(session: string): Record<string, number> {
    const prefix = this.w.keys(session).checkpoint;
    return Object.fromEntries(Object.entries(this.w.counter.commits)
      .filter(([pk]) => pk.startsWith(prefix)).map(([pk, n]) => [pk.slice(prefix.length), n]));
  }

  /** Waits until the shard of a (single-shard) join instance holds `element` (read with a client the counter does not see). */
  async joined(session: string, instance: string, element: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = await this.reader.send(new GetItemCommand({
        TableName: this.w.table, Key: keyOf(joinShardItemKey({ workflow: this.w.workflow, session }, instance, 0)), ConsistentRead: true,
      }));
      if (out.Item?.e?.SS?.includes(element)) return;
      if (Date.now() > deadline) throw new Error(`join ${instance} never received ${element}`);
      await sleep(5);
    }
  }

  async status(session: string): Promise<{ status: string; failures: readonly unknown[] }> {
    const d = await this.w.client.describeSession(session);
    return { status: d.status, failures: d.failures ?? [] };
  }

  async close(): Promise<void> {
    this.reader.destroy();
    await this.w.close();
  }
}

// 1. Start → Choice → Hello | Bye, both predecessors of J → End.
const helloBye: GraphState[] = [
  task('Start', 'Which'),
  {
    kind: 'choice',
    id: 'Which',
    choices: [{ condition: { op: 'stringEquals', path: '$.say', value: 'hello' }, next: 'Hello' }],
    otherwise: 'Bye',
  },
  task('Hello', 'J'),
  task('Bye', 'J'),
  fanIn('J', ['Hello', 'Bye'], 'End'),
  task('End'),
];
const helloByeHandlers: Record<string, UnumHandler> = {
  Start: (x: { say: string; name: string }) => x,
  Hello: (x: { name: string }) => `hello ${x.name}`,
  Bye: (x: { name: string }) => `bye ${x.name}`,
  End: (list: Array<string | null>) => ({ said: list }),
};

// 2. Not series-parallel: P and Q are dissolved; D joins across P's branches, End across Q's and the root.
const nonSeriesParallel: GraphState[] = [
  task('Start', 'P'),
  { kind: 'parallel', id: 'P', branches: ['A', 'B'] },
  task('A', 'Q'),
  { kind: 'parallel', id: 'Q', branches: ['C', 'PassA'] },
  task('C', 'End'),
  { kind: 'pass', id: 'PassA', dataFlow: {}, next: 'D' },
  task('B', 'D'),
  fanIn('D', ['PassA', 'B'], 'Dfn'),
  task('Dfn', 'End'),
  fanIn('End', ['C', 'Dfn'], 'Last'),
  task('Last'),
];
const nonSeriesParallelHandlers: Record<string, UnumHandler> = {
  Start: (x: number) => x,
  A: async (x: number) => {
    await sleep(10);
    return { a: x + 1 };
  },
  B: (x: number) => ({ b: x * 2 }),
  C: async (x: { a: number }) => {
    await sleep(20);
    return { c: x.a * 10 };
  },
  Dfn: (list: unknown[]) => ({ d: list }),
  Last: (list: unknown[]) => ({ last: list }),
};

// 3. A's catch leads to Fix, and both are predecessors of J.
const catchPath: GraphState[] = [
  task('Start', 'A'),
  task('A', 'J', { catch: [{ errors: ['States.ALL'], resultPath: '$.error', next: 'Fix' }] }),
  task('Fix', 'J'),
  fanIn('J', ['A', 'Fix'], 'End'),
  task('End'),
];
const catchPathHandlers: Record<string, UnumHandler> = {
  Start: (x: { fail: boolean; n: number }) => x,
  A: (x: { fail: boolean; n: number }) => {
    if (x.fail) {
      const e = new Error(`cannot do ${x.n}`);
      e.name = 'Custom.Broken';
      throw e;
    }
    return { done: x.n };
  },
  Fix: (x: { n: number; error: { Error: string; Cause: string } }) => ({ fixed: x.n, after: x.error.Error }),
  End: (list: unknown[]) => list,
};

/**
 * 4. The live arrival and the skip mark race for J. Z's slot is ruled out by
 * Y's Choice when it takes otherwise (to W); when Y waits for X's arrival,
 * that skip mark is the last event at J and completes it. J → K and W both
 * meet at J2.
 */
const skipCompletes: GraphState[] = [
  task('Start', 'P'),
  { kind: 'parallel', id: 'P', branches: ['X', 'Y'] },
  task('X', 'J'),
  task('Y', 'Go'),
  { kind: 'choice', id: 'Go', choices: [{ condition: { op: 'booleanEquals', path: '$.go', value: true }, next: 'Z' }], otherwise: 'W' },
  task('Z', 'J'),
  task('W', 'J2'),
  fanIn('J', ['X', 'Z'], 'K'),
  task('K', 'J2'),
  fanIn('J2', ['K', 'W'], 'End'),
  task('End'),
];
/** `first`: whose event reaches J first, X's arrival or Y's skip mark (the other's function waits for it); 'none': no ordering. */
const skipCompletesHandlers = (first: 'X' | 'Y' | 'none') => (h: Harness): Record<string, UnumHandler> => ({
  Start: (x: { go: boolean }) => x,
  X: async (_x: unknown, ctx: UnumContext) => {
    if (first === 'Y') await h.joined(ctx.session, 'J|0', '1.~');
    return 'x';
  },
  Y: async (x: { go: boolean }, ctx: UnumContext) => {
    if (first === 'X') await h.joined(ctx.session, 'J|0', '0');
    return x;
  },
  Z: () => 'z',
  W: () => 'w',
  K: (list: unknown[]) => ({ k: list }),
  End: (list: unknown[]) => list,
});

/**
 * 5. A DAG join that ends a branch of an outer Parallel (closed by OJ):
 * branch 0 is S0 → P (dissolved) → A, B → J; branch 1 is S1.
 */
const nested: GraphState[] = [
  task('Start', 'Outer'),
  { kind: 'parallel', id: 'Outer', branches: ['S0', 'S1'], next: 'OJ' },
  task('S0', 'P'),
  { kind: 'parallel', id: 'P', branches: ['A', 'B'] },
  task('A', 'J'),
  task('B', 'J'),
  fanIn('J', ['A', 'B']),
  task('S1'),
  { kind: 'fanIn', id: 'OJ', next: 'Fin' },
  task('Fin'),
];
const nestedHandlers: Record<string, UnumHandler> = {
  Start: (x: number) => x,
  S0: (x: number) => x + 1,
  A: async (x: number) => {
    await sleep(15);
    return `a${x}`;
  },
  B: (x: number) => `b${x}`,
  S1: (x: number) => `s${x}`,
  Fin: (list: unknown[]) => ({ fin: list }),
};

describe('DAG join runs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.create('dag');
  });
  afterAll(async () => h.close());

  test('hello/bye: the path the Choice takes arrives, the other is skipped; End runs once with null in its slot', async () => {
    h.deploy('Start', helloBye, helloByeHandlers);

    const hello = await h.run({ say: 'hello', name: 'Ann' });
    expect(await h.w.result(hello)).toEqual({ said: ['hello Ann', null] });
    expect(h.inputs(hello)).toEqual({ Start: { say: 'hello', name: 'Ann' }, Hello: { say: 'hello', name: 'Ann' }, End: ['hello Ann', null] });
    expect(h.runs(hello)).toEqual({ Start: 1, Hello: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, Hello: 1, End: 1 });
    // Start's egress marks Bye skipped (one set ADD); Hello arrives (set ADD) and claims the completion.
    expect(h.w.counter.byFunction['fn-Start'].UpdateItemCommand).toBe(1);
    expect(h.w.counter.byFunction['fn-Hello'].UpdateItemCommand).toBe(2);
    expect(await h.status(hello)).toEqual({ status: 'SUCCEEDED', failures: [] });

    const bye = await h.run({ say: 'ciao', name: 'Bob' });
    expect(await h.w.result(bye)).toEqual({ said: [null, 'bye Bob'] });
    expect(h.inputs(bye).End).toEqual([null, 'bye Bob']);
    expect(h.runs(bye)).toEqual({ Start: 1, Bye: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, Bye: 1, End: 1 });
    expect(await h.status(bye)).toEqual({ status: 'SUCCEEDED', failures: [] });

    // The join instance holds exactly one live and one skipped element.
    const shards = await h.w.items(`${h.w.keys(bye).join}J|`);
    expect(shards).toHaveLength(1);
    expect([...shards[0].e.SS].sort()).toEqual(['0.~', '1']);
  });

  test('a join whose predecessors two decisions skipped together skips in turn the predecessor only it leads to', async () => {
    const choice = (id: string, path: string, then: string, otherwise: string): GraphState =>
      ({ kind: 'choice', id, choices: [{ condition: { op: 'booleanEquals', path, value: true }, next: then }], otherwise });
    h.deploy('Start', [
      task('Start', 'First'),
      choice('First', '$.first', 'X1', 'Second'),
      choice('Second', '$.second', 'X2', 'B'),
      task('X1', 'AJoin'), task('X2', 'AJoin'), fanIn('AJoin', ['X1', 'X2'], 'A'),
      task('A', 'J'), task('B', 'J'), fanIn('J', ['A', 'B'], 'End'), task('End'),
    ], {
      Start: (x) => x, X1: () => 'x1', X2: () => 'x2', A: (xs) => ({ a: xs }), B: () => 'b', End: (both) => both,
    });
    const viaFirst = await h.run({ first: true });
    expect(await h.w.result(viaFirst)).toEqual([{ a: ['x1', null] }, null]);
    expect(h.delivered()).toEqual({ Start: 1, X1: 1, A: 1, End: 1 });
    const viaSecond = await h.run({ first: false, second: true });
    expect(await h.w.result(viaSecond)).toEqual([{ a: [null, 'x2'] }, null]);
    // Start's egress skips X1 (First) and X2 (Second): AJoin is complete with no live slot, so A is skipped at J.
    const neither = await h.run({ first: false, second: false });
    expect(await h.w.result(neither)).toEqual([null, 'b']);
    expect(h.delivered()).toEqual({ Start: 1, B: 1, End: 1 });
    expect(h.runs(neither)).toEqual({ Start: 1, B: 1, End: 1 });
    const joins = await h.w.items(h.w.keys(neither).join);
    expect(joins.map((item) => [...item.e.SS].sort()).sort()).toEqual([['0.~', '1'], ['0.~', '1.~']]);
  });

  test('a DAG that is not series-parallel: joins across dissolved Parallels, a Pass as predecessor', async () => {
    h.deploy('Start', nonSeriesParallel, nonSeriesParallelHandlers);
    const session = await h.run(4);
    expect(await h.w.result(session)).toEqual({ last: [{ c: 50 }, { d: [{ a: 5 }, { b: 8 }] }] });
    const inputs = h.inputs(session);
    expect(inputs).toEqual({
      Start: 4,
      A: 4,
      B: 4,
      C: { a: 5 },
      Dfn: [{ a: 5 }, { b: 8 }],
      Last: [{ c: 50 }, { d: [{ a: 5 }, { b: 8 }] }],
    });
    expect(h.runs(session)).toEqual({ Start: 1, A: 1, B: 1, C: 1, Dfn: 1, Last: 1 });
    expect(h.delivered()).toEqual({ Start: 1, A: 1, B: 1, C: 1, Dfn: 1, Last: 1 });
    // Each runs in its own scope: the joins pop the dissolved branches.
    const fanouts = Object.fromEntries(Object.entries(h.seen[session]).map(([node, s]) => [node, s.fanouts]));
    expect(fanouts).toEqual({ Start: '', A: 'P0/2', B: 'P1/2', C: 'P0/2.Q0/2', Dfn: '', Last: '' });
    expect(await h.status(session)).toEqual({ status: 'SUCCEEDED', failures: [] });
  });

  test('a catch path: A fails into Fix (A\'s slot null), or A succeeds (Fix\'s slot null)', async () => {
    h.deploy('Start', catchPath, catchPathHandlers);

    const failed = await h.run({ fail: true, n: 7 });
    expect(await h.w.result(failed)).toEqual([null, { fixed: 7, after: 'Custom.Broken' }]);
    expect(h.inputs(failed).Fix).toEqual({ fail: true, n: 7, error: { Error: 'Custom.Broken', Cause: 'cannot do 7' } });
    expect(h.runs(failed)).toEqual({ Start: 1, A: 1, Fix: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, A: 1, Fix: 1, End: 1 });
    expect(await h.status(failed)).toEqual({ status: 'SUCCEEDED', failures: [] });

    const ok = await h.run({ fail: false, n: 8 });
    expect(await h.w.result(ok)).toEqual([{ done: 8 }, null]);
    expect(h.runs(ok)).toEqual({ Start: 1, A: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, A: 1, End: 1 });
  });

  test('a skip mark that comes last completes the join and continues it, once', async () => {
    h.deploy('Start', skipCompletes, skipCompletesHandlers('X'));
    const session = await h.run({ go: false });
    expect(await h.w.result(session)).toEqual([{ k: ['x', null] }, 'w']);
    expect(h.inputs(session).K).toEqual(['x', null]);
    expect(h.runs(session)).toEqual({ Start: 1, X: 1, Y: 1, W: 1, K: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, X: 1, Y: 1, W: 1, K: 1, End: 1 });
    // X arrived first and continued nothing; Y's skip mark completed J and invoked K (and Y invoked W).
    expect(h.w.counter.byFunction['fn-X'].InvokeCommand).toBeUndefined();
    expect(h.w.counter.byFunction['fn-Y'].InvokeCommand).toBe(2);
    expect(await h.status(session)).toEqual({ status: 'SUCCEEDED', failures: [] });

    const go = await h.run({ go: true });
    expect(await h.w.result(go)).toEqual([{ k: ['x', 'z'] }, null]);
    expect(h.runs(go)).toEqual({ Start: 1, X: 1, Y: 1, Z: 1, K: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, X: 1, Y: 1, Z: 1, K: 1, End: 1 });
  });

  test('a skip mark that comes first leaves the completion to the live arrival', async () => {
    h.deploy('Start', skipCompletes, skipCompletesHandlers('Y'));
    const session = await h.run({ go: false });
    expect(await h.w.result(session)).toEqual([{ k: ['x', null] }, 'w']);
    expect(h.runs(session)).toEqual({ Start: 1, X: 1, Y: 1, W: 1, K: 1, End: 1 });
    expect(h.delivered()).toEqual({ Start: 1, X: 1, Y: 1, W: 1, K: 1, End: 1 });
    expect(h.w.counter.byFunction['fn-X'].InvokeCommand).toBe(1);
    expect(h.w.counter.byFunction['fn-Y'].InvokeCommand).toBe(1);
  });

  test('a DAG join that ends an outer Parallel branch arrives at the outer join with its list', async () => {
    h.deploy('Start', nested, nestedHandlers);
    const session = await h.run(1);
    expect(await h.w.result(session)).toEqual({ fin: [['a2', 'b2'], 's1'] });
    expect(h.inputs(session).Fin).toEqual([['a2', 'b2'], 's1']);
    expect(h.runs(session)).toEqual({ Start: 1, S0: 1, A: 1, B: 1, S1: 1, Fin: 1 });
    expect(h.delivered()).toEqual({ Start: 1, S0: 1, A: 1, B: 1, S1: 1, Fin: 1 });
    const fanouts = Object.fromEntries(Object.entries(h.seen[session]).map(([node, s]) => [node, s.fanouts]));
    expect(fanouts).toEqual({ Start: '', S0: 'Outer0/2', A: 'Outer0/2.P0/2', B: 'Outer0/2.P1/2', S1: 'Outer1/2', Fin: '' });
  });
});

describe('DAG joins in other scopes and with the store\'s other paths', () => {
  test('a DAG join in each item of a Map, cascading into the Map\'s join', async () => {
    const h = await Harness.create('dag-map');
    try {
      h.deploy('Start', [
        task('Start', 'M'),
        { kind: 'map', id: 'M', iterator: 'S', itemsPath: '$', next: 'MJ' },
        task('S', 'P'),
        { kind: 'parallel', id: 'P', branches: ['A', 'B'] },
        task('A', 'J'),
        task('B', 'J'),
        fanIn('J', ['A', 'B']),
        { kind: 'fanIn', id: 'MJ', next: 'Fin' },
        task('Fin'),
      ], {
        Start: (x: number[]) => x,
        S: (x: number) => x * 10,
        A: async (x: number, ctx) => {
          await sleep(5 * (3 - ctx.fanouts[0].index));
          return `a${x}`;
        },
        B: (x: number) => `b${x}`,
        Fin: (list: unknown[]) => list,
      });
      const session = await h.run([1, 2, 3]);
      expect(await h.w.result(session)).toEqual([['a10', 'b10'], ['a20', 'b20'], ['a30', 'b30']]);
      expect(h.delivered()).toEqual({ Start: 1, S: 3, A: 3, B: 3, Fin: 1 });
      // Each item's join list is checkpointed for the Map join's reader.
      expect(Object.keys(h.commits(session)).filter((k) => k.startsWith('J|')).sort()).toEqual(['J|0:0/0', 'J|0:1/0', 'J|0:2/0']);
    } finally {
      await h.close();
    }
  });

  test('a loop around a Parallel whose branch holds a DAG join: each iteration joins its own instances', async () => {
    const h = await Harness.create('dag-loop');
    try {
      h.deploy('Start', [
        task('Start', 'Body'),
        task('Body', 'Outer'),
        { kind: 'parallel', id: 'Outer', branches: ['S0', 'S1'], next: 'OJ' },
        task('S0', 'P'),
        { kind: 'parallel', id: 'P', branches: ['A', 'B'] },
        task('A', 'J'),
        task('B', 'J'),
        fanIn('J', ['A', 'B']),
        task('S1'),
        { kind: 'fanIn', id: 'OJ', next: 'Check' },
        task('Check', 'More'),
        { kind: 'choice', id: 'More', choices: [{ condition: { op: 'numberLessThan', path: '$.n', value: 3 }, next: 'Body' }], otherwise: 'Done' },
        { kind: 'succeed', id: 'Done' },
      ], {
        Start: () => ({ n: 0, log: [] }),
        Body: (x: unknown) => x,
        S0: (x: unknown) => x,
        A: (x: { n: number }, ctx) => `a${x.n}@${ctx.iteration}`,
        B: (x: { n: number }, ctx) => `b${x.n}@${ctx.iteration}`,
        S1: (x: { log: string[] }) => x.log,
        Check: ([[a, b], log]: [[string, string], string[]]) => ({ n: log.length + 1, log: [...log, `${a}+${b}`] }),
      });
      const session = await h.run(null);
      expect(await h.w.result(session)).toEqual({ n: 3, log: ['a0@0+b0@0', 'a1@1+b1@1', 'a2@2+b2@2'] });
      expect(h.runs(session)).toEqual({ Start: 1, Body: 3, S0: 3, A: 3, B: 3, S1: 3, Check: 3 });
      const commits = h.commits(session);
      expect(Object.keys(commits).filter((k) => /^(A|J)\|/.test(k)).sort())
        .toEqual(['A|0:0/0:0/0', 'A|1:0/1:0/1', 'A|2:0/2:0/2', 'J|0:0/0', 'J|1:0/1', 'J|2:0/2']);
    } finally {
      await h.close();
    }
  });

  test('a DAG join that ends the workflow: its list is the result (also with eager GC, which leaves no join or checkpoint)', async () => {
    const states: GraphState[] = [
      ...helloBye.slice(0, 4),
      fanIn('J', ['Hello', 'Bye']),
    ];
    const handlers = { Start: helloByeHandlers.Start, Hello: helloByeHandlers.Hello, Bye: helloByeHandlers.Bye };
    for (const eagerGc of [false, true]) {
      const h = await Harness.create('dag-end', { eagerGc });
      try {
        h.deploy('Start', states, handlers);
        const session = await h.run({ say: 'bye', name: 'Cy' });
        expect(await h.w.result(session)).toEqual([null, 'bye Cy']);
        const left = (await h.w.items()).map((i) => i.pk.S as string).filter((pk) => !pk.startsWith(h.w.keys(session).session));
        const k = h.w.keys(session);
        if (eagerGc) expect(left).toEqual([]);
        else expect(left.sort()).toEqual([`${k.checkpoint}Bye|0`, `${k.checkpoint}Start|0`, `${k.join}J|0#0`]);
      } finally {
        await h.close();
      }
    }
  });

  test('outputs above the payload threshold (a Pass predecessor\'s value too) travel through S3', async () => {
    const h = await Harness.create('dag-large', { payloadThreshold: 100 });
    try {
      h.deploy('Start', nonSeriesParallel, {
        Start: (x: string) => x,
        A: (x: string) => x.repeat(300),
        B: () => 'b'.repeat(200),
        C: (x: string) => x.length,
        Dfn: (list: string[]) => list.map((x) => `${x[0]}${x.length}`),
        Last: (list: unknown[]) => list,
      });
      const session = await h.run('a');
      expect(await h.w.result(session)).toEqual([300, ['a300', 'b200']]);
      expect(h.w.counter.counts.PutObjectCommand).toBeGreaterThanOrEqual(3);
    } finally {
      await h.close();
    }
  });

  test('a decision past a Wait that does not fit in the invocation marks its skip when the Wait resumes', async () => {
    const h = await Harness.create('dag-wait', { remainingMs: 2600 });
    try {
      const states = skipCompletes.flatMap((s): GraphState[] => (s.id === 'Y'
        ? [task('Y', 'Pause'), { kind: 'wait', id: 'Pause', seconds: 1, next: 'Go' }]
        : [s]));
      h.deploy('Start', states, skipCompletesHandlers('none'));
      const session = await h.run({ go: false });
      expect(await h.w.result(session)).toEqual([{ k: ['x', null] }, 'w']);
      // Y ran once and was invoked again to continue after the Wait; that invocation's skip mark completed J.
      expect(h.delivered()).toEqual({ Start: 1, X: 1, Y: 2, W: 1, K: 1, End: 1 });
      expect(h.runs(session)).toEqual({ Start: 1, X: 1, Y: 1, W: 1, K: 1, End: 1 });
      expect(h.w.counter.byFunction['fn-X'].InvokeCommand).toBeUndefined();
    } finally {
      await h.close();
    }
  });

  // Regression: a join followed by a Succeed or by Waits to the end of an outer branch ends that branch with its list.
  // The outer join did not list it among its sources (and a Wait between kept its list from being checkpointed),
  // so the session failed with Unum.InvalidConfig.
  const endings: Record<string, GraphState[]> = {
    'nothing': [],
    'a Succeed': [{ kind: 'succeed', id: 'Done' }],
    'a Wait': [{ kind: 'wait', id: 'Pause', seconds: 0 }],
    'a Wait and a Succeed': [{ kind: 'wait', id: 'Pause', seconds: 0, next: 'Done' }, { kind: 'succeed', id: 'Done' }],
    'a Pass': [{ kind: 'pass', id: 'Keep', dataFlow: {} }],
  };
  test.each(Object.keys(endings).flatMap((ending) => [['DAG join', ending], ['Parallel join', ending]]))(
    'a %s followed by %s ends an outer branch with its list', async (kind, ending) => {
      const dag = kind === 'DAG join';
      const after = endings[ending];
      const h = await Harness.create('dag-ending');
      try {
        h.deploy('Start', [
          task('Start', 'Outer'),
          { kind: 'parallel', id: 'Outer', branches: ['S0', 'S1'], next: 'OJ' },
          task('S0', 'P'),
          { kind: 'parallel', id: 'P', branches: ['A', 'B'], ...(dag ? {} : { next: 'J' }) },
          task('A', dag ? 'J' : undefined),
          task('B', dag ? 'J' : undefined),
          { kind: 'fanIn', id: 'J', ...(dag ? { predecessors: ['A', 'B'] } : {}), ...(after.length > 0 ? { next: after[0].id } : {}) },
          ...after,
          task('S1'),
          { kind: 'fanIn', id: 'OJ', next: 'Fin' },
          task('Fin'),
        ], { Start: (x: number) => x, S0: (x: number) => x + 1, A: (x: number) => `a${x}`, B: (x: number) => `b${x}`, S1: (x: number) => `s${x}`, Fin: (l: unknown[]) => l });
        const session = await h.run(1);
        expect(await h.status(session)).toEqual({ status: 'SUCCEEDED', failures: [] });
        expect(await h.w.result(session)).toEqual([['a2', 'b2'], 's1']);
      } finally {
        await h.close();
      }
    });

  test('protocol: when every predecessor is skipped, the join completes and nothing continues', async () => {
    const h = await Harness.create('dag-all-skipped');
    try {
      const slots = [{ node: 'L', branches: [] }, { node: 'R', branches: [] }];
      const mark = (slot: number) => ({ kind: 'dagJoin' as const, join: 'J', depth: 0, slot, slots, then: { kind: 'invoke' as const, node: 'After', functionName: fnName('After') } });
      h.w.deploy('wf', [
        { node: 'Start', next: { kind: 'skip', joins: [mark(0), mark(1)], next: { kind: 'invoke', node: 'Other', functionName: fnName('Other') } }, handler: (x) => x },
        { node: 'Other', next: { kind: 'succeed' }, handler: () => 'other' },
        { node: 'After', next: { kind: 'succeed' }, handler: () => 'after' },
      ]);
      const session = await h.run(null);
      expect(await h.w.result(session)).toBe('other');
      expect(h.delivered()).toEqual({ Start: 1, Other: 1 });
      const shards = await h.w.items(`${h.w.keys(session).join}J|`);
      expect([...shards[0].e.SS].sort()).toEqual(['0.~', '1.~']);
    } finally {
      await h.close();
    }
  });
});

/** Graphs run under faults, with their input, result and the checkpoints each run commits. */
const faultCases: Array<{
  name: string;
  start: string;
  states: GraphState[];
  handlers: Record<string, UnumHandler> | ((h: Harness) => Record<string, UnumHandler>);
  input: unknown;
  result: unknown;
  checkpoints: string[];
  /** Under duplicates: the most invocations the egress of the listed functions makes (one set per delivery; where deterministic). */
  invokes?: (delivered: Record<string, number>) => Record<string, number>;
  /** Instances whose crash after completing a join must be healed (the arrivals that complete one, where deterministic). */
  completes?: string[];
}> = [
  {
    name: 'hello',
    start: 'Start',
    states: helloBye,
    handlers: helloByeHandlers,
    input: { say: 'hello', name: 'Ann' },
    result: { said: ['hello Ann', null] },
    checkpoints: ['Start|0', 'Hello|0', 'End|0'],
    // Every delivery of Start marks Bye skipped and invokes Hello; a late one that finds J complete does not continue it.
    invokes: (d) => ({ Start: d.Start, Hello: d.Hello, End: 0 }),
    completes: ['Hello|0'],
  },
  {
    name: 'non-series-parallel',
    start: 'Start',
    states: nonSeriesParallel,
    handlers: nonSeriesParallelHandlers,
    input: 4,
    result: { last: [{ c: 50 }, { d: [{ a: 5 }, { b: 8 }] }] },
    checkpoints: ['Start|0', 'A|0:0/0', 'B|0:1/0', 'C|0:0/0:0/0', 'PassA|0:0/0:1/0', 'Dfn|0', 'Last|0'],
  },
  {
    name: 'catch',
    start: 'Start',
    states: catchPath,
    handlers: catchPathHandlers,
    input: { fail: true, n: 7 },
    result: [null, { fixed: 7, after: 'Custom.Broken' }],
    checkpoints: ['Start|0', 'A|0', 'Fix|0', 'End|0'],
    invokes: (d) => ({ Start: d.Start, A: d.A, Fix: d.Fix, End: 0 }),
    completes: ['Fix|0'],
  },
  {
    name: 'skip mark completes',
    start: 'Start',
    states: skipCompletes,
    handlers: skipCompletesHandlers('X'),
    input: { go: false },
    result: [{ k: ['x', null] }, 'w'],
    checkpoints: ['Start|0', 'X|0:0/0', 'Y|0:1/0', 'W|0:1/0', 'K|0', 'End|0'],
    // X never continues J: every delivery of Y completes it with the same skip mark (K) and invokes W.
    // (Which of K and W completes J2 is a race.)
    invokes: (d) => ({ Start: 2 * d.Start, X: 0, Y: 2 * d.Y, Z: 0 }),
    completes: ['Y|0:1/0'],
  },
  {
    name: 'nested cascade',
    start: 'Start',
    states: nested,
    handlers: nestedHandlers,
    input: 1,
    result: { fin: [['a2', 'b2'], 's1'] },
    // J's list is checkpointed for OJ's reader.
    checkpoints: ['Start|0', 'S0|0:0/0', 'A|0:0/0:0/0', 'B|0:0/0:1/0', 'J|0:0/0', 'S1|0:1/0', 'Fin|0'],
  },
];

describe.each(faultCases)('$name under faults', ({ start, states, handlers, input, result, checkpoints, invokes, completes }) => {
  const expectExactlyOnce = (h: Harness, session: string) => {
    expect(h.commits(session)).toEqual(Object.fromEntries(checkpoints.map((c) => [c, 1])));
  };

  test('duplicate delivery of every message: same result, each checkpoint committed once', async () => {
    const h = await Harness.create('dag-dup', { endpoint: { duplicate: () => true } });
    try {
      h.deploy(start, states, handlers);
      const session = await h.run(input);
      expect(await h.w.result(session)).toEqual(result);
      expect(h.w.endpoint.stats.duplicated).toBeGreaterThanOrEqual(checkpoints.length - 1);
      expectExactlyOnce(h, session);
      expect(await h.status(session)).toEqual({ status: 'SUCCEEDED', failures: [] });
      if (invokes) {
        const expected = invokes(h.delivered());
        // `expected` is what every delivery would invoke; a duplicate skips successors that committed already.
        for (const [node, most] of Object.entries(expected)) {
          const made = h.w.counter.byFunction[fnName(node)]?.InvokeCommand ?? 0;
          expect([node, made >= Math.min(most, 1) && made <= most]).toEqual([node, true]);
        }
      }
    } finally {
      await h.close();
    }
  });

  describe('a crash after each step, then Lambda redelivers', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await Harness.create('dag-crash');
      h.deploy(start, states, handlers);
    });
    afterAll(async () => h.close());

    test.each([...FAULT_STEPS])('%s', async (step) => {
      const crashed = new Set<string>();
      h.w.faults = (at, info) => {
        const key = `${info.session}/${info.instance}`;
        if (at === step && !crashed.has(key)) {
          crashed.add(key);
          throw new SimulatedCrash(at, info);
        }
      };
      const session = await h.run(input);
      h.w.faults = undefined;
      expect(crashed.size).toBeGreaterThanOrEqual(1);
      if (step === 'after-join-complete' && completes) {
        for (const instance of completes) expect(crashed).toContain(`${session}/${instance}`);
      }
      expect(h.w.endpoint.failures).toEqual([]);
      expect(await h.w.result(session)).toEqual(result);
      expectExactlyOnce(h, session);
      expect(await h.status(session)).toEqual({ status: 'SUCCEEDED', failures: [] });
    });
  });
});
