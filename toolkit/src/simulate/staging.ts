import { FAILURE } from './failures';
import { Done, Fetches } from './fetches';
import { LruStore } from './lru';
import { copySeconds, downloadSeconds } from './network';
import { ComputeNode, imageKey } from './node';
import { ImageSpec, ServerlessServiceProps } from './platform';
import { Simulation } from './simulation';

/**
 * Brings an image into a node's RAM: downloaded once over the wide-area link
 * to the head storage, copied to the node's disk, loaded into RAM. The RAM copy
 * pins the disk copy; containers pin the RAM copy.
 */
export class ImageStaging {
  public downloads = 0;
  private readonly head: LruStore;
  private readonly fetches = new Fetches();

  public constructor(private readonly sim: Simulation, private readonly props: ServerlessServiceProps) {
    this.head = new LruStore(props.headStorage.capacity);
  }

  /** On success the caller holds a pin on the image's RAM copy, to give back with `release`. */
  public stage(node: ComputeNode, image: ImageSpec, done: Done): void {
    this.ensureRam(node, image, (error) => {
      if (!error) node.ram.pin(imageKey(image));
      done(error);
    });
  }

  public release(node: ComputeNode, image: ImageSpec): void {
    node.ram.unpin(imageKey(image));
  }

  private ensureRam(node: ComputeNode, image: ImageSpec, done: Done): void {
    const key = imageKey(image);
    this.ensure(`ram:${node.index}:${key}`, node.ram, key, done, (finish) => this.ensureDisk(node, image, (error) => {
      if (error) return finish(error);
      node.disk.pin(key);
      if (!node.ram.add(key, image.ramFootprint ?? image.size, () => node.disk.unpin(key))) {
        node.disk.unpin(key);
        return finish(FAILURE.NO_STORAGE);
      }
      node.ram.pin(key);
      this.sim.schedule(image.size / node.spec.disk.bandwidth, () => {
        node.ram.unpin(key);
        finish();
      });
    }));
  }

  private ensureDisk(node: ComputeNode, image: ImageSpec, done: Done): void {
    const key = imageKey(image);
    this.ensure(`disk:${node.index}:${key}`, node.disk, key, done, (finish) => this.ensureHead(image, (error) => {
      if (error) return finish(error);
      if (!node.disk.add(key, image.size)) return finish(FAILURE.NO_STORAGE);
      this.head.pin(key);
      node.disk.pin(key);
      this.sim.schedule(copySeconds(this.props.headStorage, node.spec.disk, image.size), () => {
        this.head.unpin(key);
        node.disk.unpin(key);
        finish();
      });
    }));
  }

  private ensureHead(image: ImageSpec, done: Done): void {
    const key = imageKey(image);
    this.ensure(`head:${key}`, this.head, key, done, (finish) => {
      if (!this.head.add(key, image.size)) return finish(FAILURE.NO_STORAGE);
      this.head.pin(key);
      this.downloads++;
      this.sim.schedule(downloadSeconds(this.props.link, this.props.headStorage, image.size), () => {
        this.head.unpin(key);
        finish();
      });
    });
  }

  /** A stored copy serves at once, unless it is still arriving: then the requester waits for that transfer. */
  private ensure(fetchKey: string, store: LruStore, key: string, done: Done, start: (finish: Done) => void): void {
    if (!this.fetches.isPending(fetchKey) && store.has(key)) {
      store.touch(key);
      return done();
    }
    this.fetches.join(fetchKey, done, start);
  }
}
