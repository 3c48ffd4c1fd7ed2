/** Draws a duration in seconds from the simulation's uniform source. */
export type Sampler = (random: () => number) => number;

export const constant = (seconds: number): Sampler => () => seconds;

/** Exponential with the given mean: SimFaaS's default for arrivals and service times. */
export const exponential = (mean: number): Sampler => (random) => -mean * Math.log(1 - random());

export type LambdaRuntime = 'nodejs' | 'python' | 'java' | 'dotnet' | 'provided';

/**
 * Init (cold start) durations of a hello-world function, in seconds, at 128 MB
 * and at 1,024 MB. Rough orders of magnitude of the public hello-world
 * benchmarks (maxday/lambda-perf, singledigit/lambda-benchmark, theburningmonk
 * 2017: Java and .NET start slowest, custom runtimes fastest, more memory means
 * more CPU and a shorter init). They are defaults for a first estimate, not
 * measurements of a real function: give `initTime` for that.
 */
export const INIT_SECONDS: Readonly<Record<LambdaRuntime, readonly [number, number]>> = {
  provided: [0.06, 0.04],
  python: [0.15, 0.1],
  nodejs: [0.2, 0.14],
  dotnet: [0.6, 0.25],
  java: [1.0, 0.4],
};

/**
 * Init seconds for a runtime and memory size: log-linear between the two
 * table columns and held flat outside them (init of a hello world is mostly
 * not CPU-bound above 1 GB).
 */
export function initSeconds(runtime: LambdaRuntime, memoryMb: number): number {
  const [at128, at1024] = INIT_SECONDS[runtime];
  const m = Math.min(1024, Math.max(128, memoryMb));
  const f = Math.log(m / 128) / Math.log(1024 / 128);
  return at128 + (at1024 - at128) * f;
}
