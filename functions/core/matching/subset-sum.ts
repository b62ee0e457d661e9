/**
 * Bounded subset sum: which few of a customer's open amounts add up to a payment? Depth-first over amounts sorted
 * ascending with pruning, stopping after `maxSolutions` answers or `maxNodes` steps, so a large customer costs a
 * bounded amount of work. Returns positions into `amounts`, each solution sorted ascending.
 */
export function findSubsets(
  amounts: readonly number[],
  low: number,
  high: number,
  opts: { minSize: number; maxSize: number; maxSolutions: number; maxNodes?: number },
): number[][] {
  const order = amounts
    .map((_, i) => i)
    .filter((i) => amounts[i] > 0)
    .sort((a, b) => amounts[a] - amounts[b] || a - b);
  const sorted = order.map((i) => amounts[i]);
  const out: number[][] = [];
  const pick: number[] = [];
  let nodes = 0;
  const maxNodes = opts.maxNodes ?? 50_000;
  const walk = (start: number, sum: number): boolean => {
    if (pick.length >= opts.minSize && sum >= low && sum <= high) {
      out.push(pick.map((p) => order[p]).sort((a, b) => a - b));
      if (out.length >= opts.maxSolutions) return true;
    }
    if (pick.length >= opts.maxSize) return false;
    for (let j = start; j < sorted.length; j++) {
      if (++nodes > maxNodes) return true;
      const next = sum + sorted[j];
      if (next > high) break;
      // even taking the largest remaining amounts cannot reach `low`: prune
      const room = opts.maxSize - pick.length;
      let best = next;
      for (let k = sorted.length - 1, n = 1; n < room && k > j; k--, n++) best += sorted[k];
      if (best < low) continue;
      pick.push(j);
      if (walk(j + 1, next)) return true;
      pick.pop();
    }
    return false;
  };
  walk(0, 0);
  return out;
}
