/**
 * recon: try the reconciliation engine on your own files.
 *
 *   recon match --invoices invoices.csv --statement FILE [--format cfonb120|camt053|mt940|ofx|csv] [--json]
 *               [--fee-tolerance 15.00] [--lang en|fr]
 *   recon parse FILE [--format ...] [--json] [--lang en|fr]
 *
 * Exit codes: 0 done, 1 unreadable input (file, statement, invoices CSV), 2 wrong usage.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { OpenInvoicesCsvError, readOpenInvoices } from '../functions/core/imports/open-invoices';
import { amountProblem } from '../functions/core/ingest/read';
import {
  createMatcher,
  type MatchableTransaction,
  type MatchCustomer,
  type OpenInvoice,
} from '../functions/core/matching';
import {
  type MatchResult,
  type ParsedStatementFile,
  type StatementEntry,
  StatementFormat,
} from '../functions/core/model';
import { formatCents, parseAmountToCents } from '../functions/core/money';
import {
  assignTransactionIds,
  describeStatement,
  parseStatementFile,
  parseStatementStream,
  StatementParseError,
  StatementSourceError,
} from '../functions/core/statements';
import { ownCopy } from '../functions/core/statements/text';

class UsageError extends Error {}
class InputError extends Error {}

const USAGE =
  `usage:
  recon match --invoices invoices.csv --statement FILE [--format cfonb120|camt053|mt940|ofx|csv] [--json] ` +
  `[--fee-tolerance 15.00] [--lang en|fr]
  recon parse FILE [--format cfonb120|camt053|mt940|ofx|csv] [--json] [--lang en|fr]

invoices.csv header: invoice_id,customer_id,customer_name,customer_iban,amount,currency,issue_date,due_date
  (amount: what is still owed, 1234.56 or 1234,56; dates YYYY-MM-DD or DD/MM/YYYY; customer_iban may be empty)`;

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUED = new Set(['invoices', 'statement', 'format', 'fee-tolerance', 'lang']);
const BOOLEAN = new Set(['json', 'help']);

function parseArgs(argv: string[]): Args {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (BOOLEAN.has(name)) flags.set(name, true);
    else if (VALUED.has(name)) {
      const value = eq >= 0 ? a.slice(eq + 1) : rest[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
    } else throw new UsageError(`unknown option ${a}`);
  }
  return { command, positional, flags };
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      `cannot read ${what} "${path}": ` +
        `${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`,
    );
  }
}

function formatOption(args: Args) {
  const f = args.flags.get('format');
  if (f === undefined) return undefined;
  const parsed = StatementFormat.safeParse(f);
  if (!parsed.success)
    throw new UsageError(`--format must be one of cfonb120, camt053, camt054, mt940, ofx, csv (got "${String(f)}")`);
  return parsed.data;
}

function language(args: Args): 'en' | 'fr' {
  const l = args.flags.get('lang') ?? 'en';
  if (l !== 'en' && l !== 'fr') throw new UsageError('--lang must be en or fr');
  return l;
}

/** Any error while reading the file is a property of the file: named, never an "unexpected error". */
function readStatement(path: string, args: Args) {
  const bytes = readInput(path, 'statement file');
  let parsed: ParsedStatementFile;
  try {
    parsed = parseStatementFile(bytes, { format: formatOption(args), fileName: path });
  } catch (e) {
    throw unreadable(path, e);
  }
  return withAmountsChecked(path, parsed);
}

/**
 * readStatement as the ingest reads a statement, in chunks: neither the file's bytes nor its text are ever held whole
 * (the worker's way: on the 50,000-transaction camt.053 of issue 13, 38 MB, its peak was 65-80 MB lower for the same
 * CPU). Same statement, same errors (see parseStatementStream).
 */
async function readStatementStreamed(path: string, format: StatementFormat | undefined) {
  let parsed: ParsedStatementFile;
  try {
    parsed = await parseStatementStream(() => createReadStream(path, { highWaterMark: 1 << 20 }), {
      format,
      fileName: path,
    });
  } catch (e) {
    if (e instanceof StatementSourceError) readInput(path, 'statement file'); // says why, as when read whole
    throw unreadable(path, e);
  }
  return withAmountsChecked(path, parsed);
}

/** What a reader threw, told as the statement's fault. */
function unreadable(path: string, e: unknown): InputError {
  const named = e instanceof Error && !(e instanceof StatementParseError) && e.name !== 'Error';
  const why = e instanceof Error ? `${named ? `${e.name}: ` : ''}${e.message}` : String(e);
  return new InputError(`cannot read statement "${path}": ${why}`);
}

/** The statement, unless an amount is beyond what a bank books. */
function withAmountsChecked(path: string, parsed: ParsedStatementFile): ParsedStatementFile {
  const problem = amountProblem(parsed);
  if (problem) throw new InputError(`cannot read statement "${path}": ${problem.message} (${problem.element})`);
  return parsed;
}

/** Open invoices and their customers from the invoices CSV; refused lines stop everything, naming line and column. */
function readInvoices(path: string): { invoices: OpenInvoice[]; customers: MatchCustomer[] } {
  const text = new TextDecoder('utf-8').decode(readInput(path, 'invoices file'));
  try {
    return detached(readOpenInvoices(text));
  } catch (e) {
    if (e instanceof OpenInvoicesCsvError) throw new InputError(`invoices "${path}": ${e.message}`);
    throw e;
  }
}

/**
 * The book with its kept strings copied out of the file's text. A field of 13 characters or more cut from a line is a
 * slice of the whole decoded file, which it keeps alive: customer names and IBANs, and long invoice numbers, held the
 * 20 MB text of a 200,000-line book for the whole run (57 MB freed, measured with gc in one process).
 */
function detached(book: { invoices: OpenInvoice[]; customers: MatchCustomer[] }) {
  /** Each customer's id copied once, and shared by its invoices as the reader shared it. */
  const copied = new Map<string, string>();
  for (const c of book.customers) {
    const id = ownCopy(c.customerId);
    if (id.length >= 13) copied.set(c.customerId, id);
    c.customerId = id;
    c.name = ownCopy(c.name);
    c.ibans = c.ibans.map(ownCopy);
  }
  for (const inv of book.invoices) {
    inv.invoiceId = ownCopy(inv.invoiceId);
    if (inv.customerId.length >= 13) inv.customerId = copied.get(inv.customerId) ?? ownCopy(inv.customerId);
  }
  return book;
}

function parseCommand(args: Args, out: Out) {
  const file = args.positional[0];
  if (!file || args.positional.length > 1) throw new UsageError('recon parse takes exactly one FILE');
  const parsed = readStatement(file, args);
  if (args.flags.has('json')) out(`${JSON.stringify(parsed)}\n`);
  else out(describeStatement(parsed, { language: language(args) }));
}

const TEXT = {
  en: {
    title: 'Reconciliation',
    entries: 'entries',
    credits: 'credits',
    debits: 'debits/other',
    matched: 'matched automatically',
    suggested: 'to review (suggestions)',
    unmatched: 'unmatched',
    ignored: 'not customer receipts',
    returned: 'returned payments',
    rate: 'auto-match rate (of credits)',
    review: 'To review',
    nothing: 'nothing to review',
    suggestion: 'suggestion',
    more: 'more',
    writeOff: 'write-off',
    credit: 'customer credit',
  },
  fr: {
    title: 'Rapprochement',
    entries: 'opérations',
    credits: 'crédits',
    debits: 'débits/autres',
    matched: 'lettrés automatiquement',
    suggested: 'à valider (suggestions)',
    unmatched: 'non rapprochés',
    ignored: 'hors encaissements clients',
    returned: 'impayés / rejets',
    rate: 'taux de lettrage auto (des crédits)',
    review: 'À revoir',
    nothing: 'rien à revoir',
    suggestion: 'suggestion',
    more: 'de plus',
    writeOff: 'passage en perte',
    credit: 'avoir client',
  },
} as const;

/** From this size on, the statement is read in a worker thread while the invoices are read and indexed here. */
const WORKER_MIN_BYTES = 2_000_000;

/** A statement read, with the id of each entry (per statement, in entry order). */
interface IdentifiedStatement {
  parsed: ParsedStatementFile;
  ids: string[][];
}

/** The ids of the entries, once their raw source lines are dropped (audit only, never part of an id). */
function identify(parsed: ParsedStatementFile): IdentifiedStatement {
  for (const st of parsed.statements) for (const e of st.entries) e.raw = [];
  return { parsed, ids: parsed.statements.map((st) => assignTransactionIds(st).map((x) => x.transactionId)) };
}

function readStatementInWorker(path: string, args: Args): Promise<IdentifiedStatement> {
  // the launcher that started this process (bin/recon.mjs sets it: this file may run from its bundle elsewhere)
  const launcher = process.env.RECON_LAUNCHER ?? fileURLToPath(new URL('./recon.mjs', import.meta.url));
  return new Promise((resolve, reject) => {
    const worker = new Worker(launcher, {
      workerData: { reconTask: 'parse-statement', path, format: formatOption(args) },
      stdout: false,
    });
    worker.once('message', (m: ({ ok: true } & IdentifiedStatement) | { ok: false; input: boolean; error: string }) => {
      if (m.ok) resolve({ parsed: m.parsed, ids: m.ids });
      else reject(m.input ? new InputError(m.error) : new Error(m.error));
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

/** The worker side: parse, identify the entries (the main thread is the longer one), hand the statement back. */
async function parseStatementTask(): Promise<void> {
  const { path, format } = workerData as { path: string; format?: StatementFormat };
  try {
    const identified = identify(await readStatementStreamed(path, format));
    if (process.env.RECON_TIMING === '1') {
      const u = process.threadCpuUsage?.() ?? { user: 0, system: 0 };
      process.stderr.write(
        `recon: statement parsed and identified in the worker, its CPU ${((u.user + u.system) / 1000).toFixed(0)} ms\n`,
      );
    }
    parentPort!.postMessage({ ok: true, ...identified });
  } catch (e) {
    parentPort!.postMessage({
      ok: false,
      input: e instanceof InputError,
      error: e instanceof Error ? e.message : String(e),
    });
  }
}

type Matcher = ReturnType<typeof createMatcher>;

/**
 * The statement's entries, with their ids, matched. Each entry, this process's own copy, is given its id and handed
 * to the matcher as is (a copy of each, with the id, cost 50,000 objects on the large book).
 */
function matchStatement(matcher: Matcher, { parsed, ids }: IdentifiedStatement, lap: (what: string) => void) {
  lap('statement read');
  const entries: (StatementEntry & MatchableTransaction)[] = [];
  const ownIbans: string[] = [];
  parsed.statements.forEach((st, s) => {
    if (st.account.iban) ownIbans.push(st.account.iban);
    st.entries.forEach((entry, k) => {
      entries.push(Object.assign(entry, { transactionId: ids[s][k] }));
    });
  });
  const transactions: readonly MatchableTransaction[] = entries;
  return { entries, results: matcher.matchAll(transactions, { ownIbans }) };
}

/**
 * Both files read (the statement in a worker when large, while the invoices are read and indexed here) and matched.
 * Only the entries and the results leave this function: the matcher, its indexes and the open invoices die with its
 * frame (a variable set to undefined in a frame that goes on running may still hold its value there: measured in one
 * process, 125 MB of matcher were freed only once such a frame returned).
 */
async function matchFiles(
  invoicesPath: string,
  statementPath: string,
  args: Args,
  feeToleranceCents: number | undefined,
  lap: (what: string) => void,
) {
  let size = 0;
  try {
    size = statSync(statementPath).size;
  } catch {
    // readStatement reports it
  }
  const pending = size >= WORKER_MIN_BYTES ? readStatementInWorker(statementPath, args) : undefined;
  pending?.catch(() => undefined); // awaited below; an early failure here must not be reported twice
  const parsedHere = pending ? undefined : identify(readStatement(statementPath, args));
  const book = readInvoices(invoicesPath);
  lap('invoices read');
  const matcher = createMatcher(
    book.invoices,
    book.customers,
    feeToleranceCents !== undefined ? { feeToleranceCents } : {},
  );
  lap('invoices indexed');
  if (pending) {
    // while the worker is still parsing: the tables the first look-ups would build, off the critical path
    matcher.warm();
    lap('look-up tables built');
  }
  return matchStatement(matcher, parsedHere ?? (await pending!), lap);
}

async function matchCommand(args: Args, out: Out) {
  const invoicesPath = args.flags.get('invoices');
  const statementPath = args.flags.get('statement');
  if (typeof invoicesPath !== 'string' || typeof statementPath !== 'string')
    throw new UsageError('recon match needs --invoices FILE and --statement FILE');
  if (args.positional.length > 0) throw new UsageError(`unexpected argument "${args.positional[0]}"`);
  let feeToleranceCents: number | undefined;
  const fee = args.flags.get('fee-tolerance');
  if (typeof fee === 'string') {
    try {
      feeToleranceCents = parseAmountToCents(fee);
    } catch {
      throw new UsageError(`--fee-tolerance must be an amount like 15.00 (got "${fee}")`);
    }
    if (feeToleranceCents < 0) throw new UsageError('--fee-tolerance must not be negative');
  }
  formatOption(args);
  const timing = process.env.RECON_TIMING === '1';
  const cpuOf = () => {
    const u = process.threadCpuUsage?.() ?? { user: 0, system: 0 }; // this thread's, not the statement worker's
    return (u.user + u.system) / 1000;
  };
  let t0 = performance.now();
  let c0 = cpuOf();
  const lap = (what: string) => {
    if (timing)
      process.stderr.write(
        `recon: ${what} ${(performance.now() - t0).toFixed(0)} ms (main thread CPU ${(cpuOf() - c0).toFixed(0)} ` +
          `ms), ${memory()}\n`,
      );
    t0 = performance.now();
    c0 = cpuOf();
  };
  const { entries, results } = await matchFiles(invoicesPath, statementPath, args, feeToleranceCents, lap);
  lap('matched');

  if (args.flags.has('json')) {
    // one JSON object, written by pieces of about a megabyte so that the whole text never sits in memory at once
    const piece = new Pieces(out);
    piece.add('{"transactions":[');
    for (let k = 0; k < results.length; k++) {
      const more = piece.add((k > 0 ? ',' : '') + jsonOf(entries[k], results[k]));
      if (more) await more;
    }
    piece.add(']}\n');
    await piece.flush();
    lap('written');
    return;
  }
  out(summary(entries, results, language(args)));
}

/** The process's memory for RECON_TIMING: resident, this thread's heap (used of committed), outside the heap. */
function memory(): string {
  const m = process.memoryUsage();
  const mb = (n: number) => (n / 2 ** 20).toFixed(0);
  return `rss ${mb(m.rss)} MB, heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)} MB, external ${mb(m.external)} MB`;
}

const str = JSON.stringify;
/** A number as JSON.stringify writes it (its shortest decimal form; null when not finite), without the call. */
const num = (n: number) => (Number.isFinite(n) ? String(n) : 'null');

function allocationsJson(allocs: readonly { invoiceId: string; amountCents: number }[]): string {
  let s = '[';
  for (let k = 0; k < allocs.length; k++) {
    const { invoiceId, amountCents } = allocs[k];
    s += `${k > 0 ? ',' : ''}{"invoiceId":${str(invoiceId)},"amount":"${formatCents(amountCents)}"}`;
  }
  return `${s}]`;
}

/**
 * One transaction of `recon match --json`, written field by field (the text JSON.stringify would give for the object
 * { index, id, date, amount, status, allocations, suggestions, confidence, reasons, givesBack?, returnedBy? }, at a
 * fraction of its cost; givesBack and returnedBy only on a return and the unlettered credit it gives back).
 */
function jsonOf(e: StatementEntry, r: MatchResult): string {
  const allocations = r.status === 'matched' && r.best ? allocationsJson(r.best.allocations) : '[]';
  const suggestions = r.suggestions
    .map((s) => `{"allocations":${allocationsJson(s.allocations)},"confidence":${num(s.confidence)}}`)
    .join(',');
  return (
    `{"index":${num(e.index)},"id":${str(r.transactionId)},"date":${str(e.bookingDate)},` +
    `"amount":"${formatCents(e.amountCents)}","status":"${r.status}","allocations":${allocations},` +
    `"suggestions":[${suggestions}],"confidence":${num(r.confidence)},"reasons":${str(r.reasons)}` +
    `${r.givesBack !== undefined ? `,"givesBack":${str(r.givesBack)}` : ''}` +
    `${r.returnedBy !== undefined ? `,"returnedBy":${str(r.returnedBy)}` : ''}}`
  );
}

function summary(entries: StatementEntry[], results: MatchResult[], lang: 'en' | 'fr'): string {
  const w = TEXT[lang];
  const count = (s: MatchResult['status']) =>
    results.filter((r, k) => r.status === s && entries[k].amountCents > 0).length;
  const credits = entries.filter((e) => e.amountCents > 0).length;
  const matched = count('matched');
  const suggested = count('suggested');
  const unmatched = count('unmatched');
  const ignoredCredits = count('ignored');
  const returned = results.filter((r) => r.returned).length;
  const receipts = credits - ignoredCredits;
  const lines = [
    `${w.title}: ${entries.length} ${w.entries}, ${credits} ${w.credits}, ${entries.length - credits} ${w.debits}`,
    `  ${w.matched.padEnd(38)} ${matched}`,
    `  ${w.suggested.padEnd(38)} ${suggested}`,
    `  ${w.unmatched.padEnd(38)} ${unmatched}`,
    `  ${w.ignored.padEnd(38)} ${ignoredCredits}`,
    `  ${w.returned.padEnd(38)} ${returned}`,
    `  ${w.rate.padEnd(38)} ${receipts === 0 ? '-' : `${((100 * matched) / receipts).toFixed(1)}%`}`,
    '',
    `${w.review}:`,
  ];
  const review = results
    .map((r, k) => ({ r, e: entries[k] }))
    .filter(({ r }) => r.status === 'suggested' || r.status === 'unmatched' || r.returned);
  if (review.length === 0) lines.push(`  ${w.nothing}`);
  const max = 60;
  for (const { r, e } of review.slice(0, max)) {
    const who = e.counterpartyName ?? e.label;
    lines.push(
      (
        `  #${String(e.index).padEnd(5)} ${e.bookingDate} ${formatCents(e.amountCents).padStart(12)}  ` +
        `${r.returned ? 'RETURNED' : r.status.toUpperCase().padEnd(9)} ${who}`
      ).trimEnd(),
    );
    const s = r.suggestions[0];
    if (s) {
      const extra = [
        s.writeOffCents ? `${w.writeOff} ${formatCents(s.writeOffCents)}` : '',
        s.customerCreditCents ? `${w.credit} ${formatCents(s.customerCreditCents)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `          ${w.suggestion} (${s.confidence.toFixed(2)}): ` +
          `${s.allocations.map((a) => `${a.invoiceId} ${formatCents(a.amountCents)}`).join(' + ')}` +
          `${extra ? ` (${extra})` : ''}`,
      );
    }
    lines.push(`          ${r.reasons[0] ?? ''}`);
  }
  if (review.length > max) lines.push(`  ... ${review.length - max} ${w.more}`);
  return `${lines.join('\n')}\n`;
}

/** Where a command writes its output; a promise when the writer asks to wait (see toStdout). */
type Out = (s: string | Uint8Array) => undefined | Promise<void>;

/** The size of a piece of `recon match --json` handed to stdout. */
const PIECE_BYTES = 1 << 20;

/**
 * Text gathered into buffers of about a megabyte, each encoded as it is added (a piece gathered as one string was a
 * rope of some 2,000 small strings, flattened and encoded at once when written: ~0.3 s for the 26 MB of the
 * 50,000-transaction book, issue 13).
 */
class Pieces {
  private buf = Buffer.allocUnsafe(PIECE_BYTES);
  private at = 0;
  constructor(private readonly out: Out) {}
  /** Adds a text; a promise when a full piece was handed on and the writer asks to wait. */
  add(s: string): undefined | Promise<void> {
    // at most 3 bytes of UTF-8 per UTF-16 unit
    const wait = this.at + 3 * s.length > this.buf.length ? this.flush(3 * s.length) : undefined;
    this.at += this.buf.write(s, this.at);
    return wait;
  }
  /** Hands on what was gathered; the next piece goes to a new buffer (the writer may still hold this one). */
  flush(room = 0): undefined | Promise<void> {
    const full = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(Math.max(PIECE_BYTES, room));
    this.at = 0;
    return full.length > 0 ? this.out(full) : undefined;
  }
}

/**
 * Writes to stdout, waiting for it to drain when it says so: into a pipe (`recon match --json | jq`) a write is queued
 * when the pipe is full, and the 27 MB of JSON of the 50,000-transaction book were all held in memory at once (peak
 * RSS about 100 MB higher than into a file).
 */
function toStdout(s: string | Uint8Array): undefined | Promise<void> {
  if (process.stdout.write(s)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}

export async function main(
  argv: string[],
  out: Out = toStdout,
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === 'help' || args.command === '--help' || args.command === '-h' || args.flags.has('help')) {
      out(`${USAGE}\n`);
      return 0;
    }
    if (args.command === 'match') await matchCommand(args, out);
    else if (args.command === 'parse') parseCommand(args, out);
    else throw new UsageError(`unknown command "${args.command}"`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`recon: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      err(`recon: ${e.message}\n`);
      return 1;
    }
    err(`recon: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

if (isMainThread) {
  // a reader that stops reading (`recon match --json | head`) ends the run quietly: not a fault of recon's
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  process.exitCode = await main(process.argv.slice(2));
} else if ((workerData as { reconTask?: string } | undefined)?.reconTask === 'parse-statement')
  void parseStatementTask();
