// Map over the entry's output array, joined by a FanIn: Collect receives the item outputs in index order.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('mapJoin', {
  input: [1, 2, 3],
  outcome: { status: 'SUCCEEDED', result: [1, 2, 3] },
}).synth();
