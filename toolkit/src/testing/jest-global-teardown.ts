import type { LocalServer } from '../local/servers';

/** jest `globalTeardown`: stops the servers jest-global-setup started. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as { __unumTestServers?: LocalServer[] };
  const servers = holder.__unumTestServers ?? [];
  holder.__unumTestServers = undefined;
  await Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
}
