import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AssetHashType, BundlingOptions, IgnoreMode, IgnoreStrategy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { PythonBundlingOptions } from '../python';

/**
 * The code asset of a Python UnumFunction: the entry directory with its
 * requirements installed next to it, as `@aws-cdk/aws-lambda-python-alpha`
 * builds it, but with the local pip by default (no Docker). pip installs
 * binary wheels for Lambda's platform (manylinux2014, the function's
 * architecture and Python version), so the host's own Python version and
 * machine do not leak into the asset.
 */

/** Never part of an asset: byte code the host's Python wrote. */
const ALWAYS_EXCLUDED = ['__pycache__', '*.pyc'];

/** The Python used to bundle (and by the local engine): UNUM_PYTHON, else python3 on PATH. */
export function localPython(): string {
  return process.env.UNUM_PYTHON || 'python3';
}

export interface PythonAssetProps {
  /** How errors name the function, e.g. `UnumFunction 'Count'`. */
  readonly where: string;
  /** The function's directory. */
  readonly entry: string;
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
  readonly options?: PythonBundlingOptions;
}

/** Which dependency file of the entry directory pip installs, if any. */
function dependencyFile(entry: string): 'requirements.txt' | 'pyproject.toml' | undefined {
  if (fs.existsSync(path.join(entry, 'requirements.txt'))) return 'requirements.txt';
  if (fs.existsSync(path.join(entry, 'pyproject.toml'))) return 'pyproject.toml';
  return undefined;
}

/** Prints the `[project] dependencies` of a pyproject.toml, one a line (tomllib: Python 3.11+). */
const PYPROJECT_DEPENDENCIES = [
  'import sys, tomllib',
  'doc = tomllib.load(open(sys.argv[1], "rb"))',
  'deps = doc.get("project", {}).get("dependencies", [])',
  'poetry = {k for k in doc.get("tool", {}).get("poetry", {}).get("dependencies", {}) if k != "python"}',
  'sys.exit("dependencies are in [tool.poetry.dependencies]; list them in [project] dependencies or a requirements.txt") if poetry and not deps else None',
  'print("\\n".join(deps))',
].join('\n');

/** pip's platform tags for the function: what Lambda's Amazon Linux accepts. */
export function pipTargetArgs(runtime: lambda.Runtime, architecture: lambda.Architecture): string[] {
  const platform = architecture.name === lambda.Architecture.ARM_64.name ? 'manylinux2014_aarch64' : 'manylinux2014_x86_64';
  return ['--platform', platform, '--implementation', 'cp', '--python-version', runtime.name.replace(/^python/, ''), '--only-binary=:all:'];
}

/** The CDK bundling options: a container command, and (unless useContainer) the local bundler CDK tries first. */
export function pythonBundlingOptions(props: PythonAssetProps): BundlingOptions {
  const depFile = dependencyFile(props.entry);
  const pipArgs = pipTargetArgs(props.runtime, props.architecture).join(' ');
  const install = depFile === 'requirements.txt'
    ? [`pip install -r requirements.txt -t /asset-output ${pipArgs}`]
    : depFile === 'pyproject.toml'
      ? [`python -c '${PYPROJECT_DEPENDENCIES.replace(/'/g, '\'"\'"\'')}' pyproject.toml > /tmp/requirements.txt`,
        `pip install -r /tmp/requirements.txt -t /asset-output ${pipArgs}`]
      : [];
  return {
    image: props.options?.image ?? props.runtime.bundlingImage,
    command: ['bash', '-c', [...install, 'cp -rT /asset-input/ /asset-output', 'find /asset-output -name __pycache__ -prune -exec rm -rf {} +'].join(' && ')],
    platform: props.architecture.dockerPlatform,
    ...(props.options?.useContainer ? {} : {
      // An object with only a method: the asset hash (which JSON-encodes the bundling options) stays free of local paths.
      local: { tryBundle: (outputDir: string) => bundleLocally(props, outputDir) },
    }),
  };
}

/** The function's code asset. Its hash is the entry directory's content plus the bundling options: deterministic. */
export function pythonCode(props: PythonAssetProps): lambda.Code {
  const stat = fs.statSync(props.entry, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) {
    throw new Error(`${props.where}: a Python entry is the function's directory (with ${'`index`'} inside it); ${props.entry} is ${stat ? 'not a directory' : 'missing'}`);
  }
  return lambda.Code.fromAsset(props.entry, {
    assetHashType: AssetHashType.SOURCE,
    exclude: excludes(props),
    ignoreMode: IgnoreMode.GLOB,
    bundling: pythonBundlingOptions(props),
  });
}

function bundleLocally(props: PythonAssetProps, outputDir: string): boolean {
  const depFile = dependencyFile(props.entry);
  if (depFile !== undefined) installDependencies(props, depFile, outputDir);
  // Sources after the dependencies, as python-alpha does: a module of the function wins over a package's file of the same name.
  const ignore = IgnoreStrategy.fromCopyOptions({ exclude: excludes(props), ignoreMode: IgnoreMode.GLOB }, props.entry);
  fs.cpSync(props.entry, outputDir, {
    recursive: true,
    dereference: true,
    filter: (source) => source === props.entry || !ignore.ignores(source),
  });
  return true;
}

function installDependencies(props: PythonAssetProps, depFile: string, outputDir: string): void {
  const python = localPython();
  const target = `${props.runtime.name} on ${props.architecture.name}`;
  const hint = 'or bundle in the Lambda build image with pythonBundling: { useContainer: true } (needs Docker)';
  const pip = spawnSync(python, ['-m', 'pip', '--version'], { encoding: 'utf8' });
  if (pip.error || pip.status !== 0) {
    const why = (pip.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? `${python} is not on PATH` : `\`${python} -m pip\` failed: ${tail(pip.stderr)}`;
    throw new Error(`${props.where}: installing ${depFile} for ${target} needs pip, and ${why}. `
      + `Install Python 3 with pip, set UNUM_PYTHON to a Python that has pip, ${hint}`);
  }
  let requirements = path.join(props.entry, 'requirements.txt');
  let scratch: string | undefined;
  try {
    if (depFile === 'pyproject.toml') {
      const deps = spawnSync(python, ['-c', PYPROJECT_DEPENDENCIES, 'pyproject.toml'], { cwd: props.entry, encoding: 'utf8' });
      if (deps.status !== 0) {
        throw new Error(`${props.where}: cannot read the dependencies of ${path.join(props.entry, 'pyproject.toml')} `
          + `(reading it needs Python 3.11 or later as ${python}): ${tail(deps.stderr)}`);
      }
      if (deps.stdout.trim() === '') return;
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-unum-pyproject-'));
      requirements = path.join(scratch, 'requirements.txt');
      fs.writeFileSync(requirements, deps.stdout);
    }
    const run = spawnSync(python, [
      '-m', 'pip', 'install', '-r', requirements, '--target', outputDir, ...pipTargetArgs(props.runtime, props.architecture),
      '--no-compile', '--disable-pip-version-check', '--no-input', '--quiet',
    ], { cwd: props.entry, encoding: 'utf8', env: { ...process.env, PIP_NO_INPUT: '1' } });
    if (run.status !== 0) {
      throw new Error(`${props.where}: pip could not install ${path.join(props.entry, depFile)} for ${target} `
        + `(binary wheels for ${pipTargetArgs(props.runtime, props.architecture)[1]} only): ${tail(run.stderr || run.stdout)}. `
        + `Fix or pin the requirement to a version with such a wheel, ${hint}`);
    }
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function excludes(props: PythonAssetProps): string[] {
  return [...ALWAYS_EXCLUDED, ...props.options?.assetExcludes ?? []];
}

function tail(text: string | undefined): string {
  const lines = (text ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-6).join(' | ') || '(no output)';
}
