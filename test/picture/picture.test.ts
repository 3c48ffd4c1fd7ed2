import { spawnSync } from 'child_process';
import { join } from 'path';
import { DOMParser } from '@xmldom/xmldom';
import { GraphState, WorkflowGraph } from '../../src/compiler/graph';
import { conditionText, START_MARKER, toDot, toMermaid, workflowPicture, WorkflowPicture } from '../../src/picture';
import { titleWidth, toSvg } from '../../toolkit/src/graph/svg';
import { choice, fail, fanIn, graph, map, parallel, succeed, task } from '../compiler/graphs';

/**
 * The pictures of workflows: the model drawn from the WorkflowGraph, and the
 * Mermaid, DOT and SVG writers, each checked for its structure (one shape
 * per state, the edges and their labels, the nesting of boxes).
 */

const retry = { errors: ['States.ALL'], intervalSeconds: 2, maxAttempts: 3, backoffRate: 2 };
const isBig = { op: 'numberGreaterThan', path: '$.n', value: 5 } as const;
const isSmall = { op: 'numberLessThanEquals', path: '$.n', value: 1 } as const;

const SHAPES: Record<string, WorkflowGraph> = {
  chain: graph('A', task('A', 'B'), task('B', 'C'), task('C')),
  choice: graph('Start', task('Start', 'Pick'), choice('Pick', [[isBig, 'Big'], [isSmall, 'Small']], 'Other'),
    task('Big'), task('Small'), task('Other')),
  parallel3: graph('S', task('S', 'P'), parallel('P', ['X', 'Y', 'Z'], 'After'), task('X'), task('Y', 'Y2'), task('Y2'), task('Z'), task('After')),
  mapInParallel: graph('S', task('S', 'P'), parallel('P', ['Each', 'Side'], 'End'),
    map('Each', 'Item', 'Joined', { itemsPath: '$.items', maxConcurrency: 4 }), task('Item'), fanIn('Joined'), task('Side'), task('End')),
  fanIn: graph('S', task('S', 'P'), parallel('P', ['L', 'R'], 'J'), task('L'), task('R'), fanIn('J', 'Merge'), task('Merge')),
  catchRetry: graph('Work', task('Work', 'Done', {
    retry: [retry], catch: [{ errors: ['Timeout', 'Oops'], resultPath: '$.error', next: 'Handle' }],
  } as Partial<GraphState>), task('Handle', 'Broken'), fail('Broken', 'Broken.Badly'), succeed('Done')),
  awkwardLabels: graph('end', task('end', 'Say'), choice('Say', [[{ op: 'stringEquals', path: '$.text', value: 'say "hi" | <b> #1 & {x}' }, 'my-step']], 'End'),
    task('my-step'), task('End')),
  loopToParallel: graph('S', task('S', 'P'), parallel('P', ['X', 'Y'], 'M'), task('X'), task('Y'), task('M', 'Again'),
    choice('Again', [[{ op: 'booleanEquals', path: '$.more', value: true }, 'P']], 'End'), task('End')),
  loop: graph('Init', task('Init', 'Step'), task('Step', 'Check'), choice('Check', [[isBig, 'Finish']], 'Step'), task('Finish')),
};

const stateCount = (g: WorkflowGraph) => g.states.length;

/** Mermaid's nodes (`id[...]`, `id{...}`, ...), subgraphs and edges, read back from the text. */
function readMermaid(text: string) {
  const lines = text.split('\n').map((l) => l.trim());
  const subgraphs: Array<{ id: string; parent?: string }> = [];
  const stack: string[] = [];
  const nodes: Array<{ id: string; parent?: string; text: string }> = [];
  const edges: Array<{ from: string; arrow: string; label?: string; to: string }> = [];
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(/^subgraph (\w+)\["(.*)"\]$/))) {
      subgraphs.push({ id: m[1], parent: stack[stack.length - 1] });
      stack.push(m[1]);
    } else if (line === 'end') {
      stack.pop();
    } else if ((m = line.match(/^(\w+) (-->|-\.->|==>)(?:\|"(.*)"\|)? (\w+)$/))) {
      edges.push({ from: m[1], arrow: m[2], ...(m[3] !== undefined ? { label: m[3] } : {}), to: m[4] });
    } else if ((m = line.match(/^(\w+)[[({/]+"(.*)"[\])}\\/]+$/))) {
      nodes.push({ id: m[1], parent: stack[stack.length - 1], text: m[2] });
    }
  }
  return { first: lines[0], nodes: nodes.filter((n) => n.id !== START_MARKER), subgraphs, edges: edges.filter((e) => e.from !== START_MARKER) };
}

describe('Mermaid', () => {
  test.each(Object.entries(SHAPES))('%s: one node or box per state, every edge of the graph', (_, g) => {
    const picture = workflowPicture(g);
    const m = readMermaid(toMermaid(picture));
    expect(m.first).toBe('flowchart TD');
    const fanouts = g.states.filter((s) => s.kind === 'parallel' || s.kind === 'map').length;
    expect(m.nodes.length + fanouts).toBe(stateCount(g));
    expect(m.subgraphs.filter((s) => !s.id.includes('__b')).length).toBe(fanouts);
    expect(m.edges).toHaveLength(picture.edges.length);
  });

  test('a chain: nodes in order, plain edges', () => {
    const m = readMermaid(toMermaid(workflowPicture(SHAPES.chain)));
    expect(m.nodes.map((n) => n.id)).toEqual(['A', 'B', 'C']);
    expect(m.edges).toEqual([{ from: 'A', arrow: '-->', to: 'B' }, { from: 'B', arrow: '-->', to: 'C' }]);
    expect(toMermaid(workflowPicture(SHAPES.chain))).toContain('unum_start(("start")) --> A');
  });

  test('a Choice: a rhombus, each rule as its edge label, the default labelled', () => {
    const text = toMermaid(workflowPicture(SHAPES.choice));
    expect(text).toContain('Pick{"Choice Pick"}');
    const m = readMermaid(text);
    expect(m.edges.filter((e) => e.from === 'Pick')).toEqual([
      { from: 'Pick', arrow: '-->', label: '$.n #62; 5', to: 'Big' },
      { from: 'Pick', arrow: '-->', label: '$.n #60;= 1', to: 'Small' },
      { from: 'Pick', arrow: '-->', label: 'default', to: 'Other' },
    ]);
  });

  test('a Parallel of three branches: a box holding one box per branch, each with its states', () => {
    const m = readMermaid(toMermaid(workflowPicture(SHAPES.parallel3)));
    expect(m.subgraphs).toEqual([{ id: 'P' }, { id: 'P__b1', parent: 'P' }, { id: 'P__b2', parent: 'P' }, { id: 'P__b3', parent: 'P' }]);
    expect(m.nodes.filter((n) => n.parent !== undefined).map((n) => [n.id, n.parent])).toEqual([
      ['X', 'P__b1'], ['Y', 'P__b2'], ['Y2', 'P__b2'], ['Z', 'P__b3'],
    ]);
    // Into the box, and out of it once every branch has ended (the join).
    expect(m.edges).toContainEqual({ from: 'S', arrow: '-->', to: 'P' });
    expect(m.edges).toContainEqual({ from: 'P', arrow: '-->', to: 'After' });
  });

  test('a Map inside a Parallel: the Map box nests in its branch, its items inside it, its join outside', () => {
    const text = toMermaid(workflowPicture(SHAPES.mapInParallel));
    const m = readMermaid(text);
    expect(m.subgraphs).toEqual([{ id: 'P' }, { id: 'P__b1', parent: 'P' }, { id: 'Each', parent: 'P__b1' }, { id: 'P__b2', parent: 'P' }]);
    expect(m.nodes.find((n) => n.id === 'Item')?.parent).toBe('Each');
    expect(m.nodes.find((n) => n.id === 'Joined')?.parent).toBe('P__b1');
    expect(text).toContain('subgraph Each["Map Each<br/>items $.items<br/>at most 4 at once"]');
    expect(m.edges).toContainEqual({ from: 'Each', arrow: '-->', to: 'Joined' });
  });

  test('a FanIn over a Parallel: a trapezoid at the top level that the branches reach', () => {
    const m = readMermaid(toMermaid(workflowPicture(SHAPES.fanIn)));
    expect(m.nodes.find((n) => n.id === 'J')).toEqual({ id: 'J', parent: undefined, text: 'FanIn J' });
    expect(m.edges).toContainEqual({ from: 'P', arrow: '-->', to: 'J' });
    expect(m.edges).toContainEqual({ from: 'J', arrow: '-->', to: 'Merge' });
  });

  test('a catch is a dotted edge labelled with its errors; a retry is written on its function', () => {
    const text = toMermaid(workflowPicture(SHAPES.catchRetry));
    const m = readMermaid(text);
    expect(m.edges).toContainEqual({ from: 'Work', arrow: '-.->', label: 'catch Timeout, Oops', to: 'Handle' });
    expect(m.nodes.find((n) => n.id === 'Work')?.text).toBe('Work<br/>retry 3x States.ALL (2 s, x2)');
    expect(m.nodes.find((n) => n.id === 'Broken')?.text).toBe('Fail Broken<br/>error Broken.Badly');
    expect(text).toContain('Done((("Succeed Done")))'.replace('(((', '((').replace(')))', '))'));
  });

  test('a loop back to an earlier state is a thick edge labelled loop', () => {
    const m = readMermaid(toMermaid(workflowPicture(SHAPES.loop)));
    expect(m.edges).toContainEqual({ from: 'Check', arrow: '==>', label: 'default, loop', to: 'Step' });
    expect(m.edges.filter((e) => e.arrow === '==>')).toHaveLength(1);
    // Back to a box: the edge ends at the Parallel's box.
    expect(readMermaid(toMermaid(workflowPicture(SHAPES.loopToParallel))).edges)
      .toContainEqual({ from: 'Again', arrow: '==>', label: '$.more == true, loop', to: 'P' });
  });

  test('state names Mermaid would misread get safe, unique ids; labels keep the names', () => {
    const g = graph('end', task('end', 'my-step'), task('my-step', 'my_step'), task('my_step', '9lives'), task('9lives', 'a+b@c'), task('a+b@c', 'End'), task('End'));
    const m = readMermaid(toMermaid(workflowPicture(g)));
    expect(m.nodes.map((n) => n.id)).toEqual(['s_end', 'my_step', 'my_step_2', 's_9lives', 'a_b_c', 'End']);
    expect(m.nodes.map((n) => n.text)).toEqual(['end', 'my-step', 'my_step', '9lives', 'a+b@c', 'End']);
  });

  test("Mermaid's own parser reads every picture as a flowchart, and refuses a broken one", () => {
    const names = Object.keys(SHAPES);
    const texts = [...names.map((name) => toMermaid(workflowPicture(SHAPES[name]))), 'flowchart TD\n  A --> B -->\n'];
    const run = spawnSync(process.execPath, [join(__dirname, 'mermaid-parse.mjs')], { input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    const results = JSON.parse(run.stdout) as Array<{ ok: boolean; diagramType?: string; error?: string }>;
    expect(Object.fromEntries(results.slice(0, -1).map((r, i) => [names[i], r]))).toEqual(
      Object.fromEntries(names.map((name) => [name, { ok: true, diagramType: 'flowchart-v2' }])));
    expect(results[results.length - 1]).toMatchObject({ ok: false, error: expect.stringContaining('Expecting') });
  });

  test('snapshot of the Map-in-Parallel picture', () => {
    expect(toMermaid(workflowPicture(SHAPES.mapInParallel))).toMatchSnapshot();
  });
});

describe('condition text', () => {
  test.each([
    [{ op: 'stringEquals', path: '$.kind', value: 'a' }, '$.kind == "a"'],
    [{ op: 'numberGreaterThanEqualsPath', path: '$.a', otherPath: '$.b' }, '$.a >= $.b'],
    [{ op: 'isPresent', path: '$.x', value: false }, '$.x is not present'],
    [{ op: 'stringMatches', path: '$.f', value: '*.txt' }, '$.f matches "*.txt"'],
    [{ op: 'and', conditions: [isBig, { op: 'or', conditions: [isSmall, { op: 'isNull', path: '$.y', value: true }] }] },
      '$.n > 5 and ($.n <= 1 or $.y is null)'],
    [{ op: 'not', condition: { op: 'booleanEquals', path: '$.ok', value: true } }, 'not $.ok == true'],
  ])('%j', (condition, text) => {
    expect(conditionText(condition as never)).toBe(text);
  });
});

describe('DOT', () => {
  test.each(Object.entries(SHAPES))('%s: clusters nest as the boxes do; an edge to a box ends at its border', (_, g) => {
    const picture = workflowPicture(g);
    const dot = toDot(picture);
    expect(dot.startsWith('digraph "wf" {')).toBe(true);
    expect(dot.match(/^\s*subgraph cluster_/gm) ?? []).toHaveLength(picture.clusters.length);
    expect(dot.match(/ -> /g) ?? []).toHaveLength(picture.edges.length + 1);
    // Balanced braces: every cluster is closed inside the graph.
    expect((dot.match(/{/g) ?? []).length).toBe((dot.match(/}/g) ?? []).length);
  });

  test('a Parallel box: its branches inside it, edges clipped at the box', () => {
    const dot = toDot(workflowPicture(SHAPES.parallel3));
    expect(dot).toMatch(/subgraph cluster_P {\n\s+label="Parallel P";[\s\S]*subgraph cluster_P__b1 {[\s\S]*X \[label="X"/);
    expect(dot).toContain('S -> "P box" [lhead=cluster_P];');
    expect(dot).toContain('"P box" -> After [ltail=cluster_P];');
  });

  test('labels: Choice rules, catches dashed, loops thick and not ranked', () => {
    expect(toDot(workflowPicture(SHAPES.choice))).toContain('Pick -> Big [label="$.n > 5"];');
    expect(toDot(workflowPicture(SHAPES.catchRetry))).toContain('Work -> Handle [label="catch Timeout, Oops", style=dashed, color="#b91c1c"];');
    expect(toDot(workflowPicture(SHAPES.catchRetry))).toContain('Work [label="Work\\nretry 3x States.ALL (2 s, x2)"');
    expect(toDot(workflowPicture(SHAPES.loop))).toContain('Check -> Step [label="default, loop", penwidth=2, color="#6d28d9", constraint=false];');
  });
});

describe('SVG', () => {
  const parse = (svg: string) => {
    const errors: string[] = [];
    const doc = new DOMParser({ onError: (level, message) => { if (level !== 'warning') errors.push(message); } }).parseFromString(svg, 'image/svg+xml');
    expect(errors).toEqual([]);
    return doc;
  };
  const groups = (doc: ReturnType<typeof parse>, cls: string) =>
    Array.from(doc.getElementsByTagName('g')).filter((g) => (g.getAttribute('class') ?? '').split(' ').includes(cls));

  test.each(Object.entries(SHAPES))('%s: parses as XML, one group per state, nothing outside the file', async (_, g) => {
    const picture = workflowPicture(g);
    const svg = await toSvg(picture);
    const doc = parse(svg);
    expect(doc.documentElement!.tagName).toBe('svg');
    const states = groups(doc, 'unum-state').map((e) => e.getAttribute('data-state'));
    expect(states.sort()).toEqual(g.states.map((s) => s.id).sort());
    expect(groups(doc, 'unum-edge')).toHaveLength(picture.edges.length + 1);
    expect(groups(doc, 'unum-branch')).toHaveLength(picture.clusters.filter((c) => c.kind === 'branch').length);
    // Standalone: no scripts, no links, no external fonts or images; the only url() are the file's own markers.
    expect(svg).not.toMatch(/<script|href=|@import|@font-face|<image|<foreignObject/i);
    expect(svg.match(/url\([^)]*\)/g)?.every((u) => /^url\(#unum-arrow-\w+\)$/.test(u))).toBe(true);
    expect(groups(doc, 'unum-legend')).toHaveLength(1);
  });

  test('boxes hold their states: every state of a branch lies inside the branch, the branch inside its Parallel', async () => {
    const doc = parse(await toSvg(workflowPicture(SHAPES.mapInParallel)));
    const rectOf = (g: any) => {
      const r = g.getElementsByTagName('rect')[0] ?? g.getElementsByTagName('polygon')[0];
      if (r.tagName === 'polygon') {
        const pts = r.getAttribute('points').split(' ').map((p: string) => p.split(',').map(Number));
        const xs = pts.map((p: number[]) => p[0]);
        const ys = pts.map((p: number[]) => p[1]);
        return { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
      }
      return { x: +r.getAttribute('x'), y: +r.getAttribute('y'), w: +r.getAttribute('width'), h: +r.getAttribute('height') };
    };
    const inside = (a: ReturnType<typeof rectOf>, b: ReturnType<typeof rectOf>) =>
      a.x >= b.x && a.y >= b.y && a.x + a.w <= b.x + b.w && a.y + a.h <= b.y + b.h;
    const state = (id: string) => rectOf(groups(doc, 'unum-state').find((g) => g.getAttribute('data-state') === id));
    const branch = (n: number) => rectOf(groups(doc, 'unum-branch').find((g) => g.getAttribute('data-branch') === String(n)));
    expect(inside(branch(1), state('P'))).toBe(true);
    expect(inside(state('Each'), branch(1))).toBe(true);
    expect(inside(state('Item'), state('Each'))).toBe(true);
    expect(inside(state('Joined'), branch(1))).toBe(true);
    expect(inside(state('Side'), branch(2))).toBe(true);
    expect(inside(state('End'), state('P'))).toBe(false);
    // A box is as wide as its title and details, even when what it holds is narrower.
    const each = workflowPicture(SHAPES.mapInParallel).clusters.find((c) => c.id === 'Each')!;
    expect(state('Each').w).toBeGreaterThanOrEqual(titleWidth(each));
  });

  test('edge labels are text in the picture, escaped', async () => {
    const svg = await toSvg(workflowPicture(SHAPES.choice));
    expect(svg).toContain('>$.n &gt; 5</text>');
    expect(svg).toContain('>default</text>');
    expect(await toSvg(workflowPicture(SHAPES.catchRetry))).toContain('>catch Timeout, Oops</text>');
  });
});

test('the model: kinds, details and parents as the writers use them', () => {
  const p: WorkflowPicture = workflowPicture(SHAPES.mapInParallel);
  expect(p.start).toBe('S');
  expect(p.clusters.map((c) => [c.id, c.kind, c.parent])).toEqual([
    ['P', 'parallel', undefined], ['P__b1', 'branch', 'P'], ['P__b2', 'branch', 'P'], ['Each', 'map', 'P__b1'],
  ]);
  expect(p.nodes.map((n) => [n.id, n.kind])).toEqual([['S', 'task'], ['Item', 'task'], ['Joined', 'fanIn'], ['Side', 'task'], ['End', 'task']]);
});
