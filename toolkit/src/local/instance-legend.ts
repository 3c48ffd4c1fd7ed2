import { instanceKey } from 'cdk-unum/lib/protocol/keys';

/**
 * What an instance id such as `Count|0:1/0` says, in words. The forms are
 * produced by the protocol's own instanceKey with named placeholders, so the
 * legend follows the key format wherever it changes.
 */

const NODE = '<node>';
const EPOCH = '<fan-out iteration>';
const ATTEMPT = '<attempt>';
const INDEX = '<item>';
const ITERATION = '<iteration>';

/* The placeholders stand in for the numbers instanceKey formats (it only interpolates them). */
const placeholder = (text: string): number => text as unknown as number;

function form(frames: number, attempt: boolean): string {
  return instanceKey(NODE, Array.from({ length: frames }, () => ({
    fanout: '', size: 0, index: placeholder(INDEX), iteration: placeholder(EPOCH), ...(attempt ? { attempt: placeholder(ATTEMPT) } : {}),
  })), placeholder(ITERATION));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What a frame's Retry attempt adds to its key (`~<attempt>`), found by comparing the forms with and without one. */
function attemptInfix(): string {
  const plain = form(1, false);
  const tried = form(1, true);
  let start = 0;
  while (plain[start] === tried[start]) start++;
  let end = 0;
  while (end < plain.length - start && plain[plain.length - 1 - end] === tried[tried.length - 1 - end]) end++;
  return tried.slice(start, tried.length - end);
}

/**
 * A regular expression for ids with this many frames, with a named group per placeholder (numbered by frame);
 * each frame's attempt is optional on its own, as only the fan-outs a Retry re-ran have one.
 */
function matcher(frames: number): RegExp {
  const infix = escape(attemptInfix());
  let source = escape(form(frames, true)).replace(escape(NODE), '(?<node>.+)');
  for (let k = 0; source.includes(infix); k++) source = source.replace(infix, `(?:${infix.replace(escape(ATTEMPT), `(?<attempt${k}>\\d+)`)})?`);
  for (const [text, name] of [[EPOCH, 'epoch'], [INDEX, 'index']] as const) {
    for (let k = 0; source.includes(escape(text)); k++) source = source.replace(escape(text), `(?<${name}${k}>\\d+)`);
  }
  source = source.replace(escape(ITERATION), '(?<iteration>\\d+)');
  return new RegExp(`^${source}$`);
}

/** The parts of an instance id: its node, one frame per enclosing Map or Parallel (outermost first), and the loop iteration. */
export interface InstanceParts {
  readonly node: string;
  readonly frames: Array<{ index: number; epoch: number; attempt?: number }>;
  readonly iteration: number;
}

export function describeInstance(instance: string): InstanceParts | undefined {
  for (let frames = 0; frames <= 8; frames++) {
    const groups = matcher(frames).exec(instance)?.groups;
    if (groups === undefined) continue;
    return {
      node: groups.node,
      frames: Array.from({ length: frames }, (_, k) => ({
        index: Number(groups[`index${k}`]),
        epoch: Number(groups[`epoch${k}`]),
        ...(groups[`attempt${k}`] !== undefined ? { attempt: Number(groups[`attempt${k}`]) } : {}),
      })),
      iteration: Number(groups.iteration),
    };
  }
  return undefined;
}

/** Two or three lines that read the id forms of `instances` (one example of the deepest). */
export function instanceLegend(instances: readonly string[]): string[] {
  const described = instances.map((i) => ({ id: i, parts: describeInstance(i) })).filter((d) => d.parts !== undefined);
  if (described.length === 0) return [];
  const deepest = described.reduce((a, b) => (b.parts!.frames.length > a.parts!.frames.length ? b : a));
  const { node, frames, iteration } = deepest.parts!;
  // Counted from 1 as the report page counts them (describeScope), with the number the id holds beside it.
  const words = frames.map((f, k) => `${k === frames.length - 1 ? '' : 'inside '}item or branch ${f.index + 1} (index ${f.index}) of `
    + `${k === frames.length - 1 ? 'its' : 'an enclosing'} Map or Parallel (which ran in loop iteration ${f.epoch + 1}`
    + `${f.attempt !== undefined ? `, its attempt ${f.attempt + 1}` : ''})`).reverse();
  const out = [`Instance ids: ${form(frames.length > 0 ? 1 : 0, false)}`
    + (frames.length > 0 ? `, one ${form(1, false).slice(`${NODE}|`.length, -ITERATION.length)} per enclosing Map or Parallel` : '')];
  out.push(`  e.g. ${deepest.id} = node ${node}${words.length > 0 ? `, ${words.join(', ')}` : ''}, loop iteration ${iteration + 1} (index ${iteration})`);
  if (described.some((d) => d.parts!.frames.some((f) => f.attempt !== undefined))) out.push(`  ${form(1, true)}: the fan-out was re-run by its Retry`);
  return out;
}
