import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';
import { Frame } from '../../../src/protocol/envelope';

/** Names that pin encodeURIComponent and String(): `/`, spaces, `%`, `|`, `#`, unicode (BMP and astral). */
const NAMES = ['node', 'a/b', 'with space', '100%', 'pipe|hash#', 'ünïcødé', '😀 emoji', "~*()!'-_.", 'x?y&z=1', '\u2028line'];
const REFS = [
  { workflow: 'wf', session: 's-1' },
  { workflow: 'My Flow/ü', session: '2026-12-02T01:00:00.000Z:abc' },
  { workflow: 'pct%20', session: 'a.b_c-d:e' },
];
const frame = (fanout: string, index: number, size: number, iteration: number): Frame => ({ fanout, index, size, iteration });
const FRAMES: Frame[][] = [
  [],
  [frame('Map', 0, 1, 0)],
  [frame('Par', 2, 3, 1), frame('Map', 9999, 10000, 0)],
  [frame('A', 1, 2, 0), frame('B', 0, 5, 3), frame('C', 63, 64, 12)],
  // Frames of fan-outs with Retry/Catch carry their attempt; attempt 0 keys as no attempt.
  [{ ...frame('Par', 1, 2, 0), attempt: 2 }, { ...frame('Map', 3, 5, 1), attempt: 0 }],
  [frame('Outer', 0, 3, 2), { ...frame('Inner', 4, 9, 2), attempt: 11 }],
];

export function keyVectors(): VectorFile {
  const cases: Vector[] = [];
  NAMES.forEach((node, n) => FRAMES.forEach((frames, f) => [0, 1, 17].forEach((iteration) => {
    cases.push(run(`instanceKey ${n}.${f}.${iteration}`, 'instanceKey', P.instanceKey, [node, frames, iteration]));
  })));
  // Numbers as String() writes them: beyond 2^53 and from 1e21 on.
  [2 ** 53, 2 ** 60, 1e21, 123456789012345680000].forEach((big, i) => {
    cases.push(run(`instanceKey large number ${i}`, 'instanceKey', P.instanceKey, ['n', [frame('M', big, big + 1, big)], big]));
  });
  FRAMES.forEach((frames, f) => [0, 5].forEach((it) => cases.push(run(`scopeKey ${f}.${it}`, 'scopeKey', P.scopeKey, [frames, it]))));
  NAMES.forEach((join, n) => FRAMES.forEach((frames, f) => {
    cases.push(run(`joinInstanceKey ${n}.${f}`, 'joinInstanceKey', P.joinInstanceKey, [join, frames]));
  }));
  [[0, undefined], [0, 0], [3, 1], [17, 12], [2 ** 53, 2]].forEach(([it, a], i) => cases.push(run(`frameEpoch ${i}`, 'frameEpoch', P.frameEpoch, [it, a])));
  REFS.forEach((ref, r) => {
    cases.push(run(`workflowKeyPrefix ${r}`, 'workflowKeyPrefix', P.workflowKeyPrefix, [ref.workflow]));
    cases.push(run(`workflowObjectPrefix ${r}`, 'workflowObjectPrefix', P.workflowObjectPrefix, [ref.workflow]));
    cases.push(run(`sessionItemKey ${r}`, 'sessionItemKey', P.sessionItemKey, [ref]));
    cases.push(run(`checkpointKeyPrefix ${r}`, 'checkpointKeyPrefix', P.checkpointKeyPrefix, [ref]));
    cases.push(run(`sessionObjectPrefix ${r}`, 'sessionObjectPrefix', P.sessionObjectPrefix, [ref]));
    cases.push(run(`startObjectKey ${r}`, 'startObjectKey', P.startObjectKey, [ref]));
    [0, 7, 99].forEach((p) => cases.push(run(`garbageKey ${r}.${p}`, 'garbageKey', P.garbageKey, [ref, p])));
    NAMES.forEach((name, n) => {
      const instance = P.instanceKey(name, FRAMES[n % FRAMES.length], n);
      cases.push(run(`checkpointItemKey ${r}.${n}`, 'checkpointItemKey', P.checkpointItemKey, [ref, instance]));
      cases.push(run(`failureItemKey ${r}.${n}`, 'failureItemKey', P.failureItemKey, [ref, instance]));
      cases.push(run(`joinKeyBase ${r}.${n}`, 'joinKeyBase', P.joinKeyBase, [ref, instance]));
      cases.push(run(`fanoutProgressItemKey ${r}.${n}`, 'fanoutProgressItemKey', P.fanoutProgressItemKey, [ref, instance]));
      cases.push(run(`fanoutInputItemKey ${r}.${n}`, 'fanoutInputItemKey', P.fanoutInputItemKey, [ref, instance]));
      cases.push(run(`fanoutAttemptKey ${r}.${n}`, 'fanoutAttemptKey', P.fanoutAttemptKey, [instance, n % 3]));
      cases.push(run(`fanoutFailureItemKey ${r}.${n}`, 'fanoutFailureItemKey', P.fanoutFailureItemKey, [ref, instance, n % 3]));
      cases.push(run(`fanoutBranchFailureItemKey ${r}.${n}`, 'fanoutBranchFailureItemKey', P.fanoutBranchFailureItemKey,
        [ref, instance, n % 3, P.instanceKey('b', FRAMES[(n + 1) % FRAMES.length], n)]));
      cases.push(run(`toleratedFailuresItemKey ${r}.${n}`, 'toleratedFailuresItemKey', P.toleratedFailuresItemKey, [ref, instance, n]));
      cases.push(run(`callbackItemKey ${r}.${n}`, 'callbackItemKey', P.callbackItemKey, [ref, instance, n % 4]));
      for (const kind of ['input', 'output']) {
        cases.push(run(`payloadObjectKey ${r}.${n}.${kind}`, 'payloadObjectKey', P.payloadObjectKey, [ref, instance, kind]));
      }
    });
  });
  // itemKind over the partition keys every kind of item has, and over keys that are not cdk-unum's.
  const pks = REFS.flatMap((ref) => [
    P.sessionItemKey(ref).pk, P.checkpointItemKey(ref, 'n|0').pk, P.joinKeyBase(ref, 'J|1:2/0'), P.garbageKey(ref, 3),
    P.fanoutProgressItemKey(ref, 'M|0').pk, P.failureItemKey(ref, 'n|0').pk,
  ]);
  const odd = ['', 'W#', 'W##S#x', 'W#wf#X#s', 'W#wf#S', 'W#wf#S#', 'w#wf#S#s', 'X#wf#S#s', 'W#wf#C#s#n|0\n', 'W#wf#C#line\nbreak',
    'W#wf#C#a\u2028b', 'W#wf#C#a\u2029b', 'W#wf#C#a\rb', 'W#w f#J#s#J|0#3', 'W#ü😀#G#s#1', 'W#wf#SC#s', 'W#wf#F#s#M|0#extra#'];
  [...pks, ...odd].forEach((pk, i) => cases.push(run(`itemKind ${i}`, 'itemKind', P.itemKind, [pk])));
  return file('Store keys and object keys (src/protocol/keys.ts, join.ts): the exact strings both runtimes must write', cases);
}
