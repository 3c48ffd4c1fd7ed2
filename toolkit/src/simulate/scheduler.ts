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
  const key = imageKey(fn.image);
  let best: ComputeNode | undefined;
  let bestRank = 4;
  for (const n of nodes) {
    if (n.freeCores === 0 || !n.canHold(fn.image)) continue;
    const rank = n.idleContainer(fn.name) ? 0 : n.ram.has(key) ? 1 : n.disk.has(key) ? 2 : 3;
    if (rank < bestRank) {
      best = n;
      bestRank = rank;
      if (rank === 0) break;
    }
  }
  return best;
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
