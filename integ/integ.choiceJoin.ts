// Choice (hello → Hello, otherwise Bye) that continues with World after either branch.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('choiceJoin', {
  input: { greeting: 'hello' },
  outcome: { status: 'SUCCEEDED', result: { greeting: 'hello' } },
}).synth();
