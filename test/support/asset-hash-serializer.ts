// The project's own snapshots use the serializer users get (cdk-unum/lib/testing/snapshot-serializer).
export { test, serialize } from '../../src/testing/snapshot-serializer';
