/**
 * The imported fixtures as runnable cases: which stub functions each
 * node runs (test/importers/apps/functions/<format>-<fixture>.ts) and, per
 * input, the outcome Step Functions' (or FaaSr's) semantics prescribe — the
 * same stubs and expectations as asl.test.ts and faasr.test.ts, here run
 * through the local engine by engine.test.ts on the app apps/imported-app.ts.
 */
import * as path from 'path';

export type Format = 'asl' | 'faasr';

export type Outcome =
  | { readonly status: 'SUCCEEDED'; readonly result: unknown }
  | { readonly status: 'FAILED'; readonly error: string };

export interface CaseRun {
  readonly input: unknown;
  readonly expected: Outcome;
}

export interface ImportCase {
  /** The workflow's name in the app (unique). */
  readonly workflow: string;
  readonly format: Format;
  /** test/fixtures/<format>/<fixture>.json */
  readonly fixture: string;
  /** Key the functions by the last of a task's keys (the Lambda function name) instead of the state name. */
  readonly keyBy?: 'state' | 'function';
  /** Node → export of the stub module, where it is not the export named as the node (or `identity` when there is none). */
  readonly handlers?: Readonly<Record<string, string>>;
  readonly runs: readonly CaseRun[];
}

export const fixtureFile = (c: Pick<ImportCase, 'format' | 'fixture'>): string =>
  path.join(__dirname, '..', 'fixtures', c.format, `${c.fixture}.json`);

export const stubFile = (c: Pick<ImportCase, 'format' | 'fixture'>): string =>
  path.join(__dirname, 'apps', 'functions', `${c.format}-${c.fixture}.ts`);

const ok = (input: unknown, result: unknown): CaseRun => ({ input, expected: { status: 'SUCCEEDED', result } });
const failed = (input: unknown, error: string): CaseRun => ({ input, expected: { status: 'FAILED', error } });

const since = '2019-05-01T00:00:00Z';
const clean = { blocked: false, email: 'a@mail.example' };
const ranks = Array.from({ length: 10 }, (_, i) => ({ rank: i + 1, max: 10, value: (i + 1) * 2 }));

const ORDERS = [
  { id: 'a', total: 5, status: 'paid' }, { id: 'b', total: 25, status: 'paid' }, { id: 'c', total: 40, status: 'void' },
  { id: 'd', total: 12, status: 'paid', lines: [{ sku: 'x', qty: 2 }, { sku: 'y', qty: 1 }] },
];

export const CASES: readonly ImportCase[] = [
  {
    workflow: 'asl-data-flow',
    format: 'asl',
    fixture: 'data-flow',
    runs: [
      ok({ order: { id: 'o-1', items: [3, 4] } }, { total: 7, currency: 'EUR' }),
      // A path that does not match fails the session with States.Runtime, as Step Functions does.
      failed({ nothing: true }, 'States.Runtime'),
    ],
  },
  {
    workflow: 'asl-choice',
    format: 'asl',
    fixture: 'choice',
    runs: [
      ok({ kind: 'vip', spent: 1500, since }, 'Vip'),
      failed({ kind: 'x', blocked: true, since }, 'Rejected'),
      failed({ kind: 'x', blocked: false, email: 'a@spam.example', since }, 'Rejected'),
      // Every field a comparison reads is present: a missing one is States.Runtime, as in Step Functions (below).
      ok({ kind: 'vip', spent: 10, blocked: false, email: 'a@mail.example' }, 'Newcomer'),
      ok({ kind: 'x', since, spent: 10, limit: 20, tier: 'c', ...clean }, 'Loyal'),
      ok({ kind: 'x', since: '2021-01-01T00:00:00Z', spent: 10, limit: 20, tier: 'c', ...clean }, 'Regular'),
      ok({ kind: 'x', since, spent: 30, limit: 20, tier: 'c', ...clean }, 'Regular'),
      ok({ kind: 'x', since, spent: 10, limit: 20, tier: null, ...clean }, 'Regular'),
      ok({ kind: 'x', since, spent: 10, limit: 20, tier: 'a', ...clean }, 'Regular'),
      // The Or's first comparison reads $.blocked, which is not there: the Default is not taken.
      failed({ kind: 'x', since }, 'States.Runtime'),
      // $.limit of NumericLessThanPath is missing.
      failed({ kind: 'x', since, spent: 10, tier: 'c', ...clean }, 'States.Runtime'),
    ],
  },
  {
    workflow: 'asl-jsonpath',
    format: 'asl',
    fixture: 'jsonpath',
    runs: [
      ok({ orders: ORDERS, tags: ['t1', 't2', 't3'] }, {
        ids: ['b', 'd'],
        evens: ['b'],
        sum: 37,
        first: 'b',
        lastTags: ['t2', 't3'],
        everyOther: ['t1', 't3'],
        lines: [{ skus: ['x', 'y'], big: ['c', 'd'] }],
        paidPair: ['paid', 'paid'],
      }),
      failed({ orders: ORDERS, tags: ['t1'] }, 'NoMatch'),
      // Nothing passes the filter: the list is empty and '$[0].id' matches nothing.
      failed({ orders: [ORDERS[0]], tags: ['t3'] }, 'States.Runtime'),
    ],
  },
  {
    workflow: 'asl-parallel',
    format: 'asl',
    fixture: 'parallel',
    runs: [ok({ n: 3 }, { doubled: { n: 7 }, described: 'wrapped:3', inner: [9, 42] })],
  },
  {
    workflow: 'asl-map-iterator',
    format: 'asl',
    fixture: 'map-iterator',
    runs: [ok({ text: 'a bb ccc' }, 'A1-BB2-CCC3'), ok({ text: '' }, [])],
  },
  {
    workflow: 'asl-map-item-processor',
    format: 'asl',
    fixture: 'map-item-processor',
    runs: [ok({ scores: [70, 30, 50] }, 'fail:30@1')],
  },
  {
    workflow: 'asl-retry-catch',
    format: 'asl',
    fixture: 'retry-catch',
    runs: [
      ok({ mode: 'ok' }, { charged: true, attempts: 0 }),
      ok({ mode: 'throttle' }, { charged: true, attempts: 2 }),
      ok({ mode: 'declined' }, { notified: { mode: 'declined', error: { Error: 'CardDeclined', Cause: 'insufficient funds' } } }),
      failed({ mode: 'boom' }, 'ChargeFailed'),
    ],
  },
  {
    workflow: 'asl-wait-loop',
    format: 'asl',
    fixture: 'wait-loop',
    runs: [ok(null, 'polled 2')],
  },
  {
    workflow: 'asl-lambda-invoke',
    format: 'asl',
    fixture: 'lambda-invoke',
    keyBy: 'function',
    runs: [ok({ x: 5 }, { value: 15, description: { text: 'n=15' } })],
  },
  {
    // Step Functions' lambda:invoke output (docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html): { ExecutedVersion, Payload, StatusCode }.
    workflow: 'asl-lambda-invoke-response',
    format: 'asl',
    fixture: 'lambda-invoke-response',
    keyBy: 'function',
    runs: [
      ok({ n: 5 }, { approved: 15, status: 200, version: '$LATEST' }),
      ok({ n: 2 }, { ExecutedVersion: '$LATEST', Payload: { rejected: 6 }, StatusCode: 200 }),
    ],
  },
  {
    workflow: 'asl-states-anywhere',
    format: 'asl',
    fixture: 'states-anywhere',
    runs: [
      ok({ items: [1, 2], wait: 1 }, { ok: true, total: 20, echoed: [1, 2] }),
      // The Fail's ErrorPath selects the error Check returned.
      failed({ items: [1], wait: 0 }, 'TooSmall'),
      // A negative SecondsPath value is a States.Runtime error, as in Step Functions.
      failed({ items: [1, 2], wait: -1 }, 'States.Runtime'),
    ],
  },
  {
    workflow: 'faasr-model-true',
    format: 'faasr',
    fixture: 'model',
    runs: [ok(null, [ranks, 'T'])],
  },
  {
    workflow: 'faasr-model-false',
    format: 'faasr',
    fixture: 'model',
    handlers: { computeB: 'computeBFalse' },
    runs: [ok(null, [ranks, 'F'])],
  },
  {
    workflow: 'faasr-nested',
    format: 'faasr',
    fixture: 'nested',
    runs: [ok(1, ['ab', 'r'])],
  },
  {
    workflow: 'faasr-conditional-join',
    format: 'faasr',
    fixture: 'conditional-join',
    runs: [ok(true, ['fa', 'fb']), ok(false, 'slow')],
  },
  {
    workflow: 'faasr-chain-one-sided',
    format: 'faasr',
    fixture: 'chain-one-sided',
    runs: [ok({ ignored: true }, 'published to output')],
  },
  {
    workflow: 'faasr-chain-one-sided-low',
    format: 'faasr',
    fixture: 'chain-one-sided',
    handlers: { prepare: 'prepareLow' },
    runs: [ok(null, false)],
  },
  // Not series-parallel: FanIns over predecessors, each action with several predecessors joining them in ActionList order.
  {
    workflow: 'faasr-crossed',
    format: 'faasr',
    fixture: 'crossed',
    // end joins [C, D]; D joins [A, R's three copies].
    runs: [ok(1, ['c2', '2|10:1/3,10:2/3,10:3/3']), ok(5, ['c6', '6|50:1/3,50:2/3,50:3/3'])],
  },
  {
    workflow: 'faasr-conditional-crossed',
    format: 'faasr',
    fixture: 'conditional-crossed',
    // report joins [merge, audit]; merge joins [left, fast, slow] and waits only for the side check took (null, shown '-', for the other).
    runs: [ok({ n: 3, fast: true }, ['6,fast,-', 'audit 6']), ok({ n: 3, fast: false }, ['6,-,slow', 'audit 6'])],
  },
  {
    workflow: 'faasr-multi-end',
    format: 'faasr',
    fixture: 'multi-end',
    // The ends, joined in ActionList order: join1, gate when it returns false, publish's copies (null where not reached).
    runs: [ok(4, ['5+8', null, ['out/1of2', 'out/2of2']]), ok(2, ['3+4', false, null])],
  },
];

/** The case of a workflow name. */
export function caseOf(workflow: string): ImportCase {
  const c = CASES.find((x) => x.workflow === workflow);
  if (c === undefined) throw new Error(`no import case '${workflow}'`);
  return c;
}

/** The case's stub functions by node, for running it in process (test/runtime/harness.ts). */
export function stubHandlers(c: ImportCase): Record<string, (input: any, context: any) => unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stubs: Record<string, (input: any, context: any) => unknown> = require(stubFile(c));
  const handlers = { ...stubs };
  for (const [node, exportName] of Object.entries(c.handlers ?? {})) handlers[node] = stubs[exportName];
  return handlers;
}
