import { LruStore } from '../../toolkit/src/simulate/lru';

describe('LruStore', () => {
  test('evicts the least recently used unpinned entries to make room, and calls their eviction hook', () => {
    const store = new LruStore(100);
    const evicted: string[] = [];
    for (const k of ['a', 'b', 'c']) store.add(k, 30, () => evicted.push(k));
    store.touch('a');
    expect(store.add('d', 50)).toBe(true);
    expect(evicted).toEqual(['b', 'c']);
    expect(store.keys()).toEqual(['a', 'd']);
    expect(store.free).toBe(20);
  });

  test('never evicts a pinned entry; refuses what cannot fit', () => {
    const store = new LruStore(100);
    store.add('a', 60);
    store.pin('a');
    expect(store.add('b', 50)).toBe(false);
    expect(store.has('a')).toBe(true);
    store.unpin('a');
    expect(store.add('b', 50)).toBe(true);
    expect(store.has('a')).toBe(false);
    expect(store.add('huge', 101)).toBe(false);
    expect(() => store.unpin('b')).toThrow(/not pinned/);
  });
});
