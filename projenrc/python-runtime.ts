import { awscdk, Task } from 'projen';

/**
 * The Python runtime's build: its copy into the runtime layer, the protocol
 * vectors it checks itself against, and its own pytest.
 */
export function addPythonRuntime(p: awscdk.AwsCdkConstructLibrary, bundleRuntime: Task) {
  // The Python runtime rides in the same layer, with jsonata-python beside it (bundle-layer.sh says why and how).
  bundleRuntime.exec('bash lambda-runtime/python/bundle-layer.sh assets/layer/python');
  // jsonata-python is installed at install time (on npm ci in this repository), never by a build step.
  p.setScript('prepare', 'bash lambda-runtime/python/install-layer-deps.sh');

  // The Python port takes its constants and key templates from src/protocol, and both runtimes check
  // the committed conformance vectors; test/protocol/vectors.test.ts fails when they are stale.
  p.addTask('protocol:vectors', {
    description: 'Regenerate protocol-vectors/*.json and the Python protocol constants from src/protocol',
    exec: 'ts-node --transpile-only test/protocol/vectors/generate.ts',
  });
  p.addTask('test:runtime-python', {
    description: 'pytest for the Python runtime (lambda-runtime/python/.venv is created and provisioned if missing); args pass to pytest',
    exec: 'bash lambda-runtime/python/run-tests.sh',
    receiveArgs: true,
  });
  p.gitignore.addPatterns('.venv/', '__pycache__/', '.pytest_cache/', '.layer-deps/', '.layer-deps.tmp/');
  // The package ships the Python runtime inside the layer asset (assets/), never its sources, venv or vectors.
  p.npmignore?.addPatterns('/protocol-vectors/', '/lambda-runtime/python/', '__pycache__/');
}
