import { ServerlessFunction } from './function';
import { imageKey, ComputeNode } from './node';
import { SchedulerKind } from './platform';

/** Picks the node of the next invocation among nodes with a free core; undefined makes it wait. */
export type Scheduler = (fn: ServerlessFunction, nodes: readonly ComputeNode[]) => ComputeNode | undefined;

function candidates(fn: ServerlessFunction, nodes: readonly ComputeNode[]): ComputeNode[] {
  return nodes.filter((n) => n.freeCores > 0 && n.canHold(fn.image));
}

/** FCFS placement: an idle container of the function, else its image in RAM, else on disk, else any free core. */
const fcfs: Scheduler = (fn, nodes) => {
  const free = candidates(fn, nodes);
  const key = imageKey(fn.image);
  return free.find((n) => n.idleContainer(fn.name) !== undefined)
    ?? free.find((n) => n.ram.has(key))
    ?? free.find((n) => n.disk.has(key))
    ?? free[0];
};

/** The least loaded node (busy share of its cores), ties to the first. */
const balancing: Scheduler = (fn, nodes) => {
  let best: ComputeNode | undefined;
  for (const n of candidates(fn, nodes)) {
    if (!best || n.busyCores / n.spec.cores < best.busyCores / best.spec.cores) best = n;
  }
  return best;
};

export function makeScheduler(kind: SchedulerKind, random: () => number): Scheduler {
  switch (kind) {
    case 'fcfs': return fcfs;
    case 'balancing': return balancing;
    case 'random': return (fn, nodes) => {
      const free = candidates(fn, nodes);
      return free.length === 0 ? undefined : free[Math.floor(random() * free.length)];
    };
    default: throw new Error(`Unknown scheduler ${String(kind)}: use fcfs, random or balancing`);
  }
}
