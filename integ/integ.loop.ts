// Loop Init → Step → Done? (count >= 3 → Finish, otherwise back to Step); the fixture functions echo, so the input exits at once.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('loop', {
  input: { count: 3 },
  outcome: { status: 'SUCCEEDED', result: { count: 3 } },
}).synth();
