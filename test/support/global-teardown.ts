import type { LocalServer } from '../../src/local/servers';

export default async function globalTeardown(): Promise<void> {
  const servers: LocalServer[] = (globalThis as any).__unumServers ?? [];
  await Promise.all(servers.map((s) => s.stop()));
}
