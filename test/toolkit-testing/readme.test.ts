import { readFileSync } from 'fs';
import { join } from 'path';
import { readmeBlockAfter, ROOT } from '../support/readme-block';

/**
 * The README's jest example is readme-example.test.ts, which jest runs: the
 * README shows it with the package names a user imports, and must show
 * exactly that file.
 */
const MARKER = '<!-- the example below is test/toolkit-testing/readme-example.test.ts, run by the project\'s tests -->';

test('the README\'s "Test your workflow in jest" example is the example test, as a user imports it', () => {
  const block = readmeBlockAfter(MARKER);
  const file = readFileSync(join(__dirname, 'readme-example.test.ts'), 'utf8')
    .replace("from '../../src';", "from 'cdk-unum';")
    .replace("from '../../toolkit/src';", "from 'cdk-unum-toolkit';");
  expect(block).toBe(file);
});

test('the jest global setup named in the README exists where the package puts it', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const name of ['jest-global-setup', 'jest-global-teardown']) {
    expect(readme).toContain(`'cdk-unum-toolkit/lib/testing/${name}'`);
    // The package publishes lib/ compiled from src/ (toolkit/package.json "files").
    expect(() => readFileSync(join(ROOT, 'toolkit', 'src', 'testing', `${name}.ts`))).not.toThrow();
  }
});
