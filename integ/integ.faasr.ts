// The FaaSr sample DAG: a ranked Map (width 10) and a true/false Choice in
// parallel, joined by one FanIn. `end` receives the ten rank outputs as one
// list (the Map closes inside its branch) and the taken conditional's output.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('faasr', {
  input: true,
  outcome: { status: 'SUCCEEDED', result: [[true, true, true, true, true, true, true, true, true, true], true] },
}).synth();
