import { KIND_COLORS, PictureCluster, PictureNode, PictureNodeKind, START_MARKER, WorkflowPicture } from 'cdk-unum/lib/picture';
import ELK, { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk.bundled.js';

/**
 * The workflow as a standalone SVG: laid out by ELK's layered algorithm with
 * Parallel, its branches and Map as nested (hierarchical) nodes, so edges
 * cross box borders where they must; styles are inline and the fonts are
 * the viewer's own sans-serif, so the file needs nothing else to show.
 */

const FONT_SIZE = 12;
const LINE_HEIGHT = 16;
/** An average sans-serif glyph at FONT_SIZE, a little wide so that text never overflows its box. */
const CHAR_WIDTH = 7;
const FONT = 'Helvetica, Arial, sans-serif';
const EDGE_COLORS = { next: '#334155', catch: '#b91c1c', loop: '#6d28d9' } as const;
const KIND_NAMES: Record<PictureNodeKind | 'parallel' | 'map', string> = {
  task: 'UnumFunction', choice: 'Choice', fanIn: 'FanIn', pass: 'Pass', wait: 'Wait', succeed: 'Succeed', fail: 'Fail', parallel: 'Parallel', map: 'Map',
};

interface Box { readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** Lays the picture out and writes the SVG document. */
export async function toSvg(picture: WorkflowPicture): Promise<string> {
  const root = elkGraph(picture);
  const laid = await new ELK().layout(root);

  // ELK gives each child's position relative to its parent, and each edge's relative to its container.
  const boxes = new Map<string, Box>();
  const place = (node: ElkNode, dx: number, dy: number): void => {
    for (const child of node.children ?? []) {
      const x = dx + (child.x ?? 0);
      const y = dy + (child.y ?? 0);
      boxes.set(child.id, { x, y, width: child.width ?? 0, height: child.height ?? 0 });
      place(child, x, y);
    }
  };
  place(laid, 0, 0);
  const offset = (container: string | undefined): { x: number; y: number } => {
    const b = container === undefined || container === laid.id ? undefined : boxes.get(container);
    return { x: b?.x ?? 0, y: b?.y ?? 0 };
  };

  const parts: string[] = [];
  for (const c of orderedClusters(picture)) parts.push(clusterSvg(c, boxes.get(c.id)!));
  for (const e of (laid.edges ?? []) as Array<ElkExtendedEdge & { container?: string }>) {
    const meta = picture.edges[Number(e.id.slice(1))];
    const o = offset(e.container);
    const color = meta === undefined ? EDGE_COLORS.next : meta.loop ? EDGE_COLORS.loop : meta.kind === 'catch' ? EDGE_COLORS.catch : EDGE_COLORS.next;
    const marker = meta === undefined ? 'next' : meta.loop ? 'loop' : meta.kind === 'catch' ? 'catch' : 'next';
    const laidPoints = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const points = meta?.loop ? laidPoints.reverse() : laidPoints;
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${num(p.x + o.x)},${num(p.y + o.y)}`).join(' ');
    const dash = meta?.kind === 'catch' ? ' stroke-dasharray="6 4"' : '';
    const width = meta?.loop ? 2 : 1.4;
    const from = meta?.from ?? START_MARKER;
    const to = meta?.to ?? picture.start;
    parts.push(`<g class="unum-edge" data-from="${xml(from)}" data-to="${xml(to)}">`
      + `<path d="${d}" fill="none" stroke="${color}" stroke-width="${width}"${dash} marker-end="url(#unum-arrow-${marker})"/>`);
    for (const label of e.labels ?? []) {
      const x = (label.x ?? 0) + o.x;
      const y = (label.y ?? 0) + o.y;
      parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(label.width ?? 0)}" height="${num(label.height ?? 0)}" fill="#ffffff" fill-opacity="0.9"/>`
        + `<text x="${num(x + 3)}" y="${num(y + FONT_SIZE)}" font-size="${FONT_SIZE - 1}" fill="${color}">${xml(label.text ?? '')}</text>`);
    }
    parts.push('</g>');
  }
  const start = boxes.get(START_MARKER)!;
  parts.push(`<g class="unum-start"><circle cx="${num(start.x + start.width / 2)}" cy="${num(start.y + start.height / 2)}" r="${num(start.width / 2)}" fill="#0f172a"/></g>`);
  for (const node of picture.nodes) parts.push(nodeSvg(node, boxes.get(node.id)!));

  const graphWidth = laid.width ?? 0;
  const graphHeight = laid.height ?? 0;
  const legend = legendSvg(picture, graphHeight + 16);
  const width = Math.max(graphWidth, legend.width) + 16;
  const height = graphHeight + 16 + legend.height + 8;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="-8 -8 ${num(width)} ${num(height)}" `
      + `font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<title>cdk-unum workflow ${xml(picture.name)}</title>`,
    '<defs>',
    ...Object.entries(EDGE_COLORS).map(([name, color]) => `<marker id="unum-arrow-${name}" viewBox="0 0 10 10" refX="10" refY="5" `
      + `markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`),
    '</defs>',
    `<rect x="-8" y="-8" width="${num(width)}" height="${num(height)}" fill="#ffffff"/>`,
    ...parts,
    legend.svg,
    '</svg>',
    '',
  ].join('\n');
}

/** The ELK graph: boxes as hierarchical nodes holding their states, every edge at the root (ELK routes across levels). */
function elkGraph(picture: WorkflowPicture): ElkNode {
  const nodeOf = (n: PictureNode): ElkNode => ({ id: n.id, ...nodeSize(n) });
  const clusterOf = (c: PictureCluster): ElkNode => ({
    id: c.id,
    layoutOptions: {
      'elk.padding': `[top=${12 + LINE_HEIGHT * (1 + c.details.length)},left=12,bottom=12,right=12]`,
      // Wide enough for its title and details, whatever it holds. ELK 0.12 applies a hierarchical node's minimum
      // in the layout's own axes (transposed for direction DOWN), so the width goes first: the SVG test checks it.
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${LINE_HEIGHT * 3}, ${titleWidth(c)})`,
    },
    children: [...picture.nodes.filter((x) => x.parent === c.id).map(nodeOf), ...picture.clusters.filter((x) => x.parent === c.id).map(clusterOf)],
  });
  const edgeLabel = (text: string) => [{ text, width: text.length * (CHAR_WIDTH - 0.5) + 6, height: LINE_HEIGHT }];
  return {
    id: 'unum_root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.spacing.edgeLabel': '4',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      // Branches left to right in their order, and a Choice's rules in theirs.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: [
      { id: START_MARKER, width: 16, height: 16 },
      ...picture.nodes.filter((x) => x.parent === undefined).map(nodeOf),
      ...picture.clusters.filter((x) => x.parent === undefined).map(clusterOf),
    ],
    edges: [
      { id: 'start', sources: [START_MARKER], targets: [picture.start] },
      ...picture.edges.map((e, i) => {
        const label = [e.label, e.loop ? 'loop' : undefined].filter((l) => l !== undefined).join(', ');
        // A loop is laid out reversed, so that the graph is acyclic in the order the workflow runs, and drawn back up.
        const [source, target] = e.loop ? [e.to, e.from] : [e.from, e.to];
        return { id: `e${i}`, sources: [source], targets: [target], ...(label ? { labels: edgeLabel(label) } : {}) };
      }),
    ],
  };
}

/** The width a box's title and details need. */
export function titleWidth(c: PictureCluster): number {
  return Math.max(...[c.title, ...c.details].map((l) => l.length)) * CHAR_WIDTH + 24;
}

function nodeLines(n: PictureNode): string[] {
  return [n.kind === 'task' ? n.state : `${n.kindLabel} ${n.state}`, ...n.details];
}

function nodeSize(n: PictureNode): { width: number; height: number } {
  const lines = nodeLines(n);
  const textWidth = Math.max(...lines.map((l) => l.length)) * CHAR_WIDTH;
  const textHeight = lines.length * LINE_HEIGHT;
  // A diamond and a hexagon need room beside the text for their slanted sides.
  if (n.kind === 'choice') return { width: textWidth * 1.5 + 24, height: textHeight * 2 + 16 };
  if (n.kind === 'wait') return { width: textWidth + 44, height: textHeight + 16 };
  return { width: textWidth + 24, height: textHeight + 16 };
}

function nodeSvg(node: PictureNode, b: Box): string {
  const { fill, stroke } = KIND_COLORS[node.kind];
  const lines = nodeLines(node);
  const texts = lines.map((l, i) => {
    const y = b.y + b.height / 2 - (lines.length * LINE_HEIGHT) / 2 + LINE_HEIGHT * i + FONT_SIZE;
    const weight = i === 0 ? ' font-weight="bold"' : ' font-size="11"';
    return `<text x="${num(b.x + b.width / 2)}" y="${num(y)}" text-anchor="middle"${weight} fill="#0f172a">${xml(l)}</text>`;
  });
  return `<g class="unum-state unum-kind-${node.kind}" data-state="${xml(node.state)}">${shape(node.kind, b, fill, stroke)}${texts.join('')}</g>`;
}

function shape(kind: PictureNodeKind, b: Box, fill: string, stroke: string): string {
  const paint = `fill="${fill}" stroke="${stroke}" stroke-width="${kind === 'succeed' ? 2.5 : 1.5}"`;
  const { x, y, width: w, height: h } = b;
  const polygon = (pts: Array<[number, number]>) => `<polygon points="${pts.map(([px, py]) => `${num(px)},${num(py)}`).join(' ')}" ${paint}/>`;
  switch (kind) {
    case 'choice': return polygon([[x + w / 2, y], [x + w, y + h / 2], [x + w / 2, y + h], [x, y + h / 2]]);
    case 'wait': return polygon([[x + 14, y], [x + w - 14, y], [x + w, y + h / 2], [x + w - 14, y + h], [x + 14, y + h], [x, y + h / 2]]);
    case 'fanIn': return polygon([[x, y], [x + w, y], [x + w - 10, y + h], [x + 10, y + h]]);
    case 'pass': return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="${num(h / 2)}" ${paint}/>`;
    case 'succeed': return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="${num(h / 2)}" ${paint}/>`;
    case 'fail': return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="${num(h / 2)}" ${paint}/>`
      + `<rect x="${num(x + 3)}" y="${num(y + 3)}" width="${num(w - 6)}" height="${num(h - 6)}" rx="${num(h / 2 - 3)}" fill="none" stroke="${stroke}"/>`;
    default: return `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" rx="4" ${paint}/>`;
  }
}

function clusterSvg(c: PictureCluster, b: Box): string {
  const { fill, stroke } = KIND_COLORS[c.kind];
  const group = c.kind === 'branch'
    ? `<g class="unum-branch" data-state="${xml(c.state)}" data-branch="${c.branch}">`
    : `<g class="unum-state unum-kind-${c.kind}" data-state="${xml(c.state)}">`;
  const dash = c.kind === 'branch' ? ' stroke-dasharray="4 3"' : '';
  const texts = [c.title, ...c.details].map((l, i) => `<text x="${num(b.x + 10)}" y="${num(b.y + 6 + FONT_SIZE + LINE_HEIGHT * i)}"`
    + `${i === 0 && c.kind !== 'branch' ? ' font-weight="bold"' : ' font-size="11"'} fill="${stroke}">${xml(l)}</text>`);
  return `${group}<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" rx="8" fill="${fill}" stroke="${stroke}" `
    + `stroke-width="1.5"${dash}/>${texts.join('')}</g>`;
}

/** A legend of the node kinds the picture uses, and of catch and loop edges when it has them. */
function legendSvg(picture: WorkflowPicture, top: number): { svg: string; width: number; height: number } {
  const kinds = [...new Set<PictureNodeKind | 'parallel' | 'map'>([
    ...picture.nodes.map((x) => x.kind),
    ...picture.clusters.flatMap((c) => (c.kind === 'branch' ? [] : [c.kind])),
  ])];
  const items: string[] = [];
  let x = 0;
  for (const kind of kinds) {
    const { fill, stroke } = KIND_COLORS[kind];
    const label = KIND_NAMES[kind];
    const sample = kind === 'parallel' || kind === 'map'
      ? `<rect x="${x}" y="${top}" width="26" height="16" rx="5" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`
      : shape(kind, { x, y: top, width: 26, height: 16 }, fill, stroke);
    items.push(`<g class="unum-legend-item">${sample}<text x="${x + 32}" y="${top + 12}" font-size="11" fill="#0f172a">${label}</text></g>`);
    x += 32 + label.length * CHAR_WIDTH + 16;
  }
  const edgeKinds: Array<[keyof typeof EDGE_COLORS, string, string]> = [];
  if (picture.edges.some((e) => e.kind === 'catch')) edgeKinds.push(['catch', 'catch', ' stroke-dasharray="6 4"']);
  if (picture.edges.some((e) => e.loop)) edgeKinds.push(['loop', 'loop', '']);
  for (const [name, label, dash] of edgeKinds) {
    items.push(`<g class="unum-legend-item"><path d="M${x},${top + 8} L${x + 26},${top + 8}" stroke="${EDGE_COLORS[name]}" stroke-width="1.5"${dash} `
      + `marker-end="url(#unum-arrow-${name})"/><text x="${x + 32}" y="${top + 12}" font-size="11" fill="#0f172a">${label}</text></g>`);
    x += 32 + label.length * CHAR_WIDTH + 16;
  }
  return { svg: `<g class="unum-legend">${items.join('')}</g>`, width: x, height: 20 };
}

function num(v: number): string {
  return String(Math.round(v * 10) / 10);
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Boxes outermost first, so an inner box is drawn over the one that holds it. */
function orderedClusters(picture: WorkflowPicture): PictureCluster[] {
  const within = (parent: string | undefined): PictureCluster[] =>
    picture.clusters.filter((c) => c.parent === parent).flatMap((c) => [c, ...within(c.id)]);
  return within(undefined);
}
