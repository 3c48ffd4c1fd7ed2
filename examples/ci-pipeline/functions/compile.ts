import { posix } from 'path';
import type { UnumContext } from '../../../src/handler';

interface SourceFile {
  readonly path: string;
  readonly source: string;
}

interface CheckedOut {
  readonly repo: string;
  readonly commit: string;
  readonly strict: boolean;
  readonly manifest: { name: string; version: string };
  readonly files: SourceFile[];
}

export interface Import {
  /** The imported module's path when it is in the commit (a relative import), else the specifier as written. */
  readonly from: string;
  readonly names: Array<{ imported: string; local: string }>;
  readonly line: number;
}

export interface Module extends SourceFile {
  /** A `*.test.ts` file. */
  readonly test: boolean;
  readonly lines: number;
  /** Every name the module exports, its own and re-exported ones, in order of appearance. */
  readonly exports: string[];
  /** The functions the module itself declares and exports. */
  readonly functions: string[];
  readonly imports: Import[];
  /** `export { imported as exported } from '...'`, with `from` resolved as for imports. */
  readonly reexports: Array<{ from: string; imported: string; exported: string }>;
}

export interface Compiled {
  readonly repo: string;
  readonly commit: string;
  readonly manifest: { name: string; version: string };
  /** The `.ts` files, in path order. */
  readonly modules: Module[];
  /** Every other file (package.json, README.md, ...). */
  readonly assets: SourceFile[];
}

const IDENTIFIER = '[A-Za-z_$][\\w$]*';
const DECLARED = new RegExp(`^export\\s+(?:default\\s+)?(?:declare\\s+)?(async\\s+)?(function\\*?|const|let|class|interface|type|enum)\\s+(${IDENTIFIER})`, 'gm');
/** `import { a, b as c } from '...'` and `export { a, b as c } from '...'` (type-only too). */
const NAMED = /^(import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"]+)\3/gm;

/**
 * Branch 0, step 1: "compiles" the TypeScript files: reads each module's
 * imports and exports and links them: every relative import must name a
 * module of the commit that exports what is imported (re-exports included).
 * Fails with every link error at once. The sources travel on: the join after
 * the next Parallel delivers only outputs, and UnitTests and Package read them.
 */
export async function handler(input: CheckedOut, context: UnumContext): Promise<Compiled> {
  const sources = input.files.filter((f) => f.path.endsWith('.ts'));
  const paths = new Set(sources.map((f) => f.path));
  const problems: string[] = [];

  const parsed = sources.map((file) => {
    const own: string[] = [];
    const functions: string[] = [];
    for (const match of file.source.matchAll(DECLARED)) {
      own.push(match[3]);
      if (match[2].startsWith('function')) functions.push(match[3]);
    }
    const imports: Import[] = [];
    const reexports: Array<{ from: string; imported: string; exported: string; line: number }> = [];
    for (const match of file.source.matchAll(NAMED)) {
      const line = lineOf(file.source, match.index!);
      const specifier = match[4];
      let from = specifier;
      if (specifier.startsWith('./') || specifier.startsWith('../')) {
        const base = posix.normalize(posix.join(posix.dirname(file.path), specifier));
        const found = [`${base}.ts`, `${base}/index.ts`, base].find((p) => paths.has(p));
        if (!found) {
          problems.push(`${file.path}:${line}: cannot find module '${specifier}'`);
          continue;
        }
        from = found;
      }
      const names = match[2].split(',').map((n) => n.trim()).filter((n) => n !== '').map((n) => {
        const [imported, local = imported] = n.replace(/^type\s+/, '').split(/\s+as\s+/);
        return { imported, local };
      });
      if (match[1] === 'import') imports.push({ from, names, line });
      else names.forEach((n) => reexports.push({ from, imported: n.imported, exported: n.local, line }));
    }
    return { file, own, functions, imports, reexports };
  });

  // A module's exports: its own, then what it re-exports (which the target must export).
  const byPath = new Map(parsed.map((p) => [p.file.path, p]));
  const exportsOf = new Map<string, string[]>();
  const linking = new Set<string>();
  const resolveExports = (path: string): string[] => {
    const known = exportsOf.get(path);
    if (known) return known;
    const module = byPath.get(path)!;
    if (linking.has(path)) return module.own; // an export cycle: stop at the module's own names
    linking.add(path);
    const names = [...module.own];
    for (const r of module.reexports) {
      if (byPath.has(r.from) && !resolveExports(r.from).includes(r.imported)) {
        problems.push(`${path}:${r.line}: '${r.from}' has no export '${r.imported}'`);
      }
      names.push(r.exported);
    }
    linking.delete(path);
    exportsOf.set(path, names);
    return names;
  };
  parsed.forEach((p) => resolveExports(p.file.path));

  for (const p of parsed) {
    for (const imp of p.imports) {
      if (!byPath.has(imp.from)) continue; // a package: not ours to link
      for (const n of imp.names) {
        if (!exportsOf.get(imp.from)!.includes(n.imported)) {
          problems.push(`${p.file.path}:${imp.line}: '${imp.from}' has no export '${n.imported}'`);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(`compile failed with ${problems.length} error(s): ${problems.join('; ')}`);

  const modules: Module[] = parsed.map((p) => ({
    path: p.file.path,
    test: p.file.path.endsWith('.test.ts'),
    lines: lineCount(p.file.source),
    exports: exportsOf.get(p.file.path)!,
    functions: p.functions,
    imports: p.imports,
    reexports: p.reexports.map(({ from, imported, exported }) => ({ from, imported, exported })),
    source: p.file.source,
  }));
  context.logger.info('compiled', { modules: modules.length });
  return {
    repo: input.repo,
    commit: input.commit,
    manifest: input.manifest,
    modules,
    assets: input.files.filter((f) => !f.path.endsWith('.ts')),
  };
}

/** 1-based line of a character offset. */
function lineOf(source: string, offset: number): number {
  return source.slice(0, offset).split('\n').length;
}

/** Lines of a file (a final newline does not start another line). */
function lineCount(source: string): number {
  if (source === '') return 0;
  return source.split('\n').length - (source.endsWith('\n') ? 1 : 0);
}
