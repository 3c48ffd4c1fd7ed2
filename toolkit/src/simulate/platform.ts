import { DiskSpec, LinkSpec } from './network';

export interface ImageSpec {
  readonly name: string;
  /** Bytes downloaded, stored on disks and copied between them. */
  readonly size: number;
  /** Bytes the image occupies once loaded into a node's RAM. @default size */
  readonly ramFootprint?: number;
}

export interface NodeSpec {
  readonly name: string;
  /** One invocation runs per core. */
  readonly cores: number;
  /** RAM in bytes, shared by loaded images and containers. */
  readonly ram: number;
  readonly disk: DiskSpec;
}

export type SchedulerKind = 'fcfs' | 'random' | 'balancing';

export interface ServerlessServiceProps {
  readonly nodes: readonly NodeSpec[];
  /** The head storage every image is downloaded to once. */
  readonly headStorage: DiskSpec;
  /** The wide-area link between the users' image host and the head storage. */
  readonly link: LinkSpec;
  /** Seconds a new container takes to start once its image is in RAM. @default 0 */
  readonly containerStartupOverhead?: number;
  /** Seconds an idle container stays warm. @default 600 */
  readonly idleTimeout?: number;
  /** @default 'fcfs' */
  readonly scheduler?: SchedulerKind;
  /** Admitted invocations that may wait for a core; beyond it the call is refused. @default Infinity */
  readonly maxQueued?: number;
}

export interface RegistrationLimits {
  /** Seconds after which a running invocation is stopped. @default Infinity */
  readonly timeLimit?: number;
  /** RAM bytes a container of the function reserves on its node. @default 0 */
  readonly ramLimit?: number;
  /**
   * Scratch bytes each invocation reserves on its node's disk while it runs
   * (WRENCH's per-invocation storage limit); cached images are evicted for it,
   * and a call that cannot get it fails. @default 0
   */
  readonly diskSpaceLimit?: number;
}
