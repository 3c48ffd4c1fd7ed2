interface Entry {
  readonly bytes: number;
  pins: number;
  readonly onEvict?: () => void;
}

/**
 * A byte-capacity store with least-recently-used eviction: a disk or a node's
 * RAM. Pinned entries (an image a container runs from) are never evicted.
 */
export class LruStore {
  // A Map iterates in insertion order; touching re-inserts, so the first key is the least recently used.
  private readonly entries = new Map<string, Entry>();
  private used = 0;

  public constructor(public readonly capacity: number) {}

  public get free(): number {
    return this.capacity - this.used;
  }

  public has(key: string): boolean {
    return this.entries.has(key);
  }

  public keys(): string[] {
    return [...this.entries.keys()];
  }

  public touch(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  /** Makes room by evicting unpinned entries, least recent first, then adds `key`; false if it cannot fit. */
  public add(key: string, bytes: number, onEvict?: () => void): boolean {
    if (this.entries.has(key)) throw new Error(`LruStore: ${key} is already stored`);
    if (bytes > this.capacity) return false;
    while (this.free < bytes) {
      const victim = this.leastRecentUnpinned();
      if (victim === undefined) return false;
      this.remove(victim);
    }
    this.entries.set(key, { bytes, pins: 0, onEvict });
    this.used += bytes;
    return true;
  }

  public remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.bytes;
    entry.onEvict?.();
  }

  public pin(key: string): void {
    this.get(key).pins++;
    this.touch(key);
  }

  public unpin(key: string): void {
    const entry = this.get(key);
    if (entry.pins === 0) throw new Error(`LruStore: ${key} is not pinned`);
    entry.pins--;
  }

  private get(key: string): Entry {
    const entry = this.entries.get(key);
    if (!entry) throw new Error(`LruStore: ${key} is not stored`);
    return entry;
  }

  private leastRecentUnpinned(): string | undefined {
    for (const [key, entry] of this.entries) if (entry.pins === 0) return key;
    return undefined;
  }
}
