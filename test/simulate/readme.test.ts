import { readFileSync } from 'fs';
import { join } from 'path';
import { readmeBlockAfter } from '../support/readme-block';

const MARKER = '<!-- the example below is test/simulate/readme-example.test.ts, run by the project\'s tests -->';

test('the README\'s "Simulating a platform" example is the example test, as a user imports it', () => {
  const file = readFileSync(join(__dirname, 'readme-example.test.ts'), 'utf8')
    .replace("from '../../toolkit/src';", "from 'cdk-unum-toolkit';");
  expect(readmeBlockAfter(MARKER)).toBe(file);
});
