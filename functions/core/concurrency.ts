/**
 * Runs `fn` over `items` with at most `width` in flight (at least one); the results keep the order of `items`. A
 * rejected call rejects the whole run (callers that must go on catch inside `fn`).
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, width), items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}
