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
  const order: number[] = [];
  for (let i = 0; i < amounts.length; i++) if (amounts[i] > 0) order.push(i);
  order.sort((a, b) => amounts[a] - amounts[b] || a - b);
  const n = order.length;
  // typed arrays: one shape whatever the amounts (an array of cents turned to doubles past 2^31, and the optimised
  // search was thrown away and compiled again)
  const sorted = new Float64Array(n);
  for (let k = 0; k < n; k++) sorted[k] = amounts[order[k]];
  /** tail[k]: the sum of sorted[k..], so that the largest amounts still to take add up in one step. */
  const tail = new Float64Array(n + 1);
  for (let k = n - 1; k >= 0; k--) tail[k] = tail[k + 1] + sorted[k];
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
    // with one more taken, at most `room` more fit: the largest of those after it are what the sum can still reach
    const room = opts.maxSize - pick.length - 1;
    for (let j = start; j < n; j++) {
      if (++nodes > maxNodes) return true;
      const next = sum + sorted[j];
      if (next > high) break;
      // even taking the largest remaining amounts cannot reach `low`: prune
      if (next + tail[Math.max(j + 1, n - room)] < low) continue;
      pick.push(j);
      if (walk(j + 1, next)) return true;
      pick.pop();
    }
    return false;
  };
  walk(0, 0);
  return out;
}
