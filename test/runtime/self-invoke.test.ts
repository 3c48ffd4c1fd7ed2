import { LambdaClient } from '@aws-sdk/client-lambda';
import { fnName, join, succeed, to, World } from './harness';
import { Action, Envelope } from '../../src/protocol';

/**
 * A function invoked through an alias re-invokes itself through that alias
 * too (a retry's deadline, a Wait or a Map continued later), so the
 * continuation runs on the alias's version with its provisioned
 * concurrency: the name comes from the compiled configuration, not from
 * the Lambda context (which names the unqualified function).
 */

/** FunctionName of every Invoke the runtime sent for an envelope of `node` (read on the SDK client). */
function invokedNames(lambda: LambdaClient, node: string): string[] {
  const names: string[] = [];
  (lambda.middlewareStack as any).add((next: any, context: any) => async (args: any) => {
    if (context.commandName === 'InvokeCommand') {
      const sent = JSON.parse(Buffer.from(args.input.Payload).toString('utf8')) as Envelope;
      if (sent.node === node) names.push(args.input.FunctionName);
    }
    return next(args);
  }, { step: 'initialize', name: 'invokedNames' });
  return names;
}

class Flaky extends Error {
  constructor() {
    super('try again');
    this.name = 'Flaky';
  }
}

test('a retry handed to a fresh invocation goes through the alias', async () => {
  // 2.5 s left per invocation, a 1 s interval: it does not fit with the margin, so the attempt is handed over.
  const w = await World.create('self-retry', { remainingMs: 2500 });
  try {
    const names = invokedNames(w.lambda, 'A');
    const contexts: Array<string | undefined> = [];
    w.deploy('wf', [{
      node: 'A',
      invokeName: `${fnName('A')}:live`,
      next: succeed,
      retry: [{ errors: ['Flaky'], intervalSeconds: 1, maxAttempts: 1, backoffRate: 1 }],
      handler: (_x, ctx) => {
        contexts.push(ctx.lambdaContext?.functionName);
        if (ctx.attempt === 0) throw new Flaky();
        return `attempt ${ctx.attempt}`;
      },
    }]);
    expect(await w.result(await w.run(null))).toBe('attempt 1');
    // The client starts the session unqualified (as one invoking $LATEST would); the re-invocation still takes the alias.
    expect(names[0]).toBe(fnName('A'));
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(new Set(names.slice(1))).toEqual(new Set([`${fnName('A')}:live`]));
    // The Lambda context names the unqualified function in both attempts: it could not have told the runtime the alias.
    expect(contexts).toEqual([fnName('A'), fnName('A')]);
  } finally {
    await w.close();
  }
});

test('a Wait continued later goes through the alias', async () => {
  // 2.5 s left per invocation, a 1 s Wait: it does not fit with the 2 s margin, so the egress continues in re-invocations.
  const w = await World.create('self-wait', { remainingMs: 2500 });
  try {
    const names = invokedNames(w.lambda, 'A');
    const wait: Action = { kind: 'wait', node: 'Pause', seconds: 1, next: to('B') };
    w.deploy('wf', [
      { node: 'A', invokeName: `${fnName('A')}:live`, next: wait, handler: () => 'a' },
      { node: 'B', next: succeed, handler: (x: string) => `${x}b` },
    ]);
    expect(await w.result(await w.run(null))).toBe('ab');
    const continuations = names.slice(1);
    expect(continuations.length).toBeGreaterThanOrEqual(1);
    expect(new Set(continuations)).toEqual(new Set([`${fnName('A')}:live`]));
  } finally {
    await w.close();
  }
});

test('a Map continued later goes through the alias', async () => {
  // Less time left than the fan-out margin: each invocation issues one batch, then continues.
  const w = await World.create('self-map', { remainingMs: 900 });
  try {
    const names = invokedNames(w.lambda, 'Split');
    const map: Action = { kind: 'map', fanout: 'M', join: 'J', width: 25, item: to('W'), onEmpty: to('Agg') };
    w.deploy('wf', [
      { node: 'Split', invokeName: `${fnName('Split')}:live`, next: map, handler: () => 1 },
      { node: 'W', next: join('J', ['W'], to('Agg')), handler: (x: number, ctx: { index: number }) => x + ctx.index },
      { node: 'Agg', next: succeed, handler: (list: number[]) => list.reduce((a, b) => a + b, 0) },
    ], { fanoutBatch: 10 });
    expect(await w.result(await w.run(null))).toBe(25 + (25 * 24) / 2);
    // Two continuations for 25 items in batches of 10, both through the alias.
    expect(names).toEqual([fnName('Split'), `${fnName('Split')}:live`, `${fnName('Split')}:live`]);
  } finally {
    await w.close();
  }
});
