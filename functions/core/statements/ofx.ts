import type { BankAccount, LiveStatements, Statement, StatementEntry } from '../model/statement';
import { parseAmountToCents } from '../money';
import { completeAccount, isValidIban, normalizeIban } from './accounts';
import { ibanIn } from './compact-iban';
import { StatementParseError } from './errors';
import { OfxScanner, type ONode } from './ofx-scan';
import { amountOrThrow, collapse, dateOrThrow, MAX_STATEMENT_AMOUNT_CENTS } from './text';

const STATEMENTS = new Set(['STMTRS', 'CCSTMTRS']);
const TRANLIST = new Set(['BANKTRANLIST']);
/** Elements an error may name once their text is gone: their line is counted when they open. */
const LINED = new Set(['STMTRS', 'CCSTMTRS', 'BANKTRANLIST', 'LEDGERBAL']);

function find(node: ONode | undefined, name: string): ONode | undefined {
  if (!node) return undefined;
  for (const c of node.children) {
    if (c.name === name) return c;
    const deep = find(c, name);
    if (deep) return deep;
  }
  return undefined;
}

/**
 * The nodes named `names` under `node`, in file order, looking inside the ones found too, but not inside the `stop`
 * ones (the transactions of a nested statement are its own).
 */
function findAll(node: ONode, names: Set<string>, out: ONode[] = [], stop?: Set<string>): ONode[] {
  for (const c of node.children) {
    if (stop?.has(c.name)) continue;
    if (names.has(c.name)) out.push(c);
    findAll(c, names, out, stop);
  }
  return out;
}

function val(node: ONode | undefined, name: string): string | undefined {
  const c = node?.children.find((n) => n.name === name);
  return c?.value || undefined;
}

/** Gives a parse error thrown without a position the line of the node (computed only on failure). */
function placed(e: unknown, node: ONode, line: () => number): unknown {
  if (e instanceof StatementParseError && e.line === undefined)
    return new StatementParseError(e.code, e.message, { line: line(), element: e.element ?? node.name });
  return e;
}

const dates = new Map<string, string>();

/** YYYYMMDD, with anything after it (time, zone) ignored; read once per distinct text. */
function ofxDate(raw: string | undefined, element: string): string | undefined {
  if (!raw) return undefined;
  const known = dates.get(raw);
  if (known) return known;
  for (let i = 0; i < 8; i++) {
    const c = raw.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) throw new StatementParseError('invalid_date', `not an OFX date: "${raw.slice(0, 30)}"`);
  }
  const iso = dateOrThrow(`${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`, raw, { element });
  if (dates.size > 10_000) dates.clear();
  dates.set(raw, iso);
  return iso;
}

const NO_GROUPING = { grouping: false } as const;

function ofxAmount(raw: string | undefined, node: string, field: string): number {
  if (!raw) throw new StatementParseError('missing_field', `${node} without ${field}`, { element: `${node}/${field}` });
  let cents: number | undefined;
  try {
    cents = parseAmountToCents(raw, NO_GROUPING);
  } catch {
    // the error as amountOrThrow words it
  }
  if (cents !== undefined && Math.abs(cents) <= MAX_STATEMENT_AMOUNT_CENTS) return cents;
  return amountOrThrow(raw, { element: `${node}/${field}` }, NO_GROUPING);
}

function accountOf(from: ONode | undefined): BankAccount {
  const account: BankAccount = {};
  const id = val(from, 'ACCTID');
  const bank = val(from, 'BANKID');
  const branch = val(from, 'BRANCHID');
  if (id && isValidIban(id)) account.iban = normalizeIban(id);
  else if (id) account.accountNumber = id;
  if (bank) account.bankCode = bank;
  if (branch) account.branchCode = branch;
  return completeAccount(account);
}

/** A statement being read: its entries come as their STMTTRN close; the rest is read when it closes. */
interface Open {
  node: ONode;
  statement: Statement;
  /** The CURSYM of each transaction (undefined for none), for a statement whose CURDEF is empty. */
  named: Set<string | undefined>;
  finished: boolean;
  error?: unknown;
}

/** An entry's currency before its statement's is known. */
const STATEMENT_CURRENCY = '';

/**
 * OFX bank (STMTRS) and credit card (CCSTMTRS) statements. OFX carries the closing balance (LEDGERBAL) but no opening
 * balance, so the balance check is "not-applicable".
 */
export function parseOfx(text: string, firstIndex = 0): Statement[] {
  const reader = ofxReader(firstIndex);
  reader.write(text);
  return reader.end();
}

/**
 * parseOfx one chunk of text at a time: each STMTTRN becomes its entry when it closes (its elements are then
 * dropped), each statement is finished when it closes. Only the text from the start of the transaction being read is
 * kept. Errors in the content are kept until the end, so that a truncated file is reported as such, as when it is
 * read whole; statements come in file order, entries are numbered in the order they close.
 */
export function ofxReader(firstIndex = 0): { write(text: string): void; end(): Statement[]; live(): LiveStatements } {
  const opens: Open[] = [];
  const done: Statement[] = [];
  const byNode = new Map<ONode, Open>();
  let index = firstIndex;
  const scanner: OfxScanner = new OfxScanner({
    lined: LINED,
    opened(node, parent, aggregate) {
      // transactions are read when they close, not kept in the tree
      if (node.name !== 'STMTTRN' || parent.name !== 'BANKTRANLIST') parent.children.push(node);
      if (!STATEMENTS.has(node.name)) return;
      const open: Open = { node, statement: emptyStatement(), named: new Set(), finished: false };
      opens.push(open);
      byNode.set(node, open);
      if (!aggregate) finish(open);
    },
    closed(node, depth, stack, text, end, own) {
      if (node.name === 'STMTTRN' && stack[depth - 1].name === 'BANKTRANLIST') {
        const owner = ownerOf(stack, depth);
        if (!owner) return;
        const start = scanner.relative(node.offset);
        const raw = own ? text.slice(start, end) : text.slice(start, Math.min(end, start + 2000)).trimEnd();
        const currency = currencyNamed(node);
        owner.named.add(currency);
        try {
          owner.statement.entries.push(transaction(node, index++, currency, raw));
        } catch (e) {
          owner.error ??= placed(e, node, () => scanner.lineAt(node.offset));
        }
      } else if (STATEMENTS.has(node.name)) {
        const open = byNode.get(node);
        if (open) finish(open);
      }
    },
  });
  const ownerOf = (stack: readonly ONode[], depth: number): Open | undefined => {
    for (let k = depth - 1; k > 0; k--) if (STATEMENTS.has(stack[k].name)) return byNode.get(stack[k]);
    return undefined;
  };
  /** The open STMTTRN's text is kept (for its `raw` and the line of an error). */
  const trnStart = (): number => {
    const stack = scanner.stack;
    for (let k = 1; k < stack.length; k++)
      if (stack[k].name === 'STMTTRN' && stack[k - 1].name === 'BANKTRANLIST') return stack[k].offset;
    return Number.POSITIVE_INFINITY;
  };
  scanner.keepFrom = trnStart;
  const finish = (open: Open) => {
    open.finished = true;
    byNode.delete(open.node);
    try {
      completeStatement(open);
    } catch (e) {
      open.error ??= e;
    }
    while (done.length < opens.length && opens[done.length].finished) done.push(opens[done.length].statement);
  };
  return {
    write: (chunk) => scanner.write(chunk),
    live: () => ({ done, open: opens[done.length]?.statement }),
    end() {
      scanner.end();
      if (!scanner.sawOfx) throw new StatementParseError('corrupt', 'no <OFX> element in the OFX file');
      scanner.closeAll();
      if (opens.length === 0) {
        if (!scanner.closed)
          throw new StatementParseError('truncated', 'the OFX file ends before any statement', {
            line: scanner.lastLine(),
          });
        throw new StatementParseError('empty', 'no bank statement (STMTRS) in the OFX file');
      }
      if (!scanner.closed)
        throw new StatementParseError('truncated', 'the OFX file ends before </OFX>', { line: scanner.lastLine() });
      for (const open of opens) if (open.error) throw open.error;
      return done;
    },
  };
}

function emptyStatement(): Statement {
  return {
    format: 'ofx',
    account: {},
    currency: '',
    entries: [],
    balanceCheck: { status: 'not-applicable', reason: 'OFX carries no opening balance' },
  };
}

/** A statement that has closed: its account, currency, period and closing balance; its entries' currency. */
function completeStatement(open: Open): void {
  const stmt = open.node;
  const st = open.statement;
  // some banks put each transaction in its own BANKTRANLIST: read them all
  const lists = findAll(stmt, TRANLIST, [], STATEMENTS);
  const currency = currencyOf(open);
  if (open.error) throw open.error;
  for (const e of st.entries) if (e.currency === STATEMENT_CURRENCY) e.currency = currency;
  const ledger = find(stmt, 'LEDGERBAL');
  const balance = val(ledger, 'BALAMT');
  let closing: number | undefined;
  try {
    closing = ledger && balance ? ofxAmount(balance, 'LEDGERBAL', 'BALAMT') : undefined;
  } catch (e) {
    throw placed(e, ledger!, () => ledger!.line!);
  }
  const period = (name: string) =>
    lists
      .map((l) => {
        try {
          return ofxDate(val(l, name), l.name);
        } catch (e) {
          throw placed(e, l, () => l.line!);
        }
      })
      .filter((d): d is string => !!d)
      .sort();
  const starts = period('DTSTART');
  const ends = period('DTEND');
  // a new object (the same entries) with its properties in the order they always had
  open.statement = {
    format: 'ofx',
    account: accountOf(find(stmt, 'BANKACCTFROM') ?? find(stmt, 'CCACCTFROM')),
    currency,
    periodStart: starts[0],
    periodEnd: ends.at(-1),
    closingBalanceCents: closing,
    entries: st.entries,
    balanceCheck: st.balanceCheck,
  };
}

/** CURDEF, else (some exports leave it empty) the currency every transaction names in CURRENCY/CURSYM. */
function currencyOf(open: Open): string {
  const declared = (val(open.node, 'CURDEF') ?? '').toUpperCase();
  if (/^[A-Z]{3}$/.test(declared)) return declared;
  const [only] = open.named;
  if (open.named.size === 1 && only && /^[A-Z]{3}$/.test(only)) return only;
  throw new StatementParseError('missing_field', 'statement without a currency (CURDEF)', {
    line: open.node.line,
    element: open.node.name,
  });
}

/** The first child of each name a transaction reads, and the first of the nested ones anywhere below it. */
interface Fields {
  DTPOSTED?: ONode;
  DTAVAIL?: ONode;
  TRNAMT?: ONode;
  TRNTYPE?: ONode;
  FITID?: ONode;
  NAME?: ONode;
  MEMO?: ONode;
  REFNUM?: ONode;
  EXTDNAME?: ONode;
  PAYEE?: ONode;
}

function fieldsOf(t: ONode): Fields {
  const f: Fields = {};
  for (const c of t.children) {
    switch (c.name) {
      case 'DTPOSTED':
        f.DTPOSTED ??= c;
        break;
      case 'DTAVAIL':
        f.DTAVAIL ??= c;
        break;
      case 'TRNAMT':
        f.TRNAMT ??= c;
        break;
      case 'TRNTYPE':
        f.TRNTYPE ??= c;
        break;
      case 'FITID':
        f.FITID ??= c;
        break;
      case 'NAME':
        f.NAME ??= c;
        break;
      case 'MEMO':
        f.MEMO ??= c;
        break;
      case 'REFNUM':
        f.REFNUM ??= c;
        break;
      case 'EXTDNAME':
        f.EXTDNAME ??= c;
        break;
      case 'PAYEE':
        f.PAYEE ??= c;
        break;
    }
  }
  return f;
}

const v = (n: ONode | undefined) => n?.value || undefined;

/** The currency a transaction names (ORIGCURRENCY or CURRENCY, anywhere in it), if any. */
function currencyNamed(t: ONode): string | undefined {
  return val(find(t, 'ORIGCURRENCY') ?? find(t, 'CURRENCY'), 'CURSYM')?.toUpperCase();
}

function transaction(t: ONode, index: number, currency: string | undefined, raw: string): StatementEntry {
  const f = fieldsOf(t);
  const bookingDate = ofxDate(v(f.DTPOSTED), 'STMTTRN');
  if (!bookingDate)
    throw new StatementParseError('missing_field', 'transaction without DTPOSTED', { element: 'STMTTRN' });
  const amount = ofxAmount(v(f.TRNAMT), 'STMTTRN', 'TRNAMT');
  const payee = f.PAYEE;
  const name = v(f.NAME) ?? val(payee, 'NAME');
  const memo = v(f.MEMO);
  const counterpartyAccount = val(find(t, 'BANKACCTTO') ?? find(t, 'CCACCTTO'), 'ACCTID');
  const refnum = v(f.REFNUM);
  const type = v(f.TRNTYPE);
  return {
    index,
    bookingDate,
    valueDate: ofxDate(v(f.DTAVAIL), 'STMTTRN'),
    amountCents: amount,
    currency: currency ?? STATEMENT_CURRENCY,
    bankCodes: type ? [type.toUpperCase()] : [],
    bankReference: v(f.FITID),
    label: collapse(name ?? memo ?? ''),
    counterpartyName: v(f.EXTDNAME) ?? (payee ? val(payee, 'NAME') : undefined),
    counterpartyIban: counterpartyAccount ? ibanIn(counterpartyAccount) : undefined,
    remittance: {
      unstructured: memo ? [collapse(memo)] : [],
      structured: refnum ? refnum.split(/\s+/).filter(Boolean) : [],
    },
    reversal: false,
    raw: [raw],
  };
}
