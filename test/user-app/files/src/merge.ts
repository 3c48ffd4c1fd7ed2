export async function handler(parts: Array<Record<string, number>>) {
  const total: Record<string, number> = {};
  for (const part of parts) for (const [word, n] of Object.entries(part)) total[word] = (total[word] ?? 0) + n;
  return total;
}
