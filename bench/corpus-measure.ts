/**
 * Measures the ASL importer on the fixture corpus (test/fixtures/asl/corpus):
 * the share of definitions that import, and that import and run as Step
 * Functions runs them (every run of the sidecar, through the local engine),
 * overall and for the definitions whose tasks are all Lambda functions; then
 * the refusal reasons ranked by how many refused definitions each blocks.
 *
 *   node -r ./toolkit/dev/from-sources.js bench/corpus-measure.ts [--no-run] [--json]
 *
 * `--no-run` only imports (no engine, no Java needed). Needs the runtime
 * layer bundle (`npx projen bundle:runtime`) to run.
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { isDeepStrictEqual } from 'util';
import { CorpusFixture, importFixture, loadCorpus, reasonsOf, withRunValues, workflowOf } from '../test/importers/corpus-support';
import { loadAssembly, synthesize } from '../toolkit/src/local/assembly';
import { LocalEngine } from '../toolkit/src/local/engine';

const ROOT = join(__dirname, '..');

interface Measured {
  readonly fixture: CorpusFixture;
  readonly imported: boolean;
  readonly reasons: readonly string[];
  /** Every run ended as Step Functions' does (undefined: not run). */
  runs?: boolean;
  failures: string[];
}

async function main(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const corpus = loadCorpus();
  const measured: Measured[] = corpus.map((fixture) => {
    const outcome = importFixture(fixture);
    return { fixture, imported: outcome.imported, reasons: outcome.imported ? [] : reasonsOf(outcome.problems), failures: [] };
  });
  if (!args.has('--no-run') && measured.some((m) => m.imported)) await runImported(measured.filter((m) => m.imported));
  if (args.has('--json')) {
    process.stdout.write(`${JSON.stringify(measured.map((m) => ({ name: m.fixture.name, lambdaOnly: m.fixture.lambdaOnly, imported: m.imported, runs: m.runs, reasons: m.reasons, failures: m.failures })), null, 2)}\n`);
    return;
  }
  print(measured, !args.has('--no-run'));
}

/** Synthesizes the corpus app and runs each imported fixture's runs in one engine. */
async function runImported(imported: Measured[]): Promise<void> {
  const outdir = mkdtempSync(join(tmpdir(), 'unum-corpus-measure-'));
  let engine: LocalEngine | undefined;
  try {
    process.stderr.write(`synthesizing ${imported.length} imported workflows…\n`);
    await synthesize({ app: `node -r ts-node/register/transpile-only ${JSON.stringify(join(ROOT, 'test', 'importers', 'apps', 'corpus-app.ts'))}`, outdir, cwd: ROOT });
    engine = await LocalEngine.start({ app: loadAssembly(outdir), concurrency: 8 });
    for (const m of imported) {
      const runs = m.fixture.sidecar.runs ?? [];
      if (runs.length === 0) {
        m.failures.push('the sidecar has no runs to check it against');
        m.runs = false;
        continue;
      }
      for (const run of runs) {
        const report = await engine.run({ workflow: workflowOf(m.fixture), input: run.input, timeoutMs: 60_000 });
        const got = report.status === 'SUCCEEDED' ? { status: 'SUCCEEDED', output: report.result } : { status: report.status, error: report.error?.error };
        const want = run.error !== undefined ? { status: 'FAILED', error: run.error } : { status: 'SUCCEEDED', output: withRunValues(run.output, report.result, report.session) };
        if (!isDeepStrictEqual(got, want)) m.failures.push(`input ${JSON.stringify(run.input)}: got ${JSON.stringify(got)}, Step Functions gives ${JSON.stringify(want)}`);
      }
      m.runs = m.failures.length === 0;
      process.stderr.write(`  ${m.fixture.name}: ${m.runs ? 'runs' : 'differs'}\n`);
    }
  } finally {
    await engine?.stop();
    rmSync(outdir, { recursive: true, force: true });
  }
}

function print(measured: readonly Measured[], ran: boolean): void {
  const share = (part: number, whole: number) => `${part}/${whole} (${whole === 0 ? 0 : Math.round((100 * part) / whole)} %)`;
  const line = (label: string, set: readonly Measured[]) => {
    const runs = ran ? `, import and run: ${share(set.filter((m) => m.runs).length, set.length)}` : '';
    process.stdout.write(`${label.padEnd(20)} import: ${share(set.filter((m) => m.imported).length, set.length)}${runs}\n`);
  };
  process.stdout.write(`ASL import on the fixture corpus (test/fixtures/asl/corpus), ${new Date().toISOString()}\n\n`);
  line('all definitions', measured);
  line('Lambda-only', measured.filter((m) => m.fixture.lambdaOnly));

  const refused = measured.filter((m) => !m.imported);
  const counts = new Map<string, number>();
  for (const m of refused) for (const r of m.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  process.stdout.write(`\nRefusal reasons (a definition may have several), share of the ${refused.length} refused definitions:\n`);
  for (const [reason, n] of [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    process.stdout.write(`  ${String(Math.round((100 * n) / refused.length)).padStart(3)} %  ${String(n).padStart(3)}  ${reason}\n`);
  }
  const differs = measured.filter((m) => m.imported && m.runs === false);
  if (differs.length > 0) {
    process.stdout.write('\nImported but not running as Step Functions does:\n');
    for (const m of differs) process.stdout.write(`  ${m.fixture.name}: ${m.failures.join('; ')}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`corpus-measure: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
