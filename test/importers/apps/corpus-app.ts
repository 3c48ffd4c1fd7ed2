// The corpus' engine app: every fixture of test/fixtures/asl/corpus that imports, as workflow
// corpus-<name> in a stack of its own, each Task the corpus function (apps/corpus-function) doing
// what the fixture's sidecar says. `node -r ts-node/register/transpile-only test/importers/apps/corpus-app.ts`
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { importFixture, loadCorpus } from '../corpus-support';

const app = new App();
for (const fixture of loadCorpus()) {
  // Tried alone first: a refused fixture would leave half a workflow in the app.
  if (!importFixture(fixture).imported) continue;
  importFixture(fixture, new Construct(new Stack(app, `Corpus-${fixture.name}`), fixture.name));
}
app.synth();
