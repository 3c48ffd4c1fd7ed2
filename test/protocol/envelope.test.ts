import { EnvelopeError, MAX_NOT_BEFORE_AHEAD_MS, parseEnvelope } from '../../src/protocol';

/** Envelope.notBefore: a retry's deadline, validated at ingress like every other field. */
const now = 1_800_000_000_000;
const base = { unum: 1, workflow: 'wf', session: 's1', node: 'A', frames: [], iteration: 0, input: { value: 1 }, attempt: 2 };
const parse = (extra: Record<string, unknown>) => parseEnvelope({ ...base, ...extra }, { workflow: 'wf', node: 'A', now });

test('a deadline up to 15 minutes ahead, or in the past, is accepted', () => {
  expect(parse({ notBefore: now + 30_000 }).notBefore).toBe(now + 30_000);
  expect(parse({ notBefore: now + MAX_NOT_BEFORE_AHEAD_MS }).notBefore).toBe(now + MAX_NOT_BEFORE_AHEAD_MS);
  expect(parse({ notBefore: now - 3_600_000 }).notBefore).toBe(now - 3_600_000);
  expect(parse({}).notBefore).toBeUndefined();
});

test('a deadline further ahead than one invocation can wait is refused', () => {
  expect(() => parse({ notBefore: now + MAX_NOT_BEFORE_AHEAD_MS + 1000 }))
    .toThrow(/node 'A': invalid envelope: notBefore lies 901 s ahead, more than the 15 minutes one invocation can wait/);
  expect(() => parse({ notBefore: now + 365 * 86_400_000 })).toThrow(EnvelopeError);
});

test.each([
  ['a string', '2026-01-01T00:00:00Z'],
  ['a fraction', now + 0.5],
  ['negative', -1],
  ['NaN', Number.NaN],
  ['null', null],
])('a malformed deadline (%s) is refused', (_what, notBefore) => {
  expect(() => parse({ notBefore })).toThrow(/notBefore must be a deadline in epoch milliseconds/);
});

test('a deadline without a retry attempt is refused', () => {
  expect(() => parse({ notBefore: now + 1000, attempt: undefined })).toThrow(/notBefore delays a retry only: it needs attempt ≥ 1/);
  expect(() => parse({ notBefore: now + 1000, attempt: 0 })).toThrow(/needs attempt ≥ 1/);
});
