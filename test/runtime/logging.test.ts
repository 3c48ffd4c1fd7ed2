import { FnSpec, join, succeed, to, World } from './harness';
import { invocationFields, jsonLogger, minLogLevel, withFields } from '../../lambda-runtime/log';
import { SESSION_ATTR, TRACE_ENV } from '../../src/protocol';

/** Log lines: JSON on stdout with the instance's identity, Lambda's level setting, the request and trace ids. */

const ROOT = '1-6744a3f0-0123456789abcdef01234567';
const SAMPLED = `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`;

/** Runs `fn` with process variables set (the runtime reads Lambda's per-invocation variables from process.env). */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test("the level follows Lambda's applicationLogLevel, then UNUM_LOG_LEVEL, else info", () => {
  expect(minLogLevel({})).toBe('info');
  expect(minLogLevel({ UNUM_LOG_LEVEL: 'debug' })).toBe('debug');
  // Lambda sets AWS_LAMBDA_LOG_LEVEL (upper case) with the JSON log format: it wins.
  expect(minLogLevel({ AWS_LAMBDA_LOG_LEVEL: 'WARN', UNUM_LOG_LEVEL: 'debug' })).toBe('warn');
  expect(minLogLevel({ AWS_LAMBDA_LOG_LEVEL: 'TRACE' })).toBe('trace');
  expect(minLogLevel({ AWS_LAMBDA_LOG_LEVEL: 'loud' })).toBe('info');
});

test('lines below the level are not written', async () => {
  const lines: string[] = [];
  await withEnv({ AWS_LAMBDA_LOG_LEVEL: 'WARN' }, async () => {
    const logger = jsonLogger({ workflow: 'w' }, { write: (l) => lines.push(l) });
    logger.info('dropped');
    logger.warn('kept');
    logger.error('kept too');
  });
  await withEnv({ AWS_LAMBDA_LOG_LEVEL: 'FATAL' }, async () => jsonLogger({}, { write: (l) => lines.push(l) }).error('dropped at FATAL'));
  expect(lines.map((l) => JSON.parse(l).message)).toEqual(['kept', 'kept too']);
});

test('a line is one JSON object on stdout (not console), whose identity the caller cannot change', () => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    written.push(String(chunk));
    return true;
  });
  try {
    withFields(jsonLogger({ workflow: 'w', node: 'N' }, { minLevel: 'debug' }), { session: 's1', instance: 'N|0' })
      .debug('hello', { session: 'forged', level: 'error', n: 1 });
  } finally {
    spy.mockRestore();
  }
  expect(written).toHaveLength(1);
  expect(written[0].endsWith('\n')).toBe(true);
  const line = JSON.parse(written[0]);
  expect(line).toMatchObject({ session: 's1', instance: 'N|0', workflow: 'w', node: 'N', level: 'debug', message: 'hello', n: 1 });
  expect(new Date(line.timestamp).toISOString()).toBe(line.timestamp);
});

test('the trace id is carried only when the invocation is sampled', () => {
  expect(invocationFields('r1', { [TRACE_ENV]: SAMPLED })).toEqual({ requestId: 'r1', traceId: ROOT });
  expect(invocationFields('r1', { [TRACE_ENV]: SAMPLED.replace('Sampled=1', 'Sampled=0') })).toEqual({ requestId: 'r1' });
  expect(invocationFields(undefined, {})).toEqual({});
});

test("every line of a session (the runtime's and the user's, fan-out, retry, fan-in) names the session and instance", async () => {
  const w = await World.create('logging');
  try {
    const lines: Array<Record<string, any>> = [];
    const failed = new Set<number>();
    const specs: FnSpec[] = [
      { node: 'Split', next: { kind: 'map', fanout: 'M', join: 'J', width: 3, item: to('W'), onEmpty: to('Agg') }, handler: () => 1 },
      {
        node: 'W',
        next: join('J', ['W'], to('Agg')),
        retry: [{ errors: ['States.ALL'], intervalSeconds: 0, maxAttempts: 1, backoffRate: 1 }],
        handler: (x: number, ctx) => {
          ctx.logger.info('item', { index: ctx.index, instance: 'forged' });
          if (ctx.index === 1 && !failed.has(1)) {
            failed.add(1);
            throw new Error('first attempt fails');
          }
          return x + ctx.index;
        },
      },
      { node: 'Agg', next: succeed, handler: (list: number[], ctx) => (ctx.logger.debug('aggregating', { n: list.length }), list.length) },
    ];
    specs.forEach((spec, i) => w.deploy('wf', [{ ...spec, entry: i === 0 }], {
      logger: jsonLogger({ workflow: 'wf', node: spec.node }, { minLevel: 'debug', write: (l) => lines.push(JSON.parse(l)) }),
    }));
    const session = await withEnv({ [TRACE_ENV]: SAMPLED }, () => w.run(null));
    expect(await w.result(session)).toBe(3);
    expect(lines.map((l) => `${l.node} ${l.message}`).sort()).toEqual([
      'Agg aggregating', 'W item', 'W item', 'W item', 'W item', 'W user code failed; retrying',
    ]);
    for (const line of lines) {
      expect(line).toMatchObject({ workflow: 'wf', session, traceId: ROOT });
      expect(line.instance).toMatch(new RegExp(`^${line.node}\\|`));
      expect(typeof line.requestId).toBe('string');
    }
    expect(new Set(lines.filter((l) => l.node === 'W').map((l) => l.instance)).size).toBe(3);
    // The session record names its trace, so `unum status` leads to it.
    const record = (await w.items(w.keys(session).session)).find((i) => i[SESSION_ATTR.STATUS] !== undefined);
    expect(record?.[SESSION_ATTR.TRACE]).toEqual({ S: ROOT });
    expect((await w.client.describeSession(session)).traceId).toBe(ROOT);
  } finally {
    await w.close();
  }
});

test('an untraced session records no trace id, and its lines carry none', async () => {
  const w = await World.create('logging-untraced');
  try {
    const lines: Array<Record<string, any>> = [];
    w.deploy('wf', [{ node: 'A', next: succeed, handler: (x, ctx) => (ctx.logger.info('hi'), x) }], {
      logger: jsonLogger({ workflow: 'wf', node: 'A' }, { write: (l) => lines.push(JSON.parse(l)) }),
    });
    const session = await withEnv({ [TRACE_ENV]: SAMPLED.replace('Sampled=1', 'Sampled=0') }, () => w.run(7));
    expect(await w.result(session)).toBe(7);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ session, instance: 'A|0', message: 'hi' });
    expect(lines[0].traceId).toBeUndefined();
    expect((await w.client.describeSession(session)).traceId).toBeUndefined();
  } finally {
    await w.close();
  }
});
