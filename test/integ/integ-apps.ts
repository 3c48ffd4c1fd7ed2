import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';

/** The repository root and the integ app folder. */
export const ROOT = path.join(__dirname, '..', '..');
export const INTEG_DIR = path.join(ROOT, 'integ');
/** The integ-runner options shared by the tests and the documented commands (integ/README.md). */
export const INTEG_CONFIG = path.join(INTEG_DIR, 'integ.config.json');

/**
 * The environment for integ-runner and the apps: a fixed region (without
 * one integ-runner probes the EC2 metadata address), dummy credentials,
 * no CLI telemetry or notices. Nothing here reaches AWS.
 */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'offline-dummy-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    CDK_DISABLE_VERSION_CHECK: 'true',
    ...extra,
  };
}

/** The integ apps (`integ.<name>.ts`), sorted. */
export function integApps(): string[] {
  return fs.readdirSync(INTEG_DIR).filter((f) => /^integ\.(?!.*\.d\.ts$).*\.ts$/.test(f)).sort();
}

/** `integ.chain.ts` → `chain`. */
export function appName(file: string): string {
  return file.replace(/^integ\./, '').replace(/\.ts$/, '');
}

export function snapshotDir(file: string): string {
  return path.join(INTEG_DIR, `${file}.snapshot`);
}

/**
 * The context integ-runner synthesizes with: its recommended feature flags,
 * with the target-partitions flag unset (see integ-runner's getContext).
 */
function integRunnerContext(): Record<string, unknown> {
  const flags = JSON.parse(fs.readFileSync(require.resolve('@aws-cdk/integ-runner/lib/recommended-feature-flags.json'), 'utf8'));
  delete flags['@aws-cdk/core:target-partitions'];
  return flags;
}

const run = promisify(execFile);

/**
 * Synthesizes one integ app the way integ-runner does (same app command,
 * same context) into `outdir`.
 */
export async function synthIntegApp(file: string, outdir: string): Promise<void> {
  const config = JSON.parse(fs.readFileSync(INTEG_CONFIG, 'utf8')) as { app: string };
  const [command, ...args] = config.app.replace('{filePath}', path.join(INTEG_DIR, file)).split(' ');
  await run(command, args, {
    cwd: ROOT,
    env: offlineEnv({ CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(integRunnerContext()) }),
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** Synthesizes every integ app into `<dir>/<file>`, at most one per core at a time. */
export async function synthAll(dir: string, files = integApps()): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const queue = [...files];
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      out[file] = path.join(dir, file);
      await synthIntegApp(file, out[file]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(os.cpus().length, files.length)) }, worker));
  return out;
}

export interface IntegAssembly {
  readonly dir: string;
  /** The stacks under test (integ.json testCases[].stacks). */
  readonly testStacks: string[];
  /** The stack holding the IntegTest assertions. */
  readonly assertionStack: string;
  template(stack: string): any;
}

/** Reads a synthesized integ app or a committed snapshot. */
export function readIntegAssembly(dir: string): IntegAssembly {
  const integ = JSON.parse(fs.readFileSync(path.join(dir, 'integ.json'), 'utf8'));
  const cases = Object.values(integ.testCases) as Array<{ stacks: string[]; assertionStackName: string }>;
  if (cases.length !== 1) throw new Error(`${dir}: expected one IntegTest case, found ${cases.length}`);
  return {
    dir,
    testStacks: cases[0].stacks,
    assertionStack: cases[0].assertionStackName,
    template: (stack) => JSON.parse(fs.readFileSync(path.join(dir, `${stack}.template.json`), 'utf8')),
  };
}
