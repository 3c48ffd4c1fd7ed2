import { existsSync, readFileSync } from 'fs';
import { parse as parseYaml } from 'yaml';
import { DiskSpec, LinkSpec } from './network';
import { ImageSpec, NodeSpec, SchedulerKind } from './platform';
import { UsageError } from '../local/assembly';

/** Sizes in the file are in MB (10^6 bytes) and bandwidths in MB/s, as WRENCH's platform descriptions write them. */
export const MB = 1e6;

/** A cluster as `unum simulate --platform cluster` runs a workflow on it (ClusterPlatform). */
export interface ClusterPlatformSpec {
  /** The file it was read from, for error messages. */
  readonly source: string;
  readonly nodes: readonly NodeSpec[];
  readonly headStorage: DiskSpec;
  /** The wide-area link from the image registry to the head storage. */
  readonly link: LinkSpec;
  /** Images by workflow node; `*` is the image of every node without its own. */
  readonly images: Readonly<Record<string, ImageSpec>>;
  readonly scheduler: SchedulerKind;
  readonly containerStartupSeconds: number;
  readonly idleTimeoutSeconds: number;
  /** Scratch bytes each call holds on its node's disk while it runs. */
  readonly invocationStorage: number;
  /** Calls that may wait for a core; one more is refused (a throttle). */
  readonly maxQueued: number;
}

type Json = Record<string, unknown>;

/** Reads fields of one object of the file, each error naming the file and the field's path. */
class Fields {
  public constructor(private readonly source: string, private readonly path: string, private readonly value: Json, known: readonly string[]) {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(key, `is not a known setting (known: ${known.join(', ')})`);
    }
  }

  public fail(key: string, why: string): never {
    throw new UsageError(`${this.source}: ${this.path}${this.path ? '.' : ''}${key} ${why}`);
  }

  public number(key: string, options: { min?: number; above?: number; max?: number; integer?: boolean; default?: number } = {}): number {
    const v = this.value[key];
    if (v === undefined) {
      if (options.default !== undefined) return options.default;
      this.fail(key, 'is required');
    }
    const what = options.integer ? 'a whole number' : 'a number';
    const bound = options.above !== undefined ? `> ${options.above}` : `>= ${options.min ?? 0}`;
    const ok = typeof v === 'number' && Number.isFinite(v) && (!options.integer || Number.isInteger(v))
      && (options.above !== undefined ? v > options.above : v >= (options.min ?? 0)) && (options.max === undefined || v <= options.max);
    if (!ok) this.fail(key, `must be ${what} ${bound}${options.max !== undefined ? ` and <= ${options.max}` : ''} (got ${JSON.stringify(v)})`);
    return v as number;
  }

  public string(key: string, fallback?: string): string {
    const v = this.value[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v === '') this.fail(key, `must be a non-empty string (got ${JSON.stringify(v)})`);
    return v;
  }

  public object(key: string, required = true): Json | undefined {
    const v = this.value[key];
    if (v === undefined && !required) return undefined;
    if (!isObject(v)) this.fail(key, `must be an object (got ${JSON.stringify(v)})`);
    return v;
  }

  public child(key: string, known: readonly string[], required = true): Fields | undefined {
    const v = this.object(key, required);
    return v === undefined ? undefined : new Fields(this.source, this.path ? `${this.path}.${key}` : key, v, known);
  }
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

const DISK_FIELDS = ['diskMb', 'diskMbPerSecond'];
const disk = (f: Fields): DiskSpec => ({ capacity: f.number('diskMb', { above: 0 }) * MB, bandwidth: f.number('diskMbPerSecond', { above: 0 }) * MB });

function nodes(f: Fields, value: unknown, source: string): NodeSpec[] {
  if (!Array.isArray(value) || value.length === 0) f.fail('nodes', 'must be a list of at least one compute node');
  const names = new Set<string>();
  return value.map((v, i) => {
    if (!isObject(v)) f.fail(`nodes[${i}]`, `must be an object (got ${JSON.stringify(v)})`);
    const n = new Fields(source, `nodes[${i}]`, v, ['name', 'cores', 'ramMb', ...DISK_FIELDS]);
    const name = n.string('name');
    if (names.has(name)) n.fail('name', `repeats the node name ${JSON.stringify(name)}`);
    names.add(name);
    return { name, cores: n.number('cores', { min: 1, integer: true }), ram: n.number('ramMb', { above: 0 }) * MB, disk: disk(n) };
  });
}

function images(f: Fields, source: string): Record<string, ImageSpec> {
  const all = f.object('images') as Json;
  if (!isObject(all['*'])) f.fail('images', 'needs a default image under "*" (the image of every function without its own)');
  const out: Record<string, ImageSpec> = {};
  for (const [node, v] of Object.entries(all)) {
    if (!isObject(v)) f.fail(`images.${node}`, `must be an object (got ${JSON.stringify(v)})`);
    const i = new Fields(source, `images.${node}`, v, ['name', 'sizeMb', 'ramMb']);
    const size = i.number('sizeMb') * MB;
    // Functions without a named image of their own share one, downloaded once.
    out[node] = { name: i.string('name', node === '*' ? 'default' : node), size, ramFootprint: i.number('ramMb', { default: size / MB }) * MB };
  }
  return out;
}

/** Checks a parsed platform file (JSON or YAML) and converts its MB and MB/s to bytes. */
export function parsePlatform(value: unknown, source: string): ClusterPlatformSpec {
  if (!isObject(value)) throw new UsageError(`${source}: a platform file is an object with nodes, headStorage, link and images`);
  const top = new Fields(source, '', value, ['nodes', 'headStorage', 'link', 'images', 'scheduler', 'overheads', 'invocationStorageMb', 'maxQueued']);
  const link = top.child('link', ['mbPerSecond', 'latencySeconds', 'efficiency'])!;
  const overheads = top.child('overheads', ['containerStartupSeconds', 'idleTimeoutSeconds'], false);
  const scheduler = top.string('scheduler', 'fcfs');
  if (!['fcfs', 'random', 'balancing'].includes(scheduler)) top.fail('scheduler', `must be fcfs, random or balancing (got ${JSON.stringify(scheduler)})`);
  const maxQueued = value.maxQueued === undefined ? Infinity : top.number('maxQueued', { integer: true });
  return {
    source,
    nodes: nodes(top, value.nodes, source),
    headStorage: disk(top.child('headStorage', DISK_FIELDS)!),
    link: {
      bandwidth: link.number('mbPerSecond', { above: 0 }) * MB,
      latency: link.number('latencySeconds', { default: 0 }),
      efficiency: link.number('efficiency', { above: 0, max: 1, default: 0.92 }),
    },
    images: images(top, source),
    scheduler: scheduler as SchedulerKind,
    containerStartupSeconds: overheads?.number('containerStartupSeconds', { default: 0 }) ?? 0,
    idleTimeoutSeconds: overheads?.number('idleTimeoutSeconds', { default: 600 }) ?? 600,
    invocationStorage: top.number('invocationStorageMb', { default: 0 }) * MB,
    maxQueued,
  };
}

/** Reads `--platform-file`: YAML when the name ends in .yaml or .yml, else JSON. */
export function loadPlatform(file: string): ClusterPlatformSpec {
  if (!existsSync(file)) throw new UsageError(`--platform-file: no such file ${file}`);
  const text = readFileSync(file, 'utf8');
  let value: unknown;
  try {
    value = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  return parsePlatform(value, file);
}
