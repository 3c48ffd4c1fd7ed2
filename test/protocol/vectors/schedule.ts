import { file, run, Vector, VectorFile } from './support';
import * as P from '../../../src/protocol';

/** Long Waits' schedules: the deterministic name, the at() expression both ways, the stored envelope's key. */
export function scheduleVectors(): VectorFile {
  const cases: Vector[] = [];
  const ref = { workflow: 'orders', session: 's-1' };
  const names: Array<[string, string, string[]]> = [
    ['one Wait', 'Before|0', ['Month|0']],
    ['two Waits, either order', 'Before|0', ['Until|0/2', 'Month|0']],
    ['in a Map item', 'Item|0:3/0', ['Pause|0:3/0']],
    ['unicode', 'Étape|0', ['Attente ☕|0']],
  ];
  names.forEach(([name, instance, waits]) => cases.push(run(`scheduleName ${name}`, 'scheduleName', P.scheduleName, [ref, instance, waits])));
  [0, 1_780_000_000_000, 1_780_000_000_001, 1_780_000_000_999, Date.UTC(2027, 1, 28, 23, 59, 59, 500)].forEach((ms) => {
    cases.push(run(`atExpression ${ms}`, 'atExpression', P.atExpression, [ms]));
  });
  ['at(2027-01-03T06:32:10)', 'at(2027-01-03T06:32)', 'rate(5 minutes)', 'at(2027-01-03T06:32:10Z)', ''].forEach((e) => {
    cases.push(run(`parseAtExpression ${JSON.stringify(e)}`, 'parseAtExpression', P.parseAtExpression, [e]));
  });
  cases.push(run('scheduledEnvelopeObjectKey', 'scheduledEnvelopeObjectKey', P.scheduledEnvelopeObjectKey, [{ workflow: 'orders', session: 's/1' }, 'unum-abc']));
  return file('Long Waits (src/protocol/schedule.ts): schedule names, at() expressions, the stored envelope\'s key', cases);
}
