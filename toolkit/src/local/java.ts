import { spawnSync } from 'child_process';
import { join } from 'path';
import { UsageError } from './assembly';

/**
 * DynamoDB Local is AWS's own implementation and runs on Java 17+. The
 * engine does not fall back to a JavaScript imitation: the runtime's joins
 * rely on behaviour (conditional writes returning the old item,
 * transactions, TTL) that those handle badly.
 */

export const JAVA_HELP = [
  'The local engine runs AWS DynamoDB Local, which needs Java 17 or later.',
  'Install a Java runtime, then run the command again:',
  '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless',
  '  Fedora/RHEL:    sudo dnf install -y java-17-openjdk-headless',
  '  macOS:          brew install openjdk@17   (and put it on your PATH)',
  '  Windows:        winget install Microsoft.OpenJDK.17',
  'or point the engine at a Java binary with --java <path> or JAVA_HOME.',
].join('\n');

/** The java binary to use: an explicit path, JAVA_HOME/bin/java, or `java` on the PATH. */
export function javaCommand(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.JAVA_HOME) return join(process.env.JAVA_HOME, 'bin', process.platform === 'win32' ? 'java.exe' : 'java');
  return 'java';
}

/** Throws a UsageError that says how to install Java when it is missing or older than 17. */
export function checkJava(java: string): number {
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error !== undefined || probe.status !== 0) {
    const why = probe.error ? (probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${java} was not found` : probe.error.message
      : `\`${java} -version\` failed (exit ${probe.status})`;
    throw new UsageError(`Java is not available: ${why}.\n${JAVA_HELP}`);
  }
  const text = `${probe.stderr ?? ''}${probe.stdout ?? ''}`;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  const major = match === null ? NaN : match[1] === '1' ? Number(match[2]) : Number(match[1]);
  if (Number.isFinite(major) && major < 17) {
    throw new UsageError(`Java ${major} is too old: DynamoDB Local needs Java 17 or later.\n${JAVA_HELP}`);
  }
  return major;
}
