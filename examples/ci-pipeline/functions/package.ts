import { createHash } from 'crypto';
import type { UnumContext } from '../../../src/handler';

interface SourceFile {
  readonly path: string;
  readonly source: string;
}

interface Compiled {
  readonly repo: string;
  readonly commit: string;
  readonly manifest: { name: string; version: string };
  readonly modules: Array<SourceFile & { test: boolean; exports: string[] }>;
  readonly assets: SourceFile[];
}

export interface Packaged {
  readonly repo: string;
  readonly commit: string;
  readonly name: string;
  readonly version: string;
  /** npm's tarball name: `@scope/name` 1.2.3 → `scope-name-1.2.3.tgz`. */
  readonly artifact: string;
  /** What goes in: the assets and the non-test modules, in path order. */
  readonly files: string[];
  /** UTF-8 bytes of those files. */
  readonly bytes: number;
  /** SHA-256 over every packed file's path and content: the same commit always packs to the same digest. */
  readonly digest: string;
  /** The public API: what src/index.ts exports. */
  readonly api: string[];
}

/**
 * Branch 0.1 (after Compile, beside UnitTests): packs the release: the
 * non-test modules and the assets, named after package.json, with a content
 * digest. Nothing is uploaded: Publish decides whether it ships.
 */
export async function handler(input: Compiled, context: UnumContext): Promise<Packaged> {
  const packed = [...input.assets, ...input.modules.filter((m) => !m.test)]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash('sha256');
  for (const file of packed) hash.update(file.path).update('\0').update(file.source).update('\0');
  const { name, version } = input.manifest;
  const result: Packaged = {
    repo: input.repo,
    commit: input.commit,
    name,
    version,
    artifact: `${name.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`,
    files: packed.map((f) => f.path),
    bytes: packed.reduce((sum, f) => sum + Buffer.byteLength(f.source, 'utf8'), 0),
    digest: `sha256:${hash.digest('hex')}`,
    api: input.modules.find((m) => m.path === 'src/index.ts')?.exports ?? [],
  };
  context.logger.info('packaged', { artifact: result.artifact, bytes: result.bytes });
  return result;
}
