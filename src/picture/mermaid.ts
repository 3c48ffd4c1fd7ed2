import { PictureEdge, PictureNode, PictureNodeKind, WorkflowPicture } from './model';

/** Fill and stroke of each kind of state, shared by the Mermaid, DOT and SVG writers. */
export const KIND_COLORS: Record<PictureNodeKind | 'parallel' | 'map' | 'branch', { readonly fill: string; readonly stroke: string }> = {
  task: { fill: '#dbeafe', stroke: '#1d4ed8' },
  choice: { fill: '#fef3c7', stroke: '#b45309' },
  fanIn: { fill: '#ede9fe', stroke: '#6d28d9' },
  pass: { fill: '#f1f5f9', stroke: '#475569' },
  wait: { fill: '#e0f2fe', stroke: '#0369a1' },
  succeed: { fill: '#dcfce7', stroke: '#15803d' },
  fail: { fill: '#fee2e2', stroke: '#b91c1c' },
  parallel: { fill: '#f8fafc', stroke: '#334155' },
  map: { fill: '#fff7ed', stroke: '#c2410c' },
  branch: { fill: '#ffffff', stroke: '#94a3b8' },
};

/** Node shapes: Mermaid's opening and closing brackets for each kind. */
const SHAPES: Record<PictureNodeKind, readonly [string, string]> = {
  task: ['[', ']'],
  choice: ['{', '}'],
  fanIn: ['[/', '\\]'],
  pass: ['([', '])'],
  wait: ['{{', '}}'],
  succeed: ['((', '))'],
  fail: ['(((', ')))'],
};

/** The id of the start marker, a small circle before the start state. */
export const START_MARKER = 'unum_start';

/**
 * The workflow as a Mermaid flowchart (top down), for a README or a pull
 * request: subgraphs for Parallel (one per branch inside) and Map, Choice
 * rules and catches as edge labels, retries on the node, loops as thick edges.
 */
export function toMermaid(picture: WorkflowPicture): string {
  const lines: string[] = ['flowchart TD'];
  lines.push(`  %% cdk-unum workflow ${comment(picture.name)}`);
  lines.push(`  ${START_MARKER}(("start")) --> ${picture.start}`);
  const childrenOf = (parent: string | undefined) => ({
    nodes: picture.nodes.filter((n) => n.parent === parent),
    clusters: picture.clusters.filter((c) => c.parent === parent),
  });
  const write = (parent: string | undefined, indent: string): void => {
    const { nodes, clusters } = childrenOf(parent);
    nodes.forEach((n) => lines.push(`${indent}${nodeLine(n)}`));
    clusters.forEach((c) => {
      lines.push(`${indent}subgraph ${c.id}["${text([c.title, ...c.details])}"]`);
      write(c.id, `${indent}  `);
      lines.push(`${indent}end`);
    });
  };
  write(undefined, '  ');
  picture.edges.forEach((e) => lines.push(`  ${edgeLine(e)}`));
  // Mermaid styles by class; only the kinds the picture uses get one.
  const kinds = [...new Set<keyof typeof KIND_COLORS>([...picture.nodes.map((n) => n.kind), ...picture.clusters.map((c) => c.kind)])];
  for (const kind of kinds) {
    const { fill, stroke } = KIND_COLORS[kind];
    lines.push(`  classDef ${kind} fill:${fill},stroke:${stroke},color:#0f172a`);
  }
  for (const kind of kinds) {
    const members = [...picture.nodes.filter((n) => n.kind === kind), ...picture.clusters.filter((c) => c.kind === kind)].map((x) => x.id);
    lines.push(`  class ${members.join(',')} ${kind}`);
  }
  lines.push('  classDef start fill:#0f172a,stroke:#0f172a,color:#ffffff');
  lines.push(`  class ${START_MARKER} start`);
  return `${lines.join('\n')}\n`;
}

function nodeLine(n: PictureNode): string {
  const [open, close] = SHAPES[n.kind];
  const title = n.kind === 'task' ? n.state : `${n.kindLabel} ${n.state}`;
  return `${n.id}${open}"${text([title, ...n.details])}"${close}`;
}

function edgeLine(e: PictureEdge): string {
  // Dotted for catches, thick for loops back to an earlier state.
  const arrow = e.kind === 'catch' ? '-.->' : e.loop ? '==>' : '-->';
  const label = [e.label, e.loop ? 'loop' : undefined].filter((l) => l !== undefined).join(', ');
  return label ? `${e.from} ${arrow}|"${text([label])}"| ${e.to}` : `${e.from} ${arrow} ${e.to}`;
}

/**
 * Lines of a label, escaped with Mermaid's entity codes: its label parser
 * treats quotes, pipes and angle brackets as syntax, and `#` starts an entity.
 */
function text(lines: readonly string[]): string {
  return lines.map((l) => l.replace(/[#"<>|&]/g, (ch) => `#${ch.charCodeAt(0)};`)).join('<br/>');
}

function comment(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

