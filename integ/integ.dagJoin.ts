// A DAG that no nesting of Parallels expresses: C waits for A only, D for A
// and for whichever of Quick and Slow the Choice takes (the other is skipped,
// so its slot is null), Last for C and D.
import { shapeIntegApp } from './support/shape-integ';

const input = { fast: true };

shapeIntegApp('dagJoin', {
  input,
  outcome: { status: 'SUCCEEDED', result: [input, [input, input, null]] },
}).synth();
