import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, DockerImage, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Chain, UnumFunction, UnumWorkflow } from '../../src';
import { pythonBundlingOptions } from '../../src/private/python-bundling';
import { ENV, PYTHON_RUNTIME_HANDLER, RUNTIME_HANDLER } from '../../src/protocol/config';
import { FIXTURES } from '../support/shapes';

/*
 * Python UnumFunctions: the entry directory, index module and handler; the
 * asset built with the local pip (real pip, real PyPI) for Lambda's platform;
 * the props of the other language refused.
 */

const PY = path.join(__dirname, '..', 'fixtures', 'python');

function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-unum-py-')), context: { 'aws:cdk:enable-asset-metadata': true } });
}

function newStack(app = newApp()): Stack {
  return new Stack(app, 'Py', { env: { account: '123456789012', region: 'us-east-1' } });
}

/** The staged code directory of a function (asset metadata is on). */
function assetDir(stack: Stack, fn: UnumFunction): string {
  const resources = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: fn.functionName },
  });
  const [resource] = Object.values(resources);
  return path.join((stack.node.root as App).outdir, resource.Metadata['aws:asset:path']);
}

function tempEntry(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-unum-py-entry-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('a Python function in a mixed workflow', () => {
  const stack = newStack();
  const greet = new UnumFunction(stack, 'Greet', {
    entry: path.join(PY, 'greet'), index: 'app.py', handler: 'lambda_handler', runtime: lambda.Runtime.PYTHON_3_12,
  });
  const node = new UnumFunction(stack, 'Shout', { entry: `${FIXTURES}/index.js` });
  new UnumWorkflow(stack, 'Mixed', { definition: Chain.start(greet).next(node) });
  const template = Template.fromStack(stack);

  test('runs the Python runtime of the layer, with the user handler in UNUM_USER_HANDLER', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: greet.functionName,
      Runtime: 'python3.12',
      Handler: PYTHON_RUNTIME_HANDLER,
      Layers: [{ Ref: Match.stringLikeRegexp('^UnumRuntimeLayer') }],
      Environment: { Variables: Match.objectLike({ [ENV.USER_HANDLER]: 'app.lambda_handler', [ENV.CONFIG]: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: node.functionName, Runtime: 'nodejs24.x', Handler: RUNTIME_HANDLER,
    });
  });

  test('the runtime layer is compatible with the Python runtimes', () => {
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: Match.arrayWith(['nodejs22.x', 'nodejs24.x', 'python3.11', 'python3.12', 'python3.13']),
    });
  });

  test('the asset is the directory without byte code', () => {
    const dir = assetDir(stack, greet);
    expect(fs.readdirSync(dir).sort()).toEqual(['app.py']);
  });
});

test('defaults: index.py and handler, python3.13, arm64', () => {
  const stack = newStack();
  const fn = new UnumFunction(stack, 'Defaults', {
    entry: path.join(PY, 'with-requirements'), runtime: lambda.Runtime.PYTHON_3_13, architecture: lambda.Architecture.ARM_64,
  });
  new UnumWorkflow(stack, 'W', { definition: fn });
  Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'python3.13',
    Architectures: ['arm64'],
    Environment: { Variables: Match.objectLike({ [ENV.USER_HANDLER]: 'index.handler' }) },
  });
});

test('a module in a package directory: pkg/app.py is pkg.app', () => {
  const entry = tempEntry({});
  fs.mkdirSync(path.join(entry, 'pkg'));
  fs.writeFileSync(path.join(entry, 'pkg', 'app.py'), 'def main(event, context):\n    return event\n');
  const stack = newStack();
  const fn = new UnumFunction(stack, 'Pkg', { entry, index: 'pkg/app.py', handler: 'main', runtime: lambda.Runtime.PYTHON_3_12 });
  expect(fn._environment[ENV.USER_HANDLER]).toBe('pkg.app.main');
});

describe('bundling with the local pip', () => {
  test('installs requirements.txt for the function\'s platform next to its code', () => {
    const stack = newStack();
    const fn = new UnumFunction(stack, 'Six', { entry: path.join(PY, 'with-requirements'), runtime: lambda.Runtime.PYTHON_3_12 });
    new UnumWorkflow(stack, 'W', { definition: fn });
    const dir = assetDir(stack, fn);
    expect(fs.existsSync(path.join(dir, 'index.py'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'requirements.txt'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'six.py'), 'utf8')).toMatch(/__version__ = "1\.16\.0"/);
    expect(fs.readdirSync(dir).some((f) => /^six-1\.16\.0\.dist-info$/.test(f))).toBe(true);
  });

  test('installs the [project] dependencies of a pyproject.toml', () => {
    const entry = tempEntry({
      'index.py': 'import six\n\ndef handler(event, context):\n    return six.__version__\n',
      'pyproject.toml': '[project]\nname = "fn"\nversion = "0.1.0"\ndependencies = ["six==1.16.0"]\n',
    });
    const stack = newStack();
    const fn = new UnumFunction(stack, 'Toml', { entry, runtime: lambda.Runtime.PYTHON_3_12 });
    new UnumWorkflow(stack, 'W', { definition: fn });
    expect(fs.existsSync(path.join(assetDir(stack, fn), 'six.py'))).toBe(true);
  });

  test('a requirement pip cannot install for Lambda is a clear error naming the function', () => {
    const entry = tempEntry({ 'index.py': 'def handler(e, c):\n    return e\n', 'requirements.txt': 'six==999.0\n' });
    expect(() => new UnumFunction(newStack(), 'Impossible', { entry, runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /UnumFunction 'Impossible': pip could not install .*requirements\.txt for python3\.12 on x86_64 \(binary wheels for manylinux2014_x86_64 only\): .*six==999\.0.*useContainer: true/s);
  });

  test('no pip is a clear error naming the function', () => {
    const saved = process.env.UNUM_PYTHON;
    process.env.UNUM_PYTHON = path.join(os.tmpdir(), 'no-such-python-for-cdk-unum');
    try {
      expect(() => new UnumFunction(newStack(), 'NoPip', { entry: path.join(PY, 'with-requirements'), runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
        /UnumFunction 'NoPip': installing requirements\.txt for python3\.12 on x86_64 needs pip, and .*no-such-python-for-cdk-unum is not on PATH\. Install Python 3 with pip, set UNUM_PYTHON/);
    } finally {
      if (saved === undefined) delete process.env.UNUM_PYTHON;
      else process.env.UNUM_PYTHON = saved;
    }
  });

  test('the asset hash depends on the sources only: two apps, one hash', () => {
    const hashes = [newStack(), newStack()].map((stack) => {
      const fn = new UnumFunction(stack, 'Greet', { entry: path.join(PY, 'greet'), index: 'app.py', runtime: lambda.Runtime.PYTHON_3_12 });
      new UnumWorkflow(stack, 'W', { definition: fn });
      return path.basename(assetDir(stack, fn));
    });
    expect(hashes[0]).toBe(hashes[1]);
    expect(hashes[0]).toMatch(/^asset\.[0-9a-f]{64}$/);
  });
});

test('bundling in a container uses the SAM build image of the runtime, without a local bundler', () => {
  const options = pythonBundlingOptions({
    where: 'UnumFunction \'C\'',
    entry: path.join(PY, 'with-requirements'),
    runtime: lambda.Runtime.PYTHON_3_12,
    architecture: lambda.Architecture.ARM_64,
    options: { useContainer: true },
  });
  expect(options.image.image).toBe('public.ecr.aws/sam/build-python3.12');
  expect(options.platform).toBe('linux/arm64');
  expect(options.local).toBeUndefined();
  expect(options.command?.join(' ')).toMatch(/pip install -r requirements\.txt -t \/asset-output --platform manylinux2014_aarch64 --implementation cp --python-version 3\.12 --only-binary=:all: && cp -rT \/asset-input\/ \/asset-output/);
  const custom = pythonBundlingOptions({
    where: '',
    entry: path.join(PY, 'greet'),
    runtime: lambda.Runtime.PYTHON_3_12,
    architecture: lambda.Architecture.X86_64,
    options: { image: DockerImage.fromRegistry('my/image') },
  });
  expect(custom.image.image).toBe('my/image');
  expect(custom.local).toBeDefined();
});

describe('props of the other language', () => {
  test.each([
    ['bundling', { bundling: { minify: true } }, /^UnumFunction 'P': bundling is for Node\.js functions \(esbuild\); this function's runtime is python3\.12: remove it, or use pythonBundling$/],
    ['both', { bundling: {}, depsLockFilePath: 'package-lock.json' }, /^UnumFunction 'P': bundling and depsLockFilePath are for Node\.js functions/],
  ])('Node.js-only %s on a Python function', (_name, props, message) => {
    expect(() => new UnumFunction(newStack(), 'P', { entry: path.join(PY, 'greet'), index: 'app.py', runtime: lambda.Runtime.PYTHON_3_12, ...props })).toThrow(message);
  });

  test.each([
    ['index', { index: 'app.py' }, /^UnumFunction 'N': index is for Python functions; this function's runtime is nodejs24\.x: remove it, or use bundling$/],
    ['pythonBundling', { pythonBundling: { useContainer: true } }, /^UnumFunction 'N': pythonBundling is for Python functions/],
  ])('Python-only %s on a Node.js function', (_name, props, message) => {
    expect(() => new UnumFunction(newStack(), 'N', { entry: `${FIXTURES}/index.js`, ...props })).toThrow(message);
  });
});

describe('bad Python entries', () => {
  test('entry is a file', () => {
    expect(() => new UnumFunction(newStack(), 'F', { entry: path.join(PY, 'greet', 'app.py'), runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /^UnumFunction 'F': .*app\.py\/index\.py does not exist; entry is the function's directory and index its module file in it/);
  });
  test('index missing', () => {
    expect(() => new UnumFunction(newStack(), 'M', { entry: path.join(PY, 'greet'), runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /^UnumFunction 'M': .*greet\/index\.py does not exist/);
  });
  test.each(['app.js', 'my-app.py', '../app.py'])('index %p is not a module', (index) => {
    expect(() => new UnumFunction(newStack(), 'I', { entry: path.join(PY, 'greet'), index, runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /^UnumFunction 'I': index .* must be a \.py file in entry whose path is a Python module name/);
  });
  test('handler is not a name', () => {
    expect(() => new UnumFunction(newStack(), 'H', { entry: path.join(PY, 'greet'), index: 'app.py', handler: 'app.lambda_handler', runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /^UnumFunction 'H': handler "app\.lambda_handler" must be the name of a function defined at the top level of app\.py$/);
  });
  test('code with a handler that is not module.function', () => {
    expect(() => new UnumFunction(newStack(), 'C', { code: lambda.Code.fromAsset(path.join(PY, 'greet')), handler: 'lambda_handler', runtime: lambda.Runtime.PYTHON_3_12 })).toThrow(
      /^UnumFunction 'C': with code, set handler to 'module\.function' \(got "lambda_handler"\)$/);
  });
});
