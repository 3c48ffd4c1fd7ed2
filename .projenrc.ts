import { awscdk, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';
import { POLYGLOT_TARGETS, addPolyglotTasks } from './projenrc/polyglot';
import { addPythonRuntime } from './projenrc/python-runtime';
import { addToolkit } from './projenrc/toolkit';


const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-unum',
  description: 'Serverless workflows that orchestrate themselves: each Lambda checkpoints its result and invokes its successors; fan-ins use strongly consistent DynamoDB joins. No Step Functions, no coordinator.',
  author: 'cdk-unum maintainers',
  authorAddress: 'cdk-unum@example.com',
  repositoryUrl: 'https://github.com/cdk-unum/cdk-unum.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk', 'serverless', 'workflow', 'lambda', 'dynamodb', 'unum', 'orchestration'],

  // newest aws-cdk-lib whose cloud-assembly schema @aws-cdk/integ-runner 2.197 still reads (see shared/TOOLCHAIN.md)
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  github: false,
  release: false,
  depsUpgrade: false,
  buildWorkflow: false,
  pullRequestTemplate: false,

  // Everything a `cdk synth` needs and nothing that starts a server: the local toolkit (CLI, engine,
  // DynamoDB Local, S3 server, client) is its own package in toolkit/.
  bundledDeps: [
    // Validates Amazon States Language definitions before WorkflowDefinition.fromStatesLanguage translates them.
    'asl-validator@4.0.0',
    // Evaluates Step Functions paths (src/protocol/jsonpath.ts); esbuild bundles it into the layer too.
    'jsonpath-plus@10.4.0',
    // Evaluates JSONata states (src/protocol/jsonata.ts); esbuild bundles it into the layer too.
    'jsonata@2.2.2',
  ],
  devDeps: [
    // The runtime's store layer (src/client/store.ts, bundled into the layer, where Lambda provides the SDK).
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-lambda@^3',
    // The failure recorder forwards to a user's SQS, SNS or EventBridge onFailure (provided by Lambda too).
    '@aws-sdk/client-sqs@^3',
    '@aws-sdk/client-sns@^3',
    '@aws-sdk/client-eventbridge@^3',
    // A Wait longer than one invocation re-invokes its function through an EventBridge Scheduler one-time schedule.
    '@aws-sdk/client-scheduler@^3',
    '@types/node@^20',
    'esbuild@0.28.0',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@2.197.10',
    'aws-cdk@2.1148.1',
    'cdk-nag@2.38.2',
    // Tests parse the SVG that `unum graph` writes as XML.
    '@xmldom/xmldom@^0.9.12',
    // Tests parse the Mermaid text with Mermaid's own parser, which needs a DOM (jsdom) but no browser.
    'mermaid@^11.17.2',
    'jsdom@^29.1.1',
    // The browser tests drive Debian's chromium (installed by .ci/run) through Playwright's core library, which
    // downloads no browser of its own; a hand-written DevTools-protocol client would repeat what it maintains.
    'playwright-core@^1.65.2',
  ],

  jestOptions: {
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      testTimeout: 120_000,
      // Jest's default leaves a core idle (cores - 1): one worker keeps 2 cores only 1.3 busy, since the tests
      // wait on DynamoDB Local, sandbox processes and synthesis. Measured on 2 cores, engine examples + corpus:
      // 379 s with one worker, 271 s with two. Tests share the servers but never a table, bucket or directory.
      maxWorkers: '100%',
      // The slow seeds and the largest fan-outs run in their own task (test:slow), still in CI.
      testPathIgnorePatterns: ['/node_modules/', '\\.slow\\.test\\.ts$'],
      // The toolkit imports the library as an installed package would; in this repository that is src/.
      moduleNameMapper: { '^cdk-unum$': '<rootDir>/src', '^cdk-unum/lib/(.*)$': '<rootDir>/src/$1' },
    },
    // Sandbox processes, SDK sockets and esbuild services are closed by the tests; a stray
    // handle must still never keep CI waiting after the last test.
    extraCliOptions: ['--forceExit'],
  },
  tsconfigDev: {
    include: ['../lambda-runtime/**/*.ts', '../integ/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../toolkit/src/**/*.ts'],
    // bench/durable needs the Durable packages, which only that bench installs (its own lockfile), never npm ci.
    exclude: ['node_modules', '../bench/durable'],
    compilerOptions: {
      paths: { 'cdk-unum': ['../src'], 'cdk-unum/lib/*': ['../src/*'] },
    },
  },
  eslintOptions: {
    dirs: ['src', 'toolkit/src'],
    devdirs: ['test', 'lambda-runtime', 'integ', 'examples', 'bench'],
  },
  gitignore: ['cdk.out', '*.tsbuildinfo', '/assets/', '.unum/', '/bench/results/'],
  npmignoreEnabled: true,
  ...POLYGLOT_TARGETS, // projenrc/polyglot.ts
});

project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });
// npm 11 lists dependencies whose install scripts nobody reviewed. esbuild and unrs-resolver only
// check or link their prebuilt binaries; @parcel/watcher (jest's optional watcher) would build from
// source, which a test run never needs.
project.package.addField('allowScripts', { 'esbuild': true, 'unrs-resolver': true, '@parcel/watcher': false });

// The runtime layer is bundled when the library is built, never during a user's synth.
const bundleRuntime = project.addTask('bundle:runtime', {
  description: 'Bundle lambda-runtime/ into the Lambda layer asset shipped in the package',
  exec: 'esbuild lambda-runtime/index.ts --bundle --platform=node --target=node22 --format=cjs --minify --keep-names --external:@aws-sdk/* --outfile=assets/layer/unum/runtime.js',
});
addPythonRuntime(project, bundleRuntime);
project.preCompileTask.spawn(bundleRuntime);
project.testTask.prependSpawn(bundleRuntime);
project.tasks.tryFind('test:update')?.prependSpawn(bundleRuntime);
project.npmignore?.addPatterns('!/assets/');

addToolkit(project, bundleRuntime);

const slowTests = project.addTask('test:slow', {
  description: 'The slow tests: chaos seeds 2 and 3 (npm test runs seed 1) and the largest fan-outs (CI runs them after npm test)',
  env: { UNUM_CHAOS_SEEDS: '3', UNUM_CHAOS_FIRST_SEED: '2' },
});
slowTests.spawn(bundleRuntime);
// The 10,000-item fan-out first and alone: its fanning-out function has a 5 s timeout, which it must not
// reach because other tests load the machine. The chaos files then share the workers; they mostly wait.
slowTests.exec('jest --ci --coverage=false --forceExit --testPathIgnorePatterns=/node_modules/ --testMatch "<rootDir>/test/engine/fanout.slow.test.ts"');
slowTests.exec('jest --ci --coverage=false --forceExit --testPathIgnorePatterns /node_modules/ fanout\\.slow '
  + '--testMatch "<rootDir>/test/**/*.slow.test.ts" "<rootDir>/test/engine/chaos.test.ts" "<rootDir>/test/engine/chaos-second-half.test.ts"');
// The toolkit's 'cdk-unum' imports resolve to src/ through the dev tsconfig's paths.
project.eslint?.addIgnorePattern('bench/durable/');
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './test/tsconfig.json']);
project.tryFindObjectFile('.eslintrc.json')?.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);

project.addTask('bench', {
  description: 'Run the benchmarks (not part of npm test); pass --quick for a smoke run',
  // The bench drives the toolkit from its sources, which import the library as 'cdk-unum'.
  exec: 'node -r ./toolkit/dev/from-sources.js bench/run.ts',
  receiveArgs: true,
});

// Code outside src/ is type-checked (and linted) against the same compiler settings as the tests.
for (const dir of ['lambda-runtime', 'integ', 'examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../test/tsconfig.json',
      compilerOptions: { rootDir: '..', noEmit: true },
      include: ['**/*.ts', '../src/**/*.ts'],
    },
  });
}


addPolyglotTasks(project);

project.synth();
