// User functions of the failure-path app: each returns or does something a session must survive by ending FAILED.

export const bigint = async () => ({ total: BigInt(1) });

export const circular = async () => {
  const node: Record<string, unknown> = { name: 'loop' };
  node.self = node;
  return node;
};

export const exit = async () => {
  process.exit(3);
};

/** Larger than the workflow's 1 KiB payload threshold: it must go to the bucket. */
export const large = async () => ({ pad: 'x'.repeat(4096) });

export const pass = async (input: unknown) => input;
