import { file, run, Vector, VectorFile } from './support';
import { callbackObjectKey, encodeTaskToken, TaskTokenBinding } from '../../../src/protocol/callback';

/** Bindings that pin the token's JSON (unicode, escapes) and base64url, and the object keys' encodeURIComponent. */
const BINDINGS: Array<[string, TaskTokenBinding]> = [
  ['plain', { workflow: 'approvals', session: 's-1', instance: 'Approve|0', attempt: 0 }],
  ['in a Map item, a retry', { workflow: 'approvals', session: '2026-12-08T03:00:00.000Z:abc', instance: 'Review|0:3/0', attempt: 2 }],
  ['unicode and quotes', { workflow: 'Flüsse/ü', session: 'a"b\\c', instance: 'Étape ☕|0', attempt: 11 }],
  ['astral', { workflow: 'wf', session: '😀', instance: 'x?y&z=1|0', attempt: 1 }],
];
const SECRET = 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE';

/** Callbacks (src/protocol/callback.ts): the task token a parked attempt hands out, and its spilled objects' keys. */
export function callbackVectors(): VectorFile {
  const cases: Vector[] = [];
  for (const [name, binding] of BINDINGS) {
    cases.push(run(`encodeTaskToken ${name}`, 'encodeTaskToken', encodeTaskToken, [binding, SECRET]));
    for (const kind of ['output', 'envelope'] as const) {
      cases.push(run(`callbackObjectKey ${name} ${kind}`, 'callbackObjectKey', callbackObjectKey, [binding, kind]));
    }
  }
  return file('Callbacks (src/protocol/callback.ts): task tokens and the keys of spilled outputs and resume envelopes', cases);
}
