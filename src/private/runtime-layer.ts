import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** Built by `projen bundle:runtime` and shipped in the package: never bundled during a user's synth. */
export const RUNTIME_LAYER_DIR = path.join(__dirname, '..', '..', 'assets', 'layer');

/** The Python runtime package inside the layer (Lambda mounts it at /opt/python/unum_runtime). */
export const PYTHON_RUNTIME_DIR = path.join(RUNTIME_LAYER_DIR, 'python', 'unum_runtime');

const LAYER_ID = 'UnumRuntimeLayer';

/** The runtime layer, one per stack, shared by every workflow in it: the Node.js runtime under unum/, the Python one under python/. */
export function runtimeLayer(scope: Construct): lambda.ILayerVersion {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(LAYER_ID) as lambda.ILayerVersion | undefined;
  if (existing) return existing;
  if (!fs.existsSync(path.join(RUNTIME_LAYER_DIR, 'unum', 'runtime.js'))) {
    throw new Error(`cdk-unum: the runtime layer asset is missing at ${RUNTIME_LAYER_DIR}; `
      + 'in a cdk-unum checkout run `npx projen bundle:runtime` (an installed package ships it)');
  }
  return new lambda.LayerVersion(stack, LAYER_ID, {
    code: lambda.Code.fromAsset(RUNTIME_LAYER_DIR),
    compatibleRuntimes: [
      lambda.Runtime.NODEJS_22_X, lambda.Runtime.NODEJS_24_X,
      lambda.Runtime.PYTHON_3_11, lambda.Runtime.PYTHON_3_12, lambda.Runtime.PYTHON_3_13, lambda.Runtime.PYTHON_3_14,
    ],
    description: 'cdk-unum workflow runtime: checkpoints, successor invocation, fan-in joins',
  });
}

/** A Python function needs the Python runtime in the layer asset (a checkout builds it with bundle:runtime). */
export function checkPythonRuntimePresent(where: string): void {
  if (!fs.existsSync(path.join(PYTHON_RUNTIME_DIR, 'entry.py'))) {
    throw new Error(`${where}: the Python runtime is missing from the layer asset at ${PYTHON_RUNTIME_DIR}; `
      + 'in a cdk-unum checkout run `npx projen bundle:runtime` (an installed package ships it)');
  }
}
