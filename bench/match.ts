/**
 * `npm run bench:match`: quality of the reconciliation engine on a labelled corpus (every format written by the
 * statement writers and read back by the parsers), a naive baseline on the same data, then the scaling of the whole
 * `recon match` process (50,000 transactions against 200k open invoices of 3,000 customers, and the same at a quarter),
 * each beside a process that reads the same bytes and scans them once (the machine's limit, measured in the same run).
 *
 *   tsx bench/match.ts [--quick] [--skip-quality] [--skip-learned] [--learned-entries 20000] [--skip-sweep]
 *   [--skip-scaling] [--scaling-format camt053] [--entries 4000] [--seed 42]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchTransactions } from '../functions/core/matching';
import type { MatchResult } from '../functions/core/model/matching';
import { parseAmountToCents } from '../functions/core/money';
import {
  assignTransactionIds,
  parseStatementFile,
  WRITABLE_FORMATS,
  type WritableFormat,
} from '../functions/core/statements';
import { pct, report, score } from './corpus/evaluate';
import { type Corpus, generateCorpus } from './corpus/generate';
import { learnedPayerBench } from './corpus/learned';
import { books, precisionOf, scoreBook, type WrongKind } from './corpus/sweep';
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
        const best = {
          allocations: [{ invoiceId: inv.invoiceId, amountCents: e.amountCents }],
          confidence: 1,
          reasons: [],
          writeOffCents: 0,
          customerCreditCents: 0,
        };
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
    if (identified.length !== corpus.truth.length)
      throw new Error(`${format}: read ${identified.length} entries, wrote ${corpus.truth.length}`);
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
    const b = score(
      corpus.truth,
      naive(
        corpus,
        identified.map((x) => x.entry),
        ids,
      ),
    );
    summary.push(
      `  ${format.padEnd(9)} auto ${pct(s.autoCorrectUnambiguous, s.matchableUnambiguous).padStart(6)} (all ` +
        `matchable ${pct(s.autoCorrect, s.matchable).padStart(6)})  precision ` +
        `${pct(s.autoCorrect, s.auto).padStart(6)}  auto-or-1st ` +
        `${pct(s.autoOrFirstCorrect, s.matchable).padStart(6)}  non-receipts left alone ` +
        `${pct(s.notReceiptsLeftAlone, s.notReceipts)}  returns linked ${pct(s.returnedLinked, s.returnedTotal)}   ` +
        `| naive: auto ${pct(b.autoCorrect, b.matchable).padStart(6)} precision ${pct(b.autoCorrect, b.auto)}   ` +
        `(${ms.toFixed(0)} ms)`,
    );
    if (format === 'camt053') {
      detailed = report(s);
      const wrong = s.autoWrong
        .slice(0, 8)
        .map((w) => `    WRONG #${w.index} ${w.category} [${w.variant ?? ''}] got ${w.got} want ${w.want}`);
      const missed = s.missed
        .filter((m) => m.category !== 'ambiguous')
        .slice(0, 12)
        .map(
          (m) =>
            `    MISSED #${m.index} ${m.category} [${m.variant ?? ''}] ${m.status}: ` +
            `${m.reasons.slice(0, 2).join(' ; ')}`,
        );
      detailed += `\n  where it fails (camt053):\n${[...wrong, ...missed].join('\n') || '    nothing'}`;
    }
  }
  console.log(
    '  per format (write -> parse -> match); auto = correct automatic matches / matchable credits without ' +
      'deliberate ambiguity',
  );
  console.log(summary.join('\n'));
  console.log('\n  camt053 in detail:');
  console.log(detailed);
  rmSync(dir, { recursive: true, force: true });
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS in MB, and its stdout. */
function timed(args: string[]): {
  wall: number;
  cpu: number;
  rssMb: number;
  stdout: string;
  ok: boolean;
  stderr: string;
} {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, ...args], {
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const [wall, user, sys, rssKb] = (run.stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { wall, cpu: user + sys, rssMb: rssKb / 1024, stdout: run.stdout, ok: run.status === 0, stderr: run.stderr };
}

/** The machine's limit for the same job: a process that reads the same input bytes and scans each of them once. */
const SCAN =
  `const fs=require('fs');let n=0;for(const p of process.argv.slice(1)){const ` +
  `b=fs.readFileSync(p);for(let i=0;i<b.length;i++)if(b[i]===10)n++;}console.log(n)`;

interface ScaleRun {
  name: string;
  entries: number;
  invoices: number;
  customers: number;
}

function scaling() {
  const format = option('scaling-format', 'camt053') as WritableFormat;
  // the book of issue 13: 3,000 customers, ~200,000 open invoices, 50,000 transactions; and the same at a quarter
  const full: ScaleRun = {
    name: 'full',
    entries: quick ? 20_000 : 50_000,
    invoices: quick ? 80_000 : 200_000,
    customers: quick ? 1_200 : 3_000,
  };
  const runs: ScaleRun[] = [
    { name: 'quarter', entries: full.entries / 4, invoices: full.invoices / 4, customers: full.customers / 4 },
    full,
  ];
  console.log(
    `\n== Scaling: the whole \`recon match --json\` process (${format}), each beside a process that reads the same ` +
      `bytes and scans them once ==`,
  );
  console.log(
    '  (2-core machine shared with other jobs: wall times move with its load; the ratio to the scan, measured in ' +
      'the same run, less so)',
  );
  console.log(
    '  (CPU s = user + system of the whole process, worker thread included: less sensitive to the load than wall time)',
  );
  console.log(
    '  run       entries  invoices customers  input MB |  wall s   CPU s  RSS MB | scan wall s  CPU s  RSS MB | x ' +
      'scan (CPU) | auto   precision auto|1st  (matchable credits)',
  );
  const cpus: Record<string, number> = {};
  for (const run of runs) {
    const dir = mkdtempSync(join(tmpdir(), 'recon-scale-'));
    // generated by a child process, so that this process stays small and idle while recon is timed
    const gen = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join('bench', 'corpus', 'write-files.ts'),
        dir,
        String(run.entries),
        String(run.customers),
        '1',
        '--invoices',
        String(run.invoices),
        '--formats',
        format,
      ],
      { encoding: 'utf8' },
    );
    if (gen.status !== 0) throw new Error(`corpus generation failed: ${gen.stderr}`);
    const statementPath = join(dir, `statement.${EXTENSION[format]}`);
    const invoicesPath = join(dir, 'invoices.csv');
    const truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as Corpus['truth'];
    const bytes = statSync(statementPath).size + statSync(invoicesPath).size;
    const invoiceCount = readFileSync(invoicesPath, 'utf8').trimEnd().split('\n').length - 1;
    const scan = timed(['-e', SCAN, statementPath, invoicesPath]);
    const recon = timed([
      join(process.cwd(), 'bin', 'recon.mjs'),
      'match',
      '--invoices',
      invoicesPath,
      '--statement',
      statementPath,
      '--json',
    ]);
    rmSync(dir, { recursive: true, force: true });
    if (!recon.ok) {
      console.log(`  ${run.name}: recon failed: ${recon.stderr.slice(0, 2000)}`);
      continue;
    }
    cpus[run.name] = recon.cpu;
    const results = resultsFromJson(recon.stdout);
    const s = score(
      truth,
      results,
      results.map((r) => r.transactionId),
    );
    console.log(
      `  ${run.name.padEnd(8)} ${String(run.entries).padStart(8)} ${String(invoiceCount).padStart(9)} ` +
        `${String(run.customers).padStart(9)} ${(bytes / 1e6).toFixed(1).padStart(9)} | ` +
        `${recon.wall.toFixed(2).padStart(7)} ${recon.cpu.toFixed(2).padStart(7)} ` +
        `${recon.rssMb.toFixed(0).padStart(7)} | ${scan.wall.toFixed(2).padStart(11)} ` +
        `${scan.cpu.toFixed(2).padStart(6)} ${scan.rssMb.toFixed(0).padStart(7)} | ` +
        `${(recon.cpu / Math.max(0.01, scan.cpu)).toFixed(0).padStart(12)} | ` +
        `${pct(s.autoCorrectUnambiguous, s.matchableUnambiguous)} ${pct(s.autoCorrect, s.auto).padStart(9)} ` +
        `${pct(s.autoOrFirstCorrect, s.matchable).padStart(7)}  (${s.matchable})`,
    );
    const wrong = new Map<string, number>();
    for (const w of s.autoWrong) wrong.set(w.category, (wrong.get(w.category) ?? 0) + 1);
    if (wrong.size)
      console.log(
        `           wrong automatic matches by category: ${[...wrong].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
    if (run === full)
      console.log(
        `  targets (full): wall <= 3 s, peak RSS <= 600 MB, auto >= 95 %, precision >= 99.9 %, auto|1st >= 98 %`,
      );
  }
  if (cpus.full && cpus.quarter)
    console.log(`  quarter / full CPU time: ${(cpus.quarter / cpus.full).toFixed(2)} (target <= 0.35)`);
}

/** recon's JSON back into results the scorer reads (allocations applied, suggestions ranked). */
function resultsFromJson(stdout: string): MatchResult[] {
  const out = JSON.parse(stdout) as {
    transactions: {
      id: string;
      status: MatchResult['status'];
      allocations: { invoiceId: string; amount: string }[];
      suggestions: { allocations: { invoiceId: string; amount: string }[]; confidence: number }[];
      returnedBy?: string;
    }[];
  };
  const allocs = (list: { invoiceId: string; amount: string }[]) =>
    list.map((a) => ({ invoiceId: a.invoiceId, amountCents: parseAmountToCents(a.amount) }));
  return out.transactions.map((t) => ({
    transactionId: t.id,
    status: t.status,
    confidence: 0,
    reasons: [],
    ...(t.status === 'matched'
      ? {
          best: {
            allocations: allocs(t.allocations),
            confidence: 1,
            reasons: [],
            writeOffCents: 0,
            customerCreditCents: 0,
          },
        }
      : {}),
    suggestions: t.suggestions.map((x) => ({
      allocations: allocs(x.allocations),
      confidence: x.confidence,
      reasons: [],
      writeOffCents: 0,
      customerCreditCents: 0,
    })),
    ...(t.returnedBy !== undefined ? { returnedBy: t.returnedBy } : {}),
  }));
}

/** A payer finance taught by a correction, paying again in a later statement (see corpus/learned.ts). */
function learned() {
  // few payments of a corpus are corrections of an unknown payer: a larger corpus gives them a count worth reading
  const entries = Number(option('learned-entries', '20000'));
  const corpus = generateCorpus({ seed, customers: Math.round(entries / 5), entries });
  const customers = customersOf(corpus);
  const first = matchTransactions({
    invoices: corpus.invoices,
    customers,
    transactions: corpus.statement.entries.map((e, k) => ({ ...e, transactionId: `E${k}` })),
    options: { ownIbans: [corpus.ownIban] },
  });
  const r = learnedPayerBench(corpus, first, corpus.ownIban);
  const line = (x: typeof r.before) =>
    `auto ${pct(x.correct, x.payments)} (wrong ${x.auto - x.correct})  auto-or-1st ${pct(x.autoOrFirst, x.payments)}`;
  console.log(
    `\n== Known payer, learned from a correction: seed ${seed}, ${entries} entries; ${r.corrections} corrections ` +
      `taught ${r.aliases} aliases; ${r.after.payments} later payments, no reference ==`,
  );
  console.log(`  without the aliases: ${line(r.before)}`);
  console.log(`  with the aliases:    ${line(r.after)}`);
}

/** Precision on many books (corpus/sweep.ts): the worst book of each size, and what became of each wrong match. */
function sweep() {
  const seeds = Array.from({ length: quick ? 5 : 30 }, (_, k) => k + 1);
  const sizes = [
    { customers: 100, entries: 4_000 },
    { customers: 400, entries: 4_000 },
    { customers: 1_500, entries: 4_000 },
    { customers: 300, entries: 5_000, invoices: 20_000 },
  ];
  console.log(
    `\n== Precision on many books: seeds ${seeds[0]}-${seeds.at(-1)} of each size, matched as generated; a wrong ` +
      `automatic match is "undone" when a later return gave it back, "paid-twice" when the truth returns it and the ` +
      `engine lettered its invoice to the payment that paid it again ==`,
  );
  for (const size of sizes) {
    const scored = books(seeds, [size]).map(scoreBook);
    const worst = scored.reduce((a, b) => (precisionOf(b.score) < precisionOf(a.score) ? b : a));
    const autos = scored.map((b) => b.score.autoCorrectUnambiguous / b.score.matchableUnambiguous);
    const kinds: Record<WrongKind, number> = { undone: 0, 'paid-twice': 0, unexplained: 0 };
    for (const b of scored) for (const w of b.wrong) kinds[w.kind]++;
    const returns = { total: 0, own: 0, another: 0, givenBack: 0, givenBackWrong: 0 };
    for (const b of scored) {
      returns.total += b.score.returnedTotal;
      returns.own += b.score.returnedLinked;
      returns.another += b.returnsToAnother;
      returns.givenBack += b.score.givenBackRight;
      returns.givenBackWrong += b.score.givenBackWrong;
    }
    console.log(
      `  ${String(size.customers).padStart(5)} customers, ${String(scored[0].invoices).padStart(6)} invoices, ` +
        `${size.entries} entries: worst precision ${(100 * precisionOf(worst.score)).toFixed(2)}% ` +
        `(seed ${worst.book.seed}), auto ${pct(Math.min(...autos), 1)}-${pct(Math.max(...autos), 1)}, wrong ` +
        `automatic matches ${kinds.undone + kinds['paid-twice'] + kinds.unexplained} (undone ${kinds.undone}, ` +
        `paid-twice ${kinds['paid-twice']}, unexplained ${kinds.unexplained}); returns ${returns.total}: linked to ` +
        `their payment ${returns.own}, to another ${returns.another}; unlettered payments given back by their ` +
        `return ${returns.givenBack}, by another ${returns.givenBackWrong}`,
    );
    for (const b of scored)
      for (const w of b.wrong.filter((x) => x.kind === 'unexplained'))
        console.log(`    seed ${b.book.seed} #${w.index} ${w.category}: got ${w.got}, want ${w.want}`);
  }
}

if (!flag('skip-quality')) quality();
if (!flag('skip-learned')) learned();
if (!flag('skip-sweep')) sweep();
if (!flag('skip-scaling')) scaling();
