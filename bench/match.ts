/**
 * `npm run bench:match`: quality of the reconciliation engine on a labelled corpus (every format written by the
 * statement writers and read back by the parsers), a naive baseline on the same data, then the scaling of the whole
 * `recon match` process (50,000 transactions against 10k/50k/200k open invoices).
 *
 *   tsx bench/match.ts [--quick] [--skip-scaling] [--scaling-format camt053] [--entries 4000] [--seed 42]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MatchResult } from '../functions/core/model/matching';
import { assignTransactionIds, parseStatementFile, WRITABLE_FORMATS, type WritableFormat } from '../functions/core/statements';
import { matchTransactions } from '../functions/core/matching';
import { type Corpus, generateCorpus } from './corpus/generate';
import { pct, report, score } from './corpus/evaluate';
import { EXTENSION, writeCorpusFiles } from './corpus/write-files';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string, def: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : def;
};
const quick = flag('quick');
const seed = Number(option('seed', '42'));
const entryCount = Number(option('entries', quick ? '1500' : '4000'));

function customersOf(c: Corpus) {
  return c.customers.map((x) => ({ customerId: x.customerId, name: x.name, ibans: x.knownIban ? [x.knownIban] : [] }));
}

/** The naive rule: an invoice number written as is in the label or remittance, and exactly its amount. */
function naive(c: Corpus, entries: Corpus['statement']['entries'], ids: string[]): MatchResult[] {
  const byId = new Map(c.invoices.map((i) => [i.invoiceId, i]));
  const open = new Map(c.invoices.map((i) => [i.invoiceId, i.openCents]));
  return entries.map((e, k) => {
    const base = { transactionId: ids[k], suggestions: [], confidence: 0, reasons: [] };
    if (e.amountCents <= 0) return { ...base, status: 'ignored' as const };
    const words = [e.label, ...e.remittance.unstructured, ...e.remittance.structured].join(' ').split(/[\s,;]+/);
    for (const w of words) {
      const inv = byId.get(w);
      if (inv && open.get(w) === e.amountCents) {
        open.set(w, 0);
        const best = { allocations: [{ invoiceId: inv.invoiceId, amountCents: e.amountCents }], confidence: 1, reasons: [], writeOffCents: 0, customerCreditCents: 0 };
        return { ...base, status: 'matched' as const, best, confidence: 1 };
      }
    }
    return { ...base, status: 'unmatched' as const };
  });
}

function quality() {
  console.log(`\n== Quality: labelled corpus, seed ${seed}, ${entryCount} entries ==`);
  const corpus = generateCorpus({ seed, customers: Math.round(entryCount / 5), entries: entryCount });
  const dir = mkdtempSync(join(tmpdir(), 'recon-bench-'));
  const paths = writeCorpusFiles(corpus, dir);
  const customers = customersOf(corpus);
  const summary: string[] = [];
  let detailed = '';
  for (const format of WRITABLE_FORMATS) {
    const parsed = parseStatementFile(readFileSync(paths[format]), { format });
    const identified = parsed.statements.flatMap((st) => assignTransactionIds(st));
    if (identified.length !== corpus.truth.length) throw new Error(`${format}: read ${identified.length} entries, wrote ${corpus.truth.length}`);
    const ids = identified.map((x) => x.transactionId);
    const t0 = performance.now();
    const results = matchTransactions({
      invoices: corpus.invoices,
      customers,
      transactions: identified.map((x) => ({ ...x.entry, transactionId: x.transactionId })),
      options: { ownIbans: [corpus.ownIban] },
    });
    const ms = performance.now() - t0;
    const s = score(corpus.truth, results, ids);
    const b = score(corpus.truth, naive(corpus, identified.map((x) => x.entry), ids));
    summary.push(
      `  ${format.padEnd(9)} auto ${pct(s.autoCorrectUnambiguous, s.matchableUnambiguous).padStart(6)} (all matchable ${pct(s.autoCorrect, s.matchable).padStart(6)})  precision ${pct(s.autoCorrect, s.auto).padStart(6)}  auto-or-1st ${pct(s.autoOrFirstCorrect, s.matchable).padStart(6)}  non-receipts left alone ${pct(s.notReceiptsLeftAlone, s.notReceipts)}  returns linked ${pct(s.returnedLinked, s.returnedTotal)}   | naive: auto ${pct(b.autoCorrect, b.matchable).padStart(6)} precision ${pct(b.autoCorrect, b.auto)}   (${ms.toFixed(0)} ms)`,
    );
    if (format === 'camt053') {
      detailed = report(s);
      const wrong = s.autoWrong.slice(0, 8).map((w) => `    WRONG #${w.index} ${w.category} [${w.variant ?? ''}] got ${w.got} want ${w.want}`);
      const missed = s.missed.filter((m) => m.category !== 'ambiguous').slice(0, 12).map((m) => `    MISSED #${m.index} ${m.category} [${m.variant ?? ''}] ${m.status}: ${m.reasons.slice(0, 2).join(' ; ')}`);
      detailed += `\n  where it fails (camt053):\n${[...wrong, ...missed].join('\n') || '    nothing'}`;
    }
  }
  console.log('  per format (write -> parse -> match); auto = correct automatic matches / matchable credits without deliberate ambiguity');
  console.log(summary.join('\n'));
  console.log('\n  camt053 in detail:');
  console.log(detailed);
  rmSync(dir, { recursive: true, force: true });
}

function scaling() {
  const format = option('scaling-format', 'camt053') as WritableFormat;
  const sizes = quick ? [10_000, 50_000] : [10_000, 50_000, 200_000];
  const txns = quick ? 20_000 : 50_000;
  console.log(`\n== Scaling: the whole \`recon match --json\` process, ${txns} transactions (${format}) against ${sizes.join(' / ')} open invoices ==`);
  const dir = mkdtempSync(join(tmpdir(), 'recon-scale-'));
  const t0 = performance.now();
  const largest = sizes[sizes.length - 1];
  // generated by a child process, so that this process stays small and idle while recon is timed
  const gen = spawnSync(process.execPath, ['--import', 'tsx', join('bench', 'corpus', 'write-files.ts'), dir, String(txns), String(largest / 10), '1', '--invoices', String(largest), '--formats', format, '--subsets', sizes.slice(0, -1).join(',')], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`corpus generation failed: ${gen.stderr}`);
  const statementPath = join(dir, `statement.${EXTENSION[format]}`);
  const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Corpus['truth'];
  console.log(`  corpus generated in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${truth.length} entries, statement ${(statSync(statementPath).size / 1e6).toFixed(1)} MB`);
  const launcher = join(process.cwd(), 'bin', 'recon.mjs');
  console.log('  invoices  customers   wall s   peak RSS MB   matched  suggested  unmatched  ignored   auto-matches correct');
  for (const n of sizes) {
    // the first n invoices: the statement pays invoices across the whole book, so a smaller book leaves more unmatched;
    // the largest book is the whole corpus (with the invoices added for ambiguous pairs)
    const csvPath = join(dir, n === largest ? 'invoices.csv' : `invoices-${n}.csv`);
    const bookText = readFileSync(csvPath, 'utf8').trimEnd().split('\n').slice(1);
    const inBook = new Set(bookText.map((l) => l.slice(0, l.indexOf(','))));
    const customerCount = new Set(bookText.map((l) => l.split(',')[1])).size;
    const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, launcher, 'match', '--invoices', csvPath, '--statement', statementPath, '--json'], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      console.log(`  ${n}: recon failed (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
      continue;
    }
    const timeLine = run.stderr.trim().split('\n').pop() ?? '';
    const [wall, rssKb] = timeLine.split(' ').map(Number);
    const out = JSON.parse(run.stdout) as { transactions: { index: number; status: string; allocations: { invoiceId: string; amount: string }[] }[] };
    const counts: Record<string, number> = {};
    let correct = 0;
    let auto = 0;
    const truthKey = (k: number) => truth[k].allocations.map((x) => `${x.invoiceId}=${(x.amountCents / 100).toFixed(2)}`).sort().join(' ');
    const wrongBy: Record<string, number> = {};
    for (const t of out.transactions) {
      counts[t.status] = (counts[t.status] ?? 0) + 1;
      if (t.status === 'matched') {
        auto++;
        if (t.allocations.map((x) => `${x.invoiceId}=${x.amount}`).sort().join(' ') === truthKey(t.index)) correct++;
        else {
          const t0 = truth[t.index];
          const why = t0.allocations.some((a) => !inBook.has(a.invoiceId)) ? `${t0.category} (its invoice is not in this book)` : t0.category;
          wrongBy[why] = (wrongBy[why] ?? 0) + 1;
        }
      }
    }
    console.log(`  ${String(inBook.size).padStart(8)} ${String(customerCount).padStart(10)} ${wall.toFixed(2).padStart(8)} ${(rssKb / 1024).toFixed(0).padStart(13)} ${String(counts.matched ?? 0).padStart(9)} ${String(counts.suggested ?? 0).padStart(10)} ${String(counts.unmatched ?? 0).padStart(10)} ${String(counts.ignored ?? 0).padStart(8)}   ${pct(correct, auto)}`);
    const wrong = Object.entries(wrongBy).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    if (wrong) console.log(`           wrong automatic matches by ground-truth category: ${wrong}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

if (!flag('skip-quality')) quality();
if (!flag('skip-scaling')) scaling();
