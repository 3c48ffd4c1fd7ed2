import { readFileSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..', '..');
const MARKER = '<!-- the example below is test/simulate/readme-example.test.ts, run by the project\'s tests -->';

test('the README\'s "Simulating a platform" example is the example test, as a user imports it', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(MARKER);
  expect(at).toBeGreaterThan(0);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at))![1];
  const file = readFileSync(join(__dirname, 'readme-example.test.ts'), 'utf8')
    .replace("from '../../toolkit/src';", "from 'cdk-unum-toolkit';");
  expect(block).toBe(file);
});
