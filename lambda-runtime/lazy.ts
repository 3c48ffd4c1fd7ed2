/**
 * A value made on first use: SDK modules Lambda's runtime provides but only
 * some invocations need are required lazily, so no cold start pays for them.
 */
export function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}
