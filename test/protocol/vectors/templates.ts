import * as P from '../../../src/protocol';
import { Frame } from '../../../src/protocol/envelope';

/**
 * Key formats as data, read off the TypeScript key functions: each function
 * is called with sentinel arguments and its output turned into a template,
 * `{name}` for an argument placed as is and `{name:uri}` for one passed
 * through encodeURIComponent. Every template is then checked against the
 * function on real arguments, so a format the templates cannot express
 * fails generation instead of producing a wrong Python port.
 */
const OPEN = '\u0001';
const CLOSE = '\u0002';
const S = (name: string): any => `${OPEN}${name}${CLOSE}`;
const REF = { workflow: S('workflow'), session: S('session') };

function templatize(out: string): string {
  let t = out.replace(/\{/g, '{{').replace(/\}/g, '}}');
  t = t.replace(new RegExp(`${OPEN}(\\w+)${CLOSE}`, 'g'), '{$1}');
  t = t.replace(new RegExp(`${encodeURIComponent(OPEN)}(\\w+)${encodeURIComponent(CLOSE)}`, 'g'), '{$1:uri}');
  if (t.includes(OPEN) || t.includes(CLOSE) || t.includes(encodeURIComponent(OPEN))) {
    throw new Error(`key output '${JSON.stringify(out)}' transforms its arguments in a way templates cannot express`);
  }
  return t;
}

/** The Python side's renderer, in TypeScript, to check each template. */
export function render(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{|\}\}|\{(\w+)(?::(uri))?\}/g, (m, name?: string, spec?: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (!(name! in values)) throw new Error(`template '${template}' needs '${name}'`);
    const v = String(values[name!]);
    return spec === 'uri' ? encodeURIComponent(v) : v;
  });
}

type Template = string | { pk: string; sk: string };
const tpl = (out: string | P.ItemKey): Template => (typeof out === 'string' ? templatize(out) : { pk: templatize(out.pk), sk: templatize(out.sk) });

export function keyTemplates(): Record<string, Template> {
  return {
    workflowKeyPrefix: tpl(P.workflowKeyPrefix(S('workflow'))),
    sessionItemKey: tpl(P.sessionItemKey(REF)),
    checkpointKeyPrefix: tpl(P.checkpointKeyPrefix(REF)),
    checkpointItemKey: tpl(P.checkpointItemKey(REF, S('instance'))),
    failureItemKey: tpl(P.failureItemKey(REF, S('instance'))),
    joinKeyBase: tpl(P.joinKeyBase(REF, S('joinInstance'))),
    garbageKey: tpl(P.garbageKey(REF, S('partition'))),
    workflowObjectPrefix: tpl(P.workflowObjectPrefix(S('workflow'))),
    sessionObjectPrefix: tpl(P.sessionObjectPrefix(REF)),
    fanoutProgressItemKey: tpl(P.fanoutProgressItemKey(REF, S('fanoutInstance'))),
    fanoutInputItemKey: tpl(P.fanoutInputItemKey(REF, S('fanoutInstance'))),
    payloadObjectKey: tpl(P.payloadObjectKey(REF, S('instance'), S('kind'))),
    startObjectKey: tpl(P.startObjectKey(REF)),
    joinShardItemKey: tpl(P.joinShardItemKey(REF, S('joinInstance'), S('shard'))),
    joinRootItemKey: tpl(P.joinRootItemKey(REF, S('joinInstance'))),
    // The join instance is `<join>|<scope>`: the function keeps what follows the join's name and separator.
    branchInstanceKey: tpl(P.branchInstanceKey(S('source'), 'j', `j?${S('scope')}`, S('slot'), S('iteration'))),
    instanceKey: tpl(P.instanceKey(S('node'), [], S('scope'))),
    // With an attempt (attempt 0 writes the iteration alone, see frameEpoch).
    frameEpoch: tpl(P.frameEpoch(S('iteration'), S('attempt'))),
    fanoutAttemptKey: tpl(P.fanoutAttemptKey(S('fanoutInstance'), S('attempt'))),
    fanoutFailureItemKey: tpl(P.fanoutFailureItemKey(REF, S('fanoutInstance'), S('attempt'))),
    toleratedFailuresItemKey: tpl(P.toleratedFailuresItemKey(REF, S('fanoutInstance'), S('attempt'))),
    fanoutBranchFailureItemKey: tpl(P.fanoutBranchFailureItemKey(REF, S('fanoutInstance'), S('attempt'), S('branch'))),
    callbackItemKey: tpl(P.callbackItemKey(REF, S('instance'), S('attempt'))),
  };
}

const frame = (iteration: unknown, index: unknown): Frame => ({ fanout: 'f', index: index as number, size: 1000, iteration: iteration as number });

/** A scope is each frame rendered by `frame` (separator included), then `tail`. */
export function scopeFormat(): { frame: string; tail: string } {
  const tail = templatize(P.scopeKey([], S('iteration')));
  const one = templatize(P.scopeKey([frame(S('frameIteration'), S('frameIndex'))], S('iteration')));
  if (!one.endsWith(tail)) throw new Error(`scopeKey no longer ends with the iteration: '${one}'`);
  return { frame: one.slice(0, one.length - tail.length), tail };
}

/** The pieces of itemKind's pattern, read off the partition key templates of each kind. */
export function itemKindFormat(t: Record<string, Template>): { head: string; workflowEnd: string; kinds: string[]; kindEnd: string } {
  const prefix = t.workflowKeyPrefix as string;
  const [head, workflowEnd] = prefix.split('{workflow}');
  const kinded = ['sessionItemKey', 'checkpointKeyPrefix', 'joinKeyBase', 'garbageKey', 'fanoutProgressItemKey'].map((name) => {
    const v = t[name];
    const pk = typeof v === 'string' ? v : v.pk;
    if (!pk.startsWith(prefix) || !pk.slice(prefix.length).includes('{session}')) throw new Error(`${name} is not '${prefix}<kind><sep>{session}...'`);
    return pk.slice(prefix.length, pk.indexOf('{session}'));
  });
  const kindEnd = kinded[0].slice(1);
  if (kinded.some((k) => k.length !== 2 || k.slice(1) !== kindEnd)) throw new Error(`kinds are not one letter and a common separator: ${kinded}`);
  return { head, workflowEnd, kinds: kinded.map((k) => k[0]), kindEnd };
}

/** Checks every template against its function on awkward real arguments. */
export function checkTemplates(t: Record<string, Template>, scope: { frame: string; tail: string }): void {
  const refs = [{ workflow: 'wf', session: 's-1' }, { workflow: 'a b/ü%', session: 'x:y.z_1' }];
  const texts = ['n', 'a/b c', 'é%2F|#', '😀'];
  const eq = (name: string, got: string, want: string) => {
    if (got !== want) throw new Error(`template of ${name} renders '${got}', the function gives '${want}'`);
  };
  const item = (name: string, values: Record<string, string | number>, want: string | P.ItemKey) => {
    const v = t[name];
    if (typeof v === 'string' || typeof want === 'string') return eq(name, render(v as string, values), want as string);
    eq(name, render(v.pk, values), want.pk);
    eq(name, render(v.sk, values), want.sk);
  };
  for (const ref of refs) {
    for (const x of texts) {
      item('workflowKeyPrefix', ref, P.workflowKeyPrefix(ref.workflow));
      item('sessionItemKey', ref, P.sessionItemKey(ref));
      item('checkpointKeyPrefix', ref, P.checkpointKeyPrefix(ref));
      item('checkpointItemKey', { ...ref, instance: x }, P.checkpointItemKey(ref, x));
      item('failureItemKey', { ...ref, instance: x }, P.failureItemKey(ref, x));
      item('joinKeyBase', { ...ref, joinInstance: x }, P.joinKeyBase(ref, x));
      item('garbageKey', { ...ref, partition: 7 }, P.garbageKey(ref, 7));
      item('workflowObjectPrefix', ref, P.workflowObjectPrefix(ref.workflow));
      item('sessionObjectPrefix', ref, P.sessionObjectPrefix(ref));
      item('fanoutProgressItemKey', { ...ref, fanoutInstance: x }, P.fanoutProgressItemKey(ref, x));
      item('fanoutInputItemKey', { ...ref, fanoutInstance: x }, P.fanoutInputItemKey(ref, x));
      for (const kind of ['input', 'output'] as const) item('payloadObjectKey', { ...ref, instance: x, kind }, P.payloadObjectKey(ref, x, kind));
      item('startObjectKey', ref, P.startObjectKey(ref));
      item('joinShardItemKey', { ...ref, joinInstance: x, shard: 3 }, P.joinShardItemKey(ref, x, 3));
      item('joinRootItemKey', { ...ref, joinInstance: x }, P.joinRootItemKey(ref, x));
      item('frameEpoch', { iteration: 3, attempt: 2 }, P.frameEpoch(3, 2));
      item('fanoutAttemptKey', { fanoutInstance: x, attempt: 4 }, P.fanoutAttemptKey(x, 4));
      item('fanoutFailureItemKey', { ...ref, fanoutInstance: x, attempt: 1 }, P.fanoutFailureItemKey(ref, x, 1));
      item('toleratedFailuresItemKey', { ...ref, fanoutInstance: x, attempt: 0 }, P.toleratedFailuresItemKey(ref, x, 0));
      item('callbackItemKey', { ...ref, instance: x, attempt: 3 }, P.callbackItemKey(ref, x, 3));
      item('fanoutBranchFailureItemKey', { ...ref, fanoutInstance: x, attempt: 2, branch: `b${x}` }, P.fanoutBranchFailureItemKey(ref, x, 2, `b${x}`));
      const join = `J${x}`;
      const joinInstance = P.instanceKey(join, [frame(1, 2)], 3);
      item('branchInstanceKey', { source: x, scope: joinInstance.slice(join.length + 1), slot: 5, iteration: 2 },
        P.branchInstanceKey(x, join, joinInstance, 5, 2));
      for (let n = 0; n <= 3; n++) {
        const frames = Array.from({ length: n }, (_, i) => frame(i, i * 10 + 1));
        const s = frames.map((f) => render(scope.frame, { frameIteration: f.iteration, frameIndex: f.index })).join('') + render(scope.tail, { iteration: 4 });
        eq('scopeKey', s, P.scopeKey(frames, 4));
        item('instanceKey', { node: x, scope: s }, P.instanceKey(x, frames, 4));
      }
    }
  }
}
