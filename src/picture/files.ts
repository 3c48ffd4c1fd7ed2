import { WorkflowGraph } from '../compiler/graph';

/** What the construct writes beside a stack's template, and `unum graph` reads. */
export const PICTURE_FILE_SUFFIX = {
  /** The workflow as Mermaid text, for a README or a pull request. */
  MERMAID: '.unum.mermaid',
  /** The workflow's graph (a PictureFile), from which `unum graph` draws every format. */
  GRAPH: '.unum-graph.json',
} as const;

/** Version of the graph file's shape. */
export const PICTURE_FILE_VERSION = 1;

/** The contents of a `*.unum-graph.json` file. */
export interface PictureFile {
  readonly v: number;
  readonly workflow: string;
  /** The stack's name, as the assembly's manifest gives it. */
  readonly stack: string;
  readonly graph: WorkflowGraph;
}

/** File names for a workflow: the stack's artifact id first, as the stack's template is named, so two stacks never collide. */
export function pictureFileNames(stackArtifactId: string, workflowName: string): { readonly mermaid: string; readonly graph: string } {
  const base = `${stackArtifactId}.${workflowName}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return { mermaid: `${base}${PICTURE_FILE_SUFFIX.MERMAID}`, graph: `${base}${PICTURE_FILE_SUFFIX.GRAPH}` };
}
