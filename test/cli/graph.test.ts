import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DOMParser } from '@xmldom/xmldom';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Chain, UnumWorkflow } from '../../src';
import { readWorkflowGraph } from '../../toolkit/src/graph/read';
import { loadAssembly, synthesize } from '../../toolkit/src/local/assembly';
import { ROOT, tsApp } from '../engine/support';
import { unum } from '../support/cli';
import { fn } from '../support/shapes';

/**
 * `unum graph` on an example app (CI pipeline: nested Parallels, a Choice,
 * FanIns over predecessors): the same assembly options as `unum run`, each
 * format written to standard output or a file.
 */
const APP = join(ROOT, 'examples', 'ci-pipeline', 'app.ts');
const work = mkdtempSync(join(tmpdir(), 'unum-graph-test-'));
const assembly = join(work, 'cdk.out');

beforeAll(async () => {
  await synthesize({ app: tsApp(APP), outdir: assembly, cwd: ROOT });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('mermaid (the default) on standard output: the same text the construct wrote into the assembly', async () => {
  const r = await unum('graph', '--assembly', assembly);
  expect(r.code).toBe(0);
  const written = readdirSync(assembly).find((f) => f.endsWith('.unum.mermaid'))!;
  expect(written).toBe('CiPipelineExample.CiPipeline.unum.mermaid');
  expect(r.stdout).toBe(readFileSync(join(assembly, written), 'utf8'));
  expect(r.stdout).toContain('subgraph Fork["Parallel Fork"]');
  expect(r.stdout).toContain('subgraph AfterCompile["Parallel AfterCompile"]');
  expect(r.stdout).toContain('Strictness -->|"$.strict == true"| TypeCheck');
  expect(r.stdout).toContain('ReadyToShip[/"FanIn ReadyToShip<br/>joins Package, TypeCheck, QuickCheck"\\]');
});

test('--format svg --out: a standalone SVG with a group per state', async () => {
  const r = await unum('graph', '--assembly', assembly, '--format', 'svg', '--out', join(work, 'ci.svg'));
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(`unum: wrote workflow CiPipeline as svg to ${join(work, 'ci.svg')}\n`);
  const svg = readFileSync(join(work, 'ci.svg'), 'utf8');
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const states = Array.from(doc.getElementsByTagName('g')).filter((g) => g.getAttribute('class')?.startsWith('unum-state'));
  expect(states.map((g) => g.getAttribute('data-state')).sort()).toEqual([
    'AfterCompile', 'AllDone', 'Checkout', 'Compile', 'Fork', 'Lint', 'Package', 'Publish', 'QuickCheck', 'ReadyToShip', 'Report', 'Strictness',
    'TypeCheck', 'UnitTests',
  ]);
  expect(svg).not.toMatch(/href=|<script|@import/);
});

test('--format dot, from the app command itself (--app), with --workflow', async () => {
  const r = await unum('graph', '--app', tsApp(APP), '--workflow', 'CiPipeline', '--format', 'dot', '--quiet');
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/^digraph "CiPipeline" {\n/);
  expect(r.stdout).toContain('subgraph cluster_Fork {');
  expect(r.stdout).toContain('Checkout -> "Fork box" [lhead=cluster_Fork];');
});

test('errors: an unknown format, a workflow that does not exist, an assembly without the graph file', async () => {
  const bad = await unum('graph', '--assembly', assembly, '--format', 'png');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toBe('unum: --format must be one of mermaid, svg, dot (got "png")\n');
  const missing = await unum('graph', '--assembly', assembly, '--workflow', 'Nope');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain("no workflow named 'Nope' in the app; its workflows: CiPipeline");
  const old = join(work, 'old.out');
  cpSync(assembly, old, { recursive: true, filter: (src) => !src.endsWith('.unum-graph.json') });
  const r = await unum('graph', '--assembly', old);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("workflow 'CiPipeline' in stack CiPipelineExample: the cloud assembly");
  expect(r.stderr).toContain('was synthesized by a cdk-unum version that does not write one');
});

test('unum run refuses the graph options instead of ignoring them', async () => {
  const r = await unum('run', '--assembly', assembly, '--format', 'svg');
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('unum: --format and --out are options of unum graph, not of unum run\n');
});

test('a workflow in a nested Stage: found in the stage\'s assembly, by stack when two stacks use one workflow name', async () => {
  const outdir = join(work, 'staged.out');
  const app = new App({ outdir });
  const stage = new Stage(app, 'Prod');
  for (const [id, last] of [['One', 'First'], ['Two', 'Second']]) {
    const stack = new Stack(stage, id);
    new UnumWorkflow(stack, 'Same', { definition: Chain.start(fn(stack, 'Begin')).next(fn(stack, last)) });
  }
  app.synth();
  const local = loadAssembly(outdir);
  expect(local.workflows.map((w) => [w.name, w.stack])).toEqual([['Same', 'Prod-One'], ['Same', 'Prod-Two']]);
  expect(local.workflows.map((w) => readWorkflowGraph(local, w).states.map((s) => s.id))).toEqual([['Begin', 'First'], ['Begin', 'Second']]);
  const r = await unum('graph', '--assembly', outdir, '--workflow', 'Same');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("workflow name 'Same' is used in several stacks (Prod-One, Prod-Two)");
});

test('help lists the graph command', async () => {
  const r = await unum('help');
  expect(r.stdout).toContain('unum graph [--app "<cdk app command>" | --assembly <cdk.out>] [--workflow <name>] [--format mermaid|svg|dot] [--out <file>]');
});
