export async function handler(chunk: string) {
  const counts: Record<string, number> = {};
  for (const word of chunk.toLowerCase().match(/[a-z']+/g) ?? []) counts[word] = (counts[word] ?? 0) + 1;
  return counts;
}
