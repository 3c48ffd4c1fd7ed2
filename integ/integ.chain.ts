// Chain A → B → C: the session result is the input, passed through three functions.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('chain', {
  input: { n: 1 },
  outcome: { status: 'SUCCEEDED', result: { n: 1 } },
}).synth();
