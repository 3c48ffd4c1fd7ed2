import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

const SIZES = [1, 2, 3, 10, 63, 64, 65, 99, 100, 101, 128, 1000, 4097, 10_000, 65_536, 1_000_000];
const REF = { workflow: 'wf', session: 's-1' };
/** (source, iteration) pairs around the base-36 digit boundaries, with the empty source. */
const ELEMENTS = [[0, 0], [1, 0], [35, 0], [36, 0], [P.EMPTY_SOURCE, 0], [0, 1], [2, 36], [P.EMPTY_SOURCE, 1295], [1000, 46656]];

export function joinVectors(): VectorFile {
  const cases: Vector[] = [];
  for (const size of SIZES) {
    cases.push(run(`shardSize ${size}`, 'shardSize', P.shardSize, [size]));
    cases.push(run(`shardCount ${size}`, 'shardCount', P.shardCount, [size]));
    const count = P.shardCount(size);
    for (const shard of [...new Set([0, 1, count - 2, count - 1])].filter((s) => s >= 0)) {
      cases.push(run(`shardCapacity ${size} shard ${shard}`, 'shardCapacity', P.shardCapacity, [shard, size]));
    }
    for (const slot of [...new Set([0, 1, 35, 36, 63, 64, 65, size - 1])].filter((s) => s >= 0 && s < size)) {
      cases.push(run(`shardOf ${size} slot ${slot}`, 'shardOf', P.shardOf, [slot, size]));
      for (const [source, iteration] of ELEMENTS) {
        const element = { slot, source, iteration };
        cases.push(run(`encodeElement ${size} ${slot}.${source}.${iteration}`, 'encodeElement', P.encodeElement, [element, size]));
        const text = P.encodeElement(element, size);
        cases.push(run(`decodeElement ${size} shard ${P.shardOf(slot, size)} ${text}`, 'decodeElement', P.decodeElement, [text, P.shardOf(slot, size), size]));
      }
    }
  }
  for (const text of ['A', 'Z.Z', 'z.~.z', '10.2.3', 'a.b.c.d']) cases.push(run(`decodeElement ${text}`, 'decodeElement', P.decodeElement, [text, 2, 10_000]));
  for (const [join, instance] of [['J', 'J|0'], ['Join/ü', 'Join/ü|1:2/0'], ['J', 'J|0:63/3:1/2']]) {
    for (const shard of [0, 1, 99]) cases.push(run(`joinShardItemKey ${instance} ${shard}`, 'joinShardItemKey', P.joinShardItemKey, [REF, instance, shard]));
    cases.push(run(`joinRootItemKey ${instance}`, 'joinRootItemKey', P.joinRootItemKey, [REF, instance]));
    for (const [slot, iteration] of [[0, 0], [9999, 0], [3, 7]]) {
      for (const source of ['Count', 'a b/ü']) {
        cases.push(run(`branchInstanceKey ${source} ${instance} ${slot}.${iteration}`, 'branchInstanceKey', P.branchInstanceKey, [source, join, instance, slot, iteration]));
      }
    }
  }
  const frames = [[], [{ fanout: 'M', index: 4, size: 5, iteration: 2 }], [{ fanout: 'P', index: 0, size: 2, iteration: 0 }, { fanout: 'M', index: 1, size: 9, iteration: 1 }]];
  for (const f of frames) {
    for (const branches of [[], [0], [1, 0], [2, 5, 1]]) {
      for (const iteration of [0, 3]) {
        cases.push(run(`dagSlotInstanceKey ${f.length} [${branches}] ${iteration}`, 'dagSlotInstanceKey', P.dagSlotInstanceKey, ['Pred', branches, f, iteration]));
      }
    }
  }
  return file('Join arithmetic (src/protocol/join.ts): shards, set elements, join item keys and slot instance keys', cases);
}
