// A map of batches whose item processor maps over each batch's items, with a FanIn at each level.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('nestedMap', {
  input: { batches: [{ items: [1, 2] }, { items: [3] }] },
  outcome: { status: 'SUCCEEDED', result: [[1, 2], [3]] },
}).synth();
