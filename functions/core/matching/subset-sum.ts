/**
 * Bounded subset sum: which few of a customer's open amounts add up to a payment? Depth-first over amounts sorted
 * ascending with pruning, stopping after `maxSolutions` answers or `maxNodes` steps, so a large customer costs a
 * bounded amount of work. Returns positions into `amounts`, each solution sorted ascending.
 *
 * The pools searched hold a few dozen amounts at most, and a large book searches some 30,000 of them: the search runs
 * in buffers kept between calls (typed arrays of one shape whatever the amounts: an array of cents turned to doubles
 * past 2^31 and the optimised search was thrown away and compiled again) and sorts by insertion, allocating nothing
 * but its answers. With a sorted copy, a comparator sort and two typed arrays per call, it allocated about 100 MB on
 * the 50,000-transaction book of issue 13.
 */
export function findSubsets(
  amounts: readonly number[],
  low: number,
  high: number,
  opts: { minSize: number; maxSize: number; maxSolutions: number; maxNodes?: number },
): number[][] {
  if (order.length < amounts.length) {
    order = new Int32Array(amounts.length);
    sorted = new Float64Array(amounts.length);
    tail = new Float64Array(amounts.length + 1);
  }
  // the positive amounts, ascending, the earlier position first among equal amounts
  let n = 0;
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i];
    if (!(a > 0)) continue;
    let k = n++;
    for (; k > 0 && sorted[k - 1] > a; k--) {
      sorted[k] = sorted[k - 1];
      order[k] = order[k - 1];
    }
    sorted[k] = a;
    order[k] = i;
  }
  // tail[k]: the sum of sorted[k..n-1], so that the largest amounts still to take add up in one step
  tail[n] = 0;
  for (let k = n - 1; k >= 0; k--) tail[k] = tail[k + 1] + sorted[k];
  search.n = n;
  search.low = low;
  search.high = high;
  search.minSize = opts.minSize;
  search.maxSize = opts.maxSize;
  search.maxSolutions = opts.maxSolutions;
  search.nodesLeft = opts.maxNodes ?? 50_000;
  search.depth = 0;
  const out: number[][] = [];
  search.out = out;
  walk(0, 0);
  search.out = NO_ANSWERS;
  return out;
}

let order = new Int32Array(64);
let sorted = new Float64Array(64);
let tail = new Float64Array(65);
/** The positions (into `sorted`) taken so far, `search.depth` of them: a set has 64 amounts at most. */
const pick = new Int32Array(64);
const NO_ANSWERS: number[][] = [];
/** The search under way (one at a time: nothing in it calls out). */
const search = {
  n: 0,
  low: 0,
  high: 0,
  minSize: 0,
  maxSize: 0,
  maxSolutions: 0,
  nodesLeft: 0,
  depth: 0,
  out: NO_ANSWERS,
};

/** Takes amounts from `start` on, the sum so far being `sum`; true when the search is over. */
function walk(start: number, sum: number): boolean {
  const s = search;
  if (s.depth >= s.minSize && sum >= s.low && sum <= s.high) {
    const answer: number[] = [];
    for (let d = 0; d < s.depth; d++) insertAscending(answer, order[pick[d]]);
    s.out.push(answer);
    if (s.out.length >= s.maxSolutions) return true;
  }
  if (s.depth >= s.maxSize || s.depth >= pick.length) return false;
  // with one more taken, at most `room` more fit: the largest of those after it are what the sum can still reach
  const room = s.maxSize - s.depth - 1;
  for (let j = start; j < s.n; j++) {
    if (--s.nodesLeft < 0) return true;
    const next = sum + sorted[j];
    if (next > s.high) break;
    // even taking the largest remaining amounts cannot reach `low`: prune
    if (next + tail[Math.max(j + 1, s.n - room)] < s.low) continue;
    pick[s.depth++] = j;
    const over = walk(j + 1, next);
    s.depth--;
    if (over) return true;
  }
  return false;
}

/** Puts `value` into `list`, which stays ascending (by insertion: lists of a few numbers, nothing else allocated). */
export function insertAscending(list: number[], value: number): void {
  let k = list.length;
  list.push(value);
  for (; k > 0 && list[k - 1] > value; k--) list[k] = list[k - 1];
  list[k] = value;
}
