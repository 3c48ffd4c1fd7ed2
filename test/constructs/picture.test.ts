import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Chain, Choice, Condition, Parallel, UnumWorkflow } from '../../src';
import { PictureFile, pictureFileNames } from '../../src/picture';
import { fn } from '../support/shapes';

/** UnumWorkflow's picture: `toMermaid()`, and the Mermaid and graph files a real synthesis writes into the cloud assembly. */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const outdir = () => {
  const d = mkdtempSync(join(tmpdir(), 'unum-picture-'));
  dirs.push(d);
  return d;
};

function workflow(stack: Stack, name: string): UnumWorkflow {
  const done = fn(stack, 'Done');
  return new UnumWorkflow(stack, name, {
    definition: Chain.start(fn(stack, 'Start'))
      .next(new Parallel(stack, 'Both').branch(fn(stack, 'Left')).branch(fn(stack, 'Right')))
      .next(fn(stack, 'Sum'))
      .next(new Choice(stack, 'Enough').when(Condition.numberGreaterThan('$[0]', 3), done).otherwise(fn(stack, 'More'))),
  });
}

test('synthesis writes <stack>.<workflow>.unum.mermaid and the graph file beside the template', () => {
  const dir = outdir();
  const app = new App({ outdir: dir });
  const stack = new Stack(app, 'PictureStack');
  const w = workflow(stack, 'Pictured');
  const assembly = app.synth();

  const files = pictureFileNames('PictureStack', 'Pictured');
  expect(files).toEqual({ mermaid: 'PictureStack.Pictured.unum.mermaid', graph: 'PictureStack.Pictured.unum-graph.json' });
  expect(existsSync(join(assembly.directory, 'PictureStack.template.json'))).toBe(true);
  const mermaid = readFileSync(join(assembly.directory, files.mermaid), 'utf8');
  expect(mermaid).toBe(w.toMermaid());
  expect(mermaid).toMatch(/^flowchart TD\n/);
  expect(mermaid).toContain('subgraph Both["Parallel Both"]');
  expect(mermaid).toContain('Enough -->|"$[0] #62; 3"| Done');
  expect(mermaid).toContain('Enough -->|"default"| More');

  const graph = JSON.parse(readFileSync(join(assembly.directory, files.graph), 'utf8')) as PictureFile;
  expect(graph).toMatchObject({ v: 1, workflow: 'Pictured', stack: 'PictureStack', graph: { name: 'Pictured', start: 'Start' } });
  expect(graph.graph.states.map((s) => s.id).sort()).toEqual(['Both', 'Done', 'Enough', 'Left', 'More', 'Right', 'Start', 'Sum']);
});

test('a workflow in a nested Stage writes into that stage\'s assembly; two stacks with one workflow name do not collide', () => {
  const dir = outdir();
  const app = new App({ outdir: dir });
  const stage = new Stage(app, 'Prod');
  const stacks = [new Stack(stage, 'One'), new Stack(stage, 'Two')];
  stacks.forEach((s) => workflow(s, 'Same'));
  const assembly = app.synth();
  const nested = assembly.getNestedAssembly('assembly-Prod');
  for (const stack of stacks) {
    // The artifact id, as the stack's template is named (in a stage it carries a hash).
    const files = pictureFileNames(stack.artifactId, 'Same');
    expect(existsSync(join(nested.directory, `${stack.artifactId}.template.json`))).toBe(true);
    expect(existsSync(join(nested.directory, files.mermaid))).toBe(true);
    expect(JSON.parse(readFileSync(join(nested.directory, files.graph), 'utf8')).stack).toBe(stack.stackName);
    expect(existsSync(join(assembly.directory, files.mermaid))).toBe(false);
  }
  expect(stacks.map((s) => s.stackName)).toEqual(['Prod-One', 'Prod-Two']);
});
