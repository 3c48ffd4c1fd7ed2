import { awscdk, Task } from 'projen';

/**
 * The Python runtime's build: its copy into the runtime layer, the protocol
 * vectors it checks itself against, and its own pytest.
 */
export function addPythonRuntime(p: awscdk.AwsCdkConstructLibrary, bundleRuntime: Task) {
  // The Python runtime rides in the same layer: Lambda puts /opt/python on sys.path. No tests, no
  // bytecode, and not the Python failure recorder (recorder.py, forward.py): the workflow's recorder
  // function is the Node one, so shipping the port would only grow every function's layer.
  bundleRuntime.exec([
    'rm -rf assets/layer/python/unum_runtime && mkdir -p assets/layer/python',
    'cp -R lambda-runtime/python/unum_runtime assets/layer/python/',
    'rm -f assets/layer/python/unum_runtime/recorder.py assets/layer/python/unum_runtime/forward.py',
    'find assets/layer/python -name __pycache__ -prune -exec rm -rf {} +',
  ].join(' && '));

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
  p.gitignore.addPatterns('.venv/', '__pycache__/', '.pytest_cache/');
  // The package ships the Python runtime inside the layer asset (assets/), never its sources, venv or vectors.
  p.npmignore?.addPatterns('/protocol-vectors/', '/lambda-runtime/python/', '__pycache__/');
}
