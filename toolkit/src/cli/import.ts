import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import { parseArgs } from 'util';
import { translateStatesLanguage } from 'cdk-unum/lib/importers/asl';
import { generateTypeScript } from 'cdk-unum/lib/importers/codegen';
import { translateFaasr } from 'cdk-unum/lib/importers/faasr';
import { ImportError, Plan, workflowNameFromFile } from 'cdk-unum/lib/importers/plan';
import { translateUnumTemplate, UnumApp, unumFunctions } from 'cdk-unum/lib/importers/unum-template';
import { parse as parseYaml } from 'yaml';

/**
 * `unum import <states.json|faasr.json|unum-template.yaml> [--out lib/my-workflow.ts]`:
 * writes TypeScript that builds the same workflow with the cdk-unum API, and
 * a stub for each function (never overwriting a file that exists). An
 * original unum application keeps its functions' directories: no stubs.
 * Exit codes: 0 written, 2 usage error or a definition that cannot be imported.
 *
 * The YAML and the functions' unum_config.json are read here and passed to
 * the library as plain objects, so the jsii library needs no YAML parser.
 */

export interface ImportIO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly cwd?: string;
}

export const IMPORT_HELP = `unum import — write cdk-unum TypeScript for an existing workflow

Usage:
  unum import <definition.json|unum-template.yaml> [--out <file.ts>] [options]

The definition is an Amazon States Language state machine (StartAt, States),
a FaaSr workflow JSON (FunctionInvoke, ActionList), or an original unum
application's unum-template.yaml (with each function's unum_config.json in its
CodeUri directory; the generated app uses those directories as they are).
Anything that cannot be translated faithfully is reported with the state's
(or function's and field's) name and why.

Options:
  --out <file.ts>           write the code here (default: stdout) and the function stubs next to it
  --format asl|faasr|unum   the definition's format (default: detected; .yaml/.yml is unum)
  --name <workflowName>     the workflow name (default: from the definition, else the file name)
  --class <ClassName>       the generated construct's class name (default: from the workflow name)
  --module <name>           where to import cdk-unum from (default: cdk-unum)
  --functions-dir <dir>     folder of the stubs, relative to --out (default: functions)
  --no-stubs                do not write function stubs
  --stub-language ts|python write the stubs in TypeScript (default) or Python (index.py, handler(event, context))
  --relax-max-concurrency   deprecated, no effect (ASL Map MaxConcurrency is honoured)
`;

export async function runImport(args: string[], io: ImportIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        'out': { type: 'string' },
        'format': { type: 'string' },
        'name': { type: 'string' },
        'class': { type: 'string' },
        'module': { type: 'string' },
        'functions-dir': { type: 'string' },
        'no-stubs': { type: 'boolean' },
        'stub-language': { type: 'string' },
        'relax-max-concurrency': { type: 'boolean' },
        'help': { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`unum import: ${(e as Error).message}\n${IMPORT_HELP}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    io.stdout.write(IMPORT_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.stderr.write(`unum import: pass exactly one definition file\n${IMPORT_HELP}`);
    return 2;
  }
  const stubLanguage = v['stub-language'] === undefined ? 'typescript' : ({ ts: 'typescript', typescript: 'typescript', py: 'python', python: 'python' } as const)[v['stub-language'] as 'ts'];
  if (stubLanguage === undefined) {
    io.stderr.write(`unum import: unknown --stub-language ${v['stub-language']}; use ts or python\n`);
    return 2;
  }
  const cwd = io.cwd ?? process.cwd();
  const file = resolve(cwd, parsed.positionals[0]);
  const yamlFile = /\.ya?ml$/i.test(file);
  let json: any;
  try {
    const text = readFileSync(file, 'utf8');
    json = (v.format ?? (yamlFile ? 'unum' : undefined)) === 'unum' ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    io.stderr.write(`unum import: cannot read ${parsed.positionals[0]}: ${(e as Error).message}\n`);
    return 2;
  }
  const format = v.format ?? (yamlFile ? 'unum' : detectFormat(json));
  if (format !== 'asl' && format !== 'faasr' && format !== 'unum') {
    io.stderr.write(`unum import: ${v.format ? `unknown --format ${v.format}` : 'cannot tell the format'}; use --format asl (StartAt and States), --format faasr (FunctionInvoke and ActionList) or --format unum (unum-template.yaml)\n`);
    return 2;
  }
  const fallbackName = workflowNameFromFile(parsed.positionals[0]);
  let plan: Plan;
  try {
    if (format === 'unum') {
      const app = readUnumApp(file, json);
      if (typeof app === 'string') {
        io.stderr.write(`unum import: ${app}\n`);
        return 2;
      }
      plan = translateUnumTemplate(app, v.name ? { name: v.name } : {});
    } else {
      plan = format === 'asl'
        ? translateStatesLanguage(json, { name: v.name ?? fallbackName, relaxMaxConcurrency: v['relax-max-concurrency'] })
        : translateFaasr(json, v.name ? { name: v.name } : {});
    }
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    io.stderr.write(`unum import: ${e.message}\n`);
    return 2;
  }
  if (format === 'faasr' && !v.name && plan.name === 'faasr') plan = { ...plan, name: fallbackName };
  const generated = generateTypeScript(plan, {
    className: v.class,
    moduleName: v.module,
    functionsDir: v['functions-dir'],
    source: parsed.positionals[0],
    format: { asl: 'Amazon States Language', faasr: 'FaaSr', unum: 'unum application template' }[format],
    stubLanguage,
    // The functions' directories, from where the code is written (or the working directory for stdout).
    codeDir: relative(v.out === undefined ? cwd : dirname(resolve(cwd, v.out)), dirname(file)).split(/[\\/]/).join('/') || '.',
  });
  for (const note of plan.notes) io.stderr.write(`note: ${note}\n`);
  if (v.out === undefined) {
    io.stdout.write(generated.code);
    return 0;
  }
  const out = resolve(cwd, v.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, generated.code);
  io.stdout.write(`wrote ${relative(cwd, out)} (class ${generated.className})\n`);
  if (!v['no-stubs']) {
    for (const stub of generated.stubs) {
      const target = join(dirname(out), stub.path);
      if (existsSync(target)) {
        io.stdout.write(`kept ${relative(cwd, target)} (exists)\n`);
        continue;
      }
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, stub.code);
      io.stdout.write(`wrote ${relative(cwd, target)} (stub: fill in the function)\n`);
    }
  }
  return 0;
}

/**
 * The template and each function's unum_config.json (in its CodeUri
 * directory, relative to the template), or what is missing.
 */
export function readUnumApp(templateFile: string, template: unknown): UnumApp | string {
  const dir = dirname(templateFile);
  const configs: Record<string, unknown> = {};
  for (const { name, codeUri } of unumFunctions(template)) {
    const configFile = join(dir, codeUri, 'unum_config.json');
    if (!existsSync(configFile)) continue; // the translation names the function without one
    try {
      configs[name] = JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (e) {
      return `function '${name}': cannot read ${relative(process.cwd(), configFile)}: ${(e as Error).message}`;
    }
  }
  return { template, configs };
}

/** Reads an unum-template.yaml and its functions' configurations. */
export function loadUnumApp(templateFile: string): UnumApp | string {
  let template: unknown;
  try {
    template = parseYaml(readFileSync(templateFile, 'utf8'));
  } catch (e) {
    return `cannot read ${templateFile}: ${(e as Error).message}`;
  }
  return readUnumApp(templateFile, template);
}

function detectFormat(json: any): string | undefined {
  if (json && typeof json === 'object' && 'StartAt' in json && 'States' in json) return 'asl';
  if (json && typeof json === 'object' && 'FunctionInvoke' in json && ('ActionList' in json || 'FunctionList' in json)) return 'faasr';
  return undefined;
}
