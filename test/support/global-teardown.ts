import type { LocalServer } from '../../toolkit/src/local/servers';

export default async function globalTeardown(): Promise<void> {
  const servers: LocalServer[] = (globalThis as any).__unumServers ?? [];
  await Promise.all(servers.map((s) => s.stop()));
}
