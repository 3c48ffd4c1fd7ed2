// Parallel fork (Left1 → Left2 | Right) joined by a FanIn: Merge receives both branch outputs in branch order.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('parallelJoin', {
  input: { n: 1 },
  outcome: { status: 'SUCCEEDED', result: [{ n: 1 }, { n: 1 }] },
}).synth();
