/** One pending event: `seq` is the insertion order, which breaks ties between events at the same time. */
export interface SimEvent {
  readonly time: number;
  readonly seq: number;
  readonly action: () => void;
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/** A binary min-heap of events ordered by (time, seq), so runs are deterministic whatever the timings. */
export class EventHeap {
  private readonly items: SimEvent[] = [];

  public get size(): number {
    return this.items.length;
  }

  // Both sift with a hole (each step moves one element, the new one is written once): no swaps on the simulator's hottest path.
  public push(event: SimEvent): void {
    const items = this.items;
    let i = items.length;
    items.push(event);
    while (i > 0) {
      const parent = Math.floor((i - 1) / 2);
      if (!before(event, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = event;
  }

  public pop(): SimEvent | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && before(items[r], items[l]) ? r : l;
        if (!before(items[m], last)) break;
        items[i] = items[m];
        i = m;
      }
      items[i] = last;
    }
    return top;
  }
}
