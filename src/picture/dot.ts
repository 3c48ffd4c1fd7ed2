import { KIND_COLORS, START_MARKER } from './mermaid';
import { PictureEdge, PictureNode, PictureNodeKind, WorkflowPicture } from './model';

const SHAPES: Record<PictureNodeKind, string> = {
  task: 'box',
  choice: 'diamond',
  fanIn: 'invtrapezium',
  pass: 'box',
  wait: 'hexagon',
  succeed: 'circle',
  fail: 'doublecircle',
};

/**
 * The workflow in Graphviz's DOT language: Parallel, its branches and Map as
 * nested clusters. Graphviz draws edges between clusters through a node
 * inside them (`lhead`/`ltail` clip the edge at the border), so every box
 * has an invisible anchor node for the edges that start or end at it.
 */
export function toDot(picture: WorkflowPicture): string {
  const clusterIds = new Set(picture.clusters.map((c) => c.id));
  const lines: string[] = [
    `digraph ${quote(picture.name)} {`,
    '  rankdir=TB;',
    '  compound=true;',
    '  graph [fontname="Helvetica", fontsize=11];',
    '  node [fontname="Helvetica", fontsize=11, style="filled"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  ${START_MARKER} [label="start", shape=circle, width=0.3, fillcolor="#0f172a", fontcolor="#ffffff"];`,
  ];
  const write = (parent: string | undefined, indent: string): void => {
    picture.nodes.filter((n) => n.parent === parent).forEach((n) => lines.push(`${indent}${nodeLine(n)}`));
    picture.clusters.filter((c) => c.parent === parent).forEach((c) => {
      const { fill, stroke } = KIND_COLORS[c.kind];
      lines.push(`${indent}subgraph cluster_${c.id} {`);
      lines.push(`${indent}  label=${quote([c.title, ...c.details].join('\n'))};`);
      lines.push(`${indent}  style="rounded,filled"; fillcolor=${quote(fill)}; color=${quote(stroke)};`);
      lines.push(`${indent}  ${anchor(c.id)} [shape=point, style=invis, width=0, label=""];`);
      write(c.id, `${indent}  `);
      lines.push(`${indent}}`);
    });
  };
  write(undefined, '  ');
  const end = (id: string, head: boolean): { node: string; attr?: string } =>
    (clusterIds.has(id) ? { node: anchor(id), attr: `${head ? 'lhead' : 'ltail'}=cluster_${id}` } : { node: id });
  const startTo = end(picture.start, true);
  lines.push(`  ${START_MARKER} -> ${startTo.node}${startTo.attr ? ` [${startTo.attr}]` : ''};`);
  for (const e of picture.edges) {
    const from = end(e.from, false);
    const to = end(e.to, true);
    const attrs = [from.attr, to.attr, ...edgeStyle(e)].filter((a): a is string => a !== undefined);
    lines.push(`  ${from.node} -> ${to.node}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function nodeLine(n: PictureNode): string {
  const { fill, stroke } = KIND_COLORS[n.kind];
  const title = n.kind === 'task' ? n.state : `${n.kindLabel} ${n.state}`;
  const style = n.kind === 'pass' ? ', style="rounded,filled"' : '';
  return `${n.id} [label=${quote([title, ...n.details].join('\n'))}, shape=${SHAPES[n.kind]}${style}, fillcolor=${quote(fill)}, color=${quote(stroke)}];`;
}

function edgeStyle(e: PictureEdge): string[] {
  const label = [e.label, e.loop ? 'loop' : undefined].filter((l) => l !== undefined).join(', ');
  return [
    ...(label ? [`label=${quote(label)}`] : []),
    ...(e.kind === 'catch' ? ['style=dashed', 'color="#b91c1c"'] : []),
    // A loop goes back up: constraint=false keeps it from pulling the earlier state below.
    ...(e.loop ? ['penwidth=2', 'color="#6d28d9"', 'constraint=false'] : []),
  ];
}

/** Quoted with a space, which no picture id has, so an anchor never collides with a state. */
function anchor(cluster: string): string {
  return `"${cluster} box"`;
}

/** A DOT string: quotes and backslashes escaped, newlines as `\n`. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}
