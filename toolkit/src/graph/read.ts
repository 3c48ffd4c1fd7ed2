import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import type { WorkflowGraph } from 'cdk-unum/lib/compiler/graph';
import { PICTURE_FILE_SUFFIX, PICTURE_FILE_VERSION, PictureFile } from 'cdk-unum/lib/picture/files';
import { LocalApp, LocalWorkflow, UsageError } from '../local/assembly';

/**
 * The graph of a workflow, from the file UnumWorkflow writes beside its
 * stack's template at synth (in a nested stage's assembly for a workflow
 * in a Stage).
 */
export function readWorkflowGraph(app: LocalApp, workflow: LocalWorkflow): WorkflowGraph {
  const files = pictureFiles(app.dir);
  const found = files.find((f) => f.workflow === workflow.name && f.stack === workflow.stack);
  if (found === undefined) {
    throw new UsageError(`workflow '${workflow.name}' in stack ${workflow.stack}: the cloud assembly ${app.dir} has no *${PICTURE_FILE_SUFFIX.GRAPH} `
      + 'file for it; it was synthesized by a cdk-unum version that does not write one: upgrade cdk-unum and synthesize again');
  }
  if (found.v !== PICTURE_FILE_VERSION) {
    throw new UsageError(`workflow '${workflow.name}': its graph file has version ${found.v}, this toolkit reads version ${PICTURE_FILE_VERSION}: `
      + 'use the cdk-unum-toolkit version that matches the app\'s cdk-unum');
  }
  return found.graph;
}

function pictureFiles(dir: string): PictureFile[] {
  const out: PictureFile[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    if (name.endsWith(PICTURE_FILE_SUFFIX.GRAPH)) {
      out.push(JSON.parse(readFileSync(file, 'utf8')) as PictureFile);
    } else if (name.startsWith('assembly-') && statSync(file).isDirectory() && existsSync(join(file, 'manifest.json'))) {
      // A nested Stage's assembly.
      out.push(...pictureFiles(file));
    }
  }
  return out;
}
