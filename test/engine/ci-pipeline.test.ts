import { readFileSync } from 'fs';
import { join } from 'path';
import { ROOT, startEngine, synthApp } from './support';
import { LocalEngine, SessionReport } from '../../toolkit/src/local/engine';

/**
 * The paths of examples/ci-pipeline that its input.json (strict: TypeCheck
 * runs) does not take, through the engine: the runtime marks the check the
 * Strictness choice ruled out as skipped, so the ReadyToShip join fires
 * without it and Publish gets null in its slot (Publish throws unless exactly
 * one slot is null); a check that reports errors makes Publish fail the
 * session with ChecksFailed.
 */
const DIR = join(ROOT, 'examples', 'ci-pipeline');
const input = JSON.parse(readFileSync(join(DIR, 'input.json'), 'utf8'));
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
let engine: LocalEngine;

beforeAll(async () => {
  engine = await startEngine(await synthApp(join(DIR, 'app.ts')), { concurrency: 8 });
});
afterAll(async () => engine?.stop());

const nodes = (report: SessionReport): string[] => report.instances.map((i) => i.node).sort();

test('not strict: QuickCheck runs, TypeCheck is never invoked and its ReadyToShip slot is null', async () => {
  const report = await engine.run({ input: { ...input, strict: false } });
  expect(report.status).toBe('SUCCEEDED');
  expect(report.result).toEqual({ ...expected, checks: { Lint: 'passed', TypeCheck: 'skipped', QuickCheck: 'passed' } });
  expect(nodes(report)).toEqual(['Checkout', 'Compile', 'Lint', 'Package', 'Publish', 'QuickCheck', 'Report', 'UnitTests']);
  expect(Object.values(report.commits).every((n) => n === 1)).toBe(true);
  expect(report.onFailure).toEqual([]);
});

test('not strict, under random crashes and duplicate deliveries: the skipped check is still not waited for', async () => {
  const report = await engine.run({ input: { ...input, strict: false }, faults: { crashRate: 0.3, duplicateRate: 0.3, seed: 7 } });
  expect(report.status).toBe('SUCCEEDED');
  expect((report.result as any).checks).toEqual({ Lint: 'passed', TypeCheck: 'skipped', QuickCheck: 'passed' });
  expect(report.invocations.crashes + report.invocations.duplicates).toBeGreaterThan(0);
  expect(Object.entries(report.commits).filter(([, n]) => n !== 1)).toEqual([]);
  expect(report.onFailure).toEqual([]);
});

test('a type error fails the session at Publish with ChecksFailed naming it; Report never runs', async () => {
  const files = input.files.map((f: { path: string; source: string }) =>
    (f.path === 'src/text.ts' ? { ...f, source: f.source.replace('title: string', 'title: any') } : f));
  const report = await engine.run({ input: { ...input, files } });
  expect(report.status).toBe('FAILED');
  expect(report.error).toMatchObject({
    node: 'Publish',
    instance: 'Publish|0',
    error: 'ChecksFailed',
    cause: 'not publishing @acme/mathkit@1.4.0 (acme/mathkit@3f2a9c1): TypeCheck reported 1 error: src/text.ts:4 no-explicit-any (explicit any)',
  });
  expect(nodes(report)).not.toContain('Report');
});
