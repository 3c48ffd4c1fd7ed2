/**
 * Writes what the Python runtime takes from src/protocol: its constants and
 * key templates (lambda-runtime/python/unum_runtime/protocol/_generated.py)
 * and the conformance vectors (protocol-vectors/*.json) that jest and pytest
 * both check. Run `npx projen protocol:vectors`; test/protocol/vectors.test.ts
 * fails when the committed files differ from what this produces.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { callbackVectors } from './callback';
import { conditionVectors } from './conditions';
import { configVectors } from './config';
import { contextVectors } from './context';
import { dataflowVectors } from './dataflow';
import { deadlineVectors } from './deadline';
import { envelopeVectors } from './envelopes';
import { intrinsicVectors } from './intrinsics';
import { joinVectors } from './join';
import { jsonataVectors } from './jsonata';
import { jsonpathVectors } from './jsonpath';
import { keyVectors } from './keys';
import { generatedPython } from './python';
import { scheduleVectors } from './schedule';
import { statesVectors } from './states';
import { VectorFile } from './support';
import { traceVectors } from './trace';

export const ROOT = join(__dirname, '..', '..', '..');
export const GENERATED_PYTHON = 'lambda-runtime/python/unum_runtime/protocol/_generated.py';
export const VECTOR_DIR = 'protocol-vectors';

/** The vector files by name; each builder runs the TypeScript protocol on its cases. */
export const VECTOR_BUILDERS: Record<string, () => VectorFile | Promise<VectorFile>> = {
  keys: keyVectors,
  envelopes: envelopeVectors,
  conditions: conditionVectors,
  jsonpath: jsonpathVectors,
  join: joinVectors,
  dataflow: dataflowVectors,
  config: configVectors,
  context: contextVectors,
  trace: traceVectors,
  deadline: deadlineVectors,
  intrinsics: intrinsicVectors,
  states: statesVectors,
  jsonata: jsonataVectors,
  schedule: scheduleVectors,
  callback: callbackVectors,
};

/** One case per line: small diffs when the protocol changes, and a file that stays readable. */
function serialize(f: VectorFile): string {
  return `{"description": ${JSON.stringify(f.description)},\n"cases": [\n${f.cases.map((c) => JSON.stringify(c)).join(',\n')}\n]}\n`;
}

/** Every generated file, by path relative to the repository root. */
export async function generateFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = { [GENERATED_PYTHON]: generatedPython() };
  for (const [name, build] of Object.entries(VECTOR_BUILDERS)) {
    files[`${VECTOR_DIR}/${name}.json`] = serialize(await build());
  }
  return files;
}

/** The paths generateFiles writes, known without running the builders (test titles). */
export function generatedPaths(): string[] {
  return [GENERATED_PYTHON, ...Object.keys(VECTOR_BUILDERS).map((name) => `${VECTOR_DIR}/${name}.json`)];
}

if (require.main === module) {
  void generateFiles().then((files) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(ROOT, path)), { recursive: true });
      writeFileSync(join(ROOT, path), content);
      console.log(`wrote ${path}`);
    }
  });
}
