// Word count: Split → Map(Count) → FanIn → Partition → Map(Reduce) → FanIn → Merge.
//
// The shared fixture functions echo their input, so Partition outputs the
// list of chunks, which has no `partitions` array for the second Map. A real
// run therefore exercises the first fan-out and its join on AWS and then must
// record that routing error on the session (FAILED at Partition) instead of
// stalling: that is what this test asserts.
import { shapeIntegApp } from './support/shape-integ';

shapeIntegApp('wordCount', {
  input: { chunks: ['the quick fox', 'the lazy dog'] },
  outcome: { status: 'FAILED', failedNode: 'Partition', error: 'States.Runtime' },
}).synth();
