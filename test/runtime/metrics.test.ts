import { FnSpec, succeed, to, World } from './harness';
import { SimulatedCrash } from '../../lambda-runtime';
import { Metrics } from '../../lambda-runtime/metrics';

/**
 * The Node.js runtime's CloudWatch Embedded Metric Format lines: the exact
 * document one invocation writes (lambda-runtime/metrics.ts), then what a
 * workflow's invocations write on stdout when user code fails, when an
 * invocation crashes, and when a payload spills to S3.
 */

const T = 1_700_000_000_000;
const NO_ENV = {};

function collector(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('the EMF document', () => {
  test('workflow metrics under [Workflow], node metrics under [Workflow, Node]; the session is a property, never a dimension', () => {
    const m = new Metrics('orders', 'Charge', { session: 's-1', instance: 'Charge|0' });
    m.count('INVOCATIONS');
    m.count('USER_ERRORS');
    m.count('USER_ERRORS');
    m.count('RETRIES');
    m.userCodeDuration(12);
    m.userCodeDuration(30);
    m.sessionStarted();
    m.sessionSucceeded({ startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:01.250Z' });
    expect(m.document(T, NO_ENV)).toEqual({
      _aws: {
        Timestamp: T,
        CloudWatchMetrics: [
          {
            Namespace: 'cdk-unum',
            Dimensions: [['Workflow']],
            Metrics: [
              { Name: 'SessionsStarted', Unit: 'Count' },
              { Name: 'SessionsSucceeded', Unit: 'Count' },
              { Name: 'SessionDuration', Unit: 'Milliseconds' },
            ],
          },
          {
            Namespace: 'cdk-unum',
            Dimensions: [['Workflow', 'Node']],
            Metrics: [
              { Name: 'Invocations', Unit: 'Count' },
              { Name: 'UserErrors', Unit: 'Count' },
              { Name: 'Retries', Unit: 'Count' },
              { Name: 'UserCodeDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      session: 's-1',
      instance: 'Charge|0',
      Workflow: 'orders',
      Node: 'Charge',
      SessionsStarted: 1,
      SessionsSucceeded: 1,
      SessionDuration: 1250,
      Invocations: 1,
      // Counts add up; each duration is its own value.
      UserErrors: 2,
      Retries: 1,
      UserCodeDuration: [12, 30],
    });
  });

  test('only workflow metrics: one directive, under [Workflow]; the node stays a plain field for Logs Insights', () => {
    const m = new Metrics('orders', 'Charge');
    m.sessionFailed({ startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:00:00.040Z' });
    expect(m.document(T, NO_ENV)).toEqual({
      _aws: {
        Timestamp: T,
        CloudWatchMetrics: [{
          Namespace: 'cdk-unum',
          Dimensions: [['Workflow']],
          Metrics: [{ Name: 'SessionsFailed', Unit: 'Count' }, { Name: 'SessionDuration', Unit: 'Milliseconds' }],
        }],
      },
      Workflow: 'orders',
      Node: 'Charge',
      SessionsFailed: 1,
      SessionDuration: 40,
    });
  });

  test('sessionTimedOut (for a session recorded TIMED_OUT): SessionsTimedOut and the session\'s duration', () => {
    const m = new Metrics('orders', undefined, { session: 's-2' });
    m.sessionTimedOut({ startedAt: '2026-01-01T00:00:00.000Z', endedAt: '2026-01-01T00:05:00.000Z' });
    expect(m.document(T, NO_ENV)).toEqual({
      _aws: {
        Timestamp: T,
        CloudWatchMetrics: [{
          Namespace: 'cdk-unum',
          Dimensions: [['Workflow']],
          Metrics: [{ Name: 'SessionsTimedOut', Unit: 'Count' }, { Name: 'SessionDuration', Unit: 'Milliseconds' }],
        }],
      },
      session: 's-2',
      Workflow: 'orders',
      SessionsTimedOut: 1,
      SessionDuration: 300_000,
    });
  });

  test('a session end without a readable start is counted without a duration; a clock behind the start gives 0, not a negative duration', () => {
    const m = new Metrics('orders');
    m.sessionSucceeded({ endedAt: '2026-01-01T00:00:00.000Z' });
    expect(m.document(T, NO_ENV)).toMatchObject({ SessionsSucceeded: 1 });
    expect(m.document(T, NO_ENV)).not.toHaveProperty('SessionDuration');
    const skewed = new Metrics('orders');
    skewed.sessionSucceeded({ startedAt: '2026-01-01T00:00:01.000Z', endedAt: '2026-01-01T00:00:00.000Z' });
    expect(skewed.document(T, NO_ENV)).toMatchObject({ SessionDuration: 0 });
  });

  test('nothing recorded: no document and no line; node metrics of a metrics object without a node are not written', () => {
    const { lines, write } = collector();
    expect(new Metrics('orders', 'Charge').document(T, NO_ENV)).toBeUndefined();
    const noNode = new Metrics('orders', undefined, {}, write);
    noNode.count('INVOCATIONS');
    expect(noNode.document(T, NO_ENV)).toBeUndefined();
    noNode.flush();
    expect(lines).toEqual([]);
  });

  test('flush writes one JSON line and clears: a second flush writes nothing', () => {
    const { lines, write } = collector();
    const m = new Metrics('orders', 'Charge', {}, write);
    m.count('PAYLOADS_SPILLED');
    m.flush();
    m.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ Workflow: 'orders', Node: 'Charge', PayloadsSpilled: 1 });
  });

  test('at most 100 values per duration (EMF\'s limit); counts keep adding up', () => {
    const m = new Metrics('orders', 'Charge');
    for (let i = 0; i < 150; i++) {
      m.userCodeDuration(i);
      m.count('JOIN_ARRIVALS');
    }
    const doc = m.document(T, NO_ENV)!;
    expect((doc.UserCodeDuration as number[]).length).toBe(100);
    expect(doc.JoinArrivals).toBe(150);
  });

  test('with Lambda\'s JSON log format and a log level, the line carries that level so the filter keeps it', () => {
    const m = new Metrics('orders', 'Charge');
    m.count('INVOCATIONS');
    expect(m.document(T, { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'warn' })).toMatchObject({ level: 'WARN' });
    expect(m.document(T, { AWS_LAMBDA_LOG_FORMAT: 'Text', AWS_LAMBDA_LOG_LEVEL: 'WARN' })).not.toHaveProperty('level');
    expect(m.document(T, { AWS_LAMBDA_LOG_FORMAT: 'JSON' })).not.toHaveProperty('level');
  });
});

/** The EMF lines the runtime writes on stdout while `fn` runs (other output passes through). */
async function emfLines(fn: () => Promise<void>): Promise<Record<string, any>[]> {
  const lines: Record<string, any>[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: any[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"_aws"')) {
      lines.push(JSON.parse(text));
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write);
  try {
    await fn();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

describe('what the runtime writes', () => {
  let w: World;
  afterEach(async () => w?.close());

  test('user code that throws with nothing to handle it: its invocation\'s line counts the error and the failed session', async () => {
    w = await World.create('emf-fail');
    w.deploy('wf', [
      { node: 'A', next: to('B'), handler: (x) => x },
      { node: 'B', next: succeed, handler: () => { throw Object.assign(new Error('no'), { name: 'Broken' }); } },
    ]);
    let session = '';
    const lines = await emfLines(async () => { session = await w.run(1); });
    expect(lines.map((l) => [l.Node, l.session])).toEqual([['A', session], ['B', session]]);
    const b = lines[1];
    expect(b).toMatchObject({ Workflow: 'wf', Node: 'B', instance: 'B|0', Invocations: 1, UserErrors: 1, SessionsFailed: 1 });
    expect(b.SessionDuration).toEqual(expect.any(Number));
    expect(b).not.toHaveProperty('SessionsSucceeded');
    expect(lines[0]).toMatchObject({ Node: 'A', Invocations: 1, SessionsStarted: 1 });
  });

  test('an invocation that throws (Lambda retries it) still writes what it did; the retry writes its own line', async () => {
    w = await World.create('emf-crash');
    w.deploy('wf', [{ node: 'A', next: succeed, handler: (x: number) => x + 1 }]);
    let crashed = false;
    w.faults = (step, info) => {
      if (step === 'after-user-code' && !crashed) {
        crashed = true;
        throw new SimulatedCrash(step, info);
      }
    };
    let session = '';
    const lines = await emfLines(async () => { session = await w.run(1); });
    expect(await w.result(session)).toBe(2);
    expect(lines).toHaveLength(2);
    // The crashed invocation: it ran the user code and started the session, then threw.
    expect(lines[0]).toMatchObject({ Node: 'A', Invocations: 1, SessionsStarted: 1, UserCodeDuration: expect.any(Number) });
    expect(lines[0]).not.toHaveProperty('SessionsSucceeded');
    // Lambda's retry: the session already exists, so it is not started twice; the retry ends it.
    expect(lines[1]).toMatchObject({ Node: 'A', Invocations: 1, SessionsSucceeded: 1 });
    expect(lines[1]).not.toHaveProperty('SessionsStarted');
  });

  test('a session past its timeout is counted TIMED_OUT once, with its duration, by the invocation whose write ended it', async () => {
    w = await World.create('emf-timeout');
    w.deploy('wf', [
      { node: 'A', timeoutSeconds: 1, next: to('B'), handler: (x) => x },
      { node: 'B', next: to('C'), handler: () => new Promise((r) => setTimeout(() => r('late'), 1500)) },
      { node: 'C', next: succeed, handler: (x) => x },
    ]);
    let session = '';
    const lines = await emfLines(async () => { session = await w.run(1); });
    expect((await w.client.describeSession(session)).status).toBe('TIMED_OUT');
    expect(lines.map((l) => l.Node)).toEqual(['A', 'B']);
    expect(lines[1]).toMatchObject({ Node: 'B', session, Invocations: 1, SessionsTimedOut: 1, SessionDuration: expect.any(Number) });
    expect(lines[1].SessionDuration).toBeGreaterThan(0);
    for (const other of ['SessionsFailed', 'SessionsSucceeded', 'UserErrors']) expect(lines[1]).not.toHaveProperty(other);
  });

  test('an output above the payload threshold is counted once as spilled, where it was written to S3', async () => {
    w = await World.create('emf-spill', { payloadThreshold: 1024 });
    const specs: FnSpec[] = [
      { node: 'Big', next: to('Small'), handler: () => 'x'.repeat(4096) },
      { node: 'Small', next: succeed, handler: (x: string) => x.length },
    ];
    w.deploy('wf', specs);
    let session = '';
    const lines = await emfLines(async () => { session = await w.run(null); });
    expect(await w.result(session)).toBe(4096);
    const spilled = lines.map((l) => [l.Node, l.PayloadsSpilled]);
    // Small reads Big's output from S3 by reference: no second copy, no second count.
    expect(spilled).toEqual([['Big', 1], ['Small', undefined]]);
  });
});
