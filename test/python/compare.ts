// Compares two synthesized templates the way the project's snapshots see them: every string is
// normalized by the snapshot serializer (test/support/asset-hash-serializer.ts, asset hashes).
// Exit 1 with a unified diff when they differ.
import { spawnSync } from 'child_process';
import * as fs from 'fs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const assetHashSerializer = require('../support/asset-hash-serializer');

const normalize = (_key: string, value: unknown) => (assetHashSerializer.test(value)
  ? assetHashSerializer.serialize(value, {}, '', 0, [], (s: string) => s)
  : value);

/** Writes the normalized template next to the original and returns its path. */
function normalized(file: string): string {
  const out = file.replace(/\.json$/, '.normalized.json');
  fs.writeFileSync(out, JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')), normalize, 2) + '\n');
  return out;
}

const [typescriptFile, pythonFile] = process.argv.slice(2);
const result = spawnSync('diff', ['-u', '--label', `TypeScript ${typescriptFile}`, '--label', `Python ${pythonFile}`,
  normalized(typescriptFile), normalized(pythonFile)], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error(result.status === 1 ? 'the Python template differs from the TypeScript one (diff above)' : `diff failed: ${result.error ?? result.status}`);
  process.exit(1);
}
const resources = Object.keys(JSON.parse(fs.readFileSync(pythonFile, 'utf8')).Resources ?? {}).length;
console.log(`templates are equal (${resources} resources, asset hashes normalized)`);
