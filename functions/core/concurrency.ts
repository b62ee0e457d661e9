/**
 * Runs `fn` over `items` with at most `width` in flight (at least one); the results keep the order of `items`. A
 * rejected call rejects the whole run (callers that must go on catch inside `fn`), and no item is started after it:
 * the calls already in flight finish, nothing more is sent.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  width: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  await Promise.all(
    Array.from({ length: Math.min(Math.max(1, width), items.length) }, async () => {
      while (next < items.length && !failed) {
        const i = next++;
        try {
          out[i] = await fn(items[i], i);
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    }),
  );
  return out;
}
