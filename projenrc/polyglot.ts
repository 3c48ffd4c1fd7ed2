import { awscdk } from 'projen';

/**
 * The jsii targets for Python, Java, Go and .NET (spread into the project's
 * options), and the tasks that build and smoke-test their packages in CI.
 */
export const POLYGLOT_TARGETS = {
  publishToPypi: { distName: 'cdk-unum', module: 'cdk_unum' },
  publishToMaven: { javaPackage: 'io.github.cdkunum', mavenGroupId: 'io.github.cdk-unum', mavenArtifactId: 'cdk-unum' },
  publishToGo: { moduleName: 'github.com/cdk-unum/cdk-unum-go' },
  publishToNuget: { dotNetNamespace: 'CdkUnum', packageId: 'CdkUnum' },
};
export function addPolyglotTasks(p: awscdk.AwsCdkConstructLibrary) {
  // jsii-pacmak writes the Go module's go.mod from the installed npm versions of aws-cdk-lib's
  // jsii dependencies. aws-cdk-go v2.257.0 requires cloud-assembly-schema-go v53.25.0, and newer
  // npm releases (53.28.0) have none on the Go module proxy ('This module version is not
  // available'), so `go mod tidy` fails: keep the npm package at the version aws-cdk-lib's Go
  // module was built with (read it off aws-cdk-go's go.mod when cdkVersion changes).
  p.addDevDeps('@aws-cdk/cloud-assembly-schema@53.25.0');
  // No .NET SDK on the CI machine: `package:dotnet` (and so `package-all`) skips instead of failing there.
  p.tasks.tryFind('package:dotnet')?.addCondition('dotnet --version');
  // One jsii-pacmak run packs the npm tarball once and builds the targets in parallel;
  // it prints each target's time at the end. pip (Python) and Maven (Java) fetch their
  // build tools and aws-cdk-lib/constructs/jsii runtime, and Go its modules, from their registries.
  const polyglot = p.addTask('package:polyglot', {
    description: 'Build the Python, Java and Go packages into dist/ (jsii-pacmak; .NET too where a .NET SDK exists)',
    exec: 'jsii-pacmak -v --target python --target java --target go',
  });
  polyglot.spawn(p.tasks.tryFind('package:dotnet')!);
  // The packed npm tarball inside each package must carry the runtime layer asset.
  polyglot.prependSpawn(p.tasks.tryFind('bundle:runtime')!);
  p.addTask('test:python', {
    description: 'Python smoke test: install the wheel from dist/python (built if missing) with aws-cdk-lib and constructs from PyPI, synthesize test/python/app.py and compare with its TypeScript twin',
    exec: 'bash test/python/smoke.sh',
  });
}
