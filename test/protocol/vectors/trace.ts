import { file, run, VectorFile } from './support';
import { formatTraceHeader, parseTraceHeader, sampledTraceId } from '../../../src/protocol/trace';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const HEADERS = [
  `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1`,
  `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=0`,
  `Root=${ROOT};Sampled=?`,
  `Sampled=1;Root=${ROOT}`,
  `Root=${ROOT};Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:0`,
  ` root = ${ROOT} ; sampled = 1 `,
  `Root=${ROOT}`,
  'Sampled=1',
  'Root=;Sampled=1',
  'garbage',
  '',
];

export function traceVectors(): VectorFile {
  return file('X-Ray trace headers (Lambda\'s _X_AMZN_TRACE_ID, the X-Amzn-Trace-Id header): parsed, formatted, and the sampled trace id', [
    ...HEADERS.map((h, i) => run(`parse ${i}: ${h}`, 'parseTraceHeader', parseTraceHeader, [h])),
    ...HEADERS.map((h, i) => run(`sampled ${i}: ${h}`, 'sampledTraceId', sampledTraceId, [h])),
    run('sampled of nothing', 'sampledTraceId', sampledTraceId, [null]),
    run('format all', 'formatTraceHeader', formatTraceHeader, [{ root: ROOT, parent: '53995c3f42cd8ad8', sampled: '1' }]),
    run('format root only', 'formatTraceHeader', formatTraceHeader, [{ root: ROOT }]),
    run('format nothing', 'formatTraceHeader', formatTraceHeader, [{}]),
  ]);
}
