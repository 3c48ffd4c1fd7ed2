export type Done = (error?: string) => void;

/**
 * Transfers in progress, by what they bring where: a second requester of an
 * image already on its way waits for that transfer instead of starting another.
 */
export class Fetches {
  private readonly waiting = new Map<string, Done[]>();

  public isPending(key: string): boolean {
    return this.waiting.has(key);
  }

  /** Calls `start` only for the first requester of `key`; every requester is told when it ends. */
  public join(key: string, done: Done, start: (finish: Done) => void): void {
    const waiters = this.waiting.get(key);
    if (waiters) {
      waiters.push(done);
      return;
    }
    this.waiting.set(key, [done]);
    start((error) => {
      const all = this.waiting.get(key)!;
      this.waiting.delete(key);
      for (const waiter of all) waiter(error);
    });
  }
}
