import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/**
 * A private /tmp per sandbox on Linux: the sandbox process starts in a mount
 * namespace of its own (`unshare -rm`, a user namespace too, so it needs no
 * privileges) where its private directory is bind-mounted over /tmp, so a
 * literal "/tmp/x" is private to the sandbox, as on Lambda.
 *
 * unshare and sh each exec the next program in the same process (no --fork),
 * so the PID the pool holds is the worker's: SIGSTOP, SIGCONT, SIGKILL and the
 * Node IPC channel (an inherited fd) keep working.
 *
 * Paths the sandbox needs that live under the host's /tmp (an assembly
 * synthesized into a temporary directory, the worker transpiled there, a
 * Python cache) would be hidden by the mount, so each is first bind-mounted
 * at the same relative place inside the private directory: inside, it is
 * found at its usual path.
 */

const TMP = '/tmp';

/** Why the sandboxes cannot have a private /tmp here, or undefined when they can (probed by running unshare once). */
export function privateTmpUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.UNUM_PRIVATE_TMP === '0') return 'disabled by UNUM_PRIVATE_TMP=0';
  if (process.platform !== 'linux') return `mount namespaces are Linux only (this is ${process.platform})`;
  const dir = mkdtempSync(join(tmpdir(), 'unum-private-tmp-probe-'));
  try {
    writeFileSync(join(dir, 'probe'), '');
    const probe = spawnSync('unshare', ['-rm', 'sh', '-c', 'mount --bind "$1" /tmp && test -f /tmp/probe', 'sh', dir], { encoding: 'utf8' });
    if (probe.error !== undefined) return `unshare does not run (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})`;
    if (probe.status !== 0) return `unshare -rm fails (${probe.stderr.trim() || `exit status ${probe.status}`}; are user namespaces enabled?)`;
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The command and arguments that run `command args` with `privateDir` as
 * /tmp, keeping `needed` (files or directories the sandbox reads) visible at
 * their paths. Creates the mount points inside privateDir.
 */
export function withPrivateTmp(privateDir: string, needed: readonly string[], command: string, args: readonly string[]): [string, string[]] {
  const binds = neededUnderTmp(needed, privateDir);
  for (const path of binds) {
    const target = privateDir + path.slice(TMP.length);
    if (statSync(path).isDirectory()) {
      mkdirSync(target, { recursive: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, '');
    }
  }
  // $1 the private directory, $2 the number of needed paths, then those paths, then the command.
  const script = 'd=$1; n=$2; shift 2; '
    + 'while [ "$n" -gt 0 ]; do mount --bind "$1" "$d${1#/tmp}" || exit 125; shift; n=$((n - 1)); done; '
    + 'mount --rbind "$d" /tmp || exit 125; exec "$@"';
  return ['unshare', ['-rm', 'sh', '-c', script, 'sh', privateDir, String(binds.length), ...binds, command, ...args]];
}

/** The real paths under /tmp among `paths` (existing ones), without any inside another (its bind carries them). */
function neededUnderTmp(paths: readonly string[], privateDir: string): string[] {
  const under = [...new Set(paths.filter((p) => p !== '' && existsSync(p)).map((p) => realpathSync(p)))]
    .filter((p) => p.startsWith(`${TMP}/`) && !p.startsWith(`${privateDir}/`) && p !== privateDir)
    .sort();
  return under.filter((p) => !under.some((q) => q !== p && p.startsWith(`${q}/`)));
}
