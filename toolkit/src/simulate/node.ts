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

  public constructor(public readonly spec: NodeSpec, public readonly index: number) {
    this.freeCores = spec.cores;
    this.disk = new LruStore(spec.disk.capacity);
    this.ram = new LruStore(spec.ram);
  }

  public get busyCores(): number {
    return this.spec.cores - this.freeCores;
  }

  public idleContainer(functionName: string): Container | undefined {
    for (const c of this.containers) if (!c.busy && c.functionName === functionName) return c;
    return undefined;
  }

  /** Whether the node could ever hold the image, even with every cache emptied. */
  public canHold(image: ImageSpec): boolean {
    return image.size <= this.spec.disk.capacity && (image.ramFootprint ?? image.size) <= this.spec.ram;
  }
}
