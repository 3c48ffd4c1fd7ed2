import type { UnumContext } from '../../../src/handler';

export interface SourceFile {
  /** Relative to the repository root, with `/` separators. */
  readonly path: string;
  readonly source: string;
}

/** The session input: a commit of a repository, with its files. */
export interface CheckoutInput {
  readonly repo: string;
  readonly commit: string;
  /** true: the Strictness choice runs TypeCheck; false: QuickCheck. */
  readonly strict: boolean;
  readonly files: SourceFile[];
}

export interface CheckedOut {
  readonly repo: string;
  /** Lower-case hex. */
  readonly commit: string;
  readonly strict: boolean;
  /** From package.json: what Package names the artifact after. */
  readonly manifest: { name: string; version: string };
  /** Sorted by path, line endings normalized to \n. */
  readonly files: SourceFile[];
}

/**
 * The entry: checks the commit both branches of the fork read, and reads the
 * package name and version from package.json. Everything later steps need
 * travels on in the output (a step sees only its predecessor's output).
 */
export async function handler(input: Partial<CheckoutInput>, context: UnumContext): Promise<CheckedOut> {
  if (typeof input?.repo !== 'string' || !/^[\w.-]+\/[\w.-]+$/.test(input.repo)) throw new Error('checkout needs "repo" as "owner/name"');
  if (typeof input.commit !== 'string' || !/^[0-9a-f]{7,40}$/i.test(input.commit)) throw new Error('checkout needs "commit": 7 to 40 hex digits');
  if (typeof input.strict !== 'boolean') throw new Error(`checkout needs "strict": true or false (got ${JSON.stringify(input.strict)})`);
  if (!Array.isArray(input.files) || input.files.length === 0) throw new Error('checkout needs "files": a non-empty list of { path, source }');

  const files: SourceFile[] = [];
  for (const file of input.files) {
    if (typeof file?.path !== 'string' || typeof file.source !== 'string') throw new Error('every file needs a string "path" and "source"');
    const parts = file.path.split('/');
    if (file.path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new Error(`file path ${JSON.stringify(file.path)} must be relative, without '.' or '..' segments`);
    }
    if (files.some((f) => f.path === file.path)) throw new Error(`file ${file.path} is listed twice`);
    files.push({ path: file.path, source: file.source.replace(/\r\n?/g, '\n') });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const manifestFile = files.find((f) => f.path === 'package.json');
  if (!manifestFile) throw new Error('the commit has no package.json');
  let manifest: { name?: unknown; version?: unknown };
  try {
    manifest = JSON.parse(manifestFile.source);
  } catch (e) {
    throw new Error(`package.json is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof manifest.name !== 'string' || typeof manifest.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(manifest.version)) {
    throw new Error('package.json needs a "name" and a "version" such as "1.2.3"');
  }

  context.logger.info('checked out', { repo: input.repo, files: files.length });
  return {
    repo: input.repo,
    commit: input.commit.toLowerCase(),
    strict: input.strict,
    manifest: { name: manifest.name, version: manifest.version },
    files,
  };
}
