import { Chaos, faultSteps } from '../../toolkit/src/local/chaos';

/** The fault choices: a pure function of (seed, instance, ordinal). */

test('one seed makes the same choices whatever the order of the questions', () => {
  const a = new Chaos({ crashRate: 0.5, duplicateRate: 0.5, seed: 9 });
  const b = new Chaos({ crashRate: 0.5, duplicateRate: 0.5, seed: 9 });
  const keys = Array.from({ length: 50 }, (_, i) => [`N|${i % 7}/0`, i % 3] as const);
  const ask = (c: Chaos, list: typeof keys): string[] => list.map(([inst, n]) => `${c.crash(inst, n, 2)}:${c.duplicate(inst, n)}`);
  expect(ask(a, keys)).toEqual(ask(b, [...keys].reverse()).reverse());
  const other = new Chaos({ crashRate: 0.5, duplicateRate: 0.5, seed: 10 });
  expect(ask(other, keys)).not.toEqual(ask(a, keys));
});

test('rates are respected roughly and every step can be chosen', () => {
  const c = new Chaos({ crashRate: 0.2, seed: 3 });
  const steps = Array.from({ length: 5000 }, (_, i) => c.crash(`X|${i}`, 0, 2));
  const crashed = steps.filter((s) => s !== undefined);
  expect(crashed.length / steps.length).toBeGreaterThan(0.17);
  expect(crashed.length / steps.length).toBeLessThan(0.23);
  expect(new Set(crashed)).toEqual(new Set(faultSteps()));
});

test('crash-at hits the first invocation of each instance only, and never the last attempt', () => {
  const c = new Chaos({ crashAt: 'after-user-code' });
  expect(c.crash('A|0', 0, 2)).toBe('after-user-code');
  expect(c.crash('A|0', 1, 1)).toBeUndefined();
  expect(c.crash('B|0', 0, 0)).toBeUndefined();
  expect(new Chaos({ crashRate: 1 }).crash('A|0', 5, 0)).toBeUndefined();
});

test('service errors: a chosen SDK call fails its first attempts; the next call of that request is never chosen', () => {
  const c = new Chaos({ throttleRate: 1, serviceErrorAttempts: 2 });
  expect(c.serviceError('dynamodb', 'k', 'call-1')).toBe('ProvisionedThroughputExceededException');
  expect(c.serviceError('dynamodb', 'k', 'call-1')).toBe('ProvisionedThroughputExceededException');
  expect(c.serviceError('dynamodb', 'k', 'call-1')).toBeUndefined();
  expect(c.serviceError('dynamodb', 'k', 'call-2')).toBeUndefined();
  expect(c.serviceError('dynamodb', 'k', 'call-3')).toBe('ProvisionedThroughputExceededException');
  expect(c.serviceError('s3', 'k', 'call-4')).toBeUndefined();
  expect(new Chaos({ lambdaThrottleRate: 1 }).serviceError('lambda', 'k')).toBe('TooManyRequestsException');
});

test('service errors follow the seed, not the order of the requests; S3 gets both SlowDown and InternalError', () => {
  const keys = Array.from({ length: 200 }, (_, i) => `GET /b/${i}`);
  const ask = (c: Chaos, list: string[]): Record<string, string | undefined> =>
    Object.fromEntries(list.map((k) => [k, c.serviceError('s3', k, `id-${k}`)]));
  const a = ask(new Chaos({ s3ErrorRate: 0.3, seed: 4 }), keys);
  expect(ask(new Chaos({ s3ErrorRate: 0.3, seed: 4 }), [...keys].reverse())).toEqual(a);
  expect(new Set(Object.values(a))).toEqual(new Set([undefined, 'SlowDown', 'InternalError']));
});

test('aimed faults hit only the named nodes, inside fan-outs too, and leave the other choices as they were', () => {
  const aimed = new Chaos({ crashRate: 1, duplicateRate: 1, nodes: ['Count'] });
  expect(aimed.crash('Count|0:3/0', 0, 2)).toBeDefined();
  expect(aimed.duplicate('Count|0:3/0', 0)).toBe(true);
  expect(aimed.crash('Split|0', 0, 2)).toBeUndefined();
  expect(aimed.duplicate('Reduce|0:1/0', 0)).toBe(false);
  expect(aimed.aimedAt('Counter|0')).toBe(false);
  const every = new Chaos({ crashRate: 0.5, seed: 4 });
  const some = new Chaos({ crashRate: 0.5, seed: 4, nodes: ['A'] });
  const instances = Array.from({ length: 40 }, (_, i) => `A|0:${i}/0`);
  expect(instances.map((i) => some.crash(i, 0, 2))).toEqual(instances.map((i) => every.crash(i, 0, 2)));
});
