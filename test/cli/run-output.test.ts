import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize } from '../../toolkit/src/local/assembly';
import { ROOT, tsApp } from '../engine/support';

/**
 * `unum run` as people see it: the real command as a process, piped (plain
 * text, no redraw) and under a pseudo-terminal from `script` (colour unless
 * NO_COLOR), on the word-count example and the test apps' failing workflow.
 */
const work = mkdtempSync(join(tmpdir(), 'unum-run-output-'));
const wordCount = join(work, 'word-count.out');
const testApps = join(work, 'apps.out');
const CLI = [process.execPath, '-r', join(ROOT, 'toolkit', 'dev', 'from-sources.js'), join(ROOT, 'toolkit', 'src', 'cli', 'main.ts')];
const ESC = '\u001b[';
// Each test runs whole sessions as processes, each starting its own DynamoDB Local (a JVM that a
// busy CI machine has taken over 30 s to start), so a test gets more than jest's default.
const SESSION_MS = 150_000;
jest.setTimeout(2 * SESSION_MS + 30_000);

beforeAll(async () => {
  await synthesize({ app: tsApp(join(ROOT, 'examples', 'word-count', 'app.ts')), outdir: wordCount, cwd: ROOT });
  await synthesize({ app: tsApp(join(ROOT, 'test', 'engine', 'apps', 'app.ts')), outdir: testApps, cwd: ROOT });
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function piped(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const { NO_COLOR: _, LINES: __, ...base } = process.env;
  const p = spawnSync(CLI[0], [...CLI.slice(1), 'run', ...args], { cwd: ROOT, encoding: 'utf8', timeout: SESSION_MS, env: { ...base, ...env } });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
}

/** The command under a pseudo-terminal: stdout and stderr both a TTY, read back together. */
function underTerminal(args: string[], env: NodeJS.ProcessEnv = {}): string {
  const { NO_COLOR: _, ...base } = process.env;
  const command = [...CLI, 'run', ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const p = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, encoding: 'utf8', timeout: SESSION_MS, env: { ...base, TERM: 'xterm', ...env } });
  return p.stdout;
}

const wordCountArgs = ['--assembly', wordCount, '--input', `@${join(ROOT, 'examples', 'word-count', 'input.json')}`];

test('piped: plain text, the result cut with a hint naming --full, the timeline by node, a legend of the ids', () => {
  const r = piped(wordCountArgs);
  expect(r.code).toBe(0);
  expect(r.stdout + r.stderr).not.toContain(ESC);
  expect(r.stderr).not.toContain('\r');
  expect(r.stderr).toMatch(/^\[█{20}\] 13\/13 instances finished, 0 running {2}[\d.]+\/s {2}[\d.]+s$/m);
  expect(r.stdout).toMatch(/^ {2}… \d+ more lines \(--full prints the whole result/m);
  expect(r.stdout).toContain('"partitionSizes": [');
  expect(r.stdout.split('\n').length).toBeLessThan(40);
  expect(r.stdout).toMatch(/^Timeline \(ms from the session start; 13 instances, one row per node\):$/m);
  expect(r.stdout).toMatch(/^ {2}Count +7 /m);
  expect(r.stdout).toMatch(/^Instance ids: <node>\|/m);
  // Counted from 1, as the report page counts items, with the index the id holds.
  const example = /^ {2}e\.g\. Count\|0:(\d+)\/0 = node Count, item or branch (\d+) \(index (\d+)\) of its Map or Parallel/m.exec(r.stdout);
  expect(example).not.toBeNull();
  expect([Number(example![2]), Number(example![3])]).toEqual([Number(example![1]) + 1, Number(example![1])]);
});

test('--full prints the entire result, the same JSON as `unum result` would', () => {
  const r = piped([...wordCountArgs, '--full']);
  expect(r.code).toBe(0);
  expect(r.stdout).not.toContain('more lines (--full');
  const body = r.stdout.slice(r.stdout.indexOf('Result:\n') + 'Result:\n'.length, r.stdout.indexOf('\n\nTimeline'));
  const result = JSON.parse(body);
  expect(result.words).toBe(272);
  expect(result.counts).toHaveLength(result.distinct);
});

test('--json is the report object, untouched by the terminal formatting', () => {
  const r = piped([...wordCountArgs, '--json']);
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  expect(Object.keys(report)).toEqual(expect.arrayContaining(['status', 'workflow', 'session', 'durationMs', 'result', 'failures',
    'onFailure', 'instances', 'invocations', 'lambda', 'store']));
  expect(report.status).toBe('SUCCEEDED');
  expect(report.instances).toHaveLength(13);
  expect(report.result.counts).toHaveLength(report.result.distinct);
});

test('a failing workflow: the summary names the failed node and counts the failure; its logs shown without --verbose', () => {
  const r = piped(['--assembly', testApps, '--workflow', 'failing', '--input', '{"n":1}']);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain("Failed at node 'Boom' (instance Boom|0): BoomError");
  const summary = /^Failures: (\d+) failed instance\(s\) at node\(s\) (.*)$/m.exec(r.stdout);
  expect(summary).not.toBeNull();
  expect(Number(summary![1])).toBeGreaterThanOrEqual(1);
  expect(summary![2]).toContain("'Boom'");
  // The invocation counts say what they count, so they do not read as 'no errors' under the failure.
  expect(r.stdout).toMatch(/^Invocations: .*, \d+ ended in an error$/m);
  expect(r.stdout).not.toMatch(/ \d+ errors$/m);
  expect(r.stdout).toMatch(/^Last log lines of Boom\|0/m);
  expect(r.stdout).toMatch(/^ {2}\| .*boom/im);
  expect(r.stderr).not.toMatch(/^\[.*Boom.*\] /m);
});

test('under a terminal: colour and a redrawn progress line; NO_COLOR=1 turns the colour off', () => {
  const coloured = underTerminal(wordCountArgs);
  expect(coloured).toContain(`${ESC}32m✔${ESC}39m`);
  expect(coloured).toContain('\r\u001b[K[');
  const plain = underTerminal(wordCountArgs, { NO_COLOR: '1' });
  expect(plain).toContain('✔ SUCCEEDED');
  expect(plain.replace(/\r\u001b\[K/g, '')).not.toContain(ESC);
});
