/**
 * SimGrid's TCP model (which WRENCH runs on) gives a flow about 92 % of a
 * link's nominal bandwidth; WRENCH's serverless timing tests depend on it
 * (100 MB over 20 MB/s takes 5.4 s, not 5.0).
 */
export const DEFAULT_BANDWIDTH_EFFICIENCY = 0.92;

export interface LinkSpec {
  /** Nominal bandwidth in bytes per second. */
  readonly bandwidth: number;
  /** One-way latency in seconds. @default 0 */
  readonly latency?: number;
  /** Effective share of the nominal bandwidth a transfer gets. @default DEFAULT_BANDWIDTH_EFFICIENCY */
  readonly efficiency?: number;
}

export interface DiskSpec {
  /** Capacity in bytes. */
  readonly capacity: number;
  /** Read and write bandwidth in bytes per second. */
  readonly bandwidth: number;
}

/** Seconds to move `bytes` over the link into a disk: the slower of the effective link and the disk sets the pace. */
export function downloadSeconds(link: LinkSpec, disk: DiskSpec, bytes: number): number {
  const effective = link.bandwidth * (link.efficiency ?? DEFAULT_BANDWIDTH_EFFICIENCY);
  return (link.latency ?? 0) + bytes / Math.min(effective, disk.bandwidth);
}

/** Seconds to copy `bytes` from one disk to another (reads and writes overlap). */
export function copySeconds(from: DiskSpec, to: DiskSpec, bytes: number): number {
  return bytes / Math.min(from.bandwidth, to.bandwidth);
}
