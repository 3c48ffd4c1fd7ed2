import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

const NOW = 1_780_000_000_000;
const expected = { workflow: 'wf', node: 'Count', bucket: 'store-bucket', now: NOW };
const base = {
  unum: 1,
  workflow: 'wf',
  session: 'sess-1',
  node: 'Count',
  frames: [{ fanout: 'Each', index: 2, size: 3, iteration: 0 }],
  iteration: 0,
  input: { value: { n: 1 } },
};
const prefix = P.sessionObjectPrefix({ workflow: 'wf', session: 'sess-1' });
const s3 = (key: string, bucket = 'store-bucket') => ({ ...base, input: { s3: { bucket, key } } });

/** Valid envelopes: parseEnvelope returns them as they are. */
const VALID: Array<[string, unknown]> = [
  ['value input', base],
  ['no frames, iteration 4', { ...base, frames: [], iteration: 4 }],
  ['two frames', { ...base, frames: [{ fanout: 'P', index: 0, size: 2, iteration: 1 }, { fanout: 'M', index: 9999, size: 10000, iteration: 0 }] }],
  ['null value', { ...base, input: { value: null } }],
  ['s3 input in the session prefix', s3(`${prefix}Count%7C0/input.json`)],
  ['fan-in input', { ...base, input: { fanIn: { join: 'J', instance: 'J|0', size: 3 } } }],
  ['fan-in with sources and instances', { ...base, input: { fanIn: { join: 'J', instance: 'J|0', size: 2, sources: ['A', 'B'], instances: ['A|0:0/0', null] } } }],
  ['attempt 2', { ...base, attempt: 2 }],
  ['attempt 0', { ...base, attempt: 0 }],
  ['waits and fanouts', { ...base, waits: { 'W|0': NOW + 5000.5 }, fanouts: { 'Each|0': 0, 'Other|1': 250 } }],
  ['issue one item', { ...base, issue: { 'Each|0': 7 } }],
  ['frame with an attempt', { ...base, frames: [{ fanout: 'Each', index: 2, size: 3, iteration: 0, attempt: 3 }] }],
  ['fan-out failure', { ...base, fanoutFailure: { instance: 'Each|0', attempt: 1, error: 'E', cause: 'c' } }],
  ['tolerated item failure, retry deadline', { ...base, fanoutFailure: { instance: 'Each|0', attempt: 0, error: 'E', cause: '', item: 2, notBefore: NOW } }],
  ['notBefore within 15 minutes', { ...base, attempt: 1, notBefore: NOW + 15 * 60 * 1000 }],
  ['notBefore in the past', { ...base, attempt: 3, notBefore: 0 }],
  ['a session deadline', { ...base, deadline: NOW + 60_000 }],
  ['a callback resume', { ...base, attempt: 2, callback: true }],
  ['a stored envelope (a long Wait\'s schedule)', { ...base, stored: P.scheduledEnvelopeObjectKey({ workflow: 'wf', session: 'sess-1' }, 'unum-abc') }],
  ['a session deadline already passed', { ...base, deadline: NOW - 1 }],
  ['variables', { ...base, variables: { orderId: 'o-1', n: 1.5, list: [null], nested: { a: {} } } }], ['variables empty', { ...base, variables: {} }],
  ['extra fields are kept', { ...base, extra: { any: 'thing' } }],
  ['unicode value', { ...base, input: { value: 'ü😀\u2028' } }],
];

/** Envelopes parseEnvelope refuses, with its message. */
const INVALID: Array<[string, unknown, object?]> = [
  ['null event', null], ['array event', [base]], ['string event', 'unum'], ['number event', 1],
  ['missing version', { ...base, unum: undefined }], ['version 2', { ...base, unum: 2 }], ['version "1"', { ...base, unum: '1' }],
  ['version true', { ...base, unum: true }],
  ['other workflow', { ...base, workflow: 'other' }], ['missing workflow', { ...base, workflow: undefined }],
  ['other node', { ...base, node: 'Split' }], ['node as number', { ...base, node: 7 }],
  ['session with slash', { ...base, session: 'a/b' }], ['empty session', { ...base, session: '' }],
  ['session too long', { ...base, session: 'x'.repeat(129) }], ['session with newline', { ...base, session: 'abc\n' }],
  ['session number', { ...base, session: 12 }], ['session unicode', { ...base, session: 'sé' }],
  ['iteration -1', { ...base, iteration: -1 }], ['iteration 1.5', { ...base, iteration: 1.5 }], ['iteration "0"', { ...base, iteration: '0' }],
  ['iteration true', { ...base, iteration: true }], ['iteration missing', { ...base, iteration: undefined }],
  ['frames object', { ...base, frames: {} }], ['frame null', { ...base, frames: [null] }], ['frame number', { ...base, frames: [3] }],
  ['frame array', { ...base, frames: [[]] }], ['frame without fanout', { ...base, frames: [{ index: 0, size: 1, iteration: 0 }] }],
  ['frame size 0', { ...base, frames: [{ fanout: 'M', index: 0, size: 0, iteration: 0 }] }],
  ['frame index = size', { ...base, frames: [{ fanout: 'M', index: 3, size: 3, iteration: 0 }] }],
  ['frame index -1', { ...base, frames: [{ fanout: 'M', index: -1, size: 3, iteration: 0 }] }],
  ['frame iteration 0.5', { ...base, frames: [{ fanout: 'M', index: 0, size: 3, iteration: 0.5 }] }],
  ['second frame bad', { ...base, frames: [base.frames[0], { fanout: '', index: 0, size: 1, iteration: 0 }] }],
  ['frame attempt -1', { ...base, frames: [{ ...base.frames[0], attempt: -1 }] }], ['frame attempt "1"', { ...base, frames: [{ ...base.frames[0], attempt: '1' }] }],
  ['stored a number', { ...base, stored: 7 }], ['stored in another session', { ...base, stored: `${P.sessionObjectPrefix({ workflow: 'wf', session: 'other' })}schedules/x.json` }],
  ['stored with a .. segment', { ...base, stored: `${prefix}../x.json` }],
  ['fanoutFailure null', { ...base, fanoutFailure: null }], ['fanoutFailure without cause', { ...base, fanoutFailure: { instance: 'I', attempt: 0, error: 'E' } }],
  ['fanoutFailure attempt 1.5', { ...base, fanoutFailure: { instance: 'I', attempt: 1.5, error: 'E', cause: '' } }],
  ['fanoutFailure item -1', { ...base, fanoutFailure: { instance: 'I', attempt: 0, error: 'E', cause: '', item: -1 } }],
  ['fanoutFailure notBefore "soon"', { ...base, fanoutFailure: { instance: 'I', attempt: 0, error: 'E', cause: '', notBefore: 'soon' } }],
  ['callback false', { ...base, callback: false }], ['callback "true"', { ...base, callback: 'true' }],
  ['attempt -1', { ...base, attempt: -1 }], ['attempt null', { ...base, attempt: null }], ['attempt "1"', { ...base, attempt: '1' }],
  ['notBefore without attempt', { ...base, notBefore: NOW }], ['notBefore with attempt 0', { ...base, attempt: 0, notBefore: NOW }],
  ['notBefore fractional', { ...base, attempt: 1, notBefore: NOW + 0.5 }], ['notBefore negative', { ...base, attempt: 1, notBefore: -1 }],
  ['notBefore beyond safe integers', { ...base, attempt: 1, notBefore: 2 ** 53 }],
  ['notBefore 16 minutes ahead', { ...base, attempt: 1, notBefore: NOW + 16 * 60 * 1000 + 499 }],
  ['notBefore a string', { ...base, attempt: 1, notBefore: String(NOW) }],
  ['deadline fractional', { ...base, deadline: NOW + 0.5 }], ['deadline negative', { ...base, deadline: -1 }],
  ['deadline null', { ...base, deadline: null }], ['deadline a string', { ...base, deadline: String(NOW) }],
  ['deadline beyond safe integers', { ...base, deadline: 2 ** 53 }],
  ['variables null', { ...base, variables: null }], ['variables a list', { ...base, variables: [1] }], ['variables a string', { ...base, variables: 'x' }],
  ['waits array', { ...base, waits: [] }], ['waits null', { ...base, waits: null }], ['waits string value', { ...base, waits: { w: '1' } }],
  ['fanouts negative', { ...base, fanouts: { m: -1 } }], ['fanouts fractional', { ...base, fanouts: { m: 1.5 } }],
  ['issue negative', { ...base, issue: { m: -1 } }], ['issue a list', { ...base, issue: [1] }], ['issue a string index', { ...base, issue: { m: '1' } }],
  ['input missing', { ...base, input: undefined }], ['input array', { ...base, input: [] }], ['input empty', { ...base, input: {} }],
  ['input two kinds', { ...base, input: { value: 1, s3: {} } }], ['input unknown kind', { ...base, input: { inline: 1 } }],
  ['input integer-like keys in Object.keys order', { ...base, input: { b: 1, 10: 2, 2: 3 } }],
  ['s3 without key', { ...base, input: { s3: { bucket: 'store-bucket' } } }], ['s3 null', { ...base, input: { s3: null } }],
  ['fanIn size 0', { ...base, input: { fanIn: { join: 'J', instance: 'J|0', size: 0 } } }],
  ['fanIn without instance', { ...base, input: { fanIn: { join: 'J', size: 1 } } }],
  ['fanIn sources not strings', { ...base, input: { fanIn: { join: 'J', instance: 'J|0', size: 1, sources: [1] } } }],
  ['fanIn instances of the wrong length', { ...base, input: { fanIn: { join: 'J', instance: 'J|0', size: 2, instances: ['a'] } } }],
  ['s3 in another bucket', s3(`${prefix}x/input.json`, 'other')],
  ['s3 outside the session prefix', s3('unum/wf/other-session/x/input.json')],
  ['s3 with a .. segment', s3(`${prefix}../other/x.json`)],
  ['s3 with a . segment', s3(`${prefix}./x.json`)],
  ['s3 without a bucket configured', s3(`${prefix}x.json`), { workflow: 'wf', node: 'Count', now: NOW }],
];

/** Envelopes as JSON text: what JSON.parse makes of `1.0`, `1e0` and large numbers is part of the protocol. */
const TEXT: Array<[string, string]> = [
  ['version 1.0', '{"unum":1.0,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"input":{"value":1.50}}'],
  ['iteration 2.0 and index 1e0', '{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[{"fanout":"M","index":1e0,"size":2.0,"iteration":0.0}],"iteration":2.0,"input":{"value":[1.0,-0.0,1e21,1e-7]}}'],
  ['notBefore as a double', `{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"attempt":1.0,"notBefore":${NOW}.0,"input":{"value":0}}`],
  ['deadline as a double', `{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"deadline":${NOW}.0,"input":{"value":0}}`],
  ['attempt beyond 2^53', '{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"attempt":12345678901234567890,"input":{"value":0}}'],
  ['duplicate key: the last wins', '{"unum":2,"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"input":{"value":0}}'],
  ['input keys in text order b, 10, 2 (Object.keys puts 2, 10 first)', '{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"input":{"b":1,"10":2,"2":3}}'],
  ['escaped unicode', '{"unum":1,"workflow":"wf","session":"s","node":"Count","frames":[],"iteration":0,"input":{"value":"\\u00fc\\ud83d\\ude00"}}'],
];

export function envelopeVectors(): VectorFile {
  const parse = (event: unknown, exp: object) => P.parseEnvelope(event, exp as typeof expected);
  const cases: Vector[] = [
    ...VALID.map(([name, event]) => run(`valid: ${name}`, 'parseEnvelope', parse, [event, expected], { json: true })),
    ...INVALID.map(([name, event, exp]) => run(`invalid: ${name}`, 'parseEnvelope', parse, [event, exp ?? expected])),
    ...TEXT.map(([name, text]) => run(`text: ${name}`, 'parseEnvelope', parse, [], { json: true, argsAsText: `[${text},${JSON.stringify(expected)}]` })),
    ...[base, {}, { unum: undefined }, { unum: null }, [], null, 'unum', 1, { Unum: 1 }]
      .map((event, i) => run(`looksLikeEnvelope ${i}`, 'looksLikeEnvelope', P.looksLikeEnvelope, [event])),
    ...['059f36b4-87a3-44ab-83d2-661975830a7d', 'x'.repeat(124), 'x'.repeat(125), '', 'a/b', 'ü', 7, null]
      .map((id, i) => run(`sqsSessionId ${i}`, 'sqsSessionId', P.sqsSessionId, [id])),
  ];
  if (cases.some((c) => c.name.startsWith('valid') && c.error) || cases.some((c) => c.name.startsWith('invalid') && !c.error)) {
    throw new Error(`an envelope vector no longer does what its name says: ${cases.filter((c) => (c.name.startsWith('valid') ? c.error : c.name.startsWith('invalid') && !c.error)).map((c) => c.name)}`);
  }
  return file(`Envelopes (src/protocol/envelope.ts): parseEnvelope's result or refusal; expected.now is ${NOW}`, cases);
}
