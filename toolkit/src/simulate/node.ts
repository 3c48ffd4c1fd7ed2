import { LruStore } from './lru';
import { ImageSpec, NodeSpec } from './platform';

/** A warm or busy container: one function's code on one node, loaded from one image. */
export interface Container {
  readonly id: number;
  readonly functionName: string;
  readonly image: ImageSpec;
  busy: boolean;
  /** Bumped each time the container goes idle, so a stale expiry timer does nothing. */
  idleEpoch: number;
}

export const imageKey = (image: ImageSpec): string => `image:${image.name}`;
export const containerKey = (container: Container): string => `container:${container.id}`;

/** A compute node's state: free cores, its disk and RAM caches, its containers. */
export class ComputeNode {
  public freeCores: number;
  public readonly disk: LruStore;
  public readonly ram: LruStore;
  public readonly containers = new Set<Container>();
  // Idle containers by function, so placement does not scan every container of the node.
  private readonly idle = new Map<string, Set<Container>>();

  public constructor(public readonly spec: NodeSpec, public readonly index: number) {
    this.freeCores = spec.cores;
    this.disk = new LruStore(spec.disk.capacity);
    this.ram = new LruStore(spec.ram);
  }

  public get busyCores(): number {
    return this.spec.cores - this.freeCores;
  }

  public idleContainer(functionName: string): Container | undefined {
    const idle = this.idle.get(functionName);
    if (!idle) return undefined;
    for (const c of idle) return c;
    return undefined;
  }

  public setBusy(c: Container, busy: boolean): void {
    c.busy = busy;
    if (busy) this.idle.get(c.functionName)?.delete(c);
    else this.idleSet(c.functionName).add(c);
  }

  /** Forgets the container; true if it was still there. */
  public drop(c: Container): boolean {
    this.idle.get(c.functionName)?.delete(c);
    return this.containers.delete(c);
  }

  private idleSet(functionName: string): Set<Container> {
    let set = this.idle.get(functionName);
    if (!set) this.idle.set(functionName, set = new Set());
    return set;
  }

  /** Whether the node could ever hold the image and a call's scratch space, even with every cache emptied. */
  public canHold(image: ImageSpec, scratch = 0): boolean {
    return image.size + scratch <= this.spec.disk.capacity && (image.ramFootprint ?? image.size) <= this.spec.ram;
  }
}
