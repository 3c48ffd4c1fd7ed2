import { chaosCases } from './chaos-cases';
import { forEachExample } from './chaos-support';

// The second half of the examples; chaos.test.ts runs the first in another jest worker.
forEachExample(chaosCases, { part: 2, parts: 2 });
