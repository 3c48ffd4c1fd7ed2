/**
 * The conformance vectors and the Python constants are generated from
 * src/protocol; a change to the protocol that is not regenerated fails here
 * (and so in `npm test`), and the TypeScript must still produce every
 * committed vector. The Python side checks the same files with pytest.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { generatedPaths, generateFiles, ROOT, VECTOR_BUILDERS, VECTOR_DIR } from './vectors/generate';
import { Vector, VectorFile } from './vectors/support';
import * as protocol from '../../src/protocol';
import * as callback from '../../src/protocol/callback';

let generated: Record<string, string>;
beforeAll(async () => {
  generated = await generateFiles();
});

describe('generated protocol files are up to date', () => {
  test.each(generatedPaths())('%s', (path) => {
    let committed: string | undefined;
    try {
      committed = readFileSync(join(ROOT, path), 'utf8');
    } catch {
      committed = undefined;
    }
    if (committed !== generated[path]) {
      throw new Error(`${path} is stale: src/protocol (or the vector cases) changed without regenerating. Run \`npx projen protocol:vectors\` and commit the result.`);
    }
  });
});

test('no vector file is left over from a removed builder', () => {
  const committed = readdirSync(join(ROOT, VECTOR_DIR)).map((f) => `${VECTOR_DIR}/${f}`);
  expect(committed.sort()).toEqual(Object.keys(generated).filter((p) => p.startsWith(`${VECTOR_DIR}/`)).sort());
});

describe('the TypeScript protocol produces every committed vector', () => {
  // Callbacks are a module of their own (the client's token parsing stays out of the runtime's imports); the runtimes port encodeTaskToken.
  const functions = { ...protocol, ...callback } as unknown as Record<string, (...args: unknown[]) => unknown>;

  test('every function src/protocol exports has vectors (error classes are checked through the errors)', () => {
    const called = new Set(Object.keys(VECTOR_BUILDERS).flatMap((name) =>
      (JSON.parse(readFileSync(join(ROOT, VECTOR_DIR, `${name}.json`), 'utf8')) as VectorFile).cases.map((c) => c.function)));
    const missing = Object.entries(protocol).filter(([n, v]) => typeof v === 'function' && !called.has(n) && !n.endsWith('Error')).map(([n]) => n);
    expect(missing).toEqual([]);
  });

  test.each(Object.keys(VECTOR_BUILDERS))('%s.json', async (name) => {
    const vectors = JSON.parse(readFileSync(join(ROOT, VECTOR_DIR, `${name}.json`), 'utf8')) as VectorFile;
    expect(vectors.cases.length).toBeGreaterThan(0);
    const outcomes = await Promise.all(vectors.cases.map((c) => holds(c, functions[c.function])));
    const wrong = vectors.cases.filter((_, i) => !outcomes[i]).map((c) => c.name);
    expect(wrong).toEqual([]);
  });
});

/** Whether a function gives a vector's outcome (awaited: JSONata's functions are async). */
async function holds(c: Vector, fn: ((...args: unknown[]) => unknown) | undefined): Promise<boolean> {
  if (typeof fn !== 'function') throw new Error(`vector '${c.name}' calls ${c.function}, which src/protocol does not export`);
  const args = (c.argsJson !== undefined ? JSON.parse(c.argsJson) : c.args) as unknown[];
  try {
    const out = await fn(...args);
    const result = out === undefined ? null : out;
    if (c.error) return false;
    return JSON.stringify(result) === JSON.stringify(c.result) && (c.resultJson === undefined || JSON.stringify(result) === c.resultJson);
  } catch (e) {
    return c.error !== undefined && (e as Error).name === c.error.name && (e as Error).message === c.error.message;
  }
}
