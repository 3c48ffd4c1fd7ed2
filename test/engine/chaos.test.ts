import { chaosCases } from './chaos-cases';
import { forEachExample } from './chaos-support';

// The first half of the examples; chaos-second-half.test.ts runs the rest in another jest worker.
forEachExample(chaosCases, { part: 1, parts: 2 });
