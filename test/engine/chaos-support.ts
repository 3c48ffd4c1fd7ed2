import { readFileSync } from 'fs';
import { examples, startEngine, synthApp } from './support';
import { LocalApp } from '../../toolkit/src/local/assembly';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';

/**
 * Chaos: every example under a crash at each runtime step (the first
 * invocation of every instance crashes there) combined with duplicate
 * deliveries, and under random crashes and duplicates, for several seeds.
 * Every session must end SUCCEEDED with the expected result, no event may be
 * given up on, and every instance — each join's target included — commits
 * its checkpoint exactly once.
 *
 * UNUM_CHAOS_SEEDS sets the last seed (default 1, which keeps npm test
 * quick; `npx projen test:slow` runs 3) and UNUM_CHAOS_FIRST_SEED the first
 * (default 1; test:slow starts at 2, since npm test has just run seed 1).
 * chaos-cases.ts holds the cases of every run, run over the examples split
 * between chaos.test.ts and chaos-second-half.test.ts so that jest's workers
 * share them; chaos.slow.test.ts holds the ones that wait out SDK backoff.
 */
const FIRST_SEED = Number(process.env.UNUM_CHAOS_FIRST_SEED ?? 1);
export const SEEDS: readonly number[] = Array.from(
  { length: Math.max(0, Number(process.env.UNUM_CHAOS_SEEDS ?? 1) - FIRST_SEED + 1) }, (_, i) => FIRST_SEED + i);
if (SEEDS.length === 0) throw new Error('UNUM_CHAOS_FIRST_SEED is past UNUM_CHAOS_SEEDS: no chaos seed would run');
export const DUPLICATE_RATE = 0.25;
/** Per test: a session takes well under a second warm; cold starts and slow machines get room. */
export const TIMEOUT_MS = 60_000 * SEEDS.length;
const all = examples();
let declared = all.length;
const totals = { sessions: 0, invocations: 0, crashes: 0, duplicates: 0, retries: 0, injected: 0 };

afterAll(() => {
  // One line for the record: how much chaos this run went through.
  process.stderr.write(`chaos: ${declared} examples × seeds ${SEEDS.join(', ')}: ${JSON.stringify(totals)}\n`);
});

export function check(report: SessionReport, expected: unknown, label: string): void {
  const problems: string[] = [];
  if (report.status !== 'SUCCEEDED') problems.push(`status ${report.status} ${JSON.stringify(report.error ?? report.onFailure)}`);
  else if (JSON.stringify(report.result) !== JSON.stringify(expected)) problems.push(`result ${JSON.stringify(report.result)}`);
  if (report.onFailure.length > 0) problems.push(`events given up: ${JSON.stringify(report.onFailure)}`);
  const multiple = Object.entries(report.commits).filter(([, n]) => n !== 1);
  if (multiple.length > 0) problems.push(`instances committed more than once: ${JSON.stringify(multiple)}`);
  const open = report.instances.filter((i) => i.outcome !== 'committed').map((i) => i.instance);
  if (open.length > 0) problems.push(`instances without a commit: ${open.join(', ')}`);
  totals.sessions++;
  totals.invocations += report.invocations.total;
  totals.crashes += report.invocations.crashes;
  totals.duplicates += report.invocations.duplicates;
  totals.retries += report.invocations.retries;
  totals.injected += Object.values(report.injected).reduce((a, b) => a + b, 0);
  if (problems.length > 0) throw new Error(`${label} (session ${report.session}): ${problems.join('; ')}`);
}


type Example = ReturnType<typeof examples>[number];

export type ChaosCases = (example: Example, input: unknown, engine: () => LocalEngine) => void;

/** Which of the examples (sorted by name) a test file takes: part `part` of `parts` equal parts. */
export interface ExamplePart {
  readonly part: number;
  readonly parts: number;
}

/**
 * Declares `cases` for every example (or for one part of them). Each example
 * gets its own engine over its synthesized app; `engine()` returns it inside a test.
 */
export function forEachExample(cases: ChaosCases, only?: ExamplePart): void {
  const per = only === undefined ? all.length : Math.ceil(all.length / only.parts);
  const taken = only === undefined ? all : all.slice((only.part - 1) * per, only.part * per);
  declared = taken.length;
  describe.each(taken.map((e) => [e.name, e] as const))('%s', (_name, example) => {
    let engine: LocalEngine | undefined;
    beforeAll(async () => {
      const app: LocalApp = await synthApp(example.app);
      engine = await startEngine(app, { concurrency: Number(process.env.UNUM_CHAOS_CONCURRENCY ?? 4) });
    });
    afterAll(async () => engine?.stop());
    cases(example, JSON.parse(readFileSync(example.input, 'utf8')), () => engine!);
  });
}
