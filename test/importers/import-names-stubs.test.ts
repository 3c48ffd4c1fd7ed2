/**
 * What `unum import` derives without being told: the workflow name from the
 * definition's file name (valid for UnumWorkflow, within the 80-character
 * limit), and the stub functions of FaaSr True/False actions.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { UnumFunction, UnumWorkflow } from '../../src';
import { generateTypeScript } from '../../src/importers/codegen';
import { translateFaasr } from '../../src/importers/faasr';
import { workflowNameFromFile } from '../../src/importers/plan';
import { runImport } from '../../toolkit/src/cli/import';

const FAASR_MODEL = path.join(__dirname, '..', 'fixtures', 'faasr', 'model.json');

describe('the workflow name from the file name', () => {
  test.each([
    ['statemachine.asl.json', 'statemachine'],
    ['dir/sub/Order Processing (v2).json', 'Order-Processing-v2'],
    ['C:\\defs\\etl.asl.yaml', 'etl'],
    ['flow.yml', 'flow'],
    ['état-machine.json', 'tat-machine'],
    ['...json', '..'],
    ['%%%.json', 'imported'],
  ])('%s → %s', (file, name) => {
    expect(workflowNameFromFile(file)).toBe(name);
  });

  test('a long name is shortened to 80 characters with a hash of the whole name, so two long names differ', () => {
    const a = workflowNameFromFile(`${'x'.repeat(100)}-a.asl.json`);
    const b = workflowNameFromFile(`${'x'.repeat(100)}-b.asl.json`);
    expect(a).toHaveLength(80);
    expect(a).toMatch(/^x{71}-[0-9a-f]{8}$/);
    expect(b).toMatch(/^x{71}-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
    expect(workflowNameFromFile('y'.repeat(80) + '.json')).toBe('y'.repeat(80));
  });

  test('the derived name is accepted by UnumWorkflow (synth validates the name)', () => {
    const stack = new Stack(new App(), 'S');
    const fn = new UnumFunction(stack, 'F', { code: lambda.Code.fromInline('exports.handler = async (x) => x;'), handler: 'index.handler' });
    const name = workflowNameFromFile(`/tmp/${'Long State Machine '.repeat(8)}.asl.json`);
    expect(() => new UnumWorkflow(stack, 'W', { definition: fn, workflowName: name })).not.toThrow();
  });

  test('unum import writes the derived name, without the .asl suffix', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unum-import-'));
    const file = path.join(dir, 'statemachine.asl.json');
    fs.writeFileSync(file, JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } } }));
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d) => { out += d; });
    expect(await runImport([file, '--no-stubs'], { stdout, stderr: new PassThrough(), cwd: dir })).toBe(0);
    expect(out).toContain("workflowName: 'statemachine'");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('FaaSr stubs', () => {
  const { stubs } = generateTypeScript(translateFaasr(fs.readFileSync(FAASR_MODEL, 'utf8')));
  const python = generateTypeScript(translateFaasr(fs.readFileSync(FAASR_MODEL, 'utf8')), { stubLanguage: 'python' }).stubs;
  const code = (list: typeof stubs, name: string) => list.find((s) => s.path.includes(name))!.code;

  test('an action with True/False successors returns true, with a comment telling to replace it', () => {
    expect(code(stubs, 'computeB')).toContain('  return true; // replace: return false to take the False successors');
    expect(code(stubs, 'computeB')).toContain('// A stub that returns true (its True successors run)');
    expect(code(python, 'computeB')).toContain('    return True  # replace: return False to take the False successors');
  });

  test('other actions return their input', () => {
    const others = stubs.filter((s) => !s.path.includes('computeB'));
    expect(others.length).toBeGreaterThan(0);
    for (const s of others) expect(s.code).toContain('  return input;');
  });
});
