import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

const NOW = Date.UTC(2024, 7, 18, 17, 0, 0);

/**
 * Fail's ErrorPath/CausePath and Wait's SecondsPath/Timestamp/TimestampPath.
 * The Fail example is the Step Functions guide's ("CausePath": "$.Cause",
 * "ErrorPath": "$.Error"); the timestamp is the Wait guide's 2024-08-18T17:33:00Z.
 */
export function statesVectors(): VectorFile {
  const cases: Vector[] = [];
  const input = { Error: 'ErrorA', Cause: 'Invalid response.', n: 3, list: ['x'] };
  const fails: Array<[string, P.FailSpec, unknown]> = [
    ['fixed error and cause', { error: 'ErrorA', cause: 'Invalid response.' }, input],
    ['fixed error, no cause', { error: 'ErrorA' }, input],
    ['no error: States.Fail', {}, input],
    ['the guide example: paths', { errorPath: '$.Error', causePath: '$.Cause' }, input],
    ['error path, fixed cause', { errorPath: '$.Error', cause: 'fixed' }, input],
    ['array index path', { errorPath: '$.list[0]' }, input],
    ['error path selects a number', { errorPath: '$.n' }, input],
    ['cause path selects nothing', { error: 'E', causePath: '$.missing' }, input],
    ['error path on a non-object input', { errorPath: '$.Error' }, 'text'],
  ];
  fails.forEach(([name, spec, doc]) => cases.push(run(`failDetails ${name}`, 'failDetails', P.failDetails, [spec, doc])));

  const waits: Array<[string, P.WaitSpec, unknown]> = [
    ['fixed seconds', { seconds: 10 }, {}],
    ['fixed zero', { seconds: 0 }, {}],
    ['seconds path', { secondsPath: '$.wait' }, { wait: 30 }],
    ['seconds path zero', { secondsPath: '$.wait' }, { wait: 0 }],
    ['seconds path at the limit', { secondsPath: '$.wait' }, { wait: P.MAX_WAIT_SECONDS }],
    ['seconds path past the limit', { secondsPath: '$.wait' }, { wait: P.MAX_WAIT_SECONDS + 1 }],
    ['seconds path negative', { secondsPath: '$.wait' }, { wait: -1 }],
    ['seconds path fraction', { secondsPath: '$.wait' }, { wait: 1.5 }],
    ['seconds path string', { secondsPath: '$.wait' }, { wait: '10' }],
    ['seconds path missing', { secondsPath: '$.wait' }, {}],
    ['the guide timestamp', { timestamp: '2024-08-18T17:33:00Z' }, {}],
    ['timestamp fraction truncated', { timestamp: '2024-08-18T17:33:00.999Z' }, {}],
    ['timestamp with an offset', { timestamp: '2024-08-18T19:33:00+02:00' }, {}],
    ['timestamp with a negative offset', { timestamp: '2024-08-18T12:03:00-05:30' }, {}],
    ['timestamp in the past ends at once', { timestamp: '2024-08-18T16:00:00Z' }, {}],
    ['timestamp on a past leap day', { timestamp: '2024-02-29T12:00:00Z' }, {}],
    ['timestamp too far ahead', { timestamp: '9999-12-31T23:59:59Z' }, {}],
    ['timestamp path', { timestampPath: '$.at' }, { at: '2024-08-18T17:33:00Z' }],
    ['timestamp path lowercase t', { timestampPath: '$.at' }, { at: '2024-08-18t17:33:00Z' }],
    ['timestamp path without zone', { timestampPath: '$.at' }, { at: '2024-08-18T17:33:00' }],
    ['timestamp path date only', { timestampPath: '$.at' }, { at: '2024-08-18' }],
    ['timestamp path no such day', { timestampPath: '$.at' }, { at: '2023-02-29T00:00:00Z' }],
    ['timestamp path hour 24', { timestampPath: '$.at' }, { at: '2024-08-18T24:00:00Z' }],
    ['timestamp path a number', { timestampPath: '$.at' }, { at: 1723000000 }],
    ['timestamp path missing', { timestampPath: '$.at' }, {}],
  ];
  waits.forEach(([name, spec, doc]) => cases.push(run(`waitUntil ${name}`, 'waitUntil', P.waitUntil, [spec, doc, NOW])));
  ['0001-01-01T00:00:00Z', '0099-06-01T12:00:00Z', '1970-01-01T00:00:00Z', '2000-02-29T23:59:59Z', '1900-02-29T00:00:00Z',
    '0000-01-01T00:00:00Z', '2024-13-01T00:00:00Z', '2024-08-18T17:33:00+24:00', '2024-08-18 17:33:00Z', null].forEach((t) => {
    cases.push(run(`parseTimestamp ${JSON.stringify(t)}`, 'parseTimestamp', P.parseTimestamp, [t]));
  });
  return file('Fail and Wait on their input (src/protocol/states.ts): ErrorPath/CausePath, SecondsPath, Timestamp, TimestampPath', cases);
}
