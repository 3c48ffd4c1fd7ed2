import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, rmdirSync, statSync } from 'fs';
import { join } from 'path';

/**
 * The Python the tests run sandboxes with: lambda-runtime/python/.venv with
 * boto3 (what Lambda's Python runtime ships), created on first use as
 * lambda-runtime/python/run-tests.sh does (from its requirements-dev.txt
 * when present, else boto3 alone). Never the system Python's packages.
 */

const DIR = join(__dirname, '..', '..', 'lambda-runtime', 'python');
const VENV = join(DIR, '.venv');
const PYTHON = join(VENV, 'bin', 'python');

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.error ?? ''}${r.stderr}`);
}

function hasBoto3(): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import boto3']).status === 0;
}

/** Path of the venv's python, with boto3 installed (jest workers take turns through a lock directory). */
export function testPython(): string {
  if (hasBoto3()) return PYTHON;
  const lock = `${VENV}.lock`;
  const deadline = Date.now() + 300_000;
  mkdirSync(DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed worker is older than any install.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 300_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    if (!hasBoto3()) {
      if (!existsSync(PYTHON)) run('python3', ['-m', 'venv', VENV]);
      const requirements = join(DIR, 'requirements-dev.txt');
      run(PYTHON, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check',
        ...existsSync(requirements) ? ['-r', requirements] : ['boto3']]);
    }
  } finally {
    rmdirSync(lock);
  }
  return PYTHON;
}
